// Which library files a document names: `\bibliography{a,b}` / `\addbibresource{x.bib}` in LaTeX,
// `bibliography:` in a pandoc Markdown document's YAML front matter. Pure text in, names out;
// resolving them against the file system is the caller's part.
import { bibCommands } from '../bibCommands';
import { withoutYamlComment } from '../projectBibNames';

export interface BibReference {
  /** As written, with `.bib` added where BibTeX adds it (`\bibliography{refs}` → `refs.bib`). */
  name: string;
  /** 1-based line of the command or key. */
  line: number;
}

export function texBibliographies(text: string): BibReference[] {
  return bibCommands(text).flatMap(bibNamesOf);
}

/** The file names one bibliography command names (`\bibliography{a,b}`: `a.bib`, `b.bib`). */
export function bibNamesOf({ cmd, arg, line }: { cmd: string; arg: string; line: number }): BibReference[] {
  const out: BibReference[] = [];
  const bibtexStyle = cmd === 'bibliography' || cmd === 'nobibliography';
  for (let n of bibtexStyle ? arg.split(',') : [arg]) {
    n = n.trim();
    if (!n || n.includes('\\')) continue; // a macro: cannot be resolved without TeX
    if (bibtexStyle && !/\.bib$/i.test(n)) n += '.bib';
    out.push({ name: n, line });
  }
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
    const v = withoutYamlComment(m[1]!);
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
