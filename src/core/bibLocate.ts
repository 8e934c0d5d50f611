// Which .bib does a document cite from? `\bibliography{a,b}` / `\addbibresource{x.bib}` in the
// document or its root (`% !TEX root = …`), pandoc `bibliography:` front matter, the
// `papercite.bibFile` setting, else `references.bib` beside the document. Paths are POSIX paths
// (a URI's path), so the same code serves local, remote and virtual workspaces.
import * as path from 'node:path';
import { bibCommands } from './bibCommands';

const posix = path.posix;

export type BibSource = 'document' | 'root' | 'front-matter' | 'setting' | 'default';

export interface BibTarget {
  /** Where new entries go: the first bibliography named (existing ones preferred by the caller). */
  path: string;
  /** Every bibliography the document names (absolute paths, in order); `[path]` for setting/default. */
  all: string[];
  from: BibSource;
}

export interface LocateInput {
  /** Absolute POSIX path of the document. */
  docPath: string;
  docText: string;
  /** The `% !TEX root` document, when the caller could read it. */
  root?: { path: string; text: string };
  /** `papercite.bibFile`: absolute, or relative to the workspace folder (else the document's folder). */
  setting?: string;
  workspaceFolder?: string;
}

/** The raw names of the bibliographies a LaTeX or Markdown text names, in order. */
export function bibNamesIn(text: string): string[] {
  const names: string[] = [];
  const add = (n: string, bibtexStyle: boolean) => {
    const t = n.trim();
    if (!t || /^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return; // remote resources cannot be written
    const name = bibtexStyle && !/\.bib$/i.test(t) ? `${t}.bib` : t;
    if (!names.includes(name)) names.push(name);
  };
  const fm = frontMatter(text);
  if (fm !== undefined) for (const n of yamlBibliography(fm)) add(n, false);
  const cmds = bibCommands(text);
  for (const c of cmds) if (c.cmd === 'bibliography') for (const n of c.arg.split(',')) add(n, true);
  for (const c of cmds) if (c.cmd.startsWith('add')) add(c.arg, false);
  return names;
}

/** The YAML front matter of a Markdown document (between the leading `---` and `---`/`...`). */
function frontMatter(text: string): string | undefined {
  const m = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
  return m ? m[1] : undefined;
}

/** A YAML value without its ` # comment`, trimmed (no backtracking regular expression on long lines). */
export function withoutYamlComment(v: string): string {
  const c = /\s#/.exec(v);
  return (c ? v.slice(0, c.index) : v).trim();
}

function unquote(s: string): string {
  const t = s.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t;
}

/** `bibliography: a.bib`, `bibliography: [a.bib, "b.bib"]` or a `- a.bib` block list. */
function yamlBibliography(yaml: string): string[] {
  const lines = yaml.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^bibliography\s*:(.*)$/.exec(lines[i]!);
    if (!m) continue;
    const v = withoutYamlComment(m[1]!);
    if (v.startsWith('[')) return v.replace(/^\[|\]$/g, '').split(',').map(unquote).filter(Boolean);
    if (v) return [unquote(v)];
    const out: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const item = /^\s+-\s+(.*?)\s*$/.exec(lines[j]!);
      if (!item) break;
      out.push(unquote(item[1]!));
    }
    return out;
  }
  return [];
}

/** The absolute path of the `% !TEX root = …` document, if the text names one. */
export function texRootOf(docPath: string, docText: string): string | undefined {
  const m = /^[ \t]*%\s*!\s*TeX\s+root\s*=\s*(.+?)\s*$/im.exec(docText.slice(0, 5000));
  if (!m) return undefined;
  const root = posix.resolve(posix.dirname(docPath), m[1]!.replace(/\\/g, '/'));
  return root === docPath ? undefined : root;
}

function resolveFrom(dir: string, name: string): string {
  return posix.resolve(dir, name.replace(/\\/g, '/'));
}

/** Decides which .bib a document writes to. The caller reads the root (see `texRootOf`) beforehand. */
export function locateBib(input: LocateInput): BibTarget {
  const docDir = posix.dirname(input.docPath);
  const own = bibNamesIn(input.docText);
  if (own.length) {
    // LaTeX resolves names against the main file's folder.
    const base = input.root ? posix.dirname(input.root.path) : docDir;
    const all = own.map(n => resolveFrom(base, n));
    const fm = frontMatter(input.docText);
    return { path: all[0]!, all, from: fm !== undefined && yamlBibliography(fm).length ? 'front-matter' : 'document' };
  }
  if (input.root) {
    const names = bibNamesIn(input.root.text);
    if (names.length) {
      const all = names.map(n => resolveFrom(posix.dirname(input.root!.path), n));
      return { path: all[0]!, all, from: 'root' };
    }
  }
  const setting = input.setting?.trim();
  if (setting) {
    const p = resolveFrom(input.workspaceFolder ?? docDir, setting);
    return { path: p, all: [p], from: 'setting' };
  }
  const p = posix.join(docDir, 'references.bib');
  return { path: p, all: [p], from: 'default' };
}
