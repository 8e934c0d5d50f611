// Bibliographies named by a project rather than by the document: Typst's `#bibliography(…)` in any
// `.typ` file, `bibliography:` in a Quarto project's `_quarto.yml`, `bibtex_bibfiles` in a Sphinx
// `conf.py` (read as text with one bounded, linear scan; never executed). Also reads the keys of
// a Hayagriva `.yml` bibliography, which Typst accepts beside BibTeX.
import type { BibEntry } from './bibtex/parse';
import { typstBibliographyPaths } from './typstCite';

/** The bibliography names a project file holds, as written (relative to that file). */
export function projectBibNames(path: string, text: string): string[] {
  if (/\.typ$/i.test(path)) return typstBibliographyPaths(text);
  if (/(?:^|\/)_quarto\.ya?ml$/i.test(path)) return yamlTopLevelList(text, 'bibliography');
  if (/(?:^|\/)conf\.py$/i.test(path)) return sphinxBibfiles(text);
  if (/\.ipynb$/i.test(path)) return notebookBibNames(text);
  return [];
}

/**
 * A Jupyter notebook's bibliography: `metadata.bibliography` (a string or a list), else the
 * `bibliography:` of a front matter in its first cell (as Quarto reads notebooks).
 */
export function notebookBibNames(json: string): string[] {
  let nb: { metadata?: { bibliography?: unknown }; cells?: { source?: unknown }[] };
  try { nb = JSON.parse(json) as typeof nb; } catch { return []; }
  const meta = nb?.metadata?.bibliography;
  if (typeof meta === 'string') return [meta];
  if (Array.isArray(meta)) return meta.filter((x): x is string => typeof x === 'string');
  const first = Array.isArray(nb?.cells) ? nb.cells[0]?.source : undefined;
  const src = Array.isArray(first) ? first.filter(x => typeof x === 'string').join('') : typeof first === 'string' ? first : '';
  const fm = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(src);
  return fm ? yamlTopLevelList(fm[1]!, 'bibliography') : [];
}

export function unquote(s: string): string {
  const t = s.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t;
}

/** A YAML value without its ` # comment`, trimmed (no backtracking regular expression on long lines). */
export function withoutYamlComment(v: string): string {
  const c = /\s#/.exec(v);
  return (c ? v.slice(0, c.index) : v).trim();
}

/**
 * `key: a.bib`, `key: [a.bib, "b.bib"]` or a `- a.bib` block list at the top level of a YAML text.
 * Linear: no regular expression here can backtrack over a long run of spaces.
 */
export function yamlTopLevelList(yaml: string, key: string): string[] {
  const lines = yaml.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.startsWith(key)) continue;
    const rest = l.slice(key.length).trimStart();
    if (!rest.startsWith(':')) continue;
    const v = withoutYamlComment(rest.slice(1));
    if (v.startsWith('[')) return v.replace(/^\[|\]$/g, '').split(',').map(unquote).filter(Boolean);
    if (v) return [unquote(v)];
    const out: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const item = /^\s+-\s/.exec(lines[j]!);
      if (!item) break;
      out.push(unquote(withoutYamlComment(lines[j]!.slice(item[0].length))));
    }
    return out;
  }
  return [];
}

/** `bibtex_bibfiles = ['a.bib', "b.bib"]` (a list or tuple of string literals) in a `conf.py`. */
export function sphinxBibfiles(py: string): string[] {
  const at = /^bibtex_bibfiles\s*=\s*[[(]/m.exec(py);
  if (!at) return [];
  const out: string[] = [];
  // One pass over at most 10,000 characters: string literals up to the closing bracket; `#` comments skipped.
  const end = Math.min(py.length, at.index + at[0].length + 10_000);
  for (let i = at.index + at[0].length; i < end; i++) {
    const c = py[i]!;
    if (c === ']' || c === ')') break;
    if (c === '#') { while (i < end && py[i] !== '\n') i++; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < end && py[j] !== c && py[j] !== '\n') { if (py[j] === '\\') j++; s += py[j] ?? ''; j++; }
      if (py[j] === c && s.trim()) out.push(s.trim());
      i = j;
    }
  }
  return out;
}

/**
 * The entries of a Hayagriva YAML bibliography: each top-level `key:` with its `title`, `author`
 * and `date` when written on one line. One linear pass; other YAML is left alone.
 */
export function parseHayagriva(text: string): BibEntry[] {
  const out: BibEntry[] = [];
  const lines = text.split('\n', 200_000);
  let offset = 0;
  let cur: BibEntry | undefined;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/\r$/, '');
    const start = offset;
    offset += lines[n]!.length + 1;
    const top = /^([^\s#:-][^:#]*?|"[^"]+"|'[^']+'):\s*(?:#.*)?$/.exec(line);
    if (top) {
      cur = { type: 'misc', key: unquote(top[1]!), fields: {}, line: n + 1, start, end: offset - 1 } as BibEntry;
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    if (/^\S/.test(line)) { cur = undefined; continue; }
    cur.end = offset - 1;
    // The value is trimmed, not matched with `\s*(.+?)\s*$`, which rescanned a run of spaces at
    // each of its characters (cubic time on one long line).
    const f = /^\s{1,8}(title|author|date|type):/.exec(line);
    const raw = f ? line.slice(f[0].length).trim() : '';
    if (!raw) continue;
    const name = f![1]!;
    const value = unquote(raw.replace(/^\[|\]$/g, ''));
    if (name === 'type') cur.type = value.toLowerCase();
    else if (name === 'date') cur.fields.year = value.slice(0, 4);
    else if (!(name in cur.fields)) cur.fields[name] = value;
  }
  return out;
}
