// Which papers are the same by identifier, for the quick pick and the .bib: DOIs and arXiv ids of
// library papers, online records and .bib entries, written one way (`doi:…`, `arxiv:…`, lower
// case, arXiv without version); and which entries and records are preprints or published.
// Pure (no `vscode`), so it is unit-tested.
import { paperYear, type Paper } from '../../core/model';
import type { BibEntry } from '../../core/bibtex/parse';
import { isPreprint } from '../../core/online/bib';
import { arxivIdOf } from '../../core/online/identifiers';
import { PROVIDER_LABEL, type OnlineRecord } from '../../core/online/types';

function doiKey(doi: string): string | undefined {
  const d = doi.trim().replace(/^https?:\/\/(?:dx\.)?doi\.org\//i, '').replace(/^doi:\s*/i, '');
  return d ? `doi:${d.toLowerCase()}` : undefined;
}

function arxivKey(id: string): string | undefined {
  const a = arxivIdOf(id);
  return a ? `arxiv:${a.toLowerCase()}` : undefined;
}

/** Library papers by DOI and arXiv id, built once per library array (one pass). */
const maps = new WeakMap<readonly Paper[], Map<string, Paper>>();
export function libraryIds(papers: readonly Paper[]): Map<string, Paper> {
  let m = maps.get(papers);
  if (m) return m;
  m = new Map();
  for (const p of papers) {
    for (const k of paperIdKeys(p)) if (!m.has(k)) m.set(k, p);
  }
  maps.set(papers, m);
  return m;
}

export function paperIdKeys(p: Paper): string[] {
  const out: string[] = [];
  const d = typeof p.DOI === 'string' ? doiKey(p.DOI) : undefined;
  if (d) out.push(d);
  const a = typeof p.custom.arxiv === 'string' ? arxivKey(p.custom.arxiv) : undefined;
  if (a) out.push(a);
  return out;
}

export function recordIdKeys(r: OnlineRecord): string[] {
  const out: string[] = [];
  const d = r.ids.doi ? doiKey(r.ids.doi) : undefined;
  if (d) out.push(d);
  const a = r.ids.arxiv ? arxivKey(r.ids.arxiv) : undefined;
  if (a) out.push(a);
  return out;
}

/** The DOI and arXiv id a .bib entry names (`doi`, `eprint` with an arXiv prefix or none). */
export function entryIdKeys(fields: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  const d = fields.doi ? doiKey(fields.doi) : undefined;
  if (d) out.push(d);
  const prefix = fields.archiveprefix ?? fields.eprinttype ?? '';
  const a = fields.eprint && (!prefix || /arxiv/i.test(prefix)) ? arxivKey(fields.eprint) : undefined;
  if (a) out.push(a);
  return out;
}

/** `service · year · venue` for an online row. */
export function onlineDescription(r: OnlineRecord): string {
  const y = paperYear(r.paper);
  const venue = r.paper.custom.venue ?? r.paper['container-title'];
  return [PROVIDER_LABEL[r.provider], y === undefined ? '' : String(y), typeof venue === 'string' ? venue : ''].filter(Boolean).join(' · ');
}

/** A .bib entry that is an arXiv preprint: an arXiv eprint or DOI, or an arXiv/CoRR "journal". */
export function isPreprintEntry(e: BibEntry): boolean {
  const f = e.fields;
  const venue = `${f.journal ?? ''} ${f.booktitle ?? ''} ${f.publisher ?? ''}`;
  const published = !!f.booktitle || (!!f.journal && !/\b(arxiv|corr)\b/i.test(f.journal));
  const onArxiv = entryIdKeys(f).some(k => k.startsWith('arxiv:')) || /^10\.48550\//i.test(f.doi ?? '') || /\b(arxiv|corr)\b/i.test(venue);
  return onArxiv && !published && !!f.title;
}

/** A record that is a venue's version, not another copy of the preprint. */
export function isPublished(r: OnlineRecord): boolean {
  if (isPreprint(r)) return false;
  if (r.ids.dblp && /^journals\/corr\//i.test(r.ids.dblp)) return false;
  const venue = `${r.paper.custom.venue ?? ''} ${r.paper['container-title'] ?? ''}`;
  return !/\b(arxiv|corr)\b/i.test(venue) && !/^10\.48550\//i.test(r.ids.doi ?? '');
}

/** "ACL 2020" */
export function venueLabel(r: OnlineRecord): string {
  const venue = r.paper.custom.venue ?? r.paper['container-title'] ?? PROVIDER_LABEL[r.provider];
  const y = paperYear(r.paper);
  const v = String(venue).replace(/\s+/g, ' ').trim().slice(0, 80);
  return y !== undefined && !v.includes(String(y)) ? `${v} ${y}` : v;
}
