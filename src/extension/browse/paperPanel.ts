// The abstract panel (webview `papercite.paperPanel`). One panel reused beside the editor, or one
// per paper when `papercite.panel.reuse` is off. The page renders everything itself from a
// `showPaper` message; the host only answers its messages (commands, links, other papers).
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { paperToBibtex } from '../../core/bibtex/export';
import { queryTerms, rankRelated, RelatedIndex, type RelatedHit } from '../../core/related';
import type { Paper } from '../../core/model';
import { safeHttpUrl } from '../../core/render';
import type { HostToPage, PanelAction, PaperView } from '../../webview/protocol';
import { Commands, Views } from '../ids';
import { describe, log } from '../log';
import { milestone } from '../status';
import type { Services } from '../services';
import { allowedUrls, buildPaperView } from './paperView';
import { parsePageMessage } from './protocol';

interface PanelEntry {
  panel: vscode.WebviewPanel;
  key: string;
  ready: boolean;
  view?: PaperView;
  subs: vscode.Disposable[];
}

/**
 * Up to this many papers, one TF-IDF index over the library is built per library change (about a
 * second at 10k). Larger libraries rank the search index's hits for the paper's words instead.
 */
const FULL_INDEX_MAX = 5000;
const SEARCH_CANDIDATES = 150;

const ACTION_COMMANDS: Record<Exclude<PanelAction, 'reveal'>, string> = {
  insert: Commands.insertPaper,
  copyKey: Commands.copyKey,
  copyBibtex: Commands.copyBibtex,
  copyReference: Commands.copyReference,
};

export class PaperPanels implements vscode.Disposable {
  private readonly entries = new Set<PanelEntry>();
  private reused: PanelEntry | undefined;
  private related: RelatedIndex | undefined;
  private readonly relatedCache = new Map<string, RelatedHit[]>();
  private readonly subs: vscode.Disposable[] = [];
  /** The last text editor: a citation from the panel goes there (the panel itself has no cursor). */
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;

  constructor(
    private readonly services: Services,
    private readonly revealPaper: (key: string) => Promise<unknown>,
    private readonly revealAuthor: (name: string) => Promise<unknown>,
  ) {
    this.subs.push(
      services.library.onDidChange(() => {
        this.related = undefined; // rebuilt on the next panel that needs it, once per library change
        this.relatedCache.clear();
        for (const e of this.entries) this.show(e);
      }),
      vscode.window.onDidChangeActiveTextEditor(ed => { if (ed) this.lastEditor = ed; }),
    );
  }

  dispose(): void {
    for (const e of [...this.entries]) e.panel.dispose();
    for (const s of this.subs) s.dispose();
  }

  private get roots(): vscode.Uri[] {
    const ext = this.services.context.extensionUri;
    return [vscode.Uri.joinPath(ext, 'media'), vscode.Uri.joinPath(ext, 'dist', 'webview')];
  }

  /** Shows a paper: in the reused panel (or a new one per paper when reuse is off). */
  open(key: string, opts: { preserveFocus?: boolean } = {}): void {
    const reuse = this.services.config.current.panelReuse;
    const existing = reuse ? this.reused : [...this.entries].find(e => e.key === key);
    if (existing) {
      existing.key = key;
      this.show(existing);
      existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Beside, opts.preserveFocus ?? false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(Views.panel, 'Paper', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: opts.preserveFocus ?? false }, {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: this.roots,
    });
    const entry = this.adopt(panel, key);
    if (reuse) this.reused = entry;
  }

  /** Takes over a panel (new, or restored after a window reload). */
  adopt(panel: vscode.WebviewPanel, key: string): PanelEntry {
    panel.webview.options = { enableScripts: true, localResourceRoots: this.roots };
    panel.iconPath = vscode.Uri.joinPath(this.services.context.extensionUri, 'media', 'activity.svg');
    const entry: PanelEntry = { panel, key, ready: false, subs: [] };
    this.entries.add(entry);
    if (!this.reused && this.services.config.current.panelReuse) this.reused = entry;
    entry.subs.push(
      panel.webview.onDidReceiveMessage(m => this.onMessage(entry, m)),
      panel.onDidDispose(() => {
        this.entries.delete(entry);
        if (this.reused === entry) this.reused = undefined;
        for (const s of entry.subs) s.dispose();
      }),
    );
    panel.webview.html = this.html(panel.webview);
    this.show(entry);
    return entry;
  }

  private relatedIndex(): RelatedIndex {
    if (!this.related) {
      const t0 = performance.now();
      this.related = RelatedIndex.build(this.services.library.papers);
      log.info(`[browse] related-papers index for ${this.related.size} papers in ${(performance.now() - t0).toFixed(0)} ms`);
    }
    return this.related;
  }

