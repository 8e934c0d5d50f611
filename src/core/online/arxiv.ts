// arXiv API (Atom). https://info.arxiv.org/help/api/user-manual.html
// At most one request every three seconds, one at a time (the client spaces them).
import { latexOutsideMath } from '../bibtex/latex';
import { lastLine } from '../strings';
import { arxivIdOf } from './identifiers';
import { baseUrl, isoDate, makeRecord, Malformed, query, type Provider } from './provider';
import type { HttpResponse, OnlineRecord } from './types';
import { child, childrenNamed, parseXml, textOf, XmlError, type XmlDoc } from './xml';

/** Plain words become `all:word` terms joined by AND; a query using arXiv's field syntax is sent as typed. */
export function arxivSearchQuery(q: string): string {
  const t = q.trim().replace(/\s+/g, ' ');
  if (/\b(?:ti|au|abs|co|jr|cat|rn|id|all):|\b(?:AND|OR|ANDNOT)\b/.test(t)) return t;
  return t.split(' ').map(w => w.replace(/[():"]/g, '')).filter(Boolean).map(w => `all:${w}`).join(' AND ');
}

function feed(body: string): XmlDoc {
  let doc: XmlDoc;
  try {
    doc = parseXml(body);
  } catch (err) {
    throw new Malformed(`the arXiv answer is not XML (${(err as XmlError).message})`);
  }
  if (doc.root < 0 || doc.nodes[doc.root]!.local !== 'feed') throw new Malformed('the arXiv answer is not an Atom feed');
  return doc;
}

/** arXiv reports errors as one entry whose id is under /api/errors. */
function feedError(doc: XmlDoc): string | undefined {
  for (const e of childrenNamed(doc, doc.root, 'entry')) {
    if (/\/api\/errors/.test(textOf(doc, child(doc, e, 'id')))) return textOf(doc, child(doc, e, 'summary')) || 'arXiv reported an error';
  }
  return undefined;
}

export function parseArxivFeed(body: string): OnlineRecord[] {
  const doc = feed(body);
  const error = feedError(doc);
  if (error) throw new Malformed(`arXiv: ${error}`);
  const out: OnlineRecord[] = [];
  for (const e of childrenNamed(doc, doc.root, 'entry')) {
    const idUrl = textOf(doc, child(doc, e, 'id'));
    const m = /\/abs\/(.+)$/.exec(lastLine(idUrl));
    const arxiv = m ? arxivIdOf(m[1]!) : undefined;
    if (!arxiv) continue;
    const names = childrenNamed(doc, e, 'author').map(a => textOf(doc, child(doc, a, 'name'))).filter(Boolean);
    const primary = child(doc, e, 'primary_category');
    const category = primary !== undefined ? doc.nodes[primary]!.attrs.term : undefined;
    const doiText = textOf(doc, child(doc, e, 'doi')).split(/\s+/)[0];
    const doi = doiText && /^10\.\d{4,9}\/\S+$/.test(doiText) ? doiText : undefined;
    const journalRef = textOf(doc, child(doc, e, 'journal_ref'));
    const rec = makeRecord('arxiv', {
      type: 'article',
      title: latexOutsideMath(textOf(doc, child(doc, e, 'title'))),
      authorNames: names,
      date: isoDate(textOf(doc, child(doc, e, 'published'))),
      abstract: textOf(doc, child(doc, e, 'summary')),
      arxiv,
      ...(doi ? { doi } : {}),
      ...(category ? { category } : {}),
      url: `https://arxiv.org/abs/${arxiv}`,
      ids: { arxiv },
    });
    if (journalRef) rec.paper.custom.journalRef = journalRef;
    out.push(rec);
  }
  return out;
}

export const arxiv: Provider = {
  name: 'arxiv',
  searchRequest(q, limit, s) {
    return { url: `${baseUrl(s, 'arxiv')}/api/query?${query({ search_query: arxivSearchQuery(q), start: 0, max_results: limit, sortBy: 'relevance', sortOrder: 'descending' })}` };
  },
  parseSearch(res: HttpResponse) {
    return parseArxivFeed(res.body);
  },
  lookupRequest(id, s) {
    if (id.kind !== 'arxiv') return undefined;
    return { url: `${baseUrl(s, 'arxiv')}/api/query?${query({ search_query: '', id_list: id.id, start: 0, max_results: 1 })}` };
  },
  parseLookup(res, id) {
    const want = arxivIdOf(id.id);
    return parseArxivFeed(res.body).find(r => r.ids.arxiv === want);
  },
};
