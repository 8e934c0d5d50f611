// The online client: searches the enabled providers in parallel (each result reported as it arrives),
// resolves identifiers, fetches authoritative BibTeX. Courtesy per provider: requests to one provider
// go one at a time, arXiv's at least 3 s apart and DBLP's 1 s; 429 and 5xx answers are retried after
// a pause (Retry-After when the service sends one, up to RETRY_WAIT_MAX), else the provider rests.
// Only the query or identifier leaves the machine, plus the contact e-mail and API keys the user set.
import { generatedBibtex, isPreprint, rekeyBibtex } from './bib';
import { AnswerCache, LOOKUP_TTL_MS, SEARCH_TTL_MS } from './cache';
import { crossrefBibtexRequest, doiBibtexRequest, doiCslRequest, parseCslAnswer } from './crossref';
import { dblpBibRequest } from './dblp';
import { HttpError } from './http';
import { detectIdentifier } from './identifiers';
import { httpError, isOk, Malformed, type Provider, type ProviderRequest } from './provider';
import { sameWork } from './match';
import { PROVIDER_MODULES } from './providers';
import { parseS2Match, s2MatchRequest } from './semanticScholar';
import type { Paper } from '../model';
import {
  OnlineFailure, PROVIDERS, type HttpGet, type HttpResponse, type Identifier, type OnlineError, type OnlineRecord,
  type OnlineSettings, type ProviderName, type ProviderResult, type ProviderState,
} from './types';

/** Minimum pause between two requests to one provider. */
export const SPACING_MS: Record<ProviderName | 'doi', number> = { arxiv: 3000, dblp: 1000, crossref: 0, doi: 0, semanticscholar: 0, openalex: 0 };
/** A longer Retry-After is not waited for: the provider is reported rate-limited instead. */
export const RETRY_WAIT_MAX = 5000;
const RETRIES = 2;
const DEFAULT_TIMEOUT = 15_000;
const DEFAULT_REST = 60_000;

export interface ClientOptions {
  now?: () => number;
  /** Waits `ms` (rejects when `signal` aborts). Tests pass one that records the pauses. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  spacingMs?: Partial<Record<ProviderName | 'doi', number>>;
}

/** Thrown by `lookup` for text that is no identifier PaperCite knows. */
export class NotAnIdentifier extends Error {}

function abortError(): Error {
  const e = new Error('cancelled');
  e.name = 'AbortError';
  return e;
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(abortError()); return; }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(abortError()); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

type Gate = ProviderName | 'doi';

function withoutCredentials(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const kept = url.slice(q + 1).split('&').filter(p => !/^(?:api_key|mailto)=/.test(p));
  return kept.length ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q);
}

export class OnlineClient {
  private readonly cache: AnswerCache;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly spacing: Record<Gate, number>;
  private readonly queue = new Map<Gate, Promise<unknown>>();
  private readonly last = new Map<Gate, number>();
  private readonly restUntil = new Map<ProviderName, number>();
  private readonly states = new Map<ProviderName, { state: ProviderState; message?: string; since: number }>();

  constructor(private readonly http: HttpGet, private readonly settings: OnlineSettings, opts: ClientOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? defaultSleep;
    this.spacing = { ...SPACING_MS, ...opts.spacingMs };
    this.cache = new AnswerCache(settings.cacheDir, this.now);
  }

  private enabled(): ProviderName[] {
    return this.settings.providers ? PROVIDERS.filter(p => this.settings.providers!.includes(p)) : [...PROVIDERS];
  }

  providerStates(): Record<ProviderName, { state: ProviderState; message?: string; since?: number }> {
    const out = {} as Record<ProviderName, { state: ProviderState; message?: string; since?: number }>;
    const on = this.enabled();
    for (const p of PROVIDERS) {
      const s = this.states.get(p);
      out[p] = !on.includes(p) ? { state: 'unused' } : s ? { state: s.state, ...(s.message ? { message: s.message } : {}), since: s.since } : { state: 'ok' };
    }
    return out;
  }