  private relatedTo(p: Paper): RelatedHit[] {
    const lib = this.services.library;
    // An online paper is not in the index: its related papers come from the search.
    if (lib.papers.length <= FULL_INDEX_MAX && lib.byKey(p.id)) return this.relatedIndex().related(p.id, 5);
    let hits = this.relatedCache.get(p.id);
    if (!hits) {
      const t0 = performance.now();
      hits = rankRelated(p, lib.search(queryTerms(p).join(' '), SEARCH_CANDIDATES).map(h => h.paper), 5);
      this.relatedCache.set(p.id, hits);
      log.debug(`[browse] related papers for ${p.id} from ${SEARCH_CANDIDATES} search hits in ${(performance.now() - t0).toFixed(0)} ms`);
    }
    return hits;
  }

  /** Builds the paper's view and posts it once the page is ready. */
  private show(entry: PanelEntry): void {
    const p = this.services.library.byKey(entry.key) ?? this.services.online.paper(entry.key);
    if (!p) {
      entry.view = undefined;
      entry.panel.title = `Paper not found: ${entry.key}`;
      if (entry.ready) void this.post(entry, { type: 'missing', key: entry.key });
      return;
    }
    let bib: { text: string } | { error: string };
    try { bib = { text: paperToBibtex(p) }; } catch (err) {
      log.warn(`[browse] no BibTeX for ${p.id}: ${describe(err)}`);
      bib = { error: describe(err) };
    }
    let related: RelatedHit[] = [];
    try { related = this.relatedTo(p); } catch (err) { log.error(`[browse] related papers for ${p.id} failed`, err); }
    entry.view = buildPaperView(p, related, bib);
    const t = entry.view.titleText;
    entry.panel.title = t.length > 48 ? `${t.slice(0, 47)}…` : t;
    if (entry.ready) void this.post(entry, { type: 'showPaper', paper: entry.view });
  }

  private post(entry: PanelEntry, m: HostToPage): Thenable<boolean> {
    return entry.panel.webview.postMessage(m);
  }

  private async onMessage(entry: PanelEntry, raw: unknown): Promise<void> {
    const m = parsePageMessage(raw);
    if (!m) { log.warn('[browse] ignored a malformed message from the paper panel'); return; }
    try {
      switch (m.type) {
        case 'ready':
          // The page (re)loaded: a fresh page, or one shown again after being hidden.
          entry.ready = true;
          if (entry.view) await this.post(entry, { type: 'showPaper', paper: entry.view });
          else await this.post(entry, { type: 'missing', key: entry.key });
          return;
        case 'openPaper':
          if (this.services.library.byKey(m.key)) this.open(m.key);
          return;
        case 'revealAuthor':
          await this.revealAuthor(m.name);
          return;
        case 'openExternal': {
          // Only http(s) links that this paper's view contains: the page cannot make us open anything else.
          const url = safeHttpUrl(m.url);
          if (url && entry.view && allowedUrls(entry.view).has(url)) await vscode.env.openExternal(vscode.Uri.parse(url, true));
          else log.warn(`[browse] refused to open a link not shown in the panel: ${m.url.slice(0, 200)}`);
          return;
        }
        case 'cspViolation':
          log.warn(`[browse] the paper panel's Content-Security-Policy blocked ${m.blocked || 'something'} (${m.directive})`);
          milestone('panel.cspViolation', { directive: m.directive, blocked: m.blocked });
          return;
        case 'action':
          if (m.action === 'reveal') { await this.revealPaper(m.key); return; }
          if (m.action === 'insert') await this.focusLastEditor();
          await vscode.commands.executeCommand(ACTION_COMMANDS[m.action], m.key);
          return;
        default:
          return;
      }
    } catch (err) {
      log.error(`[browse] panel message ${m.type} failed`, err);
      void vscode.window.showErrorMessage(`PaperCite: ${describe(err)}`);
    }
  }

  /** Gives the last text editor the focus so "Insert citation" writes at its cursor. */
  private async focusLastEditor(): Promise<void> {
    const ed = this.lastEditor;
    if (!ed || ed.document.isClosed) return;
    await vscode.window.showTextDocument(ed.document, { viewColumn: ed.viewColumn, preserveFocus: false });
  }

  private html(webview: vscode.Webview): string {
    const nonce = crypto.randomBytes(18).toString('base64');
    const ext = this.services.context.extensionUri;
    const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(ext, ...p)).toString();
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource} data:`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview', 'codicon.css')}">
<link rel="stylesheet" href="${asset('dist', 'webview', 'katex.min.css')}">
<link rel="stylesheet" href="${asset('media', 'panel.css')}">
<title>Paper</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="loading">Loading…</p></main>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'katex.min.js')}"></script>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'panel.js')}"></script>
</body>
</html>`;
  }
}
