// Project files that name a document's bibliography when the document itself does not: the other
// `.typ` files of the workspace (Typst names it once, in the main file), the nearest `_quarto.yml`
// (Quarto) or `conf.py` (Sphinx) above the document. Read as text, a few at a time, cached briefly.
import * as vscode from 'vscode';
import { scanTypst } from '../../core/typstCite';

const MAX_TYP_FILES = 200;
const MAX_BYTES = 2_000_000;
const TTL_MS = 3000;

const cache = new Map<string, { at: number; files: Promise<{ path: string; text: string }[]> }>();

async function read(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    const st = await vscode.workspace.fs.stat(uri);
    if (st.size > MAX_BYTES) return undefined;
    return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** The nearest `name` in the document's folder or above, up to the workspace folder. */
async function nearest(doc: vscode.Uri, names: string[], stopAt: string | undefined): Promise<{ path: string; text: string } | undefined> {
  let dir = doc.path.replace(/\/[^/]*$/, '');
  for (let n = 0; n < 32 && dir; n++) {
    for (const name of names) {
      const uri = doc.with({ path: `${dir}/${name}`, fragment: '', query: '' });
      const text = await read(uri);
      if (text !== undefined) return { path: uri.path, text };
    }
    if (stopAt !== undefined && (dir === stopAt || !dir.startsWith(stopAt))) break;
    dir = dir.replace(/\/[^/]*$/, '');
  }
  return undefined;
}

async function gather(doc: vscode.Uri): Promise<{ path: string; text: string }[]> {
  const folder = vscode.workspace.getWorkspaceFolder(doc);
  const stopAt = folder?.uri.path;
  if (/\.typ$/i.test(doc.path)) {
    if (!folder) return [];
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.typ'), '**/node_modules/**', MAX_TYP_FILES);
    const out: { path: string; text: string }[] = [];
    for (const u of uris.sort((a, b) => a.path.length - b.path.length || a.path.localeCompare(b.path))) {
      if (u.toString() === doc.toString()) continue;
      const text = await read(u);
      if (text !== undefined && text.includes('bibliography')) out.push({ path: u.path, text });
    }
    return out;
  }
  if (/\.(?:qmd|rmd|md|ipynb)$/i.test(doc.path)) {
    const out: { path: string; text: string }[] = [];
    // A notebook cell's document path is the notebook's: its metadata may name the bibliography.
    if (/\.ipynb$/i.test(doc.path)) {
      const nb = fileUriOf(doc);
      const text = await read(nb);
      if (text !== undefined) out.push({ path: nb.path, text });
    }
    const f = await nearest(doc, ['_quarto.yml', '_quarto.yaml'], stopAt);
    if (f) out.push(f);
    return out;
  }
  if (/\.(?:rst|txt)$/i.test(doc.path)) {
    const f = await nearest(doc, ['conf.py'], stopAt);
    return f ? [f] : [];
  }
  return [];
}

const labelCache = new Map<string, { at: number; labels: Promise<Set<string>> }>();

/**
 * Labels defined in the workspace's `.typ` files (`= Intro <intro>`): a `@intro` in another file of
 * the project is a cross-reference, not a citation.
 */
export function typstProjectLabels(doc: vscode.Uri): Promise<Set<string>> {
  const folder = vscode.workspace.getWorkspaceFolder(doc);
  const key = folder?.uri.toString() ?? doc.toString();
  const hit = labelCache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.labels;
  const labels = (async () => {
    const out = new Set<string>();
    const uris = folder ? await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.typ'), '**/node_modules/**', MAX_TYP_FILES) : [doc];
    for (const u of uris) {
      const text = await read(u);
      if (text !== undefined) for (const l of scanTypst(text).labels) out.add(l);
    }
    return out;
  })().catch(() => new Set<string>());
  if (labelCache.size > 20) labelCache.clear();
  labelCache.set(key, { at: Date.now(), labels });
  return labels;
}

/** A notebook cell's notebook (cell documents have their own scheme); any other document itself. */
export function fileUriOf(doc: vscode.Uri): vscode.Uri {
  if (doc.scheme !== 'vscode-notebook-cell') return doc;
  return vscode.workspace.notebookDocuments.find(n => n.getCells().some(c => c.document.uri.toString() === doc.toString()))?.uri
    ?? doc.with({ scheme: 'file', fragment: '', query: '' });
}

/** Project files to read for `doc`'s bibliography (see core/projectBibNames.ts). */
export function projectFilesFor(doc: vscode.Uri): Promise<{ path: string; text: string }[]> {
  const key = doc.with({ fragment: '' }).toString();
  const hit = cache.get(key);
  const now = Date.now();
  if (hit && now - hit.at < TTL_MS) return hit.files;
  const files = gather(doc).catch(() => []);
  if (cache.size > 100) cache.clear();
  cache.set(key, { at: now, files });
  return files;
}
