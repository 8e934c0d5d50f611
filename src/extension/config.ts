import * as vscode from 'vscode';
import { SECTION } from './ids';

export type GroupBy = 'author' | 'owner' | 'year' | 'category';
export type ReferenceStyle = 'apa' | 'vancouver' | 'harvard1';
/** Base-URL overrides of the online services, by provider (and `doi` for doi.org). */
export type OnlineEndpoints = Partial<Record<'arxiv' | 'dblp' | 'crossref' | 'doi' | 'semanticscholar' | 'openalex', string>>;

/** A typed snapshot of the `papercite.*` settings. */
export interface Config {
  citeCommand: string;
  bibFile: string;
  libraries: string[];
  includeBundledCorpus: boolean;
  customCiteCommands: string[];
  diagnosticsEnabled: boolean;
  referenceStyle: ReferenceStyle;
  groupBy: GroupBy;
  panelReuse: boolean;
  /** null: the user has not been asked yet. */
  onlineEnabled: boolean | null;
  onlineProviders: string[];
  onlineContactEmail: string;
  onlineEndpoints: OnlineEndpoints;
}

/** `scope` null: the window's settings (no resource, so VS Code does not warn about resource settings). */
export function readConfig(scope: vscode.ConfigurationScope | null = null): Config {
  // Resource settings are read for the scope, window settings without one: VS Code warns about
  // either kind read the other way.
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const w = scope === null ? c : vscode.workspace.getConfiguration(SECTION, null);
  return {
    citeCommand: c.get<string>('citeCommand', 'cite').replace(/^\\/, '') || 'cite',
    bibFile: c.get<string>('bibFile', ''),
    libraries: c.get<string[]>('libraries', []),
    includeBundledCorpus: w.get<boolean>('includeBundledCorpus', true),
    customCiteCommands: c.get<string[]>('customCiteCommands', []),
    diagnosticsEnabled: c.get<boolean>('diagnostics.enabled', true),
    referenceStyle: w.get<ReferenceStyle>('referenceStyle', 'apa'),
    groupBy: w.get<GroupBy>('tree.groupBy', 'author'),
    panelReuse: w.get<boolean>('panel.reuse', true),
    onlineEnabled: w.get<boolean | null>('online.enabled', null) ?? null,
    onlineProviders: w.get<string[]>('online.providers', []),
    onlineContactEmail: w.get<string>('online.contactEmail', '').trim(),
    onlineEndpoints: w.get<OnlineEndpoints>('online.endpoints', {}) ?? {},
  };
}

/** Fires when a `papercite.*` setting changes; `current` is re-read only then. */
export class ConfigService implements vscode.Disposable {
  private snapshot = readConfig();
  private readonly emitter = new vscode.EventEmitter<Config>();
  readonly onDidChange = this.emitter.event;
  private readonly sub = vscode.workspace.onDidChangeConfiguration(e => {
    if (!e.affectsConfiguration(SECTION)) return;
    this.snapshot = readConfig();
    this.emitter.fire(this.snapshot);
  });
  get current(): Config { return this.snapshot; }
  /** Settings of a resource scope (e.g. the document's folder). */
  for(scope: vscode.ConfigurationScope): Config { return readConfig(scope); }
  dispose(): void { this.sub.dispose(); this.emitter.dispose(); }
}
