// OpenAlex works search and lookup. https://developers.openalex.org — the key goes in `api_key`,
// the contact e-mail in `mailto`. Abstracts come as an inverted index (word → positions), rebuilt here.
import { lastLine } from '../strings';
import { arxivIdOf } from './identifiers';
import { asRecord, bareDoi, baseUrl, isoDate, makeRecord, Malformed, parseJson, query, str, withQuery, type Provider } from './provider';
import type { OnlineIds, OnlineRecord, OnlineSettings } from './types';

/** Longest abstract rebuilt (words); positions beyond are dropped, so a hostile index stays small. */
export const MAX_ABSTRACT_WORDS = 5000;

const TYPES: Record<string, string> = {
  article: 'article-journal', preprint: 'article', 'book-chapter': 'chapter', book: 'book', dissertation: 'thesis',
  dataset: 'dataset', report: 'report', review: 'article-journal', standard: 'standard',
};

/** `{"Humans": [0], "can": [1, 38]}` → "Humans can …" (words in position order). */
export function invertedAbstract(v: unknown): string | undefined {
  const index = asRecord(v);
  if (!index) return undefined;
  const words: string[] = [];
  let count = 0;
  for (const [word, positions] of Object.entries(index)) {
    if (!Array.isArray(positions)) continue;
    for (const pos of positions) {
      if (typeof pos !== 'number' || !Number.isInteger(pos) || pos < 0 || pos >= MAX_ABSTRACT_WORDS) continue;
      if (words[pos] === undefined) count++;
      words[pos] = word;
    }
  }
  if (!count) return undefined;
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) if (words[i] !== undefined) out.push(words[i]!);
  return out.join(' ').replace(/^Abstract\s+(?=\p{Lu})/u, '');
}

const auth = (s: OnlineSettings) => ({ ...(s.openAlexKey ? { api_key: s.openAlexKey } : {}), ...(s.mailto ? { mailto: s.mailto } : {}) });

export function openAlexWork(v: unknown): OnlineRecord | undefined {
  const w = asRecord(v);
  const id = /W\d+$/.exec(str(w?.id) ?? '')?.[0];
  if (!w || !id) return undefined;
  const doiRaw = bareDoi(w.doi);
  const locations = Array.isArray(w.locations) ? w.locations.map(asRecord) : [];
  const arxivFromLoc = locations.map(l => /arxiv\.org\/abs\/(.+)$/.exec(lastLine(str(l?.landing_page_url) ?? ''))?.[1]).find(Boolean);
  const arxiv = (doiRaw ? arxivIdOf(/^10\.48550\/arxiv\.(.+)$/i.exec(doiRaw)?.[1] ?? '') : undefined) ?? (arxivFromLoc ? arxivIdOf(arxivFromLoc) : undefined);
  const doi = doiRaw && !/^10\.48550\//i.test(doiRaw) ? doiRaw : undefined;
  const type = str(w.type) ?? '';
  const source = asRecord(asRecord(w.primary_location)?.source);
  const venue = str(source?.display_name);
  const preprint = type === 'preprint' || (!!venue && /^(arxiv(\.org)?|biorxiv|medrxiv|ssrn)/i.test(venue));
  const biblio = asRecord(w.biblio) ?? {};
  const first = str(biblio.first_page), last = str(biblio.last_page);
  const authors = Array.isArray(w.authorships) ? w.authorships.map(a => str(asRecord(asRecord(a)?.author)?.display_name) ?? str(asRecord(a)?.raw_author_name) ?? '').filter(Boolean) : [];
  const ids: OnlineIds = { openalex: id };
  if (doi) ids.doi = doi;
  const date = isoDate(w.publication_date) ?? (typeof w.publication_year === 'number' ? [w.publication_year] : undefined);
  return makeRecord('openalex', {
    type: preprint ? 'article' : TYPES[type] ?? 'article',
    title: str(w.title) ?? str(w.display_name),
    authorNames: authors,
    ...(date ? { date } : {}),
    venue: preprint ? undefined : venue,
    volume: str(biblio.volume),
    issue: str(biblio.issue),
    page: first ? (last && last !== first ? `${first}-${last}` : first) : undefined,
    abstract: invertedAbstract(w.abstract_inverted_index),
    doi,
    arxiv,
    url: `https://openalex.org/${id}`,
    ids,
  });
}

export function parseOpenAlexSearch(body: string): OnlineRecord[] {
  const o = asRecord(parseJson(body));
  if (!o || !Array.isArray(o.results)) throw new Malformed('OpenAlex\'s answer is not a list of works');
  return o.results.map(openAlexWork).filter((r): r is OnlineRecord => !!r && !!r.paper.title);
}

export const openAlex: Provider = {
  name: 'openalex',
  searchRequest(q, limit, s) {
    return { url: `${baseUrl(s, 'openalex')}/works?${query({ search: q, per_page: limit, ...auth(s) })}` };
  },
  parseSearch(res) {
    return parseOpenAlexSearch(res.body);
  },
  lookupRequest(id, s) {
    if (id.kind === 'openalex') return { url: withQuery(`${baseUrl(s, 'openalex')}/works/${encodeURIComponent(id.id)}`, auth(s)) };
    if (id.kind === 'doi') return { url: withQuery(`${baseUrl(s, 'openalex')}/works/https://doi.org/${id.id.split('/').map(encodeURIComponent).join('/')}`, auth(s)) };
    return undefined;
  },
  parseLookup(res) {
    const r = openAlexWork(parseJson(res.body));
    if (!r) throw new Malformed('OpenAlex\'s answer is not a work');
    return r;
  },
};
