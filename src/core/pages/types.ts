// Shared types and line-level helpers for the publication-page parsers.
import { SourceError } from '../model';

/** One entry as a page shows it, before normalization and merging. */
export interface RawEntry {
  /** 0-based position of the entry on its page. */
  index: number;
  /** 1-based line where the entry starts. */
  line: number;
  title?: string;
  /** Author names as written ("Given Family"). */
  authors?: string[];
  /** The page listed only the first authors and "et al.". */
  authorsTruncated?: boolean;
  affiliations?: string[];
  abstract: string;
  /** arXiv category, e.g. `cs.CL`. */
  category?: string;
  score?: number;
  hasCode?: boolean;
  /** `[y]`, `[y, m]` or `[y, m, d]`. */
  date?: number[];
  /** The date had no year and was given the page's current year. */
  yearInferred?: boolean;
}

export type LayoutName = 'publications' | 'profile' | 'abstracts' | 'compact' | 'years';

export interface ParsedPage {
  file: string;
  layout: LayoutName;
  /** The name the page is headed with, when it has one. */
  owner?: string;
  entries: RawEntry[];
  /** The year given to dates that have none. */
  currentYear: number;
  /** Profile statistics (h-index, papers, citations, …) as the page states them. */
  stats?: Record<string, number | string>;
}

export interface ParseOptions {
  /** Year of dates written without one ("Feb 6"); the pages were captured in 2026. */
  currentYear?: number;
}

export const DEFAULT_CURRENT_YEAR = 2026;

/** A page split into lines with 1-based numbers; trailing spaces and CRs removed. */
export interface Line {
  no: number;
  text: string;
}

export function splitLines(text: string): Line[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return src.split(/\r\n|\r|\n/).map((t, i) => ({ no: i + 1, text: t.replace(/[\s\u00a0]+$/u, '').replace(/^[\s\u00a0]+/u, '') }));
}

export function nonBlank(lines: Line[]): Line[] {
  return lines.filter(l => l.text !== '');
}

export function fail(file: string, line: number, message: string): never {
  throw new SourceError(file, line, message);
}

// arXiv shows the category without its archive ("CL"); these are the archives of the short codes.
const CS = 'AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NA NE NI OH OS PF PL RO SC SD SE SI SY'.split(' ');
const OTHER: Record<string, string> = {
  ML: 'stat.ML', ME: 'stat.ME', AP: 'stat.AP', CO: 'stat.CO', TH: 'stat.TH',
  QM: 'q-bio.QM', BM: 'q-bio.BM', GN: 'q-bio.GN', NC: 'q-bio.NC', MN: 'q-bio.MN', PE: 'q-bio.PE',
  IV: 'eess.IV', SP: 'eess.SP', AS: 'eess.AS', OC: 'math.OC', ST: 'math.ST',
};

/** `CL` → `cs.CL`; undefined for a code arXiv does not use. */
export function expandCategory(code: string): string | undefined {
  if (CS.includes(code)) return `cs.${code}`;
  return OTHER[code];
}

const MONTHS: Record<string, number> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Sept: 9, Oct: 10, Nov: 11, Dec: 12,
};

/** `54.0CLJun 2, 2025Code`: optional score, category, date with or without year, optional `Code`. */
const HEADER = /^(?:(\d{1,3}(?:\.\d+)?))?([A-Z]{2})(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec) ?(\d{1,2})(?:, ?(\d{4}))?(Code)?$/;

export interface Header {
  score?: number;
  category: string;
  date: number[];
  yearInferred: boolean;
  hasCode: boolean;
}

export function isHeaderLine(text: string): boolean {
  const m = HEADER.exec(text);
  return !!m && expandCategory(m[2]!) !== undefined;
}

export function parseHeader(text: string, currentYear: number): Header | undefined {
  const m = HEADER.exec(text);
  if (!m) return undefined;
  const category = expandCategory(m[2]!);
  if (!category) return undefined;
  const month = MONTHS[m[3]!]!;
  const day = Number(m[4]);
  if (day < 1 || day > 31) return undefined;
  const h: Header = {
    category,
    date: [m[5] ? Number(m[5]) : currentYear, month, day],
    yearInferred: !m[5],
    hasCode: !!m[6],
  };
  if (m[1] !== undefined) h.score = Number(m[1]);
  return h;
}

// A person's name: 1–5 capitalised words (letters, hyphens, apostrophes, initials).
const NAME_WORD = String.raw`\p{Lu}[\p{L}\p{M}'’.-]*`;
const NAME = `${NAME_WORD}(?: ${NAME_WORD}){0,4}`;
const NAME_RE = new RegExp(`^${NAME}$`, 'u');
const AUTHOR_LINE = new RegExp(`^(${NAME}(?:, ${NAME})*)( et al\\.?)?(?: · (.+))?$`, 'u');

export function looksLikeName(s: string): boolean {
  return NAME_RE.test(s) && !/[.]$/.test(s.replace(/\b\p{Lu}\.$/u, ''));
}

export interface AuthorLine {
  authors: string[];
  truncated: boolean;
  affiliations: string[];
}

/** `Shenzhi Wang, Le Yu, Chang Gao et al. · tsinghua` → names, truncation, affiliations. */
export function parseAuthorLine(text: string): AuthorLine | undefined {
  const m = AUTHOR_LINE.exec(text);
  if (!m) return undefined;
  // Every part must be name-shaped (one to five capitalised words), so a line of prose does not pass.
  const authors = m[1]!.split(', ');
  if (!authors.every(looksLikeName)) return undefined;
  if (!m[2] && !m[3] && authors.length === 1) return undefined;
  return { authors, truncated: !!m[2], affiliations: splitAffiliations(m[3]) };
}

export function splitAffiliations(s: string | undefined): string[] {
  return s ? s.split(',').map(a => a.trim()).filter(Boolean) : [];
}

/** A line that reads as an abstract: prose, long enough, not a header or a bare name. */
export function looksLikeAbstract(text: string): boolean {
  return text.length >= 80 && /\s/.test(text) && !isHeaderLine(text);
}

// A page cut off mid-download ends in the middle of a sentence.
export function endsLikeProse(text: string): boolean {
  return /[.!?)\]}"'’”$]$/.test(text) || /https?:\/\/\S+$/.test(text);
}
