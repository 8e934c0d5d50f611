// DBLP search API (XML; JSON read too) and per-record BibTeX. https://dblp.org/faq/13501473.html
// Requests at least 1 s apart; a 429 carries Retry-After (the client honours it).
import { bibAnswerRecord } from './bib';
import { lastLine } from '../strings';
import { arxivIdOf } from './identifiers';
import { asRecord, bareDoi, baseUrl, makeRecord, Malformed, parseJson, query, str, type Provider, type ProviderRequest } from './provider';
import type { OnlineRecord, OnlineSettings } from './types';
import { child, childrenNamed, parseXml, textOf } from './xml';

const TYPES: Record<string, string> = {
  'Journal Articles': 'article-journal', 'Conference and Workshop Papers': 'paper-conference',
  'Parts in Books or Collections': 'chapter', 'Books and Theses': 'book', Editorship: 'book',
  'Informal and Other Publications': 'article', 'Informal Publications': 'article', 'Reference Works': 'entry',
};

interface Hit { authors: string[]; title?: string; url?: string; venue?: string; volume?: string; number?: string; pages?: string; year?: string; type?: string; key?: string; doi?: string; ee: string[] }

/** "Wei Liu 0001" → "Wei Liu" (DBLP's homonym numbers). */
const person = (n: string) => (/\s\d{4}$/.test(n) ? n.slice(0, -4) : n).trim();

function hitRecord(hit: Hit): OnlineRecord | undefined {
  if (!hit.title) return undefined;
  // The 2016 answers have no <key>, only the record's URL.
  const h = hit.key ? hit : { ...hit, key: /\/rec\/(?:bib\d?\/)?([a-z]+\/.+?)(?:\.html)?$/.exec(lastLine(hit.url ?? ''))?.[1] };
  const arxiv = h.ee.map(u => /arxiv\.org\/abs\/(.+)$/.exec(lastLine(u))?.[1]).map(x => (x ? arxivIdOf(x) : undefined)).find(Boolean)
    ?? (h.doi ? arxivIdOf(/^10\.48550\/arxiv\.(.+)$/i.exec(h.doi)?.[1] ?? '') : undefined);
  const informal = /^Informal/.test(h.type ?? '') || h.venue === 'CoRR';
  const doi = h.doi && !/^10\.48550\//i.test(h.doi) ? h.doi : undefined;
  const year = h.year && /^\d{4}$/.test(h.year) ? [Number(h.year)] : undefined;
  return makeRecord('dblp', {
    type: TYPES[h.type ?? ''] ?? 'article',
    title: h.title,
    authorNames: h.authors.map(person),
    ...(year ? { date: year } : {}),
    venue: informal ? undefined : h.venue,
    volume: h.volume,
    issue: h.number,
    page: h.pages,
    doi,
    arxiv,
    url: h.key ? `https://dblp.org/rec/${h.key}` : undefined,
    ids: { ...(h.key ? { dblp: h.key } : {}), ...(doi ? { doi } : {}) },
  });
}

function parseXmlHits(body: string): Hit[] {
  let doc;
  try { doc = parseXml(body); } catch (err) { throw new Malformed(`DBLP's answer is not XML (${(err as Error).message})`); }
  const root = doc.root;
  if (root < 0 || doc.nodes[root]!.local !== 'result') {
    throw new Malformed(root >= 0 && doc.nodes[root]!.local === 'html' ? 'DBLP answered with a web page instead of data (a bot check?); try again later' : 'DBLP\'s answer is not a search result');
  }
  const status = child(doc, root, 'status');
  const code = status !== undefined ? doc.nodes[status]!.attrs.code : undefined;
  if (code && code !== '200') throw new Malformed(`DBLP reported status ${code}: ${textOf(doc, status)}`);
  const hits = child(doc, root, 'hits');
  if (hits === undefined) return [];
  return childrenNamed(doc, hits, 'hit').map(h => {
    const info = child(doc, h, 'info') ?? h;
    const get = (name: string) => textOf(doc, child(doc, info, name)) || undefined;
    const authors = child(doc, info, 'authors');
    return {
      authors: authors === undefined ? [] : childrenNamed(doc, authors, 'author').map(a => textOf(doc, a)),
      title: get('title'), venue: get('venue'), volume: get('volume'), number: get('number'), pages: get('pages'),
      year: get('year'), type: get('type'), key: get('key'), doi: get('doi'), url: get('url'),
      ee: childrenNamed(doc, info, 'ee').map(e => textOf(doc, e)),
    };
  });
}

function parseJsonHits(body: string): Hit[] {
  const result = asRecord(asRecord(parseJson(body))?.result);
  if (!result) throw new Malformed('DBLP\'s answer has no result');
  const code = str(asRecord(result.status)?.['@code']);
  if (code && code !== '200') throw new Malformed(`DBLP reported status ${code}`);
  const hit = asRecord(result.hits)?.hit;
  const list = Array.isArray(hit) ? hit : hit ? [hit] : [];
  return list.map(x => {
    const info = asRecord(asRecord(x)?.info) ?? {};
    const a = asRecord(info.authors)?.author;
    const authors = (Array.isArray(a) ? a : a ? [a] : []).map(y => str(asRecord(y)?.text) ?? str(y) ?? '').filter(Boolean);
    const ee = Array.isArray(info.ee) ? info.ee.map(e => str(e) ?? '') : str(info.ee) ? [str(info.ee)!] : [];
    return { authors, title: str(info.title), venue: str(info.venue), volume: str(info.volume), number: str(info.number), pages: str(info.pages), year: str(info.year), type: str(info.type), key: str(info.key), url: str(info.url), doi: bareDoi(info.doi) ?? str(info.doi), ee };
  });
}

export function parseDblpSearch(body: string): OnlineRecord[] {
  const hits = body.trimStart().startsWith('{') ? parseJsonHits(body) : parseXmlHits(body);
  return hits.map(hitRecord).filter((r): r is OnlineRecord => !!r);
}

/** A DBLP `.bib` answer → record (the first entry; DBLP keys start `DBLP:`). */
export function parseDblpBib(body: string, key?: string): OnlineRecord | undefined {
  if (/^\s*</.test(body)) throw new Malformed('DBLP answered with a web page instead of BibTeX');
  return bibAnswerRecord('dblp', body, key);
}

export function dblpBibRequest(key: string, s: OnlineSettings): ProviderRequest {
  return { url: `${baseUrl(s, 'dblp')}/rec/${key.split('/').map(encodeURIComponent).join('/')}.bib` };
}

export const dblp: Provider = {
  name: 'dblp',
  searchRequest(q, limit, s) {
    return { url: `${baseUrl(s, 'dblp')}/search/publ/api?${query({ q, format: 'xml', h: limit, f: 0 })}` };
  },
  parseSearch(res) {
    return parseDblpSearch(res.body);
  },
  lookupRequest(id, s) {
    return id.kind === 'dblp' ? dblpBibRequest(id.id, s) : undefined;
  },
  parseLookup(res, id) {
    return parseDblpBib(res.body, id.id);
  },
};
