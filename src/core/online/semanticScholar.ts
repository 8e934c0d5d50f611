// Semantic Scholar Graph API: paper search, lookup by id (DOI:, ARXIV:, ACL:, paper id) and title match.
// https://api.semanticscholar.org/api-docs/ — an API key goes in the `x-api-key` header.
import { arxivIdOf } from './identifiers';
import { asRecord, bareDoi, baseUrl, isoDate, makeRecord, Malformed, parseJson, query, str, type Provider, type ProviderRequest } from './provider';
import type { Identifier, OnlineIds, OnlineRecord, OnlineSettings } from './types';

export const S2_FIELDS = 'title,authors,year,venue,journal,externalIds,abstract,publicationDate,publicationTypes,url';

const headers = (s: OnlineSettings) => (s.semanticScholarKey ? { headers: { 'x-api-key': s.semanticScholarKey } } : {});

export function s2Paper(v: unknown): OnlineRecord | undefined {
  const p = asRecord(v);
  const paperId = str(p?.paperId);
  if (!p || !paperId) return undefined;
  const ext = asRecord(p.externalIds) ?? {};
  const doiRaw = bareDoi(ext.DOI);
  const arxiv = arxivIdOf(str(ext.ArXiv) ?? '') ?? (doiRaw ? arxivIdOf(/^10\.48550\/arxiv\.(.+)$/i.exec(doiRaw)?.[1] ?? '') : undefined);
  const doi = doiRaw && !/^10\.48550\//i.test(doiRaw) ? doiRaw : undefined;
  const ids: OnlineIds = { s2: paperId };
  const dblpKey = str(ext.DBLP);
  if (dblpKey) ids.dblp = dblpKey;
  const acl = str(ext.ACL);
  if (acl) ids.acl = acl;
  if (doi) ids.doi = doi;
  const journal = asRecord(p.journal);
  const venueName = str(p.venue) ?? str(journal?.name);
  const preprintVenue = !venueName || /^(arxiv(\.org)?|corr|biorxiv|medrxiv)$/i.test(venueName);
  const types = Array.isArray(p.publicationTypes) ? p.publicationTypes.map(t => str(t)) : [];
  const type = preprintVenue ? 'article' : types.includes('Conference') ? 'paper-conference' : types.includes('JournalArticle') ? 'article-journal' : 'article';
  const authors = Array.isArray(p.authors) ? p.authors.map(a => str(asRecord(a)?.name) ?? '').filter(Boolean) : [];
  const year = typeof p.year === 'number' ? p.year : undefined;
  const date = isoDate(p.publicationDate) ?? (year ? [year] : undefined);
  return makeRecord('semanticscholar', {
    type,
    title: str(p.title),
    authorNames: authors,
    ...(date ? { date } : {}),
    venue: preprintVenue ? undefined : venueName,
    volume: str(journal?.volume),
    page: str(journal?.pages)?.trim().replace(/\s+/g, ''),
    abstract: str(p.abstract),
    doi,
    arxiv,
    url: str(p.url) ?? `https://www.semanticscholar.org/paper/${paperId}`,
    ids,
  });
}

export function parseS2Search(body: string): OnlineRecord[] {
  const o = asRecord(parseJson(body));
  if (!o || (o.data === undefined && typeof o.total !== 'number')) throw new Malformed('Semantic Scholar\'s answer is not a search result');
  const data = o.data === undefined ? [] : o.data;
  if (!Array.isArray(data)) throw new Malformed('Semantic Scholar\'s search data is not a list');
  return data.map(s2Paper).filter((r): r is OnlineRecord => !!r && !!r.paper.title);
}

/** The paper id Semantic Scholar takes for an identifier. */
export function s2Id(id: Identifier): string | undefined {
  switch (id.kind) {
    case 'doi': return `DOI:${id.id}`;
    case 'arxiv': return `ARXIV:${arxivIdOf(id.id) ?? id.id}`;
    case 'acl': return `ACL:${id.id}`;
    case 's2': return id.id;
    default: return undefined;
  }
}

/** Title match: the one paper whose title best matches (a 404 when none). */
export function s2MatchRequest(title: string, s: OnlineSettings): ProviderRequest {
  return { url: `${baseUrl(s, 'semanticscholar')}/graph/v1/paper/search/match?${query({ query: title, fields: S2_FIELDS })}`, ...headers(s) };
}

export function parseS2Match(body: string): OnlineRecord | undefined {
  const data = asRecord(parseJson(body))?.data;
  return Array.isArray(data) ? s2Paper(data[0]) : undefined;
}

export const semanticScholar: Provider = {
  name: 'semanticscholar',
  searchRequest(q, limit, s) {
    return { url: `${baseUrl(s, 'semanticscholar')}/graph/v1/paper/search?${query({ query: q, fields: S2_FIELDS, limit })}`, ...headers(s) };
  },
  parseSearch(res) {
    return parseS2Search(res.body);
  },
  lookupRequest(id, s) {
    const pid = s2Id(id);
    if (!pid) return undefined;
    return { url: `${baseUrl(s, 'semanticscholar')}/graph/v1/paper/${pid.split('/').map(x => encodeURIComponent(x).replace(/%3A/gi, ':')).join('/')}?${query({ fields: S2_FIELDS })}`, ...headers(s) };
  },
  parseLookup(res) {
    const r = s2Paper(parseJson(res.body));
    if (!r) throw new Malformed('Semantic Scholar\'s answer is not a paper');
    return r;
  },
};
