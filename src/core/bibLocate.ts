// Which .bib does a document cite from? `\bibliography{a,b}` / `\addbibresource{x.bib}` in the
// document or its root (`% !TEX root = …`), pandoc `bibliography:` front matter, the
// `papercite.bibFile` setting, else `references.bib` beside the document. Paths are POSIX paths
// (a URI's path), so the same code serves local, remote and virtual workspaces.
import * as path from 'node:path';
import { bibCommands } from './bibCommands';
import { projectBibNames, yamlTopLevelList } from './projectBibNames';
import { typstBibliographyPaths } from './typstCite';

const posix = path.posix;

export type BibSource = 'document' | 'root' | 'front-matter' | 'project' | 'setting' | 'default';

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
  /**
   * Project files that may name the bibliography when the document does not (other `.typ` files,
   * `_quarto.yml`, Sphinx `conf.py`), in the order to prefer; see core/projectBibNames.ts.
   */
  project?: { path: string; text: string }[];
}

const isTypst = (p: string) => /\.typ$/i.test(p);

/**
 * Typst writes to a `.bib` only (a Hayagriva `.yml` is read, never written): the first `.bib`
 * named, else `refs.bib` beside the file that names the bibliography.
 */
function typstTarget(all: string[], dir: string, from: BibSource): BibTarget {
  const bib = all.find(p => /\.bib$/i.test(p));
  if (bib) return { path: bib, all, from };
  const p = posix.join(dir, 'refs.bib');
  return { path: p, all: [...all, p], from };
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

/** `bibliography: a.bib`, `bibliography: [a.bib, "b.bib"]` or a `- a.bib` block list. */
function yamlBibliography(yaml: string): string[] {
  return yamlTopLevelList(yaml, 'bibliography');
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
  // Typst: `/x.bib` is relative to the project root.
  const resolveTypst = (dir: string, n: string) => n.startsWith('/') && input.workspaceFolder ? posix.join(input.workspaceFolder, n) : resolveFrom(dir, n);
  if (isTypst(input.docPath)) {
    const names = typstBibliographyPaths(input.docText);
    if (names.length) return typstTarget(names.map(n => resolveTypst(docDir, n)), docDir, 'document');
  }
  const own = isTypst(input.docPath) ? [] : bibNamesIn(input.docText);
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
  for (const f of input.project ?? []) {
    const names = projectBibNames(f.path, f.text);
    if (!names.length) continue;
    const dir = posix.dirname(f.path);
    if (isTypst(input.docPath)) return typstTarget(names.map(n => resolveTypst(dir, n)), dir, 'project');
    const all = names.map(n => resolveFrom(dir, n));
    return { path: all[0]!, all, from: 'project' };
  }
  const setting = input.setting?.trim();
  if (setting) {
    const p = resolveFrom(input.workspaceFolder ?? docDir, setting);
    return { path: p, all: [p], from: 'setting' };
  }
  const p = posix.join(docDir, isTypst(input.docPath) ? 'refs.bib' : 'references.bib');
  return { path: p, all: [p], from: 'default' };
}
