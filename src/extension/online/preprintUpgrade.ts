// A code action on a .bib entry that is an arXiv preprint: look for its published version (the one
// Semantic Scholar links to the arXiv id, else a title search whose record is the same work by
// `sameWork`: an identifier, or a near-identical title with a matching author or year) and offer
// "Published at ACL 2020 — replace".
// The entry is replaced by the published one under the same key. Nothing is sent until the user
// asks (the first action) and online search is allowed.
import * as vscode from 'vscode';
import { parseBibtex, type BibEntry } from '../../core/bibtex/parse';
import { bibEntryToPaper } from '../../core/bibtex/toCsl';
import { sameWork } from '../../core/online/match';
import { PROVIDER_LABEL, type OnlineRecord, type ProviderName } from '../../core/online/types';
import { Commands } from '../ids';
import { describe, log } from '../log';
import { registerCommand } from '../registerCommand';
import type { Services } from '../services';
import { entryIdKeys, isPreprintEntry, isPublished, venueLabel } from './paperIds';

/** Who may know the published version (arXiv itself only knows the preprint). */
const PUBLISHED_BY: ProviderName[] = ['dblp', 'crossref', 'semanticscholar', 'openalex'];

function entryAt(offset: number, entries: readonly BibEntry[]): BibEntry | undefined {
  return entries.find(e => e.start <= offset && offset <= e.end);
}

