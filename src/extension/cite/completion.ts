// Completion of citation keys inside \cite…{…} and [@…]. The query is what the user typed since the
// last separator, spaces included (`\cite{a, global vect|`: see core/citeContext.ts). The search
// index ranks (title words, authors, year, typos), so the list is marked incomplete, every item's
// range covers the whole query and its filterText starts with that query: the editor keeps every
// hit in PaperCite's order and asks again on the next keystroke (a space is a trigger character).
import * as vscode from 'vscode';
import { citeContextAt, citeSyntaxFor, completionFilterText, type CiteContext } from '../../core/citeContext';
import { typstKeyEdit } from '../../core/typstCite';
import type { Paper } from '../../core/model';
import { Commands } from '../ids';
import { log, reportError } from '../log';
import { milestone } from '../status';
import type { Services } from '../services';
import { activationMarked, noteTyping, sinceActivation } from '../timing';
import { oneLine, paperDetail, paperMarkdown } from './format';
import { rankPapers } from './rank';

export const CITE_SELECTOR: vscode.DocumentSelector = [
  { language: 'latex' }, { language: 'tex' }, { language: 'markdown' }, { language: 'plaintext' },
  { language: 'typst' }, { language: 'quarto' }, { language: 'rmd' }, { language: 'rmarkdown' }, { language: 'restructuredtext' },
  // Markdown cells of Jupyter notebooks (cell documents have the vscode-notebook-cell scheme).
  { notebookType: 'jupyter-notebook', language: 'markdown' },
];

/** Look-back and look-ahead around the cursor: citations are short; documents can be long. */
const WINDOW = 3000;

/** The citation under `position`, reading only a window of the document. */
export function contextAt(doc: vscode.TextDocument, position: vscode.Position, custom: readonly string[], isKey?: (key: string) => boolean): { ctx: CiteContext; base: number } | undefined {
  const offset = doc.offsetAt(position);
  const base = Math.max(0, offset - WINDOW);
  const text = doc.getText(new vscode.Range(doc.positionAt(base), doc.positionAt(offset + WINDOW)));
  const ctx = citeContextAt(text, offset - base, { syntax: citeSyntaxFor(doc.languageId, doc.fileName), customCommands: custom, window: 2000, ...(isKey ? { isKey } : {}) });
  return ctx ? { ctx, base } : undefined;
}

export class CiteCompletionProvider implements vscode.CompletionItemProvider {
  /** Per-keystroke timings (ms) of the last calls, for the log and the benchmark. */
  readonly timings: number[] = [];

  private calls = 0;

