// The bibliography commands of a LaTeX text (`\bibliography{a,b}`, `\addbibresource[…]{x.bib}`, …),
// found in one linear pass: no regular expression with adjacent `\s*` or an open-ended `[^}]*` per
// command, so a run of spaces or many unclosed braces after a command cost no more than reading them.

export interface BibCommand {
  /** `bibliography`, `nobibliography`, `addbibresource`, `addglobalbib` or `addsectionbib`. */
  cmd: string;
  /** The braced argument as written. */
  arg: string;
  /** 1-based line of the command. */
  line: number;
}

const COMMAND = /\\(bibliography|nobibliography|addbibresource|addglobalbib|addsectionbib)(?![A-Za-z])/g;

/** The text with LaTeX comments (an unescaped `%` to the end of its line) blanked out; offsets and lines kept. */
export function blankTexComments(text: string): string {
  let out = '';
  let from = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) { i++; continue; }
    if (c !== 37) continue;
    let e = text.indexOf('\n', i);
    if (e < 0) e = n;
    out += text.slice(from, i) + ' '.repeat(e - i);
    from = i = e;
  }
  return from === 0 ? text : out + text.slice(from);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

/** Every bibliography command outside comments, in order. */
export function bibCommands(text: string): BibCommand[] {
  const t = blankTexComments(text);
  const n = t.length;
  const out: BibCommand[] = [];
  // Next `]` / `}` / newline at or after a position, remembered (positions only grow).
  const next: Record<string, { q: number; at: number }> = { ']': { q: -1, at: -1 }, '}': { q: -1, at: -1 }, '\n': { q: -1, at: -1 } };
  const nextOf = (ch: string, p: number): number => {
    const c = next[ch]!;
    if (p < c.q || p > c.at) { const k = t.indexOf(ch, p); c.q = p; c.at = k < 0 ? n : k; }
    return c.at;
  };
  let line = 1, lineFrom = 0;
  COMMAND.lastIndex = 0;
  for (let m = COMMAND.exec(t); m; m = COMMAND.exec(t)) {
    let p = m.index + m[0].length;
    while (p < n && isSpace(t.charCodeAt(p))) p++;
    if (t.charCodeAt(p) === 91) { // [options]
      p = nextOf(']', p) + 1;
      while (p < n && isSpace(t.charCodeAt(p))) p++;
    }
    COMMAND.lastIndex = Math.max(COMMAND.lastIndex, Math.min(p, n));
    if (t.charCodeAt(p) !== 123) continue;
    const close = nextOf('}', p);
    if (close >= n) break; // no `}` anywhere after: no later command can close either
    for (let k = nextOf('\n', lineFrom); k < m.index; k = nextOf('\n', k + 1)) { line++; lineFrom = k + 1; }
    out.push({ cmd: m[1]!, arg: t.slice(p + 1, close), line });
    COMMAND.lastIndex = close + 1;
  }
  return out;
}
