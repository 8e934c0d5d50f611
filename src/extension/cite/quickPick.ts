// PaperCite: Insert Citation and PaperCite: Search Papers. One quick pick, searched as the user
// types (items `alwaysShow`, so the editor's own filter never hides a fuzzy hit). Insert Citation
// is multi-select at no cost: Enter takes the highlighted paper when nothing is ticked.
import * as vscode from 'vscode';
import { citeSyntaxFor } from '../../core/citeContext';
import type { Paper } from '../../core/model';
import { Commands } from '../ids';
import type { Services } from '../services';
import { contextAt } from './completion';
import { citeSettings } from './settings';
import { escapeIcons, paperDescription } from './format';
import { rankPapers } from './rank';

interface PaperItem extends vscode.QuickPickItem { paper: Paper }

function toItem(p: Paper): PaperItem {
  return {
    label: escapeIcons(p.title ?? p.id),
    description: escapeIcons(paperDescription(p)) + (p.custom.hasCode ? '  $(code)' : ''),
    detail: escapeIcons(p.id + (p.custom.venue ? ` · ${p.custom.venue}` : '')),
    alwaysShow: true,
    paper: p,
  };
}

/**
 * Shows the paper search; resolves with the papers chosen (ticked ones, or the highlighted one),
 * or undefined when dismissed.
 */
export function pickPapers(services: Services, opts: { title: string; many: boolean; value?: string; exclude?: ReadonlySet<string> }): Promise<Paper[] | undefined> {
  const lib = services.library;
  const qp = vscode.window.createQuickPick<PaperItem>();
  qp.title = opts.title;
  qp.placeholder = opts.many
    ? 'Search title, author, year or abstract; Enter inserts the highlighted paper, Space/click ticks several'
    : 'Search title, author, year or abstract';
  qp.canSelectMany = opts.many;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  // Our ranking is the order: without this the window moves items whose title contains the typed
  // text to the top, so the highlighted best hit would sit mid-list. (Not in the typed API of
  // VS Code 1.100; the host honours it and ignores it where unknown.)
  (qp as { sortByLabel?: boolean }).sortByLabel = false;
  qp.value = opts.value ?? '';
  const ticked = new Map<string, PaperItem>();
  let updating = false;

  let settle: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    const hits = rankPapers(lib, qp.value, { limit: 100, ...(opts.exclude ? { exclude: opts.exclude } : {}) });
    // Replacing the items clears the ticks in the window, which echoes back as selection events:
    // ignore those for a moment, and tick the kept papers again.
    updating = true;
    if (settle) clearTimeout(settle);
    settle = setTimeout(() => { updating = false; }, 80);
    const kept = [...ticked.values()];
    const fresh = hits.filter(p => !ticked.has(p.id)).map(toItem);
    qp.items = [...kept, ...fresh];
    if (opts.many) qp.selectedItems = kept;
    // Enter takes the highlighted paper: highlight the best hit, not a ticked one.
    const first = fresh[0] ?? kept[0];
    if (first) qp.activeItems = [first];
  };

  return new Promise(resolve => {
    let done = false;
    const finish = (v: Paper[] | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.hide();
    };
    const subs: vscode.Disposable[] = [
      qp.onDidChangeValue(refresh),
      qp.onDidChangeSelection(sel => {
        if (updating || !opts.many) return;
        // Keep the order in which the user ticked.
        const now = new Set(sel.map(i => i.paper.id));
        for (const id of [...ticked.keys()]) if (!now.has(id)) ticked.delete(id);
        for (const i of sel) if (!ticked.has(i.paper.id)) ticked.set(i.paper.id, i);
      }),
      qp.onDidAccept(() => {
        let chosen: readonly PaperItem[] = qp.activeItems.slice(0, 1);
        if (opts.many && qp.selectedItems.length) {
          const order = [...ticked.keys()];
          const rank = (i: PaperItem) => { const n = order.indexOf(i.paper.id); return n < 0 ? order.length : n; };
          chosen = [...qp.selectedItems].sort((a, b) => rank(a) - rank(b));
        }
        finish(chosen.length ? chosen.map(i => i.paper) : undefined);
      }),
      lib.onDidChange(refresh),
      qp.onDidHide(() => {
        if (settle) clearTimeout(settle);
        finish(undefined);
        for (const s of subs) s.dispose();
        qp.dispose();
      }),
    ];
    if (lib.state === 'loading') {
      qp.busy = true;
      void lib.ready.then(() => { qp.busy = false; refresh(); });
    }
    refresh();
    qp.show();
  });
}

