// The online part of the paper quick pick: after a pause in typing, each enabled provider's
// answer under its own separator (a busy row while it is awaited), an identifier resolved to one
// "Resolved:" row at the top, and the consent question before anything is sent. Every query
// change aborts the requests of the previous one.
import * as vscode from 'vscode';
import { detectIdentifier } from '../../core/online/identifiers';
import { mergeOnline } from '../../core/online/match';
import { PROVIDER_LABEL, type OnlineError, type OnlineRecord, type ProviderName } from '../../core/online/types';
import { shortAuthors, type Paper } from '../../core/model';
import { escapeIcons } from '../cite/format';
import { libraryIds, onlineDescription, recordIdKeys } from './paperIds';
import type { OnlineService } from './onlineService';

/** A quick pick row: a library paper, an online record, a consent answer, or information. */
export interface PickRow extends vscode.QuickPickItem {
  paper?: Paper;
  record?: OnlineRecord;
  consent?: 'allow' | 'later' | 'never';
}

/** Pause in typing before anything is sent. */
export const ONLINE_DEBOUNCE_MS = 350;
/** Shortest query sent to the providers (identifiers are always resolved). */
const MIN_QUERY = 3;
const PER_PROVIDER = 6;

type Answer = { state: 'waiting' } | { state: 'done'; records: OnlineRecord[] } | { state: 'failed'; error: OnlineError };
type Resolution = { state: 'waiting' } | { state: 'done'; record?: OnlineRecord; local?: Paper } | { state: 'failed'; message: string };

export function onlineRow(r: OnlineRecord, prefix = ''): PickRow {
  return {
    label: prefix + escapeIcons(r.paper.title ?? r.paper.id),
    description: escapeIcons(onlineDescription(r)),
    detail: escapeIcons(shortAuthors(r.paper, 6) || 'authors unknown'),
    alwaysShow: true,
    record: r,
  };
}

function info(label: string, detail?: string): PickRow {
  return { label, ...(detail ? { detail } : {}), alwaysShow: true };
}

function separator(label: string): PickRow {
  return { label, kind: vscode.QuickPickItemKind.Separator };
}

/** What a failed service did, in words. */
const FAILED: Record<OnlineError['kind'], string> = {
  offline: 'could not be reached', timeout: 'did not answer in time', 'rate-limited': 'asks to slow down (rate limit)',
  http: 'answered with an error', malformed: 'answered something PaperCite cannot read', 'not-found': 'found nothing',
};

function joinNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export class OnlinePickSection implements vscode.Disposable {
  private query = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private abort: AbortController | undefined;
  private answers = new Map<ProviderName, Answer>();
  private resolution: Resolution | undefined;
  /** `kind:id` when the query is an identifier. */
  identifier: string | undefined;
  /** When the current query's online search started, and when its first row arrived (ms). */
  private started = 0;
  firstRowMs: number | undefined;

  constructor(
    private readonly online: OnlineService,
    private readonly lib: { readonly papers: readonly Paper[]; keysStartingWith(prefix: string, max: number): Paper[] },
    private readonly changed: () => void,
  ) {}

  dispose(): void {
    clearTimeout(this.timer);
    this.abort?.abort();
  }

  get busy(): boolean {
    return this.resolution?.state === 'waiting' || [...this.answers.values()].some(a => a.state === 'waiting');
  }

  /** An identifier, or words; not a citation key being typed (one word that starts library keys). */
  private qualifies(q: string): boolean {
    if (detectIdentifier(q)) return true;
    const t = q.trim();
    return t.length >= MIN_QUERY && (/\s/.test(t) || !this.lib.keysStartingWith(t.toLowerCase(), 1).length);
  }

  /** The query changed: drop the old answers, resolve an identifier in the library, schedule the rest. */
  update(query: string): void {
    this.query = query;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort();
    this.abort = undefined;
    this.answers = new Map();
    this.resolution = undefined;
    this.firstRowMs = undefined;
    const id = detectIdentifier(query);
    this.identifier = id ? `${id.kind}:${id.id}` : undefined;
    if (id && (id.kind === 'doi' || id.kind === 'arxiv')) {
      const local = libraryIds(this.lib.papers).get(`${id.kind}:${id.id.toLowerCase().replace(/v\d+$/, '')}`);
      if (local) { this.resolution = { state: 'done', local }; return; }
    }
    if (this.online.enabled !== true || !this.qualifies(query)) return;
    this.timer = setTimeout(() => this.start(), ONLINE_DEBOUNCE_MS);
  }

  /** The user answered the consent question. */
  async answer(a: 'allow' | 'later' | 'never'): Promise<void> {
    if (a === 'later') this.online.declinedThisSession = true;
    else await this.online.setEnabled(a === 'allow');
    // The settings snapshot may not have the answer yet.
    if (a === 'allow') this.start(true);
    this.changed();
  }

  /** Whether a search is scheduled (the typing pause) or under way: something goes or went out. */
  get onlineState(): 'idle' | 'scheduled' | 'searching' {
    return this.timer !== undefined ? 'scheduled' : this.abort && !this.abort.signal.aborted && this.busy ? 'searching' : 'idle';
  }

  private start(allowed = false): void {
    this.timer = undefined;
    if (!(allowed || this.online.enabled === true) || !this.qualifies(this.query)) return;
    const ctl = new AbortController();
    this.abort?.abort();
    this.abort = ctl;
    const query = this.query.trim();
    this.started = performance.now();
    const arrived = () => { if (this.firstRowMs === undefined) this.firstRowMs = performance.now() - this.started; };
    const id = detectIdentifier(query);
    if (id) {
      this.resolution = { state: 'waiting' };
      this.changed();
      this.online.lookup(query, ctl.signal).then(record => {
        if (ctl.signal.aborted) return;
        const local = record && this.merge([record])[0]?.local;
        this.resolution = { state: 'done', ...(record ? { record } : {}), ...(local ? { local } : {}) };
        arrived();
        this.changed();
      }, err => {
        if (ctl.signal.aborted) return;
        this.resolution = { state: 'failed', message: (err as { online?: OnlineError }).online?.message ?? (err instanceof Error ? err.message : String(err)) };
        this.changed();
      });
      return;
    }
    for (const p of this.online.providers) this.answers.set(p, { state: 'waiting' });
    this.changed();
    void this.online.search(query, {
      limit: PER_PROVIDER,
      signal: ctl.signal,
      onResult: r => {
        if (ctl.signal.aborted) return;
        this.answers.set(r.provider, 'error' in r ? { state: 'failed', error: r.error } : { state: 'done', records: r.records });
        if ('records' in r && r.records.length) arrived();
        this.changed();
      },
    }).catch(err => {
      if (ctl.signal.aborted) return;
      for (const [p, a] of this.answers) if (a.state === 'waiting') this.answers.set(p, { state: 'failed', error: { provider: p, kind: 'http', message: String(err) } });
      this.changed();
    });
  }

  /**
   * `mergeOnline` over the records and the library papers they may be (those shown, and those with
   * one of their DOIs or arXiv ids): each record once, with the library paper it is.
   */
  private merge(records: OnlineRecord[], shown: readonly Paper[] = []): { record: OnlineRecord; local?: Paper }[] {
    const ids = libraryIds(this.lib.papers);
    const candidates = new Map<string, Paper>();
    for (const p of shown) candidates.set(p.id, p);
    for (const r of records) for (const k of recordIdKeys(r)) { const p = ids.get(k); if (p) candidates.set(p.id, p); }
    return mergeOnline([...candidates.values()], records);
  }

  /**
   * The rows around the library's hits: `top` (resolved identifier, consent question), `bottom`
   * (one section per provider), and the library papers online records turned out to be.
   */
  rows(shown: readonly Paper[]): { top: PickRow[]; bottom: PickRow[]; inLibrary: Paper[] } {
    const top: PickRow[] = [];
    const bottom: PickRow[] = [];
    const inLibrary: Paper[] = [];
    const q = this.query.trim();
    const r = this.resolution;
    if (r) {
      if (r.state === 'waiting') top.push(info(`$(loading~spin) Resolving ${escapeIcons(q)}…`));
      else if (r.state === 'failed') top.push(info(`$(warning) Could not resolve ${escapeIcons(q)}`, escapeIcons(r.message)));
      else if (r.local) top.push({ label: `Resolved: ${escapeIcons(r.local.title ?? r.local.id)}`, description: '$(library) in your library', detail: escapeIcons(`${r.local.id} · ${shortAuthors(r.local, 6)}`), alwaysShow: true, paper: r.local });
      else if (r.record) top.push(onlineRow(r.record, 'Resolved: '));
      else top.push(info(`$(info) No service knows ${escapeIcons(q)}`, `Searched ${joinNames(this.online.providers.map(p => PROVIDER_LABEL[p]))}`));
    }
    if (this.online.enabled === null && this.online.mayAsk && this.qualifies(q) && !(r?.state === 'done' && r.local)) {
      const names = joinNames(this.online.providers.map(p => PROVIDER_LABEL[p]));
      top.push(
        separator('Online search?'),
        { label: '$(globe) Allow online search', description: `Search ${names} for '${escapeIcons(q.slice(0, 80))}'? Only the ${this.identifier ? 'identifier' : 'query'} is sent.`, alwaysShow: true, consent: 'allow' },
        { label: '$(circle-slash) Not now', description: 'ask again next session', alwaysShow: true, consent: 'later' },
        { label: '$(close) Never', description: 'do not ask again (PaperCite: Enable Online Search turns it on)', alwaysShow: true, consent: 'never' },
      );
    }
    if (!this.answers.size) return { top, bottom, inLibrary };
    const done: OnlineRecord[] = [];
    for (const a of this.answers.values()) if (a.state === 'done') done.push(...a.records);
    const merged = this.merge(done, shown);
    for (const [p, a] of this.answers) {
      const label = PROVIDER_LABEL[p];
      if (a.state === 'waiting') { bottom.push(separator(label), info(`$(loading~spin) Searching ${label}…`)); continue; }
      if (a.state === 'failed') { bottom.push(separator(label), info(`$(warning) ${label} ${FAILED[a.error.kind] ?? 'failed'}`, escapeIcons(a.error.message))); continue; }
      const rows: PickRow[] = [];
      for (const { record, local } of merged) {
        if (record.provider !== p) continue;
        if (local) { if (!inLibrary.includes(local)) inLibrary.push(local); continue; }
        rows.push(onlineRow(record));
      }
      bottom.push(separator(rows.length ? label : `${label} · ${a.records.length ? 'all in your library or listed above' : 'no results'}`), ...rows);
    }
    return { top, bottom, inLibrary };
  }
}
