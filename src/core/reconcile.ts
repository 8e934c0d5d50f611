// Applying curated metadata records to the page entries they identify.
import type { CslDate, Paper, PageSource, Provenance } from './model';
import { cleanText, cleanTitle, comparable, comparableName, splitName, squashed } from './normalize';
import type { MergedEntry } from './dedupe';

/** A curated bibliographic record (corpus/metadata/records.json). */
export interface MetadataRecord {
  identify: { title?: string; abstractBegins?: string };
  title?: string | null;
  authors?: string[] | null;
  /** Year of the first public version. */
  year?: number | null;
  /** Short venue name of the published version; null for preprints. */
  venue?: string | null;
  pages?: string | null;
  arxiv?: string | null;
  doi?: string | null;
  url?: string | null;
  note?: string | null;
  sources?: string[] | null;
}

export interface ReconcileReport {
  /** Records applied, by the index of the record in the input. */
  applied: { record: number; title: string; sources: PageSource[] }[];
  /** Records whose evidence matches no entry. */
  unmatched: { record: number; identify: MetadataRecord['identify'] }[];
  /** Records whose evidence matches several entries (not applied). */
  ambiguous: { record: number; identify: MetadataRecord['identify']; matches: PageSource[][] }[];
  /** Entries that no record describes (they keep what the page gives). */
  unrecorded: PageSource[][];
  log: string[];
}

/** A paper whose citation key (`id`) is not assigned yet (empty). */
export type PaperDraft = Paper;

/** Minimum evidence length: shorter titles or abstract openings could name several papers. */
const MIN_EVIDENCE = 12;

/** Whether a record's evidence identifies the entry (spacing, punctuation and case do not count). */
export function recordMatches(r: MetadataRecord, e: MergedEntry): boolean {
  const { title, abstractBegins } = r.identify;
  if (title) {
    const t = squashed(title);
    if (t.length >= MIN_EVIDENCE && e.title && squashed(e.title) === t) return true;
  }
  if (abstractBegins) {
    const a = squashed(abstractBegins);
    if (a.length >= MIN_EVIDENCE && squashed(e.abstract).startsWith(a)) return true;
  }
  return false;
}

export function yearOfVenue(venue: string | null | undefined): number | undefined {
  const m = venue ? /\b(19|20)\d{2}\b/.exec(venue) : null;
  return m ? Number(m[0]) : undefined;
}

function describe(e: MergedEntry): string {
  return e.sources.map(s => `${s.page}#${s.index}`).join(', ');
}

const CODE_HOST = /^https?:\/\/(?:www\.)?(?:github\.com|gitlab\.com)\//i;
const PUBLISHER = /^https?:\/\/(?:[\w-]+\.)*(?:aclanthology\.org|mlr\.press|openreview\.net|mlanthology\.org|doi\.org|arxiv\.org|neurips\.cc|ieee\.org|acm\.org|thecvf\.com|springer\.com|nature\.com)\//i;
const JOURNAL = /\b(transactions|journal|TMLR|JMLR|TPAMI|letters)\b/i;

/**
 * Turns merged entries into papers and applies each record to the one entry its evidence
 * identifies. Records fill what the page lacks; where they differ from what a page states, the
 * record's value is used only for the author list (pages cut it at three names) and the title, and
 * the difference is logged. Dates: `issued` is the page's date (first appearance); when the record
 * names a venue of a later year, `issued` becomes that year and the page's date moves to
 * `original-date`. Author names are never merged or deduplicated (two "Yang Yue" stay two).
 */
