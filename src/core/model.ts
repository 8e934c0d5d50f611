// PaperCite's data model. A paper is a CSL-JSON item (the format citation-js speaks) with a
// `custom` object for what CSL lacks. Pure types: no `vscode` import anywhere in src/core.
import type { OnlineIds, ProviderName } from './online/types';

/** CSL name. `literal` for a name that cannot be split (an organisation). */
export interface CslName {
  family?: string;
  given?: string;
  literal?: string;
  /** "Jr.", "III". */
  suffix?: string;
  /** "van der" in "Jan van der Berg" (CSL keeps it apart from `family`). */
  'non-dropping-particle'?: string;
  /** "van" in "Ludwig van Beethoven". */
  'dropping-particle'?: string;
}

/** CSL date: `[[y]]`, `[[y, m]]` or `[[y, m, d]]`. */
export interface CslDate {
  'date-parts': number[][];
  raw?: string;
}

/** Where a corpus paper was seen: the page file name and the entry's 0-based position on it. */
export interface PageSource {
  page: string;
  index: number;
}

/** Where a field value came from: the scraped page, a curated metadata record, or a user library. */
export type Provenance = 'page' | 'record' | 'library';

/** Where an entry of a user library was read from (1-based line). */
export interface LibraryOrigin {
  path: string;
  line: number;
}

export interface PaperCustom {
  /** A page listed only the first authors and "et al.". */
  authorsTruncated?: boolean;
  /** arXiv category, e.g. `cs.CL`. */
  category?: string;
  score?: number;
  hasCode?: boolean;
  codeUrl?: string;
  affiliations?: string[];
  /** Names of the page owners under whose page the paper is listed. */
  profiles?: string[];
  sources?: PageSource[];
  /** arXiv identifier without prefix, e.g. `2505.03335`. */
  arxiv?: string;
  /** Short venue name, e.g. `NeurIPS 2025`. */
  venue?: string;
  /** Field name -> where its value came from. */
  provenance?: Record<string, Provenance>;
  /** User-library entries: the files (and lines) the entry was read from. */
  origins?: LibraryOrigin[];
  /** User-library BibTeX entries: the entry's original text, exported as written. */
  bibtex?: string;
  /** User-library BibTeX entries: the file's `@preamble` texts defining commands the entry uses. */
  preamble?: string[];
  /**
   * User-library BibTeX entries with a `crossref`: the parent's key and the entry as written (with the
   * `@string` macros it uses), exported instead of the resolved text when the parent goes along.
   */
  crossref?: { key: string; bibtex: string; strings?: Record<string, string> };
  /** Curators' caveat about a record (never printed in a bibliography). */
  recordNote?: string;
  homepage?: string;
  /** A paper found online: which provider answered, the paper's ids there, its landing page. */
  online?: { provider: ProviderName; ids: OnlineIds; url?: string };
  /** A CSL-JSON item's own id when it was not a key bibtex and biber accept (`id` is then PaperCite's key). */
  originalId?: string;
  [key: string]: unknown;
}

/** One paper: a CSL-JSON item. `id` is the citation key. */
export interface Paper {
  id: string;
  type: string;
  title?: string;
  author?: CslName[];
  editor?: CslName[];
  translator?: CslName[];
  issued?: CslDate;
  /** When the paper first appeared (a page's date), where `issued` holds a later venue's date. */
  'original-date'?: CslDate;
  abstract?: string;
  URL?: string;
  DOI?: string;
  'container-title'?: string;
  publisher?: string;
  page?: string;
  volume?: string;
  issue?: string;
  number?: string;
  note?: string;
  custom: PaperCustom;
  [key: string]: unknown;
}

/** A problem found while reading a source: always names the file and, where known, the line. */
export interface SourceProblem {
  file: string;
  /** 1-based; 0 when the problem concerns the whole file. */
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

/** A problem that stops reading a whole source. */
export class SourceError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = 'SourceError';
  }
}

/** First year of a paper: `original-date` when present (first appearance), else `issued`. */
export function paperYear(p: Paper): number | undefined {
  const d = p['original-date'] ?? p.issued;
  const y = d?.['date-parts']?.[0]?.[0];
  return typeof y === 'number' && Number.isFinite(y) ? y : undefined;
}

/** "Family, Given" display of one name. */
export function formatName(n: CslName): string {
  if (n.literal) return n.literal;
  return [n.given, n.family].filter(Boolean).join(' ');
}

/** "Zhao, Wu, Yue et al." style short author list. */
export function shortAuthors(p: Paper, max = 3): string {
  const names = (p.author ?? []).map(formatName);
  if (names.length === 0) return '';
  const more = names.length > max || p.custom.authorsTruncated;
  return names.slice(0, max).join(', ') + (more ? ' et al.' : '');
}
