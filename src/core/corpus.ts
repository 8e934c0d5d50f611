// The corpus build: pages → entries → merged papers → records applied → keyed CSL-JSON papers.
import { compareDates, dedupe, type MergeLog, type PageEntry } from './dedupe';
import { assignKeys } from './citekey';
import type { Paper, PageSource } from './model';
import { cleanText, cleanTitle } from './normalize';
import { parsePage, type LayoutName } from './pages';
import { reconcile, type MetadataRecord } from './reconcile';

export type { MetadataRecord } from './reconcile';

export interface BuildOptions {
  /** Owner of pages that do not name one, by page file name (corpus/owners.json). */
  owners?: Record<string, string>;
  /** Year given to page dates written without one. */
  currentYear?: number;
}

export interface PageReport {
  file: string;
  layout: LayoutName;
  owner?: string;
  /** Where the owner's name came from: the page itself or the owners mapping. */
  ownerFrom?: 'page' | 'mapping';
  entries: number;
}

export interface BuildReport {
  pages: PageReport[];
  rawEntries: number;
  papers: number;
  /** Each merge of an entry into another one of the same paper. */
  merges: MergeLog[];
  records: {
    total: number;
    applied: number;
    unmatched: { record: number; identify: MetadataRecord['identify'] }[];
    ambiguous: { record: number; identify: MetadataRecord['identify'] }[];
  };
  /** Papers that no record describes (sources of each). */
  unrecorded: PageSource[][];
  log: string[];
}

/**
 * Builds the corpus. Throws `SourceError` for a page that cannot be read (unknown layout, an entry
 * that does not parse): a page is never half-read. `previous` (the last corpus/papers.json) keeps
 * the keys of papers already there.
 */
export function buildCorpus(
  pages: { file: string; text: string }[],
  records: MetadataRecord[],
  previous?: Paper[],
  options: BuildOptions = {},
): { papers: Paper[]; report: BuildReport } {
  const log: string[] = [];
  const pageReports: PageReport[] = [];
  const entries: PageEntry[] = [];
  for (const { file, text } of [...pages].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    const parsed = parsePage(text, file, options.currentYear === undefined ? {} : { currentYear: options.currentYear });
    const mapped = options.owners?.[file];
    let owner = parsed.owner;
    let ownerFrom: PageReport['ownerFrom'] = owner ? 'page' : undefined;
    if (!owner && mapped) { owner = mapped; ownerFrom = 'mapping'; }
    else if (owner && mapped && owner !== mapped) log.push(`${file}: the page is headed "${owner}", the owners mapping says "${mapped}"; page kept`);
    const pr: PageReport = { file, layout: parsed.layout, entries: parsed.entries.length };
    if (owner) { pr.owner = owner; pr.ownerFrom = ownerFrom!; }
    pageReports.push(pr);
    log.push(`${file}: ${parsed.layout} layout, ${parsed.entries.length} entries, owner ${owner ? `${owner} (${ownerFrom})` : 'unknown'}`);
    for (const e of parsed.entries) {
      const c: PageEntry = { ...e, file, abstract: cleanText(e.abstract) };
      if (e.title) c.title = cleanTitle(e.title);
      if (e.authors) c.authors = e.authors.map(cleanText);
      if (owner) c.owner = owner;
      entries.push(c);
    }
  }
  const { merged, log: merges } = dedupe(entries);
  for (const m of merges) log.push(`merged ${m.merged.page}#${m.merged.index} into ${m.kept.page}#${m.kept.index}: ${m.reason}`);
  for (const m of merged) {
    const years = new Set(m.entries.filter(e => e.date).map(e => e.date![0]));
    if (years.size > 1) {
      log.push(`${m.sources.map(s => `${s.page}#${s.index}`).join(', ')}: pages give years ${[...years].join(', ')}; kept ${m.date!.join('-')}`);
    }
  }
  const { papers: drafts, report: rec } = reconcile(merged, records);
  log.push(...rec.log);
  const keys = assignKeys(drafts, previous ?? []);
  const papers: Paper[] = drafts.map((d, i) => orderFields({ ...d, id: keys[i]! }));
  papers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    papers,
    report: {
      pages: pageReports,
      rawEntries: entries.length,
      papers: papers.length,
      merges,
      records: {
        total: records.length,
        applied: rec.applied.length,
        unmatched: rec.unmatched,
        ambiguous: rec.ambiguous.map(a => ({ record: a.record, identify: a.identify })),
      },
      unrecorded: rec.unrecorded,
      log,
    },
  };
}

const FIELD_ORDER = ['id', 'type', 'title', 'author', 'issued', 'original-date', 'container-title', 'page', 'publisher', 'number', 'DOI', 'URL', 'abstract', 'custom'];

/** The same paper with its fields in one readable order (CSL fields first, `custom` last). */
function orderFields(p: Paper): Paper {
  const out: Record<string, unknown> = {};
  for (const k of FIELD_ORDER) if (p[k] !== undefined) out[k] = p[k];
  for (const k of Object.keys(p).sort()) if (!(k in out) && p[k] !== undefined) out[k] = p[k];
  return out as Paper;
}

/** The text written to corpus/papers.json: pretty, stable, with a trailing newline. */
export function serializeCorpus(papers: Paper[]): string {
  return `${JSON.stringify(papers, null, 2)}\n`;
}

export { compareDates };
