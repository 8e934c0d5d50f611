// Problems for cited keys: unknown to both the library and the project's .bib (warning, with the
// closest keys as fixes), or known to the library but missing from the .bib (fix: add the entry).
import * as vscode from 'vscode';
import { bibNamesIn } from '../../core/bibLocate';
import { citeSyntaxFor, findCitations } from '../../core/citeContext';
import { Commands } from '../ids';
import { log, reportError } from '../log';
import { typstReplaceKey } from '../../core/typstCite';
import { typstProjectLabels } from './projectFiles';
import type { Services } from '../services';
import { editDistance, keyToQuery } from './format';
import type { ProjectBib } from './projectBib';

export const UNKNOWN_KEY = 'unknown-key';
export const MISSING_FROM_BIB = 'missing-from-bib';
/** The document's own bibliography list reads the entry with a problem (a macro it does not define). */
export const LIST_PROBLEM = 'bibliography-list';
const SOURCE = 'PaperCite';
const LANGS = new Set(['latex', 'tex', 'markdown', 'plaintext', 'typst', 'quarto', 'rmd', 'rmarkdown', 'restructuredtext']);

function applies(doc: vscode.TextDocument): boolean {
  if (!LANGS.has(doc.languageId)) return false;
  return doc.languageId !== 'plaintext' || /\.(?:tex|ltx)$/i.test(doc.fileName);
}

export class CiteDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('papercite');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly services: Services, private readonly bib: ProjectBib) {
    this.subs.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument(d => this.schedule(d, 50)),
      vscode.workspace.onDidChangeTextDocument(e => this.schedule(e.document, 400)),
      vscode.workspace.onDidCloseTextDocument(d => { this.collection.delete(d.uri); this.cancel(d); }),
      bib.onDidChange(() => this.scheduleAll(300)),
      services.library.onDidChange(() => this.scheduleAll(100)),
      services.config.onDidChange(() => this.scheduleAll(0)),
    );
    this.scheduleAll(0);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subs) s.dispose();
  }

  private cancel(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  scheduleAll(delay: number): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, delay);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!applies(doc)) return;
    this.cancel(doc);
    const key = doc.uri.toString();
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.update(doc).catch(err => log.error(`[cite] diagnostics for ${doc.uri.path} failed`, err));
    }, delay));
  }

  async update(doc: vscode.TextDocument): Promise<void> {
    const cfg = this.services.config.forDocument(doc.uri);
    if (!cfg.diagnosticsEnabled || doc.isClosed) { this.collection.delete(doc.uri); return; }
    // Before the library is loaded every key would look unknown.
    if (this.services.library.state === 'loading') return;
    const version = doc.version;
    const text = doc.getText();
    let syntax = citeSyntaxFor(doc.languageId, doc.fileName);
    // A Markdown file that names no bibliography and has no [@…] citation is not written for
    // pandoc: its @mentions are not citation keys.
    if ((syntax === 'both' || syntax === 'pandoc') && !bibNamesIn(text).length && !cfg.bibFile && !/\[-?@/.test(text)) syntax = 'latex';
    let cited = findCitations(text, { syntax, customCommands: cfg.customCiteCommands });
    if (syntax === 'typst' && cited.some(c => !c.command)) {
      // `@name` naming a label of another file of the project is a cross-reference.
      const labels = await typstProjectLabels(doc.uri);
      if (doc.version !== version || doc.isClosed) return;
      cited = cited.filter(c => c.command || !labels.has(c.key));
    }
    if (!cited.length) { this.collection.set(doc.uri, []); return; }
    const index = await this.bib.index(doc);
    if (doc.version !== version || doc.isClosed) return; // a newer run follows
    const bibName = vscode.workspace.asRelativePath(index.target.uri, false);
    const out: vscode.Diagnostic[] = [];
    for (const c of cited) {
      const range = new vscode.Range(doc.positionAt(c.start), doc.positionAt(c.end));
      for (const lp of this.services.library.listProblemsFor(c.key, doc.uri)) {
        // What BibTeX would warn about in this document's run, not in another document's.
        const rel = (p: string) => vscode.workspace.asRelativePath(p, false);
        const d = new vscode.Diagnostic(range, `${c.key}: ${rel(lp.file)}${lp.problem.line ? `:${lp.problem.line}` : ''}, read with this document's bibliography list (${lp.list.map(rel).join(', ')}): ${lp.problem.message}`, vscode.DiagnosticSeverity.Warning);
        d.code = LIST_PROBLEM;
        d.source = SOURCE;
        out.push(d);
      }
      if (index.entries.has(c.key)) continue;
      if (this.services.library.paperFor(c.key, doc.uri)) {
        const d = new vscode.Diagnostic(range, `${c.key} is in the PaperCite library but not in ${bibName}`, vscode.DiagnosticSeverity.Information);
        d.code = MISSING_FROM_BIB;
        d.source = SOURCE;
        out.push(d);
      } else {
        const d = new vscode.Diagnostic(range, `Unknown citation key ${c.key}: neither the PaperCite library nor ${bibName} has it`, vscode.DiagnosticSeverity.Warning);
        d.code = UNKNOWN_KEY;
        d.source = SOURCE;
        out.push(d);
      }
    }
    this.collection.set(doc.uri, out);
  }
}