export function reconcile(entries: MergedEntry[], records: MetadataRecord[]): { papers: PaperDraft[]; report: ReconcileReport } {
  const report: ReconcileReport = { applied: [], unmatched: [], ambiguous: [], unrecorded: [], log: [] };
  const recordOf = new Map<number, number[]>();
  records.forEach((r, ri) => {
    const hits = entries.map((e, ei) => (recordMatches(r, e) ? ei : -1)).filter(i => i >= 0);
    if (hits.length === 0) {
      report.unmatched.push({ record: ri, identify: r.identify });
      report.log.push(`record ${ri} (${JSON.stringify(r.identify).slice(0, 90)}) matches no entry`);
    } else if (hits.length > 1) {
      report.ambiguous.push({ record: ri, identify: r.identify, matches: hits.map(h => entries[h]!.sources) });
      report.log.push(`record ${ri} matches ${hits.length} entries (${hits.map(h => describe(entries[h]!)).join(' | ')}); not applied`);
    } else {
      const l = recordOf.get(hits[0]!);
      if (l) l.push(ri); else recordOf.set(hits[0]!, [ri]);
    }
  });
  const papers = entries.map((e, ei) => {
    const rs = recordOf.get(ei) ?? [];
    if (rs.length > 1) {
      report.log.push(`entry ${describe(e)} is identified by records ${rs.join(', ')}; none applied`);
      report.ambiguous.push(...rs.map(ri => ({ record: ri, identify: records[ri]!.identify, matches: [e.sources] })));
    }
    const ri = rs.length === 1 ? rs[0] : undefined;
    if (ri === undefined) {
      report.unrecorded.push(e.sources);
      return fromPage(e);
    }
    const r = records[ri]!;
    report.applied.push({ record: ri, title: r.title ?? '', sources: e.sources });
    return applyRecord(fromPage(e), e, r, report.log);
  });
  return { papers, report };
}

function dateOf(parts: number[]): CslDate {
  return { 'date-parts': [parts] };
}

// Code links in abstracts ("The code is available at https://github.com/…").
const CODE_URL = /https?:\/\/(?:www\.)?(?:github\.com|gitlab\.com)\/[\w.-]+\/[\w.-]+/;

/** A paper holding only what its pages state. */
export function fromPage(e: MergedEntry): PaperDraft {
  const prov: Record<string, Provenance> = {};
  const p: PaperDraft = { id: '', type: 'article', custom: {} };
  if (e.title) { p.title = cleanTitle(e.title); prov.title = 'page'; }
  if (e.authors?.length) { p.author = e.authors.map(splitName); prov.author = 'page'; }
  if (e.date) { p.issued = dateOf(e.date); prov.issued = 'page'; }
  p.abstract = cleanText(e.abstract);
  prov.abstract = 'page';
  const c = p.custom;
  c.authorsTruncated = e.authorsTruncated;
  if (e.category) { c.category = e.category; prov.category = 'page'; }
  if (e.score !== undefined) { c.score = e.score; prov.score = 'page'; }
  c.hasCode = e.hasCode;
  prov.hasCode = 'page';
  const code = CODE_URL.exec(p.abstract)?.[0]?.replace(/[.]$/, '').replace(/\.git$/, '');
  if (code) { c.codeUrl = code; c.hasCode = true; prov.codeUrl = 'page'; }
  if (e.affiliations.length) { c.affiliations = [...e.affiliations]; prov.affiliations = 'page'; }
  c.profiles = [...e.profiles];
  c.sources = e.sources.map(s => ({ ...s }));
  c.provenance = prov;
  return p;
}

/** `2505.03335` → [2025, 5]: new-style arXiv ids encode the month of the first version. */
export function arxivDate(id: string | null | undefined): number[] | undefined {
  const m = id ? /^(\d{2})(\d{2})\.\d{4,5}/.exec(id) : null;
  if (!m) return undefined;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? [2000 + Number(m[1]), month] : undefined;
}

/**
 * Dates. First appearance: the page's date when it has a day or month (the pages show the arXiv
 * submission date); a page that gives only a year (a year heading) yields to an earlier arXiv
 * version; a page without a date takes the arXiv month, else the record's year. `issued` is the
 * page's date, or the venue's year when that is later; `original-date` holds the first appearance
 * whenever it differs from `issued`.
 */
