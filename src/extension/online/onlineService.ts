// Online search in the editor: one OnlineClient built from the settings and the API keys kept in
// SecretStorage, the user's consent, and at most one notification per unreachable provider.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { OnlineClient } from '../../core/online/client';
import { ENDPOINT_ENV, endpointsFromEnv } from '../../core/online/env';
import { nodeHttpGet } from '../../core/online/http';
import { PROVIDERS, PROVIDER_LABEL, type OnlineError, type OnlineRecord, type OnlineSettings, type ProviderName, type ProviderResult } from '../../core/online/types';
import type { Paper } from '../../core/model';
import type { ConfigService } from '../config';
import { SECTION } from '../ids';
import { log } from '../log';
import { milestone } from '../status';

/** SecretStorage keys of the providers that take an API key. */
export const API_KEY_SECRETS = {
  semanticscholar: 'papercite.online.apiKey.semanticscholar',
  openalex: 'papercite.online.apiKey.openalex',
} as const;
export type KeyedProvider = keyof typeof API_KEY_SECRETS;

export type ProviderStates = ReturnType<OnlineClient['providerStates']>;

/** Online papers shown in the panel or cited, by key, so commands on a key find them. */
const SEEN_MAX = 200;

export class OnlineService implements vscode.Disposable {
  private client: OnlineClient | undefined;
  /** The settings the client was built from: it is rebuilt only when they change, so pacing and states survive. */
  private built = '';
  private keys: Partial<Record<KeyedProvider, string>> = {};
  private readonly notified = new Set<ProviderName>();
  /** Endpoint settings already reported as unusable. */
  private readonly warned = new Set<string>();
  private readonly seen = new Map<string, OnlineRecord>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when a provider's state or the settings changed. */
  readonly onDidChange = this.emitter.event;
  /** "Not now" in this window: ask again next session. */
  declinedThisSession = false;
  /** Settles once the API keys were read. */
  readonly ready: Promise<void>;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext, private readonly config: ConfigService) {
    this.ready = this.readKeys();
    this.subs.push(
      this.emitter,
      config.onDidChange(() => this.emitter.fire()),
      context.secrets.onDidChange(e => {
        if (Object.values(API_KEY_SECRETS).includes(e.key as never)) void this.readKeys().then(() => this.emitter.fire());
      }),
    );
  }

  dispose(): void { for (const s of this.subs) s.dispose(); }

  private async readKeys(): Promise<void> {
    const keys: Partial<Record<KeyedProvider, string>> = {};
    for (const p of Object.keys(API_KEY_SECRETS) as KeyedProvider[]) {
      try {
        const v = await this.context.secrets.get(API_KEY_SECRETS[p]);
        if (v) keys[p] = v;
      } catch (err) { log.warn(`[online] could not read the ${PROVIDER_LABEL[p]} API key from the secret storage: ${String(err)}`); }
    }
    this.keys = keys;
  }

  /** true: allowed; false: never; null: not asked yet. */
  get enabled(): boolean | null { return this.config.current.onlineEnabled; }

  /** Whether a search may ask for consent now (not asked, not declined in this session). */
  get mayAsk(): boolean { return this.enabled === null && !this.declinedThisSession; }

  /** The enabled providers, in display order. */
  get providers(): ProviderName[] {
    const chosen = this.config.current.onlineProviders;
    return chosen.length ? PROVIDERS.filter(p => chosen.includes(p)) : [...PROVIDERS];
  }

  /** What the client is built from: settings over the PAPERCITE_*_URL environment. */
  settings(): OnlineSettings {
    const cfg = this.config.current;
    const endpoints: NonNullable<OnlineSettings['endpoints']> = { ...endpointsFromEnv(process.env) };
    for (const [k, v] of Object.entries(cfg.onlineEndpoints)) {
      if (typeof v !== 'string' || !v.trim() || !(k in ENDPOINT_ENV)) continue;
      if (/^https?:\/\/\S+$/i.test(v.trim())) endpoints[k as keyof typeof endpoints] = v.trim().replace(/\/+$/, '');
      else if (!this.warned.has(`${k}=${v}`)) { this.warned.add(`${k}=${v}`); log.warn(`[online] papercite.online.endpoints.${k} is not an http(s) URL; ignored`); }
    }
    return {
      endpoints,
      providers: this.providers,
      cacheDir: path.join(this.context.globalStorageUri.fsPath, 'online'),
      ...(cfg.onlineContactEmail ? { mailto: cfg.onlineContactEmail } : {}),
      ...(this.keys.semanticscholar ? { semanticScholarKey: this.keys.semanticscholar } : {}),
      ...(this.keys.openalex ? { openAlexKey: this.keys.openalex } : {}),
    };
  }

  private get online(): OnlineClient {
    const settings = this.settings();
    const built = JSON.stringify(settings);
    if (built !== this.built) { this.client = undefined; this.built = built; }
    if (!this.client) this.client = new OnlineClient(nodeHttpGet(`PaperCite/${String(this.context.extension.packageJSON.version)}`), settings);
    return this.client;
  }

  /** Records the user's answer in the user settings. */
  async setEnabled(value: boolean): Promise<void> {
    await vscode.workspace.getConfiguration(SECTION).update('online.enabled', value, vscode.ConfigurationTarget.Global);
    log.info(`[online] online search ${value ? 'allowed' : 'turned off'} by the user`);
  }

  /**
   * Searches the enabled providers; each provider's answer arrives through `onResult`. Failures
   * are logged and reported once per provider per session, together, when the search ends.
   */
  async search(query: string, opts: { providers?: ProviderName[]; limit?: number; signal: AbortSignal; onResult: (r: ProviderResult) => void }): Promise<void> {
    await this.ready;
    const failed: OnlineError[] = [];
    const t0 = performance.now();
    await this.online.search(query, {
      providers: opts.providers ?? this.providers,
      limit: opts.limit ?? 8,
      signal: opts.signal,
      onResult: r => {
        if (opts.signal.aborted) return;
        if ('error' in r) failed.push(r.error);
        else log.debug(`[online] ${PROVIDER_LABEL[r.provider]}: ${r.records.length} records for "${query}" in ${(performance.now() - t0).toFixed(0)} ms`);
        opts.onResult(r);
      },
    });
    this.emitter.fire();
    if (!opts.signal.aborted) this.reportFailures(failed);
    milestone('online.searched', { query, failed: failed.map(e => e.provider), aborted: opts.signal.aborted });
  }

  /** Resolves an identifier; undefined when no provider knows it. Failures reported as by `search`. */
  async lookup(id: string, signal: AbortSignal): Promise<OnlineRecord | undefined> {
    await this.ready;
    try {
      return await this.online.lookup(id, signal);
    } catch (err) {
      const e = (err as { online?: OnlineError }).online;
      if (e && e.kind === 'not-found') return undefined;
      if (e && !signal.aborted) this.reportFailures([e]);
      throw err;
    } finally {
      this.emitter.fire();
    }
  }

  /** The published version Semantic Scholar links to an arXiv id; undefined when none. Failures throw. */
  async publishedVersion(arxivId: string, signal: AbortSignal): Promise<OnlineRecord | undefined> {
    await this.ready;
    try { return await this.online.publishedVersion(arxivId, signal); } finally { this.emitter.fire(); }
  }

  /** The record's authoritative BibTeX entry under `key`. */
  async bibtex(record: OnlineRecord, key: string): Promise<string> {
    await this.ready;
    try { return await this.online.bibtex(record, key); } finally { this.emitter.fire(); }
  }

  states(): ProviderStates {
    return this.online.providerStates();
  }

  /** One notification naming the providers that failed and were not reported yet; the rest is logged. */
  reportFailures(errors: readonly OnlineError[]): void {
    const fresh: OnlineError[] = [];
    for (const e of errors) {
      log.warn(`[online] ${PROVIDER_LABEL[e.provider]}: ${e.kind}: ${e.message}`);
      if (e.kind === 'not-found' || e.kind === 'malformed' && e.status === undefined) continue;
      if (this.notified.has(e.provider)) continue;
      this.notified.add(e.provider);
      fresh.push(e);
    }
    if (!fresh.length) return;
    fresh.sort((a, b) => PROVIDERS.indexOf(a.provider) - PROVIDERS.indexOf(b.provider));
    const names = fresh.map(e => PROVIDER_LABEL[e.provider]);
    const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    const why = fresh.every(e => e.kind === 'offline') ? 'could not be reached (offline?)'
      : fresh.every(e => e.kind === 'rate-limited') ? 'asked PaperCite to slow down (rate limit)'
      : fresh.length === 1 ? `failed: ${fresh[0]!.message}` : 'failed';
    milestone('online.notified', { providers: fresh.map(e => e.provider) });
    void vscode.window.showWarningMessage(`PaperCite: online search: ${list} ${why}. Results from your library are not affected.`, 'Open Log')
      .then(c => { if (c) log.show(true); });
  }

  /** Keeps an online record under a key, so the panel and the paper commands can find it. */
  remember(record: OnlineRecord, key = record.paper.id): Paper {
    this.seen.delete(key);
    this.seen.set(key, record);
    if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.keys().next().value!);
    return record.paper.id === key ? record.paper : { ...record.paper, id: key };
  }

  /** An online paper shown or cited in this session. */
  record(key: string): OnlineRecord | undefined { return this.seen.get(key); }
  paper(key: string): Paper | undefined {
    const r = this.seen.get(key);
    return r && (r.paper.id === key ? r.paper : { ...r.paper, id: key });
  }
}

