// Crossref REST API (works search and lookup) and DOI content negotiation (CSL-JSON, BibTeX).
// https://api.crossref.org/swagger-ui/index.html — `mailto` puts requests in the polite pool.
import type { CslName } from '../model';
import { bibAnswerRecord } from './bib';
import { decodeEntities } from './xml';
import { asRecord, bareDoi, baseUrl, makeRecord, Malformed, parseJson, query, str, withQuery, type Provider, type ProviderRequest } from './provider';
import type { OnlineRecord, OnlineSettings } from './types';

/** Crossref work types → CSL types. */
const TYPES: Record<string, string> = {
  'journal-article': 'article-journal', 'proceedings-article': 'paper-conference', 'book-chapter': 'chapter',
  'book-section': 'chapter', 'book-part': 'chapter', book: 'book', monograph: 'book', 'edited-book': 'book',
  'reference-book': 'book', 'posted-content': 'article', report: 'report', dissertation: 'thesis', dataset: 'dataset',
  'peer-review': 'review', standard: 'standard', 'reference-entry': 'entry', 'book-series': 'book', 'book-set': 'book',
};

const encodePath = (doi: string) => doi.split('/').map(encodeURIComponent).join('/');

function names(v: unknown): CslName[] {
  if (!Array.isArray(v)) return [];
  const out: CslName[] = [];
  for (const a of v.slice(0, 1000)) {
    const o = asRecord(a);
    if (!o) continue;
    const family = str(o.family), given = str(o.given), literal = str(o.name) ?? str(o.literal), suffix = str(o.suffix);
    if (family) out.push({ family, ...(given ? { given } : {}), ...(suffix ? { suffix } : {}) });
    else if (literal) out.push({ literal });
  }
  return out;
}

function dateParts(...vs: unknown[]): number[] | undefined {
  for (const v of vs) {
    const parts = asRecord(v)?.['date-parts'];
    const first = Array.isArray(parts) ? parts[0] : undefined;
    if (Array.isArray(first) && typeof first[0] === 'number') return first.filter((x): x is number => typeof x === 'number');
  }
  return undefined;
}

/** JATS abstract (`<jats:p>…`) as plain text. */
function jats(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  return decodeEntities(s.replace(/<[^<>]{0,300}>/g, ' ')).replace(/^\s*Abstract\s+/i, '').replace(/\s+/g, ' ').trim() || undefined;
}

/** A Crossref work or a CSL-JSON item (the transform's answer) → record. */
export function crossrefWork(v: unknown): OnlineRecord | undefined {
  const w = asRecord(v);
  if (!w) return undefined;
  const doi = bareDoi(w.DOI);
  const title = [str(w.title), str(w.subtitle)].filter(Boolean).join(': ');
  const type = str(w.type) ?? '';
  const arxiv = doi ? /^10\.48550\/arxiv\.(.+)$/i.exec(doi)?.[1] : undefined;
  return makeRecord('crossref', {
    type: TYPES[type] ?? 'article',
    title,
    authors: names(w.author),
    date: dateParts(w.issued, w['published-print'], w['published-online'], w.published, w.created),
    venue: arxiv ? undefined : str(w['container-title']),
    volume: str(w.volume),
    issue: str(w.issue),
    page: str(w.page),
    publisher: str(w.publisher),
    abstract: jats(w.abstract),
    doi,
    arxiv,
    ids: doi ? { doi } : {},
  });
}

/** A `work-list` or `work` message, checked. */
function message(body: string, kind: 'work-list' | 'work'): Record<string, unknown> {
  const o = asRecord(parseJson(body));
  if (!o || o.status !== 'ok' || o['message-type'] !== kind) throw new Malformed(`Crossref's answer is not a ${kind}`);
  const m = asRecord(o.message);
  if (!m) throw new Malformed(`Crossref's ${kind} has no message`);
  return m;
}

export function parseCrossrefSearch(body: string): OnlineRecord[] {
  const items = message(body, 'work-list').items;
  if (!Array.isArray(items)) throw new Malformed('Crossref\'s work-list has no items');
  return items.map(crossrefWork).filter((r): r is OnlineRecord => !!r && !!r.paper.title);
}

/**
 * The CSL-JSON of DOI content negotiation (Crossref's citeproc transform). A registration agency that
 * answers with BibTeX instead (the Accept header ignored) is read as BibTeX.
 */
export function parseCslAnswer(body: string, doi: string): OnlineRecord | undefined {
  const r = body.trimStart().startsWith('@') ? bibAnswerRecord('crossref', body) : crossrefWork(parseJson(body));
  if (r && !r.ids.doi) { r.ids.doi = doi; r.paper.DOI = doi; }
  return r?.paper.title ? r : undefined;
}

const polite = (s: OnlineSettings) => (s.mailto ? { mailto: s.mailto } : {});

export function doiCslRequest(doi: string, s: OnlineSettings): ProviderRequest {
  return { url: `${baseUrl(s, 'doi')}/${encodePath(doi)}`, headers: { accept: 'application/vnd.citationstyles.csl+json' } };
}

export function doiBibtexRequest(doi: string, s: OnlineSettings): ProviderRequest {
  return { url: `${baseUrl(s, 'doi')}/${encodePath(doi)}`, headers: { accept: 'application/x-bibtex' } };
}

export function crossrefBibtexRequest(doi: string, s: OnlineSettings): ProviderRequest {
  return { url: withQuery(`${baseUrl(s, 'crossref')}/works/${encodeURIComponent(doi)}/transform/application/x-bibtex`, polite(s)) };
}

export const crossref: Provider = {
  name: 'crossref',
  searchRequest(q, limit, s) {
    return { url: `${baseUrl(s, 'crossref')}/works?${query({ query: q, rows: limit, ...polite(s) })}` };
  },
  parseSearch(res) {
    return parseCrossrefSearch(res.body);
  },
  lookupRequest(id, s) {
    if (id.kind !== 'doi') return undefined;
    return { url: withQuery(`${baseUrl(s, 'crossref')}/works/${encodeURIComponent(id.id)}`, polite(s)) };
  },
  parseLookup(res) {
    return crossrefWork(message(res.body, 'work'));
  },
};
