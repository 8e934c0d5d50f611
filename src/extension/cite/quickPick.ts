// PaperCite: Insert Citation and PaperCite: Search Papers. One quick pick, searched as the user
// types (items `alwaysShow`, so the editor's own filter never hides a fuzzy hit). Insert Citation
// is multi-select at no cost: Enter takes the highlighted paper when nothing is ticked. Online
// results (src/extension/online) stream in below the library's, one section per provider.
import * as vscode from 'vscode';
import { citeSyntaxFor } from '../../core/citeContext';
import { typstCitationText, typstInsertEdits } from '../../core/typstCite';
import type { Paper } from '../../core/model';
import { PROVIDER_LABEL, type OnlineRecord } from '../../core/online/types';
import { Commands } from '../ids';
import { log, reportError } from '../log';
import { milestone, stateSection } from '../status';
import { citeOnline } from '../online/citeOnline';
import { OnlinePickSection, type PickRow } from '../online/pickSection';
import type { Services } from '../services';
import type { ProjectBib } from './projectBib';
import { contextAt } from './completion';
import { escapeIcons, paperDescription } from './format';
import { rankPapers } from './rank';

/** A row the user can choose: a library paper, or an online record (`paper` is its paper). */
export interface Chosen { paper: Paper; record?: OnlineRecord }

/** Library rows above the online sections; the library's other hits follow the sections. */
const LOCAL_ABOVE_ONLINE = 5;

function toItem(p: Paper, inLibrary = false): PickRow {
  return {
    label: escapeIcons(p.title ?? p.id),
    description: (inLibrary ? '$(library) in your library · ' : '') + escapeIcons(paperDescription(p)) + (p.custom.hasCode ? '  $(code)' : ''),
    detail: escapeIcons(p.id + (p.custom.venue ? ` · ${p.custom.venue}` : '')),
    alwaysShow: true,
    paper: p,
  };
}

/** What identifies a row across renders, so ticks and the highlight stay on it. */
function rowKey(r: PickRow): string {
  if (r.record) return `o:${r.record.provider}:${r.record.paper.id}:${r.record.ids.doi ?? r.record.ids.arxiv ?? ''}${r.label.startsWith('Resolved: ') ? ':r' : ''}`;
  if (r.paper) return `l:${r.paper.id}${r.label.startsWith('Resolved: ') ? ':r' : ''}`;
  if (r.consent) return `c:${r.consent}`;
  return `i:${r.kind ?? ''}:${r.label}`;
}

/**
 * Shows the paper search; resolves with the papers chosen (ticked ones, or the highlighted one),
 * or undefined when dismissed.
 */