/** Writes `keys` at the cursor: into the citation under it, or as a new citation. */
export async function insertKeys(services: Services, editor: vscode.TextEditor, keys: string[]): Promise<boolean> {
  const doc = editor.document;
  const cfg = citeSettings(doc.uri);
  const found = contextAt(doc, editor.selection.active, cfg.customCiteCommands, k => !!services.library.byKey(k));
  const edit = (range: vscode.Range, text: string) => editor.edit(b => b.replace(range, text));
  let ok: boolean;
  if (found) {
    const { ctx, base } = found;
    const fresh = keys.filter(k => !ctx.keys.includes(k));
    if (!fresh.length) return true;
    const token = doc.getText(new vscode.Range(doc.positionAt(base + ctx.start), doc.positionAt(base + ctx.keyEnd)));
    const tokenRange = new vscode.Range(doc.positionAt(base + ctx.start), doc.positionAt(base + ctx.keyEnd));
    const replaceToken = token === '' || !services.library.byKey(token);
    if (ctx.kind === 'latex') {
      if (replaceToken) ok = await edit(tokenRange, (ctx.separator ?? '') + fresh.join(','));
      else {
        const at = doc.positionAt(base + (ctx.group?.end ?? ctx.keyEnd));
        ok = await edit(new vscode.Range(at, at), ',' + fresh.filter(k => k !== token).join(','));
      }
    } else if (replaceToken) {
      ok = await edit(tokenRange, fresh.join('; @'));
    } else if (ctx.group) {
      const at = doc.positionAt(base + ctx.group.end);
      ok = await edit(new vscode.Range(at, at), '; @' + fresh.filter(k => k !== token).join('; @'));
    } else {
      const at = doc.positionAt(base + ctx.keyEnd);
      ok = await edit(new vscode.Range(at, at), ` [@${fresh.filter(k => k !== token).join('; @')}]`);
    }
  } else {
    const syntax = citeSyntaxFor(doc.languageId, doc.fileName);
    const text = syntax === 'latex' ? `\\${cfg.citeCommand}{${keys.join(',')}}` : `[@${keys.join('; @')}]`;
    ok = await edit(editor.selection, text);
  }
  if (ok) {
    const inLibrary = keys.filter(k => services.library.byKey(k));
    if (inLibrary.length) await vscode.commands.executeCommand(Commands.addBibEntry, inLibrary, doc.uri);
  }
  return ok;
}

export async function insertCitationCommand(services: Services): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('PaperCite: open a LaTeX or Markdown file to insert a citation.');
    return;
  }
  const found = contextAt(editor.document, editor.selection.active, services.config.current.customCiteCommands, k => !!services.library.byKey(k));
  const typed = found && !services.library.byKey(editor.document.getText(new vscode.Range(
    editor.document.positionAt(found.base + found.ctx.start), editor.document.positionAt(found.base + found.ctx.keyEnd)))) ? found.ctx.prefix.trim() : '';
  const papers = await pickPapers(services, { title: 'PaperCite: Insert Citation', many: true, value: typed, ...(found ? { exclude: new Set(found.ctx.keys) } : {}) });
  if (!papers?.length) return;
  // The quick pick took focus; write into the editor the user came from.
  const target = vscode.window.visibleTextEditors.find(e => e.document === editor.document) ?? editor;
  await insertKeys(services, target, papers.map(p => p.id));
}

export async function searchPapersCommand(services: Services): Promise<void> {
  const papers = await pickPapers(services, { title: 'PaperCite: Search Papers', many: false });
  const paper = papers?.[0];
  if (!paper) return;
  const actions: (vscode.QuickPickItem & { run: () => Thenable<unknown> })[] = [
    { label: '$(book) Open abstract panel', run: () => vscode.commands.executeCommand(Commands.openPaper, paper.id) },
    ...(vscode.window.activeTextEditor ? [{ label: '$(quote) Insert citation', run: () => vscode.commands.executeCommand(Commands.insertPaper, paper.id) }] : []),
    { label: '$(key) Copy citation key', run: () => vscode.commands.executeCommand(Commands.copyKey, paper.id) },
    { label: '$(copy) Copy BibTeX', run: () => vscode.commands.executeCommand(Commands.copyBibtex, paper.id) },
    { label: '$(note) Copy formatted reference', run: () => vscode.commands.executeCommand(Commands.copyReference, paper.id) },
    { label: '$(list-tree) Reveal in Papers tree', run: () => vscode.commands.executeCommand(Commands.revealInTree, paper.id) },
  ];
  const choice = await vscode.window.showQuickPick(actions, { title: escapeIcons(paper.title ?? paper.id), placeHolder: 'What to do with this paper' });
  if (choice) await choice.run();
}
