// A paper's identity across sources (DOI, arXiv id, normalized title + year) and the tests that
// decide whether two entries are the same work: what the Library merges on.
import { paperYear, type Paper } from '../model';
import { stickyEnd, trimEndOf } from '../strings';

/** What identifies a paper across sources: DOI, arXiv id, and normalized title + year. */
export interface PaperIdentity {
  doi?: string;
  arxiv?: string;
  /** Normalized title + year, only for titles long enough to be distinctive. */
  titleYear?: string;
  /** Normalized title (any length), for comparing two entries under one key. */
  title?: string;
  year?: number;
  /** Normalized family name of the first author. */
  firstAuthor?: string;
}

const cache = new WeakMap<Paper, PaperIdentity>();

/** Records an identity computed elsewhere (in the parse worker) for a paper. */
export function primeIdentity(p: Paper, id: PaperIdentity): void {
  cache.set(p, id);
}

/** Lower-case, accents folded, punctuation and LaTeX braces gone, single spaces. */
export function normalizeTitle(s: string): string {
  let t = s;
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(t)) t = t.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  return t.toLowerCase().replace(/\\[a-z]+\s*/g, ' ').replace(/[^a-z0-9]+/g, ' ').trim();
}

export function normalizeDoi(s: string): string | undefined {
  const m = /10\.\d{4,9}\/\S+/i.exec(s.trim());
  return m ? trimEndOf(m[0].toLowerCase(), '.,;') : undefined;
}

/** `2505.03335` from `arXiv:2505.03335v2`, `https://arxiv.org/abs/2505.03335`, a DataCite DOI…; old ids (`cs/0112017`) too. */
export function normalizeArxiv(s: string): string | undefined {
  const m = /(?:^|[^\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?!\d)/.exec(s);
  return (m ? m[1]! : oldArxivId(s))?.toLowerCase();
}

const ARCHIVE_RUN = /[a-z-]+/gi;
const OLD_ID_TAIL = /(?:\.[a-z]{2})?\/\d{7}/iy;

/**
 * The first old-style id (`cs/0112017`, `math.GT/0309136`) in `s`: what
 * `/(?:^|[^a-z])([a-z-]+(?:\.[a-z]{2})?\/\d{7})/i` finds. That regex rescans a run of letters and
 * hyphens from each hyphen in it; every start in a run ends where the run ends, so each run is
 * checked once.
 */
export function oldArxivId(s: string): string | undefined {
  ARCHIVE_RUN.lastIndex = 0;
  for (let m = ARCHIVE_RUN.exec(s); m; m = ARCHIVE_RUN.exec(s)) {
    const end = stickyEnd(OLD_ID_TAIL, s, ARCHIVE_RUN.lastIndex);
    if (end >= 0) return s.slice(m.index, end);
  }
  return undefined;
}

// Shorter titles ("Introduction", "Preface", "Invited talk") name many different papers.
const MIN_TITLE_CHARS = 16;
const MIN_TITLE_WORDS = 3;

/** The title + year key of a normalized title, when the title is distinctive enough to match on. */
export function titleYearKey(title: string, year: number | undefined): string | undefined {
  return year !== undefined && title.length >= MIN_TITLE_CHARS && wordsAtLeast(title, MIN_TITLE_WORDS) ? `${title}|${year}` : undefined;
}

/** Whether `title.split(' ')` has at least `n` parts, without making them (run on every decoded row). */
function wordsAtLeast(title: string, n: number): boolean {
  let at = -1;
  for (let parts = 1; parts < n; parts++) {
    at = title.indexOf(' ', at + 1);
    if (at < 0) return false;
  }
  return true;
}

export function identityOf(p: Paper): PaperIdentity {
  const hit = cache.get(p);
  if (hit) return hit;
  const id: PaperIdentity = {};
  const doi = typeof p.DOI === 'string' ? normalizeDoi(p.DOI) : undefined;
  if (doi) id.doi = doi;
  const arxivCandidates = [p.custom?.arxiv, p.custom?.eprint, doi?.startsWith('10.48550/arxiv.') ? doi.slice('10.48550/arxiv.'.length) : undefined,
    typeof p.URL === 'string' && /arxiv\.org/i.test(p.URL) ? p.URL : undefined];
  for (const c of arxivCandidates) {
    const a = typeof c === 'string' ? normalizeArxiv(c) : undefined;
    if (a) { id.arxiv = a; break; }
  }
  const year = paperYear(p);
  if (year !== undefined) id.year = year;
  if (typeof p.title === 'string' && p.title.trim()) {
    const t = normalizeTitle(p.title);
    if (t) {
      id.title = t;
      const ty = titleYearKey(t, year);
      if (ty) id.titleYear = ty;
    }
  }
  const first = p.author?.[0];
  const fam = first ? (first.family ?? first.literal ?? '') : '';
  if (fam) id.firstAuthor = normalizeTitle(fam).split(' ').pop();
  cache.set(p, id);
  return id;
}

/**
 * Whether two entries under the same key are the same paper: no conflicting DOI or arXiv id, and
 * titles that agree (equal once normalized, one a prefix of the other, or ≥ 80 % shared words), or
 * one entry has no title. A different year alone does not split them (preprint vs venue).
 */
export function sameWork(a: Paper, b: Paper): boolean {
  const x = identityOf(a);
  const y = identityOf(b);
  if (x.doi && y.doi) return x.doi === y.doi;
  if (x.arxiv && y.arxiv) return x.arxiv === y.arxiv;
  if (!x.title || !y.title) return true;
  if (x.title === y.title) return true;
  const [s, l] = x.title.length <= y.title.length ? [x.title, y.title] : [y.title, x.title];
  if (s.length >= MIN_TITLE_CHARS && l.startsWith(s)) return true;
  const wa = new Set(x.title.split(' '));
  const wb = new Set(y.title.split(' '));
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  return shared / Math.max(wa.size, wb.size) >= 0.8;
}

/** Whether a title + year match is backed by the authors (same first family name, or one side has none). */
export function authorsAgree(a: Paper, b: Paper): boolean {
  const x = identityOf(a).firstAuthor;
  const y = identityOf(b).firstAuthor;
  return !x || !y || x === y;
}