  private setState(p: ProviderName, state: ProviderState, message?: string): void {
    const cur = this.states.get(p);
    if (cur && cur.state === state && cur.message === message) return;
    this.states.set(p, { state, ...(message ? { message } : {}), since: this.now() });
  }

  /** One request, courteously: cached answer, else queued behind the provider's previous request. */
  private async get(provider: ProviderName, gate: Gate, req: ProviderRequest, ttl: number, signal?: AbortSignal): Promise<HttpResponse & { cached?: boolean }> {
    // Keys and contact e-mail are not part of the question, and never written to the cache.
    const cacheKey = `${withoutCredentials(req.url)}\n${req.headers?.accept ?? ''}`;
    const hit = this.cache.get(cacheKey, ttl);
    if (hit) return { ...hit, cached: true };
    const rest = this.restUntil.get(provider);
    if (rest !== undefined && rest > this.now()) {
      throw new OnlineFailure({ provider, kind: 'rate-limited', message: `rate limited; resting for ${Math.ceil((rest - this.now()) / 1000)} s`, retryAfterMs: rest - this.now() });
    }
    const prev = this.queue.get(gate) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(() => this.attempt(provider, gate, req, signal));
    this.queue.set(gate, run.catch(() => undefined));
    const res = await run;
    if (isOk(res)) {
      this.cache.set(cacheKey, res);
      this.setState(provider, 'ok');
    }
    return res;
  }

