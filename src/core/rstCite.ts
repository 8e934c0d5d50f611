// reStructuredText citations of sphinxcontrib-bibtex: `:cite:p:`a,b``, `:cite:t:`, `:cite:ps:`,
// `:cite:ts:`, `:cite:`, `:footcite:`… with comma-separated keys. Literal blocks (after `::`,
// `.. code-block::` and other directives' indented bodies), comments and ``inline literals`` never count.
// Linear: one pass over lines for the literal ranges, one regex pass for the roles.

export interface RstRole { role: string; open: number; close: number; closed: boolean; keys: { key: string; start: number; end: number }[] }

const ROLE = /:((?:foot)?cite(?::[a-z]{1,8})?):`/g;
/** A role's content is one key list: at most this long, never across a blank line. */
const MAX_ROLE = 2000;

/** Literal blocks, comments and inline literals of an rST text, sorted; linear. */
export function rstLiteralRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  let pos = 0;
  let literalFrom = -1; // the block after `::` or a directive starts at the next indented line
  let indentOf = -1;
  let blockStart = -1;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const line = text.slice(pos, nl);
    const blank = /^\s*$/.test(line);
    const indent = line.length - line.trimStart().length;
    if (blockStart >= 0) {
      if (!blank && indent <= indentOf) { out.push([blockStart, pos]); blockStart = -1; } else { pos = nl + 1; continue; }
    }
    if (literalFrom >= 0 && !blank) {
      if (indent > indentOf) { blockStart = pos; literalFrom = -1; pos = nl + 1; continue; }
      literalFrom = -1;
    }
    if (!blank) {
      const directive = /^\s*\.\.\s+(?:code-block|code|sourcecode|literalinclude|highlight|math|raw)::/.test(line);
      const comment = /^\s*\.\.(?:\s|$)/.test(line) && !/^\s*\.\.\s+[\w:-]+::/.test(line) && !/^\s*\.\.\s+(?:_|\[|\|)/.test(line);
      if (comment) { out.push([pos, nl]); literalFrom = pos; indentOf = indent; }
      else if (directive || /::\s*$/.test(line)) { literalFrom = pos; indentOf = indent; }
      // ``inline literals`` on the line
      for (let i = line.indexOf('``'); i >= 0; ) {
        const j = line.indexOf('``', i + 2);
        if (j < 0) break;
        out.push([pos + i, pos + j + 2]);
        i = line.indexOf('``', j + 2);
      }
    }
    pos = nl + 1;
  }
  if (blockStart >= 0) out.push([blockStart, text.length]);
  return out.sort((a, b) => a[0] - b[0]);
}

/** The cite roles of `text[from, to)`, in order. */
export function rstRoles(text: string, from = 0, to = text.length): RstRole[] {
  const out: RstRole[] = [];
  ROLE.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = ROLE.exec(text)) && m.index < to) {
    if (m.index > 0 && /[\w`]/.test(text[m.index - 1]!)) continue;
    const open = m.index + m[0].length;
    let j = open;
    const limit = Math.min(to, open + MAX_ROLE);
    while (j < limit && text[j] !== '`' && !(text[j] === '\n' && /^\n[ \t]*\n/.test(text.slice(j, j + 80)))) j++;
    const closed = text[j] === '`';
    const keys: RstRole['keys'] = [];
    let s = open;
    for (let k = open; k <= j; k++) {
      if (k === j || text[k] === ',') {
        let a = s; let b = k;
        while (a < b && /\s/.test(text[a]!)) a++;
        while (b > a && /\s/.test(text[b - 1]!)) b--;
        if (b > a) keys.push({ key: text.slice(a, b), start: a, end: b });
        s = k + 1;
      }
    }
    out.push({ role: m[1]!, open, close: j, closed, keys });
    ROLE.lastIndex = Math.max(j, open);
  }
  return out;
}

function inRanges(ranges: [number, number][], at: number): boolean {
  return ranges.some(([s, e]) => at >= s && at < e);
}

/** The role and key under `offset` (phrase since the last `,` or backtick), or undefined. */
export function rstSiteAt(text: string, offset: number, window: number): { role: RstRole; start: number; keyStart: number; keyEnd: number } | undefined {
  const from = Math.max(0, offset - window);
  const roles = rstRoles(text, from, Math.min(text.length, offset + window));
  const role = [...roles].reverse().find(r => r.open <= offset && (offset <= r.close));
  if (!role) return undefined;
  const lineFrom = Math.max(0, text.lastIndexOf('\n', from) + 1);
  if (inRanges(rstLiteralRanges(text.slice(lineFrom, Math.min(text.length, offset + window))).map(([a, b]) => [a + lineFrom, b + lineFrom] as [number, number]), role.open)) return undefined;
  let start = offset;
  while (start > role.open && text[start - 1] !== ',') start--;
  while (start < offset && /\s/.test(text[start]!)) start++;
  let keyStart = offset;
  while (keyStart > start && !/[\s,]/.test(text[keyStart - 1]!)) keyStart--;
  let keyEnd = offset;
  while (keyEnd < role.close && !/[\s,`]/.test(text[keyEnd]!)) keyEnd++;
  return { role, start, keyStart, keyEnd };
}

/** Every cited key of an rST text outside literal blocks. */
export function rstCitations(text: string): { key: string; start: number; end: number; role: string }[] {
  const literal = rstLiteralRanges(text);
  const out: { key: string; start: number; end: number; role: string }[] = [];
  let li = 0;
  for (const r of rstRoles(text)) {
    if (!r.closed) continue;
    while (li < literal.length && literal[li]![1] <= r.open) li++;
    if (li < literal.length && literal[li]![0] <= r.open) continue;
    for (const k of r.keys) out.push({ ...k, role: r.role });
  }
  return out;
}
