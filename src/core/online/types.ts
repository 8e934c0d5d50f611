// Online search and add-by-identifier: the shapes shared by the providers, the client, the CLI and
// the editor. Pure types and constants; the HTTP client is injected (see http.ts for Node's).
import type { Paper } from '../model';

export type ProviderName = 'arxiv' | 'dblp' | 'crossref' | 'semanticscholar' | 'openalex';

/** Display order. */
export const PROVIDERS: readonly ProviderName[] = ['arxiv', 'dblp', 'crossref', 'semanticscholar', 'openalex'];

export const PROVIDER_LABEL: Record<ProviderName, string> = {
  arxiv: 'arXiv', dblp: 'DBLP', crossref: 'Crossref', semanticscholar: 'Semantic Scholar', openalex: 'OpenAlex',
};

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export type HttpGet = (url: string, init: { headers?: Record<string, string>; signal?: AbortSignal; timeoutMs?: number }) => Promise<HttpResponse>;

export interface OnlineSettings {
  /** Base URLs, same paths as the real services (tests, mirrors, institutional proxies). */
  endpoints?: Partial<Record<ProviderName | 'doi', string>>;
  /** Contact e-mail: Crossref's polite pool, OpenAlex's `mailto`. */
  mailto?: string;
  /** Sent as the `x-api-key` header. */
  semanticScholarKey?: string;
  /** Sent as the `api_key` query parameter. */
  openAlexKey?: string;
  /** Enabled providers (default: all). */
  providers?: ProviderName[];
  /** On-disk answer cache (absent: memory only). */
  cacheDir?: string;
  timeoutMs?: number;
}

export interface OnlineIds {
  doi?: string;
  arxiv?: string;
  /** DBLP record key, e.g. `conf/acl/DevlinCLT19`. */
  dblp?: string;
  /** ACL Anthology id, e.g. `P19-1001`, `2020.acl-main.1`. */
  acl?: string;
  /** Semantic Scholar paper id (40 hex digits). */
  s2?: string;
  /** OpenAlex work id, e.g. `W2741809807`. */
  openalex?: string;
}

export interface OnlineRecord {
  /** `id` is a PaperCite key (citekey.ts); `custom.online` names the provider and ids. */
  paper: Paper;
  provider: ProviderName;
  ids: OnlineIds;
  /** The record's landing page. */
  url?: string;
}

export type OnlineErrorKind = 'offline' | 'timeout' | 'rate-limited' | 'http' | 'malformed' | 'not-found';

export interface OnlineError {
  provider: ProviderName;
  kind: OnlineErrorKind;
  message: string;
  retryAfterMs?: number;
  /** HTTP status, when there was an answer. */
  status?: number;
}

export type ProviderResult = { provider: ProviderName; records: OnlineRecord[]; cached?: boolean } | { provider: ProviderName; error: OnlineError };

export type IdentifierKind = 'doi' | 'arxiv' | 'dblp' | 'acl' | 's2' | 'openalex';
export type Identifier = { kind: IdentifierKind; id: string };

export type ProviderState = 'ok' | 'unused' | 'offline' | 'rate-limited' | 'error';

/** An Error thrown by `lookup`/`bibtex`, carrying what went wrong. */
export class OnlineFailure extends Error {
  constructor(readonly online: OnlineError) {
    super(`${PROVIDER_LABEL[online.provider]}: ${online.message}`);
    this.name = 'OnlineFailure';
  }
}
