// What every provider module offers the client, and the helpers they share: base URLs, the error an
// HTTP answer means, and one way to turn normalized fields into a PaperCite paper.
import { keyBase } from '../citekey';
import type { CslName, Paper } from '../model';
import { cleanTitle, splitName } from '../normalize';
import type { HttpResponse, Identifier, OnlineError, OnlineIds, OnlineRecord, OnlineSettings, ProviderName } from './types';

export interface ProviderRequest {
  url: string;
  headers?: Record<string, string>;
}

export interface Provider {
  name: ProviderName;
  /** The search request for `query` (at most `limit` records). */
  searchRequest(query: string, limit: number, s: OnlineSettings): ProviderRequest;
  /** Records of a successful search answer; throws `Malformed` when the body is not what the service sends. */
  parseSearch(res: HttpResponse): OnlineRecord[];
  /** The lookup request for an identifier this provider resolves, else undefined. */
  lookupRequest(id: Identifier, s: OnlineSettings): ProviderRequest | undefined;
  /** The record of a successful lookup answer, undefined when the answer says there is none. */
  parseLookup(res: HttpResponse, id: Identifier): OnlineRecord | undefined;
}

/** A body that is not what the service sends (`kind: 'malformed'`). */
export class Malformed extends Error {}

export const DEFAULT_BASE: Record<ProviderName | 'doi', string> = {
  arxiv: 'https://export.arxiv.org',
  dblp: 'https://dblp.org',
  crossref: 'https://api.crossref.org',
  doi: 'https://doi.org',
  semanticscholar: 'https://api.semanticscholar.org',
  openalex: 'https://api.openalex.org',
};

export function baseUrl(s: OnlineSettings, name: ProviderName | 'doi'): string {
  return (s.endpoints?.[name] ?? DEFAULT_BASE[name]).replace(/\/+$/, '');
}

/** `a=1&b=2` with values percent-encoded as `encodeURIComponent` does (spaces as %20). */
export function query(params: Record<string, string | number | undefined>): string {
  return Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
}

/** `path` with the non-empty parameters appended (no `?` when there are none). */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const q = query(params);
  return q ? `${path}?${q}` : path;
}

export function isOk(res: HttpResponse): boolean {
  return res.status >= 200 && res.status < 300;
}

/** Seconds or an HTTP date in `Retry-After`, as milliseconds (capped at a day). */
export function retryAfterMs(res: HttpResponse, now = Date.now()): number | undefined {
  const v = res.headers['retry-after']?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, 86_400_000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, Math.min(t - now, 86_400_000)) : undefined;
}

/** The service's own message in an error body (JSON `message`/`error`, Atom summary, HTML title), shortened. */
export function serviceMessage(body: string): string | undefined {
  const t = body.trim();
  if (!t) return undefined;
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as { message?: unknown; error?: unknown };
      const m = typeof o.message === 'string' ? o.message : Array.isArray(o.message) ? (o.message as { message?: string }[]).map(x => x?.message).filter(Boolean).join('; ') : typeof o.error === 'string' ? o.error : undefined;
      if (m) return oneLine(m);
    } catch { /* not JSON after all */ }
  }
  const summary = /<summary>([^<]{1,300})<\/summary>/.exec(t.slice(0, 20_000));
  if (summary) return oneLine(summary[1]!);
  const title = /<title>([^<]{1,200})<\/title>/i.exec(t.slice(0, 20_000));
  if (title && /^</.test(t)) return oneLine(title[1]!);
  if (!t.startsWith('<') && t.length < 200) return oneLine(t);
  return undefined;
}

function oneLine(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 160 ? `${one.slice(0, 157)}…` : one;
}

