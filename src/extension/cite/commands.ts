// Commands on one paper, shared with the Papers tree: copy key / BibTeX / reference, insert the
// citation, add the BibTeX entry to the project's .bib.
import * as vscode from 'vscode';
import { documentEncoding, paperToBibtex, type BibEncoding } from '../../core/bibtex/export';
import { formatReference } from '../../core/csl';
import type { Paper } from '../../core/model';
import { Commands } from '../ids';
import { keyOf } from '../paperArg';
import { registerCommand } from '../registerCommand';
import type { Services } from '../services';
import { linkedDocument } from './navigation';
import type { ProjectBib } from './projectBib';
import { insertKeys, keysFor } from './quickPick';

export function registerPaperCommands(services: Services, bib: ProjectBib): vscode.Disposable {
  /** `from`: the document a link was shown in (a URI string), whose bibliography list may read the entry its own way. */
  const paperOf = (arg: unknown, from?: unknown): Paper | undefined => {
    const key = keyOf(arg);
    // Online papers shown in this session (Search Papers, the panel) are found by key too.
    const p = key === undefined ? undefined : services.library.paperFor(key, linkedDocument(from)) ?? services.online.paper(key);
    if (!p) void vscode.window.showWarningMessage(key ? `PaperCite: no paper with the key ${key} in the library.` : 'PaperCite: no paper given.');
    return p;
  };
  const copy = async (text: string, what: string) => {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`$(check) PaperCite: copied ${what}`, 3000);
  };
  return vscode.Disposable.from(
    registerCommand(Commands.copyKey, 'Copy Citation Key', async arg => {
      const p = paperOf(arg);
      if (p) await copy(p.id, p.id);
    }),
    registerCommand(Commands.copyBibtex, 'Copy BibTeX', async (arg, from) => {
      const p = paperOf(arg, from);
      if (p) await copy(paperToBibtex(p, { encoding: copyEncoding(services) }), `BibTeX of ${p.id}`);
    }),
    registerCommand(Commands.copyReference, 'Copy Formatted Reference', async arg => {
      const p = paperOf(arg);
      if (p) await copy(formatReference(p, services.config.current.referenceStyle, 'text').trim(), `the reference of ${p.id}`);
    }),
    registerCommand(Commands.insertPaper, 'Insert Citation in Editor', async arg => {
      const p = paperOf(arg);
      if (!p) return;
      const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
      if (!editor) {
        void vscode.window.showInformationMessage('PaperCite: open a LaTeX or Markdown file to insert the citation.');
        return;
      }
      const record = services.library.byKey(p.id) ? undefined : services.online.record(p.id);
      const keys = record ? await keysFor(services, bib, [{ paper: p, record }], editor.document.uri) : [p.id];
      if (keys.length) await insertKeys(services, editor, keys);
    }),
    registerCommand(Commands.addBibEntry, 'Add BibTeX Entry to Project', async (arg: unknown, docUri: unknown) => {
      const keys = (Array.isArray(arg) ? arg.map(keyOf) : [keyOf(arg)]).filter((k): k is string => !!k);
      const uri = docUri instanceof vscode.Uri ? docUri : typeof docUri === 'string' ? vscode.Uri.parse(docUri)
        : vscode.window.activeTextEditor?.document.uri;
      if (!keys.length || !uri) return undefined;
      return bib.addEntries(keys, uri);
    }),
  );
}

/** `papercite.bibtex.encoding` for Copy BibTeX; `auto` follows the active editor's document. */
function copyEncoding(services: Services): BibEncoding {
  const doc = vscode.window.activeTextEditor?.document;
  const setting = services.config.forDocument(doc?.uri).bibtexEncoding;
  if (setting !== 'auto') return setting;
  // The preamble is at the top: the first lines are enough.
  return documentEncoding({ tex: doc ? [doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 2000), 0))] : [] });
}
