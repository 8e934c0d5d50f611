// Which library files a document names: `\bibliography{a,b}` / `\addbibresource{x.bib}` in LaTeX,
// `bibliography:` in a pandoc Markdown document's YAML front matter. Pure text in, names out;
// resolving them against the file system is the caller's part.

export interface BibReference {
  /** As written, with `.bib` added where BibTeX adds it (`\bibliography{refs}` → `refs.bib`). */
  name: string;
  /** 1-based line of the command or key. */
  line: number;
}

/** Strips a LaTeX comment (an unescaped `%` to the end of the line). */
function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') { i++; continue; }
    if (line[i] === '%') return line.slice(0, i);
  }
  return line;
}

export function texBibliographies(text: string): BibReference[] {
  const out: BibReference[] = [];
  const lines = text.split(/\r?\n/);
  const re = /\\(bibliography|addbibresource|addglobalbib|addsectionbib|nobibliography)\s*(?:\[[^\]]*\])?\s*\{([^}]*)\}/g;
  lines.forEach((raw, i) => {
    const line = stripComment(raw);
    if (!line.includes('\\')) return;
    for (const m of line.matchAll(re)) {
      const cmd = m[1]!;
      const names = cmd === 'bibliography' || cmd === 'nobibliography' ? m[2]!.split(',') : [m[2]!];
      for (let n of names) {
        n = n.trim();
        if (!n || n.includes('\\')) continue; // a macro: cannot be resolved without TeX
        if ((cmd === 'bibliography' || cmd === 'nobibliography') && !/\.bib$/i.test(n)) n += '.bib';
        out.push({ name: n, line: i + 1 });
      }
    }
  });
  return out;
}

/** `bibliography:` in YAML front matter: a scalar, an inline list or a block list. */
export function markdownBibliographies(text: string): BibReference[] {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== '---') return [];
  const out: BibReference[] = [];
  const unquote = (s: string) => s.trim().replace(/^(['"])(.*)\1$/, '$2').trim();
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === '---' || l.trim() === '...') break;
    const m = /^bibliography\s*:\s*(.*)$/.exec(l);
    if (!m) continue;
    const v = m[1]!.replace(/\s+#.*$/, '').trim();
    if (v.startsWith('[')) {
      for (const part of v.replace(/^\[|\]$/g, '').split(',')) if (unquote(part)) out.push({ name: unquote(part), line: i + 1 });
    } else if (v) {
      out.push({ name: unquote(v), line: i + 1 });
    } else {
      for (let j = i + 1; j < lines.length; j++) {
        const item = /^\s+-\s+(.*)$/.exec(lines[j]!);
        if (!item) break;
        if (unquote(item[1]!)) out.push({ name: unquote(item[1]!), line: j + 1 });
      }
    }
  }
  return out;
}

/** Whether a `papercite.libraries` entry is a glob rather than a path. */
export function isGlob(s: string): boolean {
  return /[*?[\]{}]/.test(s);
}
