// Citing while writing: completion, quick pick, hover, definition, diagnostics, and the commands
// that keep the project's .bib in step.
import * as vscode from 'vscode';
import { citeCommandMatcher, citeContextAt, citeSyntaxFor } from '../../core/citeContext';
import { typstKeyEndingNear } from '../../core/typstCite';
import { Commands } from '../ids';
import { log } from '../log';
import { registerCommand } from '../registerCommand';
import { stateSection } from '../status';
import type { Services } from '../services';
import { registerPaperCommands } from './commands';
import { CITE_SELECTOR, CiteCompletionProvider, contextAt } from './completion';
import { CiteCodeActions, CiteDiagnostics } from './diagnostics';
import { registerLatexWorkshopOffer } from './latexWorkshop';
import { CiteDefinitionProvider, CiteHoverProvider, PaperBibContent, PAPER_SCHEME } from './navigation';
import { ProjectBib } from './projectBib';
import { insertCitationCommand, searchPapersCommand } from './quickPick';
import { rankPapers } from './rank';

export { ProjectBib } from './projectBib';
export { CiteCompletionProvider } from './completion';

function typstKeyBefore(doc: vscode.TextDocument, pos: vscode.Position): string | undefined {
  const line = doc.lineAt(pos.line).text;
  return typstKeyEndingNear(line, pos.character);
}

export function registerCite(context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  const bib = new ProjectBib(services);
  const completion = new CiteCompletionProvider(services);
  // Each folder may set its own citation commands: every pattern is checked, each problem said once.
  const checkCustom = () => {
    const problems = new Set<string>();
    for (const uri of [undefined, ...(vscode.workspace.workspaceFolders ?? []).map(f => f.uri)]) {
      for (const p of citeCommandMatcher(services.config.forDocument(uri).customCiteCommands).problems) problems.add(p);
    }
    for (const p of problems) log.warn(`[cite] ${p}`);
  };
  checkCustom();
  // Warm the search and the parser once the library is there, so the first keystroke is not the
  // one that pays for compiling them.
  const warm = () => {
    try {
      rankPapers(services.library, 'reasoning', { limit: 50 });
      citeContextAt('\\citep[see][]{abs', 17, { syntax: 'latex' });
    } catch { /* only a warm-up */ }
  };
  void services.library.ready.then(warm);
  // After a change, warm once the burst is over: at 73k papers the warm-up costs a few hundred ms,
  // which must not run inside every change event.
  let warmTimer: ReturnType<typeof setTimeout> | undefined;
  const warmSoon = () => { clearTimeout(warmTimer); warmTimer = setTimeout(warm, 1500); };
  return vscode.Disposable.from(
    services.library.onDidChange(warmSoon),
    { dispose: () => clearTimeout(warmTimer) },
    bib,
    vscode.languages.registerCompletionItemProvider(CITE_SELECTOR, completion, '{', ',', '@', ' ', '<', '"', '`'),
    vscode.languages.registerHoverProvider(CITE_SELECTOR, new CiteHoverProvider(services, bib)),
    vscode.languages.registerDefinitionProvider(CITE_SELECTOR, new CiteDefinitionProvider(services, bib)),
    vscode.languages.registerCodeActionsProvider(CITE_SELECTOR, new CiteCodeActions(services, bib), { providedCodeActionKinds: CiteCodeActions.kinds }),
    vscode.workspace.registerTextDocumentContentProvider(PAPER_SCHEME, new PaperBibContent(services)),
    // Going to the definition of a corpus-only key shows its BibTeX and opens its panel.
    vscode.window.onDidChangeActiveTextEditor(e => {
      if (e?.document.uri.scheme !== PAPER_SCHEME) return;
      const key = decodeURIComponent(e.document.uri.path.replace(/^\//, '').replace(/\.bib$/, ''));
      if (services.library.byKey(key)) void vscode.commands.executeCommand(Commands.openPaper, key).then(undefined, err => log.warn(`[cite] openPaper ${key}: ${String(err)}`));
    }),
    new CiteDiagnostics(services, bib),
    registerLatexWorkshopOffer(context),
    services.config.onDidChange(checkCustom),
    registerCommand(Commands.insertCitation, 'Insert Citation', () => insertCitationCommand(services, bib)),
    registerCommand(Commands.searchPapers, 'Search Papers', () => searchPapersCommand(services)),
    registerPaperCommands(services, bib),
    registerCommand(Commands.completionAccepted, 'Adding the cited paper to the .bib', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return;
      const found = contextAt(editor.document, editor.selection.active, services.config.forDocument(editor.document.uri).customCiteCommands);
      let key = found && editor.document.getText(new vscode.Range(
        editor.document.positionAt(found.base + found.ctx.start), editor.document.positionAt(found.base + found.ctx.keyEnd)));
      // Typst: after `<key>` or `label("key")` the cursor is past the citation.
      if (!key && citeSyntaxFor(editor.document.languageId, editor.document.fileName) === 'typst') key = typstKeyBefore(editor.document, editor.selection.active);
      if (!key || !services.library.byKey(key)) return;
      await bib.addEntries([key], editor.document.uri);
    }),
    // For tests and benchmarks: completion timings of this session (in papercite.getState).
    stateSection('completion', () => completion.stats()),
  );
}