export class CiteCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly services: Services, private readonly bib: ProjectBib) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== SOURCE) continue;
      const key = doc.getText(d.range);
      if (d.code === MISSING_FROM_BIB) {
        const a = new vscode.CodeAction(`Add BibTeX entry for ${key} to the project's .bib`, vscode.CodeActionKind.QuickFix);
        a.command = { title: 'Add BibTeX entry', command: Commands.addBibEntry, arguments: [key, doc.uri] };
        a.diagnostics = [d];
        a.isPreferred = true;
        actions.push(a);
      } else if (d.code === UNKNOWN_KEY) {
        for (const s of await this.closest(doc, key)) {
          const a = new vscode.CodeAction(`Change to ${s.key}${s.title ? ` (${s.title.length > 60 ? s.title.slice(0, 57) + '…' : s.title})` : ''}`, vscode.CodeActionKind.QuickFix);
          a.edit = new vscode.WorkspaceEdit();
          if (citeSyntaxFor(doc.languageId, doc.fileName) === 'typst') {
            // A key outside Typst's label characters needs `label("…")`.
            const text = doc.getText();
            const e = typstReplaceKey(text, doc.offsetAt(d.range.start), doc.offsetAt(d.range.end), s.key);
            a.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.text);
          } else a.edit.replace(doc.uri, d.range, s.key);
          if (s.fromLibrary) a.command = { title: 'Add BibTeX entry', command: Commands.addBibEntry, arguments: [s.key, doc.uri] };
          a.diagnostics = [d];
          actions.push(a);
        }
      }
    }
    if (actions[0] && actions[0].title.startsWith('Change to')) actions[0].isPreferred = true;
    return actions;
  }

  /** Closest keys: by spelling of the key (library and .bib), then by title/author words. */
  private async closest(doc: vscode.TextDocument, key: string): Promise<{ key: string; title?: string; fromLibrary: boolean }[]> {
    const lk = key.toLowerCase();
    const index = await this.bib.index(doc);
    const scored: { key: string; title?: string; d: number; fromLibrary: boolean }[] = [];
    const cap = Math.max(2, Math.min(6, Math.floor(key.length / 3)));
    for (const p of this.services.library.papers) {
      const d = editDistance(lk, p.id.toLowerCase(), cap);
      if (d <= cap) scored.push({ key: p.id, ...(p.title ? { title: p.title } : {}), d, fromLibrary: true });
    }
    for (const [k, e] of index.entries) {
      const d = editDistance(lk, k.toLowerCase(), cap);
      if (d <= cap && !scored.some(s => s.key === k)) scored.push({ key: k, ...(e.entry.fields.title ? { title: e.entry.fields.title } : {}), d, fromLibrary: false });
    }
    scored.sort((a, b) => a.d - b.d || a.key.localeCompare(b.key));
    const out: { key: string; title?: string; fromLibrary: boolean }[] = scored.slice(0, 3).map(({ key: k, title, fromLibrary }) => ({ key: k, ...(title ? { title } : {}), fromLibrary }));
    try {
      for (const h of this.services.library.search(keyToQuery(key), 5)) {
        if (out.length >= 5) break;
        if (!out.some(o => o.key === h.paper.id)) out.push({ key: h.paper.id, ...(h.paper.title ? { title: h.paper.title } : {}), fromLibrary: true });
      }
    } catch (err) {
      reportError('Search failed', err, 'search');
    }
    return out;
  }
}