/** PaperCite: Set Online API Key… — a provider, then the key (empty removes it). */
export async function setApiKeyCommand(context: vscode.ExtensionContext): Promise<void> {
  const items = (Object.keys(API_KEY_SECRETS) as KeyedProvider[]).map(p => ({ label: PROVIDER_LABEL[p], provider: p,
    description: p === 'semanticscholar' ? 'sent as the x-api-key header' : 'sent as the api_key parameter' }));
  const pick = await vscode.window.showQuickPick(items, { title: 'PaperCite: Set Online API Key', placeHolder: 'Which service is the key for?' });
  if (!pick) return;
  const has = !!(await context.secrets.get(API_KEY_SECRETS[pick.provider]));
  const value = await vscode.window.showInputBox({
    title: `PaperCite: ${pick.label} API key`,
    prompt: `Kept in VS Code's secret storage, never in settings files.${has ? ' Leave empty to remove the stored key.' : ''}`,
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  if (value.trim()) {
    await context.secrets.store(API_KEY_SECRETS[pick.provider], value.trim());
    void vscode.window.showInformationMessage(`PaperCite: the ${pick.label} API key is stored.`);
  } else if (has) {
    await context.secrets.delete(API_KEY_SECRETS[pick.provider]);
    void vscode.window.showInformationMessage(`PaperCite: the ${pick.label} API key is removed.`);
  }
}