export class PreprintUpgradeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.RefactorRewrite];
  /** By entry title (lower case): the published record, or null when none was found. */
  private readonly found = new Map<string, OnlineRecord | null>();
  private parsed: { uri: string; version: number; entries: BibEntry[] } | undefined;

  constructor(private readonly services: Services) {}

  private entries(doc: vscode.TextDocument): BibEntry[] {
    const p = this.parsed;
    if (p && p.uri === doc.uri.toString() && p.version === doc.version) return p.entries;
    const entries = parseBibtex(doc.getText(), doc.uri.path).entries;
    this.parsed = { uri: doc.uri.toString(), version: doc.version, entries };
    return entries;
  }

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range): vscode.CodeAction[] | undefined {
    if (this.services.online.enabled !== true) return undefined;
    const e = entryAt(doc.offsetAt(range.start), this.entries(doc));
    if (!e || !isPreprintEntry(e)) return undefined;
    const hit = this.found.get(e.fields.title!.toLowerCase());
    if (hit === null) return undefined;
    if (hit) {
      const a = new vscode.CodeAction(`Published at ${venueLabel(hit)} — replace`, vscode.CodeActionKind.RefactorRewrite);
      a.command = { title: a.title, command: Commands.replacePreprint, arguments: [doc.uri, e.key] };
      return [a];
    }
    const a = new vscode.CodeAction('Look for the published version of this arXiv preprint', vscode.CodeActionKind.RefactorRewrite);
    a.command = { title: a.title, command: Commands.findPublishedVersion, arguments: [doc.uri, e.key] };
    return [a];
  }

  private async entry(uri: vscode.Uri, key: string): Promise<{ doc: vscode.TextDocument; entry: BibEntry } | undefined> {
    const doc = await vscode.workspace.openTextDocument(uri);
    const entry = this.entries(doc).find(e => e.key === key);
    return entry ? { doc, entry } : undefined;
  }

  /** Searches the services for the entry's published version; offers to replace it when found. */
  async find(uri: vscode.Uri, key: string): Promise<void> {
    const at = await this.entry(uri, key);
    if (!at) return;
    const preprint = bibEntryToPaper(at.entry, uri.path);
    const title = at.entry.fields.title!;
    const providers = this.services.online.providers.filter(p => PUBLISHED_BY.includes(p));
    const found: { record: OnlineRecord; why: string }[] = [];
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `PaperCite: looking for the published version of ${key}…`, cancellable: true }, async (_p, token) => {
      const ctl = new AbortController();
      token.onCancellationRequested(() => ctl.abort());
      const arxiv = entryIdKeys(at.entry.fields).find(k => k.startsWith('arxiv:'))?.slice('arxiv:'.length);
      if (arxiv && providers.includes('semanticscholar')) {
        try {
          const rec = await this.services.online.publishedVersion(arxiv, ctl.signal);
          if (rec && isPublished(rec)) { found.push({ record: rec, why: `it links arXiv ${arxiv} to it` }); return; }
        } catch (err) {
          log.warn(`[online] ${key}: Semantic Scholar's link from arXiv ${arxiv}: ${describe(err)}`);
        }
      }
      await this.services.online.search(title.replace(/[{}\\]/g, ''), {
        providers, limit: 5, signal: ctl.signal,
        onResult: r => {
          if (!('records' in r)) return;
          for (const rec of r.records) {
            if (!isPublished(rec)) continue;
            const same = sameWork(preprint, rec.paper);
            if (same.same) found.push({ record: rec, why: same.why });
          }
        },
      });
    });
    // DBLP first: its entries are the venues' own; then the order of the providers.
    found.sort((a, b) => PUBLISHED_BY.indexOf(a.record.provider) - PUBLISHED_BY.indexOf(b.record.provider));
    const best = found[0];
    this.found.set(title.toLowerCase(), best?.record ?? null);
    if (!best) {
      void vscode.window.showInformationMessage(`PaperCite: no published version of ${key} found at ${providers.map(p => PROVIDER_LABEL[p]).join(', ')} (a match needs the same identifier, or a near-identical title with a matching author or year).`);
      return;
    }
    log.info(`[online] ${key}: published version at ${PROVIDER_LABEL[best.record.provider]} (${best.why})`);
    const choice = await vscode.window.showInformationMessage(`PaperCite: ${key} was published at ${venueLabel(best.record)} (${PROVIDER_LABEL[best.record.provider]}: ${best.why}). Replace the preprint entry, keeping the key?`, 'Replace');
    if (choice) await this.replace(uri, key);
  }

  /** Replaces the entry with the published version's, under the same key (an edit the user can undo). */
  async replace(uri: vscode.Uri, key: string): Promise<void> {
    const at = await this.entry(uri, key);
    const record = at && this.found.get(at.entry.fields.title?.toLowerCase() ?? '');
    if (!at || !record) return;
    let text: string;
    try { text = (await this.services.online.bibtex(record, key)).trim(); } catch (err) {
      void vscode.window.showWarningMessage(`PaperCite: could not fetch the published entry of ${key}: ${describe(err)}`);
      return;
    }
    const check = parseBibtex(text, 'published entry');
    if (check.entries.length !== 1 || check.entries[0]!.key !== key || check.problems.some(p => p.severity === 'error')) {
      void vscode.window.showWarningMessage(`PaperCite: the published entry of ${key} was not one valid BibTeX entry; the .bib is unchanged.`);
      return;
    }
    // Offsets from the current text: the document may have changed since the action was offered.
    const fresh = await this.entry(uri, key);
    if (!fresh) return;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(fresh.doc.positionAt(fresh.entry.start), fresh.doc.positionAt(fresh.entry.end)), text);
    if (!(await vscode.workspace.applyEdit(edit))) void vscode.window.showWarningMessage(`PaperCite: the editor rejected replacing ${key}.`);
    else log.info(`[online] ${key}: replaced the arXiv preprint entry with the version published at ${venueLabel(record)}`);
  }
}

export function registerPreprintUpgrade(services: Services): vscode.Disposable {
  const actions = new PreprintUpgradeActions(services);
  const run = (fn: (uri: vscode.Uri, key: string) => Promise<void>) => async (uri: unknown, key: unknown) => {
    if (!(uri instanceof vscode.Uri) || typeof key !== 'string') return;
    await fn(uri, key);
  };
  return vscode.Disposable.from(
    vscode.languages.registerCodeActionsProvider([{ language: 'bibtex' }, { pattern: '**/*.bib' }], actions, { providedCodeActionKinds: PreprintUpgradeActions.kinds }),
    registerCommand(Commands.findPublishedVersion, (_u, key) => `Finding the published version of ${String(key)}`, run((u, k) => actions.find(u, k))),
    registerCommand(Commands.replacePreprint, (_u, key) => `Replacing the preprint entry ${String(key)}`, run((u, k) => actions.replace(u, k))),
  );
}