  /** Calls and per-keystroke times of this session, for the state command. */
  stats(): { calls: number; p50Ms?: number; p95Ms?: number; maxMs?: number; recentMs: number[] } {
    const s = [...this.timings].sort((a, b) => a - b);
    const at = (p: number) => s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 100) / 100 : undefined;
    return { calls: this.calls, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: at(1), recentMs: this.timings.map(t => Math.round(t * 100) / 100) };
  }
  private firstAnswered = false;
  private papers = new WeakMap<vscode.CompletionItem, Paper>();

  constructor(private readonly services: Services) {}

  /** A space after a complete key of the library separates keys (see core/citeContext.ts). */
  private readonly isKey = (key: string): boolean => !!this.services.library.byKey(key);

  private startCalls = 0;
  /** The first calls after activation are logged: what a slow first list waited for shows in the log. */
  private logStartCall(t0: number, what: string): void {
    if (this.startCalls++ < 30 && sinceActivation() < 60_000) log.info(`[cite] call ${this.startCalls} at ${Math.round(sinceActivation())} ms after activation (${(performance.now() - t0).toFixed(1)} ms, library ${this.services.library.state}): ${what}`);
  }

  resolveCompletionItem(item: vscode.CompletionItem): vscode.CompletionItem {
    const p = this.papers.get(item);
    if (p && !item.documentation) {
      const md = new vscode.MarkdownString(paperMarkdown(p));
      md.isTrusted = false;
      md.supportHtml = false;
      md.supportThemeIcons = false;
      item.documentation = md;
    }
    return item;
  }

  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionList | undefined {
    const t0 = performance.now();
    noteTyping();
    const found = contextAt(doc, position, this.services.config.forDocument(doc.uri).customCiteCommands, this.isKey);
    if (!found) {
      this.logStartCall(t0, 'no citation at the cursor');
      return undefined;
    }
    const { ctx, base } = found;
    let papers: Paper[] = [];
    try {
      papers = rankPapers(this.services.library, ctx.prefix, { limit: 50, exclude: new Set(ctx.keys) });
      // Ranked on the library's reading; shown as this document's bibliography list reads each entry.
      papers = papers.map(p => this.services.library.paperFor(p.id, doc.uri, p) ?? p);
    } catch (err) {
      reportError('Search failed', err, 'search');
    }
    const range = {
      inserting: new vscode.Range(doc.positionAt(base + ctx.start), position),
      replacing: new vscode.Range(doc.positionAt(base + ctx.start), doc.positionAt(base + ctx.keyEnd)),
    };
    // Where a space continues the query (a LaTeX key list, a bracketed pandoc citation, Typst's
    // `<…` and `label("…`), the filter text ends in one: the list stays up while the space is
    // typed, until the editor asks again, instead of closing and coming back with the next letter.
    const spaceContinues = ctx.kind === 'latex' || (ctx.kind === 'pandoc' && !!ctx.group) || (!!ctx.typst && ctx.typst.form !== 'ref');
    const filterText = spaceContinues ? `${ctx.prefix} ` : ctx.prefix;
    const items = papers.map((p, i) => {
      const item = new vscode.CompletionItem({ label: p.id, description: oneLine(p.title ?? '') }, vscode.CompletionItemKind.Reference);
      item.detail = paperDetail(p);
      // Documentation is built in resolveCompletionItem, for the focused item only.
      this.papers.set(item, p);
      item.insertText = (ctx.separator ?? '') + p.id;
      item.filterText = completionFilterText(ctx.prefix, p, spaceContinues);
      item.sortText = String(i).padStart(4, '0');
      item.range = range;
      if (ctx.typst) {
        // A key outside Typst's label characters rewrites the citation to `label("…")`.
        const e = typstKeyEdit(ctx.typst, ctx.start, ctx.keyEnd, p.id);
        item.insertText = e.text;
        if (e.start !== ctx.start || e.end !== ctx.keyEnd) {
          item.range = new vscode.Range(doc.positionAt(base + e.start), doc.positionAt(base + e.end));
          item.filterText = doc.getText(new vscode.Range(doc.positionAt(base + e.start), position));
        }
      }
      item.preselect = i === 0;
      // No arguments: VS Code caches commands with arguments per completion list, and an
      // incomplete list is replaced on every keystroke, so an accepted item's cached command can
      // be gone ("command not found"). The handler reads the key at the cursor instead.
      item.command = { title: 'Add BibTeX entry', command: Commands.completionAccepted };
      return item;
    });
    this.logStartCall(t0, `${items.length} items for ${JSON.stringify(ctx.prefix.slice(0, 40))}`);
    if (!this.firstAnswered && items.length) {
      this.firstAnswered = true;
      log.info(`[cite] first completion answered ${Math.round(sinceActivation())} ms after activation${activationMarked() ? '' : ' (measured from loading the completion module: activation was not marked)'} (${items.length} items, ${this.services.library.papers.length} papers, library ${this.services.library.state})`);
      milestone('completion.first', { items: items.length, papers: this.services.library.papers.length, state: this.services.library.state });
    }
    this.timings.push(performance.now() - t0);
    if (this.timings.length > 500) this.timings.splice(0, this.timings.length - 500);
    if (++this.calls === 10 || this.calls % 100 === 0) {
      const s = [...this.timings].sort((a, b) => a - b);
      const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(2);
      log.info(`[cite] completion: ${this.calls} calls on ${this.services.library.papers.length} papers, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${s[s.length - 1]!.toFixed(2)} ms`);
    }
    if (this.services.config.current.onlineEnabled !== false && ctx.prefix.trim()) items.push(searchOnlineItem(ctx.prefix, filterText, range, items.length));
    return new vscode.CompletionList(items, true);
  }
}

/**
 * The last item: "Search online for '…'" opens Insert Citation with the typed text. Completion
 * itself never goes online (no request per keystroke); accepting the item leaves the text as it is.
 */
function searchOnlineItem(prefix: string, filterText: string, range: { inserting: vscode.Range; replacing: vscode.Range }, n: number): vscode.CompletionItem {
  const item = new vscode.CompletionItem({ label: `Search online for '${prefix.trim()}'`, description: 'arXiv, DBLP, Crossref, …' }, vscode.CompletionItemKind.Event);
  item.insertText = prefix;
  item.filterText = filterText;
  item.range = range.inserting;
  item.sortText = String(n).padStart(4, '0') + '~';
  // No arguments (see above): Insert Citation reads the typed text at the cursor itself.
  item.command = { title: 'Search online', command: Commands.insertCitation };
  return item;
}