export function pickPapers(services: Services, opts: { title: string; many: boolean; value?: string; exclude?: ReadonlySet<string> }): Promise<Chosen[] | undefined> {
  const lib = services.library;
  const qp = vscode.window.createQuickPick<PickRow>();
  qp.title = opts.title;
  qp.placeholder = opts.many
    ? 'Search title, author, year or abstract, or paste a DOI / arXiv id or URL; Enter inserts the highlighted paper, Space/click ticks several'
    : 'Search title, author, year or abstract, or paste a DOI / arXiv id or URL';
  qp.canSelectMany = opts.many;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  // Our ranking is the order: without this the window moves items whose title contains the typed
  // text to the top, so the highlighted best hit would sit mid-list. (Not in the typed API of
  // VS Code 1.100; the host honours it and ignores it where unknown.)
  (qp as { sortByLabel?: boolean }).sortByLabel = false;
  qp.value = opts.value ?? '';
  const ticked = new Map<string, PickRow>();
  const rows = new Map<string, PickRow>();
  let updating = false;
  let hits: Paper[] = [];
  let libraryBusy = lib.state === 'loading';

  const same = (r: PickRow): PickRow => {
    const k = rowKey(r);
    const had = rows.get(k);
    if (!had) { rows.set(k, r); return r; }
    had.label = r.label; had.description = r.description; had.detail = r.detail;
    return had;
  };

  let settle: ReturnType<typeof setTimeout> | undefined;
  let lastResolved: string | undefined;
  /** Puts the rows on screen; `fresh`: a new query, so the best hit is highlighted. */
  const render = (fresh: boolean) => {
    const online = section.rows(hits);
    const marked = new Set(online.inLibrary.map(p => p.id));
    const local = [...hits, ...online.inLibrary.filter(p => !hits.includes(p) && !opts.exclude?.has(p.id))].map(p => toItem(p, marked.has(p.id)));
    // With online sections: the best library hits, the sections, then the library's other hits.
    const split = online.bottom.length && local.length > LOCAL_ABOVE_ONLINE ? LOCAL_ABOVE_ONLINE : local.length;
    const more: PickRow[] = split < local.length ? [{ label: 'More from your library', kind: vscode.QuickPickItemKind.Separator }, ...local.slice(split)] : [];
    const keptActive = qp.activeItems[0] && rowKey(qp.activeItems[0]);
    // Replacing the items clears the ticks in the window, which echoes back as selection events:
    // ignore those for a moment, and tick the kept rows again.
    updating = true;
    if (settle) clearTimeout(settle);
    settle = setTimeout(() => { updating = false; }, 80);
    const kept = [...ticked.values()];
    const keptKeys = new Set(ticked.keys());
    const body = [...online.top, ...local.slice(0, split), ...online.bottom, ...more].map(same)
      .filter(r => !keptKeys.has(rowKey(r)));
    qp.items = [...kept, ...body];
    if (opts.many) qp.selectedItems = kept;
    qp.busy = libraryBusy || section.busy;
    // Enter takes the highlighted paper: on a new query the best hit (a resolved identifier, else
    // the first library hit), not a ticked one; while answers stream in, the highlight stays put.
    const pickable = (r: PickRow) => !!(r.paper || r.record);
    // A resolved identifier that just arrived takes the highlight: pasting and Enter cites it.
    const resolved = body.find(r => pickable(r) && r.label.startsWith('Resolved: '));
    const arrived = resolved && rowKey(resolved) !== lastResolved ? resolved : undefined;
    lastResolved = resolved && rowKey(resolved);
    const stay = !fresh && keptActive ? qp.items.find(r => rowKey(r) === keptActive) : undefined;
    const first = arrived ?? stay ?? body.find(pickable) ?? kept[0];
    if (first) qp.activeItems = [first];
  };
  const section = new OnlinePickSection(services.online, lib, () => render(false));
  const refresh = () => {
    // A DOI or URL is no text to search the library for: its paper, if there, is the resolved row.
    try {
      hits = section.identifier ? [] : rankPapers(lib, qp.value, { limit: 100, ...(opts.exclude ? { exclude: opts.exclude } : {}) });
    } catch (err) {
      hits = [];
      reportError('Search failed', err, 'search');
    }
    render(true);
  };
  const onValue = () => {
    try {
      section.update(qp.value);
    } catch (err) {
      reportError('Looking up keys failed', err, 'search');
    }
    refresh();
  };

  return new Promise(resolve => {
    let done = false;
    const finish = (v: Chosen[] | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.hide();
    };
    const chosenOf = (r: PickRow): Chosen | undefined => r.record ? { paper: r.record.paper, record: r.record } : r.paper ? { paper: r.paper } : undefined;
    const answer = (r: PickRow) => { if (r.consent) void section.answer(r.consent); };
    const subs: vscode.Disposable[] = [
      section,
      // What the open pick lists, for tests: the query its rows answer, their keys, the highlight.
      stateSection('pick', () => ({
        value: qp.value, busy: qp.busy, online: section.onlineState,
        keys: qp.items.filter(r => r.paper || r.record).slice(0, 30).map(r => r.record ? r.record.paper.id : r.paper!.id),
        active: qp.activeItems[0] && (qp.activeItems[0].record?.paper.id ?? qp.activeItems[0].paper?.id ?? qp.activeItems[0].label),
        ticked: [...ticked.values()].map(r => r.record?.paper.id ?? r.paper?.id),
      })),
      qp.onDidChangeValue(onValue),
      qp.onDidChangeSelection(sel => {
        if (updating || !opts.many) return;
        const consent = sel.find(r => r.consent);
        if (consent) { answer(consent); return; }
        // Keep the order in which the user ticked; only papers can be ticked.
        const now = new Set(sel.map(rowKey));
        for (const k of [...ticked.keys()]) if (!now.has(k)) ticked.delete(k);
        for (const i of sel) if (chosenOf(i) && !ticked.has(rowKey(i))) ticked.set(rowKey(i), i);
      }),
      qp.onDidAccept(() => {
        const active = qp.activeItems[0];
        if (active?.consent && !(opts.many && ticked.size)) { answer(active); return; }
        let chosen: readonly PickRow[] = qp.activeItems.slice(0, 1);
        if (opts.many && ticked.size) {
          const order = [...ticked.keys()];
          chosen = [...ticked.values()].sort((a, b) => order.indexOf(rowKey(a)) - order.indexOf(rowKey(b)));
        }
        const papers = chosen.map(chosenOf).filter((c): c is Chosen => !!c);
        // An information row (busy, failed) does nothing.
        if (papers.length) finish(papers);
      }),
      lib.onDidChange(refresh),
      services.online.onDidChange(() => render(false)),
      qp.onDidHide(() => {
        if (settle) clearTimeout(settle);
        if (section.firstRowMs !== undefined) {
          log.info(`[online] first online row ${section.firstRowMs.toFixed(0)} ms after the search was sent`);
          milestone('online.firstRow', { ms: section.firstRowMs });
        }
        finish(undefined);
        for (const s of subs) s.dispose();
        qp.dispose();
      }),
    ];
    if (libraryBusy) void lib.ready.then(() => { libraryBusy = false; refresh(); });
    section.update(qp.value);
    refresh();
    qp.show();
  });
}