function applyDates(p: PaperDraft, r: MetadataRecord, where: string, log: string[]): void {
  const prov = p.custom.provenance!;
  const page = p.issued?.['date-parts'][0];
  const arxiv = arxivDate(r.arxiv);
  let first: { parts: number[]; from: Provenance } | undefined;
  if (page && (page.length > 1 || !arxiv || arxiv[0]! >= page[0]!)) first = { parts: page, from: 'page' };
  else if (arxiv) first = { parts: arxiv, from: 'record' };
  else if (r.year) first = { parts: [r.year], from: 'record' };
  if (!first) return;
  if (page && first.from === 'record') log.push(`${where}: the page lists it under ${page[0]}, arXiv ${r.arxiv} dates it ${arxiv!.join('-')}; first appearance ${arxiv!.join('-')}`);
  if (page && page.length > 1 && arxiv && (arxiv[0] !== page[0] || arxiv[1] !== page[1])) {
    log.push(`${where}: page date ${page.join('-')} but arXiv ${r.arxiv}; page date kept`);
  }
  let issued = page ? { parts: page, from: 'page' as Provenance } : first;
  const venueYear = yearOfVenue(r.venue);
  if (venueYear && venueYear > issued.parts[0]!) issued = { parts: [venueYear], from: 'record' };
  p.issued = dateOf(issued.parts);
  prov.issued = issued.from;
  if (issued !== first && compareParts(first.parts, issued.parts) !== 0) {
    p['original-date'] = dateOf(first.parts);
    prov['original-date'] = first.from;
  }
}

function compareParts(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((n, i) => comparableName(n) === comparableName(b[i]!));
}

function applyRecord(p: PaperDraft, e: MergedEntry, r: MetadataRecord, log: string[]): PaperDraft {
  const prov = p.custom.provenance!;
  const where = describe(e);
  if (r.title) {
    const t = cleanTitle(r.title);
    if (!p.title) { p.title = t; prov.title = 'record'; }
    else if (comparable(p.title) !== comparable(t)) {
      log.push(`${where}: title "${p.title}" replaced by the record's "${t}"`);
      p.title = t;
      prov.title = 'record';
    }
  }
  if (r.authors?.length) {
    const pageAuthors = e.authors ?? [];
    const head = r.authors.slice(0, pageAuthors.length);
    if (pageAuthors.length && !sameNames(pageAuthors, head)) {
      log.push(`${where}: page authors "${pageAuthors.join(', ')}" differ from the record's first authors "${head.join(', ')}"; record used`);
    }
    if (!pageAuthors.length || e.authorsTruncated || pageAuthors.length < r.authors.length || !sameNames(pageAuthors, head)) {
      p.author = r.authors.map(splitName);
      prov.author = 'record';
    }
    p.custom.authorsTruncated = false;
  }
  applyDates(p, r, where, log);
  if (r.venue) {
    p.type = JOURNAL.test(r.venue) ? 'article-journal' : 'paper-conference';
    p['container-title'] = r.venue;
    p.custom.venue = r.venue;
    prov['container-title'] = 'record';
    prov.venue = 'record';
  }
  if (r.pages) { p.page = r.pages.replace(/--/g, '-'); prov.page = 'record'; }
  if (r.arxiv) {
    p.custom.arxiv = r.arxiv;
    prov.arxiv = 'record';
    if (!r.venue) {
      p.publisher = 'arXiv';
      p.number = `arXiv:${r.arxiv}`;
      prov.publisher = 'record';
    }
  }
  if (r.doi) { p.DOI = r.doi; prov.DOI = 'record'; }
  const url = r.url ?? undefined;
  if (url && CODE_HOST.test(url)) {
    if (p.custom.codeUrl && p.custom.codeUrl.toLowerCase() !== url.toLowerCase().replace(/\/$/, '')) {
      log.push(`${where}: code link ${p.custom.codeUrl} on the page, ${url} in the record; page kept`);
    } else if (!p.custom.codeUrl) {
      p.custom.codeUrl = url;
      prov.codeUrl = 'record';
    }
    if (!p.custom.hasCode) {
      if (p.custom.category) log.push(`${where}: the page shows no Code marker; the record links code at ${url}`);
      p.custom.hasCode = true;
      prov.hasCode = 'record';
    }
  } else if (url && !PUBLISHER.test(url)) {
    p.custom.homepage = url;
    prov.homepage = 'record';
  }
  // URL: the published version's landing page, else the arXiv abstract page, else the project page.
  const landing = url && PUBLISHER.test(url) ? url : r.arxiv ? `https://arxiv.org/abs/${r.arxiv}` : url && !CODE_HOST.test(url) ? url : undefined;
  if (landing) { p.URL = landing; prov.URL = 'record'; }
  // A curator's caveat ("venue known only from a secondary listing"), not bibliographic text.
  if (r.note) { p.custom.recordNote = r.note; prov.recordNote = 'record'; }
  return p;
}