/** The error a non-2xx answer means. */
export function httpError(provider: ProviderName, res: HttpResponse): OnlineError {
  const said = serviceMessage(res.body);
  if (res.status === 429) {
    const wait = retryAfterMs(res);
    return { provider, kind: 'rate-limited', status: 429, message: `rate limited (HTTP 429)${said ? `: ${said}` : ''}`, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }
  if (res.status === 404) return { provider, kind: 'not-found', status: 404, message: `not found (HTTP 404)${said ? `: ${said}` : ''}` };
  const hint = res.status === 401 || res.status === 403 ? ' (check the API key)' : '';
  return { provider, kind: 'http', status: res.status, message: `HTTP ${res.status}${hint}${said ? `: ${said}` : ''}` };
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new Malformed(`the answer is not JSON (${body.trim().slice(0, 40).replace(/\s+/g, ' ')}…)`);
  }
}

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Lists wrapping a value (Crossref's `"title": ["…"]`) that `str` looks through; deeper is no value. */
export const MAX_LIST_NESTING = 32;

/** A value as trimmed text (a number as its digits, a list as its first element); undefined when empty. */
export function str(v: unknown): string | undefined {
  // A loop, not recursion: an answer of 100,000 nested lists must not exhaust the stack.
  for (let depth = 0; Array.isArray(v); depth++) {
    if (depth === MAX_LIST_NESTING) return undefined;
    v = v[0];
  }
  if (typeof v === 'string') { const t = v.trim(); return t || undefined; }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A DOI without resolver prefix, as the services print it. */
export function bareDoi(v: unknown): string | undefined {
  const s = str(v)?.replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)/i, '');
  return s && /^10\.\d{4,9}\/\S+$/.test(s) ? s : undefined;
}

export interface RecordFields {
  type: string;
  title?: string;
  authors?: CslName[];
  /** Names as one string each ("Given Family"). */
  authorNames?: string[];
  date?: number[];
  venue?: string;
  volume?: string;
  issue?: string;
  page?: string;
  publisher?: string;
  abstract?: string;
  doi?: string;
  arxiv?: string;
  category?: string;
  url?: string;
  ids: OnlineIds;
}

const MAX_AUTHORS = 100;

/** Inline markup some services keep in titles (`<i>`, `<sub>`, `<scp>`, MathML) removed, its text kept. */
export function stripMarkup(s: string): string {
  return s.replace(/<\/?(?:i|b|em|strong|sub|sup|scp|span|tt|u|mml:[a-z]+|math)(?:\s[^<>]{0,200})?\/?>/gi, '');
}

/** A PaperCite paper for an online record; its id is the PaperCite key (without collision suffix). */
export function makeRecord(provider: ProviderName, f: RecordFields): OnlineRecord {
  const ids: OnlineIds = { ...f.ids };
  if (f.doi) ids.doi ??= f.doi;
  if (f.arxiv) ids.arxiv ??= f.arxiv;
  const paper: Paper = { id: '', type: f.type, custom: {} };
  if (f.title) paper.title = cleanTitle(stripMarkup(f.title));
  const names = f.authors ?? (f.authorNames ?? []).map(n => splitName(n));
  const kept = names.filter(n => n.family || n.given || n.literal);
  if (kept.length) paper.author = kept.slice(0, MAX_AUTHORS);
  if (kept.length > MAX_AUTHORS) paper.custom.authorsTruncated = true;
  const date = f.date?.filter(x => Number.isInteger(x) && x > 0);
  if (date?.length && date[0]! >= 1000 && date[0]! <= 2999) paper.issued = { 'date-parts': [date.slice(0, 3)] };
  if (f.venue) paper['container-title'] = f.venue.replace(/\s+/g, ' ').trim();
  if (f.volume) paper.volume = f.volume;
  if (f.issue) paper.issue = f.issue;
  if (f.page) paper.page = f.page;
  if (f.publisher) paper.publisher = f.publisher;
  if (f.abstract) paper.abstract = f.abstract.replace(/\s+/g, ' ').trim();
  if (f.doi) paper.DOI = f.doi;
  if (f.arxiv) {
    paper.custom.arxiv = f.arxiv;
    if (f.category) paper.custom.category = f.category;
  }
  const url = f.url ?? (f.doi ? `https://doi.org/${f.doi}` : f.arxiv ? `https://arxiv.org/abs/${f.arxiv}` : undefined);
  if (url) paper.URL = url;
  paper.custom.online = { provider, ids, ...(url ? { url } : {}) };
  paper.id = keyBase(paper);
  return { paper, provider, ids, ...(url ? { url } : {}) };
}

/** `2017-07-27T08:18:33Z`, `2023-12-12` → [y, m, d]. */
export function isoDate(v: unknown): number[] | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(str(v) ?? '');
  if (!m) return undefined;
  return [m[1], m[2], m[3]].filter((x): x is string => x !== undefined).map(Number);
}
