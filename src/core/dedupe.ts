// Merging the entries of one paper listed on several pages.
import type { PageSource } from './model';
import { comparable, squashed } from './normalize';
import type { RawEntry } from './pages/types';

/** A page entry with the page it came from (text already cleaned). */
export interface PageEntry extends RawEntry {
  file: string;
  /** The page owner, when known. */
  owner?: string;
}

/** One paper as the pages describe it, possibly merged from several entries. */
export interface MergedEntry {
  title?: string;
  authors?: string[];
  authorsTruncated: boolean;
  affiliations: string[];
  abstract: string;
  category?: string;
  score?: number;
  hasCode: boolean;
  date?: number[];
  profiles: string[];
  sources: PageSource[];
  /** The merged entries, in page order. */
  entries: PageEntry[];
}

export interface MergeLog {
  kept: PageSource;
  merged: PageSource;
  reason: string;
}

/*
 * Rule: two entries are one paper when their abstracts say the same thing, compared on letters and
 * digits only (so spacing, punctuation and `~` do not count):
 *  - equal, or one is the start of the other and that start is at least PREFIX_MIN characters long
 *    (a page dropped the last sentence or the code link); or
 *  - at least SHINGLE_MIN of the shorter abstract's word 3-grams occur in the longer one, and the
 *    shorter is at least LENGTH_RATIO of the longer (small edits inside the text).
 * Different papers of one group share phrases ("reinforcement learning with verifiable rewards",
 * "large language models (LLMs)"), but on these pages their 3-gram overlap stays below 10 %, far from
 * 85 %. Two entries whose titles both exist and share under half their words are never merged.
 */
export const PREFIX_MIN = 300;
export const SHINGLE_MIN = 0.85;
export const LENGTH_RATIO = 0.8;
export const TITLE_MIN_OVERLAP = 0.5;
const COMMON = 64;

function shingles(text: string): Set<string> {
  const w = comparable(text).split(' ');
  const out = new Set<string>();
  for (let i = 0; i + 2 < w.length; i++) out.add(`${w[i]} ${w[i + 1]} ${w[i + 2]}`);
  return out;
}

function wordOverlap(a: string, b: string): number {
  const x = new Set(comparable(a).split(' '));
  const y = new Set(comparable(b).split(' '));
  let n = 0;
  for (const w of x) if (y.has(w)) n++;
  return n / Math.max(1, Math.min(x.size, y.size));
}

interface Prepared { sq: string; sh: Set<string>; title?: string }

function prepare(e: { abstract: string; title?: string }): Prepared {
  const p: Prepared = { sq: squashed(e.abstract), sh: shingles(e.abstract) };
  if (e.title) p.title = e.title;
  return p;
}

/** Why two entries are the same paper, or undefined when they are not. */
function sameReason(a: Prepared, b: Prepared): string | undefined {
  if (a.title && b.title && wordOverlap(a.title, b.title) < TITLE_MIN_OVERLAP) return undefined;
  const [short, long] = a.sq.length <= b.sq.length ? [a, b] : [b, a];
  if (short.sq.length === 0) return undefined;
  if (short.sq === long.sq) return 'same abstract';
  if (short.sq.length >= PREFIX_MIN && long.sq.startsWith(short.sq)) return 'one abstract is the start of the other';
  if (short.sq.length / long.sq.length < LENGTH_RATIO) return undefined;
  let shared = 0;
  for (const s of short.sh) if (long.sh.has(s)) shared++;
  const ratio = shared / Math.max(1, short.sh.size);
  return ratio >= SHINGLE_MIN ? `abstracts share ${Math.round(ratio * 100)} % of word 3-grams` : undefined;
}

/** Whether two entries describe the same paper (see the rule above). */
export function samePaper(a: { abstract: string; title?: string }, b: { abstract: string; title?: string }): boolean {
  return sameReason(prepare(a), prepare(b)) !== undefined;
}

const longer = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : b.length > a.length ? b : a);

/** Merges entries of the same paper; keeps the fullest value of each field and every source. */
export function dedupe(entries: PageEntry[]): { merged: MergedEntry[]; log: MergeLog[] } {
  const prepared = entries.map(prepare);
  const parent = entries.map((_, i) => i);
  // Iterative, with path halving: a long chain of merges must not exhaust the stack.
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const log: MergeLog[] = [];
  const union = (i: number, j: number, reason: string) => {
    parent[find(j)] = find(i);
    log.push({ kept: src(entries[i]!), merged: src(entries[j]!), reason });
  };
  // Equal abstracts first, by hash; then candidate pairs that share a 3-gram. 3-grams found in
  // more than COMMON entries are boilerplate, not evidence, and are skipped to stay near linear.
  const exact = new Map<string, number>();
  prepared.forEach((p, i) => {
    const j = exact.get(p.sq);
    if (j === undefined) exact.set(p.sq, i);
    else if (p.sq && sameReason(prepared[j]!, p)) union(j, i, 'same abstract');
  });
  const byShingle = new Map<string, number[]>();
  prepared.forEach((p, i) => { for (const s of p.sh) { const l = byShingle.get(s); if (l) l.push(i); else byShingle.set(s, [i]); } });
  for (let i = 0; i < entries.length; i++) {
    const counts = new Map<number, number>();
    for (const s of prepared[i]!.sh) {
      const posting = byShingle.get(s)!;
      if (posting.length > COMMON) continue;
      for (const j of posting) if (j > i) counts.set(j, (counts.get(j) ?? 0) + 1);
    }
    for (const j of [...counts.keys()].sort((x, y) => x - y)) {
      if (find(i) === find(j)) continue;
      const reason = sameReason(prepared[i]!, prepared[j]!);
      if (reason) union(i, j, reason);
    }
  }
  const groups = new Map<number, PageEntry[]>();
  entries.forEach((e, i) => { const r = find(i); const g = groups.get(r); if (g) g.push(e); else groups.set(r, [e]); });
  return { merged: [...groups.values()].map(mergeGroup), log };
}

function src(e: PageEntry): PageSource {
  return { page: e.file, index: e.index };
}

function precision(d: number[] | undefined, inferred: boolean | undefined): number {
  return d ? d.length * 2 - (inferred ? 1 : 0) : -1;
}

function mergeGroup(group: PageEntry[]): MergedEntry {
  const m: MergedEntry = {
    authorsTruncated: false, affiliations: [], abstract: '', hasCode: false, profiles: [], sources: [], entries: group,
  };
  let datePrecision = -1;
  for (const e of group) {
    m.title = longer(m.title, e.title);
    m.abstract = longer(m.abstract, e.abstract)!;
    if (e.authors && (!m.authors || e.authors.length > m.authors.length)) {
      m.authors = e.authors;
      m.authorsTruncated = !!e.authorsTruncated;
    }
    for (const a of e.affiliations ?? []) if (!m.affiliations.includes(a)) m.affiliations.push(a);
    m.category ??= e.category;
    if (m.score === undefined && e.score !== undefined) m.score = e.score;
    m.hasCode ||= !!e.hasCode;
    // The most precise date wins; between equally precise ones, the earlier (first appearance).
    const p = precision(e.date, e.yearInferred);
    if (e.date && (p > datePrecision || (p === datePrecision && compareDates(e.date, m.date!) < 0))) {
      m.date = e.date;
      datePrecision = p;
    }
    if (e.owner && !m.profiles.includes(e.owner)) m.profiles.push(e.owner);
    m.sources.push(src(e));
  }
  return m;
}

export function compareDates(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