  private async attempt(provider: ProviderName, gate: Gate, req: ProviderRequest, signal?: AbortSignal): Promise<HttpResponse> {
    for (let n = 0; ; n++) {
      if (signal?.aborted) throw abortError();
      const wait = (this.last.get(gate) ?? -Infinity) + this.spacing[gate] - this.now();
      if (wait > 0) await this.sleep(wait, signal);
      this.last.set(gate, this.now());
      let res: HttpResponse;
      try {
        res = await this.http(req.url, { ...(req.headers ? { headers: req.headers } : {}), ...(signal ? { signal } : {}), timeoutMs: this.settings.timeoutMs ?? DEFAULT_TIMEOUT });
      } catch (err) {
        if (signal?.aborted || (err as Error).name === 'AbortError') throw abortError();
        const kind = err instanceof HttpError && err.kind === 'timeout' ? 'timeout' : 'offline';
        const message = kind === 'timeout' ? (err as Error).message : `unreachable: ${(err as Error).message.replace(/^unreachable \((.*)\)$/, '$1')}`;
        this.setState(provider, 'offline', message);
        throw new OnlineFailure({ provider, kind, message });
      }
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable) return res;
      const e = httpError(provider, res);
      const pause = e.retryAfterMs ?? 1000 * 2 ** n;
      if (n < RETRIES && pause <= RETRY_WAIT_MAX) {
        await this.sleep(pause, signal);
        continue;
      }
      if (res.status === 429) {
        this.restUntil.set(provider, this.now() + (e.retryAfterMs ?? DEFAULT_REST));
        this.setState(provider, 'rate-limited', e.message);
      } else this.setState(provider, 'error', e.message);
      return res;
    }
  }

  /** Searches each provider; `onResult` gets each provider's records or error as it arrives. Never throws for one provider. */
  async search(query: string, opts: { providers?: ProviderName[]; limit?: number; signal?: AbortSignal; onResult(r: ProviderResult): void }): Promise<void> {
    const wanted = this.enabled().filter(p => !opts.providers || opts.providers.includes(p));
    const limit = Math.max(1, Math.min(opts.limit ?? 10, 100));
    const q = query.trim();
    if (!q) return;
    await Promise.all(wanted.map(async name => {
      const result = await this.searchOne(PROVIDER_MODULES[name], q, limit, opts.signal);
      if (result && !opts.signal?.aborted) opts.onResult(result);
    }));
  }

  private async searchOne(p: Provider, q: string, limit: number, signal?: AbortSignal): Promise<ProviderResult | undefined> {
    try {
      const res = await this.get(p.name, p.name, p.searchRequest(q, limit, this.settings), SEARCH_TTL_MS, signal);
      if (!isOk(res)) {
        const error = httpError(p.name, res);
        // A search answered 404 is a broken endpoint, not an absent paper.
        return { provider: p.name, error: error.kind === 'not-found' ? { ...error, kind: 'http', message: error.message.replace(/^not found \(HTTP 404\)/, 'HTTP 404 (no search service at this address)') } : error };
      }
      try {
        return { provider: p.name, records: p.parseSearch(res).slice(0, limit), ...(res.cached ? { cached: true } : {}) };
      } catch (err) {
        if (!(err instanceof Malformed)) throw err;
        this.setState(p.name, 'error', err.message);
        return { provider: p.name, error: { provider: p.name, kind: 'malformed', message: err.message } };
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError') return undefined;
      if (err instanceof OnlineFailure) return { provider: p.name, error: err.online };
      return { provider: p.name, error: { provider: p.name, kind: 'malformed', message: (err as Error).message } };
    }
  }

  /** Who resolves an identifier, in order. `doi` is DOI content negotiation (counted as Crossref). */
  private route(id: Identifier): (ProviderName | 'doi')[] {
    const on = this.enabled();
    const order: (ProviderName | 'doi')[] = id.kind === 'arxiv' ? ['arxiv', 'semanticscholar']
      : id.kind === 'doi' ? ['crossref', 'doi', 'semanticscholar']
        : id.kind === 'dblp' ? ['dblp']
          : id.kind === 'openalex' ? ['openalex']
            : ['semanticscholar'];
    return order.filter(p => on.includes(p === 'doi' ? 'crossref' : p));
  }

  /** The record an identifier (or URL) names; undefined when no provider knows it. Throws `OnlineFailure` when none could answer. */
  async lookup(idOrUrl: string, signal?: AbortSignal): Promise<OnlineRecord | undefined> {
    if (signal?.aborted) throw abortError();
    const id = detectIdentifier(idOrUrl);
    if (!id) throw new NotAnIdentifier(`"${idOrUrl.slice(0, 80)}" is not a DOI, arXiv id or paper URL PaperCite knows`);
    const route = this.route(id);
    if (!route.length) throw new NotAnIdentifier(`no enabled provider resolves ${id.kind} identifiers`);
    let failure: OnlineError | undefined;
    for (const step of route) {
      const provider: ProviderName = step === 'doi' ? 'crossref' : step;
      try {
        if (step === 'doi') {
          const res = await this.get(provider, 'doi', doiCslRequest(id.id, this.settings), LOOKUP_TTL_MS, signal);
          if (isOk(res)) { const r = parseCslAnswer(res.body, id.id); if (r) return r; continue; }
          const e = httpError(provider, res);
          if (e.kind !== 'not-found' && res.status !== 406) failure ??= e;
          continue;
        }
        const p = PROVIDER_MODULES[step];
        const req = p.lookupRequest(id, this.settings);
        if (!req) continue;
        const res = await this.get(provider, step, req, LOOKUP_TTL_MS, signal);
        if (isOk(res)) { const r = p.parseLookup(res, id); if (r) return r; continue; }
        const e = httpError(provider, res);
        if (e.kind !== 'not-found') failure ??= e;
      } catch (err) {
        if ((err as Error).name === 'AbortError') throw err;
        if (err instanceof OnlineFailure) { failure ??= err.online; continue; }
        if (err instanceof Malformed) { failure ??= { provider, kind: 'malformed', message: err.message }; continue; }
        throw err;
      }
    }
    if (failure) throw new OnlineFailure(failure);
    return undefined;
  }

  /**
   * The published version of an arXiv preprint, as Semantic Scholar links them (a venue, and a DOI or
   * a DBLP record outside CoRR); undefined while it is only a preprint or unknown. Failures throw.
   */
  async publishedVersion(arxivId: string, signal?: AbortSignal): Promise<OnlineRecord | undefined> {
    const id = detectIdentifier(arxivId);
    if (id?.kind !== 'arxiv') throw new NotAnIdentifier(`"${arxivId.slice(0, 80)}" is not an arXiv id`);
    if (!this.enabled().includes('semanticscholar')) return undefined;
    const p = PROVIDER_MODULES.semanticscholar;
    const res = await this.get('semanticscholar', 'semanticscholar', p.lookupRequest(id, this.settings)!, LOOKUP_TTL_MS, signal);
    if (!isOk(res)) {
      const e = httpError('semanticscholar', res);
      if (e.kind === 'not-found') return undefined;
      throw new OnlineFailure(e);
    }
    let rec: OnlineRecord | undefined;
    try { rec = p.parseLookup(res, id); } catch (err) {
      if (err instanceof Malformed) throw new OnlineFailure({ provider: 'semanticscholar', kind: 'malformed', message: err.message });
      throw err;
    }
    const venue = rec?.paper['container-title'];
    const dblpKey = rec?.ids.dblp && !/^journals\/corr\//.test(rec.ids.dblp) ? rec.ids.dblp : undefined;
    if (!rec || !venue || !(rec.ids.doi || dblpKey)) return undefined;
    if (!dblpKey) delete rec.ids.dblp;
    return rec;
  }

  /**
   * The record Semantic Scholar's title match returns for `paper`, only when `sameWork` holds (title
   * similarity and an author or the year; see match.ts): a near miss is undefined, with the reason.
   */
  async matchTitle(paper: Paper, signal?: AbortSignal): Promise<{ record?: OnlineRecord; why: string }> {
    if (!paper.title || !this.enabled().includes('semanticscholar')) return { why: 'no title or Semantic Scholar not enabled' };
    const res = await this.get('semanticscholar', 'semanticscholar', s2MatchRequest(paper.title, this.settings), SEARCH_TTL_MS, signal);
    if (!isOk(res)) {
      const e = httpError('semanticscholar', res);
      if (e.kind === 'not-found') return { why: 'Semantic Scholar has no paper with this title' };
      throw new OnlineFailure(e);
    }
    let rec: OnlineRecord | undefined;
    try { rec = parseS2Match(res.body); } catch (err) {
      if (err instanceof Malformed) throw new OnlineFailure({ provider: 'semanticscholar', kind: 'malformed', message: err.message });
      throw err;
    }
    if (!rec) return { why: 'Semantic Scholar has no paper with this title' };
    const same = sameWork(paper, rec.paper);
    return same.same ? { record: rec, why: same.why } : { why: `closest match "${rec.paper.title}" is not this paper: ${same.why}` };
  }

  /**
   * The entry to write for a record, keyed `key`: a published paper's BibTeX from DBLP or by its DOI
   * (content negotiation, then Crossref's transform), rewritten safely; a preprint in arXiv's form.
   * When no service answers with an entry, PaperCite writes one from the record.
   */
  async bibtex(record: OnlineRecord, key: string, signal?: AbortSignal): Promise<string> {
    if (isPreprint(record)) return generatedBibtex(record, key);
    const on = this.enabled();
    const tries: { provider: ProviderName; gate: Gate; req: ProviderRequest }[] = [];
    const dblpKey = record.ids.dblp;
    if (dblpKey && !/^journals\/corr\//.test(dblpKey) && on.includes('dblp')) tries.push({ provider: 'dblp', gate: 'dblp', req: dblpBibRequest(dblpKey, this.settings) });
    const doi = record.ids.doi ?? record.paper.DOI;
    if (doi && on.includes('crossref')) {
      tries.push({ provider: 'crossref', gate: 'doi', req: doiBibtexRequest(doi, this.settings) });
      tries.push({ provider: 'crossref', gate: 'crossref', req: crossrefBibtexRequest(doi, this.settings) });
    }
    for (const t of tries) {
      try {
        const res = await this.get(t.provider, t.gate, t.req, LOOKUP_TTL_MS, signal);
        if (!isOk(res)) continue;
        const entry = rekeyBibtex(res.body, key);
        if (entry) return entry;
      } catch (err) {
        if ((err as Error).name === 'AbortError') throw err;
        if (!(err instanceof OnlineFailure)) throw err;
      }
    }
    return generatedBibtex(record, key);
  }
}

