// One reader for the `papercite.*` settings, each read at the scope package.json declares: a window
// view (`current`) and a per-document view (`forDocument`, the resource-scoped settings of the
// document's folder). Both are snapshots, re-read only when a `papercite` setting changes.
import * as vscode from 'vscode';
import { SECTION } from './ids';

export type GroupBy = 'author' | 'owner' | 'year' | 'category';
export type ReferenceStyle = 'apa' | 'vancouver' | 'harvard1';
export type BibEncodingSetting = 'auto' | 'utf8' | 'ascii';
/** Base-URL overrides of the online services, by provider (and `doi` for doi.org). */
export type OnlineEndpoints = Partial<Record<'arxiv' | 'dblp' | 'crossref' | 'doi' | 'semanticscholar' | 'openalex', string>>;

/** Settings declared with `"scope": "window"`. */
export interface WindowConfig {
  includeBundledCorpus: boolean;
  referenceStyle: ReferenceStyle;
  groupBy: GroupBy;
  panelReuse: boolean;
  /** null: the user has not been asked yet. */
  onlineEnabled: boolean | null;
  onlineProviders: string[];
  onlineContactEmail: string;
  onlineEndpoints: OnlineEndpoints;
}

/** Settings declared with `"scope": "resource"`: they may differ per workspace folder. */
export interface DocumentConfig {
  citeCommand: string;
  /** Typst: `@key` or `#cite(<key>)` for Insert Citation. */
  typstCiteStyle: 'at' | 'cite';
  bibFile: string;
  /** A string is one library; an array of strings one bibliography list, in order (groups.ts). */
  libraries: (string | string[])[];
  customCiteCommands: string[];
  diagnosticsEnabled: boolean;
  bibtexEncoding: BibEncodingSetting;
}

function readWindow(): WindowConfig {
  const w = vscode.workspace.getConfiguration(SECTION, null);
  return {
    includeBundledCorpus: w.get<boolean>('includeBundledCorpus', true),
    referenceStyle: w.get<ReferenceStyle>('referenceStyle', 'apa'),
    groupBy: w.get<GroupBy>('tree.groupBy', 'author'),
    panelReuse: w.get<boolean>('panel.reuse', true),
    onlineEnabled: w.get<boolean | null>('online.enabled', null) ?? null,
    onlineProviders: w.get<string[]>('online.providers', []),
    onlineContactEmail: w.get<string>('online.contactEmail', '').trim(),
    onlineEndpoints: w.get<OnlineEndpoints>('online.endpoints', {}) ?? {},
  };
}

/** The resource settings for `scope` (a document or folder URI; null: the window's values). */
function readDocument(scope: vscode.Uri | null): DocumentConfig {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const encoding = c.get<string>('bibtex.encoding', 'auto');
  return {
    citeCommand: (c.get<string>('citeCommand', 'cite') || 'cite').replace(/^\\/, '') || 'cite',
    typstCiteStyle: c.get<string>('typstCiteStyle', 'at') === 'cite' ? 'cite' : 'at',
    bibFile: c.get<string>('bibFile', ''),
    libraries: c.get<(string | string[])[]>('libraries', []),
    customCiteCommands: c.get<string[]>('customCiteCommands', []),
    diagnosticsEnabled: c.get<boolean>('diagnostics.enabled', true),
    bibtexEncoding: encoding === 'utf8' || encoding === 'ascii' ? encoding : 'auto',
  };
}

/** Fires when a `papercite.*` setting changes; the snapshots are re-read only then. */
export class ConfigService implements vscode.Disposable {
  private window = readWindow();
  /** Resource snapshots by workspace folder (or `''` for documents outside any folder). */
  private readonly documents = new Map<string, DocumentConfig>();
  private readonly emitter = new vscode.EventEmitter<WindowConfig>();
  readonly onDidChange = this.emitter.event;
  private readonly sub = vscode.workspace.onDidChangeConfiguration(e => {
    if (!e.affectsConfiguration(SECTION)) return;
    this.window = readWindow();
    this.documents.clear();
    this.emitter.fire(this.window);
  });

  /** The window's settings. */
  get current(): WindowConfig { return this.window; }

  /** The resource settings of a document (its workspace folder's), or the window's without one. */
  forDocument(uri?: vscode.Uri): DocumentConfig {
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    const key = folder ? folder.uri.toString() : '';
    let c = this.documents.get(key);
    if (!c) this.documents.set(key, (c = readDocument(folder?.uri ?? uri ?? null)));
    return c;
  }

  dispose(): void { this.sub.dispose(); this.emitter.dispose(); }
}