/** Writes `keys` at the cursor: into the citation under it, or as a new citation. */
export async function insertKeys(services: Services, editor: vscode.TextEditor, keys: string[]): Promise<boolean> {
  const doc = editor.document;
  const cfg = services.config.forDocument(doc.uri);
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
    if (ctx.typst) {
      const text = doc.getText(new vscode.Range(doc.positionAt(base), doc.positionAt(base + ctx.keyEnd + 3000)));
      const edits = typstInsertEdits(text, ctx.typst, ctx.start, ctx.keyEnd, fresh, replaceToken, cfg.typstCiteStyle);
      ok = await editor.edit(b => { for (const e of edits) b.replace(new vscode.Range(doc.positionAt(base + e.start), doc.positionAt(base + e.end)), e.text); });
    } else if (ctx.kind === 'rst') {
      if (replaceToken) ok = await edit(tokenRange, fresh.join(', '));
      else {
        const at = doc.positionAt(base + (ctx.group?.end ?? ctx.keyEnd));
        ok = await edit(new vscode.Range(at, at), ', ' + fresh.filter(k => k !== token).join(', '));
      }
    } else if (ctx.kind === 'latex') {
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
    const text = syntax === 'typst' ? typstCitationText(keys, cfg.typstCiteStyle)
      : syntax === 'rst' ? `:cite:p:\`${keys.join(', ')}\``
      : syntax === 'latex' ? `\\${cfg.citeCommand}{${keys.join(',')}}` : `[@${keys.join('; @')}]`;
    ok = await edit(editor.selection, text);
  }
  if (ok) {
    const inLibrary = keys.filter(k => services.library.byKey(k));
    if (inLibrary.length) await vscode.commands.executeCommand(Commands.addBibEntry, inLibrary, doc.uri);
  }
  return ok;
}

/** Keys for the chosen rows: library keys as they are; online papers written to the .bib first. */
export async function keysFor(services: Services, bib: ProjectBib, chosen: readonly Chosen[], docUri: vscode.Uri): Promise<string[]> {
  const keys: string[] = [];
  for (const c of chosen) {
    if (!c.record) { keys.push(c.paper.id); continue; }
    const key = await citeOnline(services, bib, c.record, docUri);
    if (key) keys.push(key);
  }
  return keys;
}

export async function insertCitationCommand(services: Services, bib: ProjectBib): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('PaperCite: open a LaTeX or Markdown file to insert a citation.');
    return;
  }
  const found = contextAt(editor.document, editor.selection.active, services.config.forDocument(editor.document.uri).customCiteCommands, k => !!services.library.byKey(k));
  const typed = found && !services.library.byKey(editor.document.getText(new vscode.Range(
    editor.document.positionAt(found.base + found.ctx.start), editor.document.positionAt(found.base + found.ctx.keyEnd)))) ? found.ctx.prefix.trim() : '';
  const chosen = await pickPapers(services, { title: 'PaperCite: Insert Citation', many: true, value: typed, ...(found ? { exclude: new Set(found.ctx.keys) } : {}) });
  if (!chosen?.length) return;
  // The quick pick took focus; write into the editor the user came from.
  const target = vscode.window.visibleTextEditors.find(e => e.document === editor.document) ?? editor;
  const keys = await keysFor(services, bib, chosen, editor.document.uri);
  if (keys.length) await insertKeys(services, target, keys);
}

export async function searchPapersCommand(services: Services): Promise<void> {
  const chosen = (await pickPapers(services, { title: 'PaperCite: Search Papers', many: false }))?.[0];
  if (!chosen) return;
  // An online paper is kept under its key for the session, so the panel and the commands find it.
  const paper = chosen.record ? services.online.remember(chosen.record, services.library.byKey(chosen.paper.id) ? `${chosen.paper.id}-${chosen.record.provider}` : chosen.paper.id) : chosen.paper;
  const actions: (vscode.QuickPickItem & { run: () => Thenable<unknown> })[] = [
    { label: '$(book) Open abstract panel', run: () => vscode.commands.executeCommand(Commands.openPaper, paper.id) },
    ...(vscode.window.activeTextEditor ? [{ label: '$(quote) Insert citation', run: () => vscode.commands.executeCommand(Commands.insertPaper, paper.id) }] : []),
    ...(chosen.record ? [] : [{ label: '$(key) Copy citation key', run: () => vscode.commands.executeCommand(Commands.copyKey, paper.id) }]),
    { label: '$(copy) Copy BibTeX', run: () => vscode.commands.executeCommand(Commands.copyBibtex, paper.id) },
    { label: '$(note) Copy formatted reference', run: () => vscode.commands.executeCommand(Commands.copyReference, paper.id) },
    ...(chosen.record ? [] : [{ label: '$(list-tree) Reveal in Papers tree', run: () => vscode.commands.executeCommand(Commands.revealInTree, paper.id) }]),
  ];
  const choice = await vscode.window.showQuickPick(actions, { title: escapeIcons(paper.title ?? paper.id), placeHolder: chosen.record ? `What to do with this paper (from ${PROVIDER_LABEL[chosen.record.provider]})` : 'What to do with this paper' });
  if (choice) await choice.run();
}
