// PaperCite's search: an inverted index over ASCII-folded, lower-case tokens, built for 100k papers
// answered on every keystroke.
//
// - Vocabulary sorted, so a term id is its rank and the words starting with a prefix are one id
//   range (binary search). Postings and a per-paper forward list are flat Uint32Arrays
//   (`paper << 4 | field bits`, `term << 4 | field bits`): a few hundred bytes per paper.
// - Fields: title, authors (editors only when there are no authors), meta (citation key, year,
//   arXiv id) and abstract (with the venue). A match in title or authors weighs most, meta less,
//   abstract least; rarer words weigh more (BM25 idf). DOIs are not indexed.
// - Each query word matches the word itself, words it starts (always for the word being typed,
//   with less weight for finished words of three letters or more), and words within one edit (two
//   for words of eight letters or more: transposed, missing, doubled or wrong letters), found by a
//   scan of the vocabulary of similar length filtered by letter sets, then a bounded
//   Damerau–Levenshtein check.
// - A paper's score sums, per query word, its best match; each matched word also adds a fixed
//   bonus, so papers matching more of the query come first ("zhao absolute": the paper by Zhao
//   with "absolute" in its title beats every other Zhao paper).
// - Incremental: the matches of each query word are cached, so typing a new word reuses the earlier
//   ones, and when the word being typed grows ("ab" -> "abs"), its papers are found by narrowing
//   the previous keystroke's papers through their forward lists when that is cheaper than postings.
// - Broad prefixes (one or two letters, or a prefix whose abstract postings exceed a budget) only
//   look at titles, authors and meta, which keeps the first keystrokes as fast as the later ones.
//
// fuse.js is not used: it scores every record on every query (0.2-0.35 s per keystroke at 10k),
// and re-ranking our top candidates with it made no ranking better in our queries while costing
// milliseconds; its Bitap matching is what the typo step above replaces.
//
// An empty query (or one with no searchable word) returns no hits.

import type { Paper } from '../model';
import { type BuildStats, type BuiltIndex, buildIndex, F_ABSTRACT, F_AUTHOR, F_META, F_TITLE, MAX_TYPO_TERM, PRIMARY } from './build';
import { eachToken, isWordCode, STOP_WORDS } from './text';
import { boundedOsa, letterSignature, signaturesClose } from './typo';

export type { BuildStats } from './build';

export interface SearchHit {
  paper: Paper;
  score: number;
  /** Distinct title words: among equal scores, fewer come first (see `SearchIndex.below`). */
  titleWords?: number;
}

/** Best first: a higher score, then a shorter title; a stable sort keeps the order of the rest. */
export function compareHits(a: SearchHit, b: SearchHit): number {
  return (b.score - a.score) || ((a.titleWords ?? 0) - (b.titleWords ?? 0));
}

/** The typed arrays of an index, by name: what is transferred from a worker and cached on disk. */
export const INDEX_ARRAYS = ['idf', 'postStart', 'postPrimary', 'postings', 'fwdStart', 'fwdPrimaryEnd', 'fwd', 'byLength', 'lengthStart', 'signature', 'titleWords'] as const;
export type IndexArrayName = typeof INDEX_ARRAYS[number];

/** A built index as plain, transferable data (see `SearchIndex.exportData`). */
export interface SearchIndexData extends Omit<BuiltIndex, 'vocab'> {
  version: number;
  papers: number;
  /** Sorted vocabulary joined by newlines (tokens never contain one). */
  vocab: string;
  /** Where each term starts in `vocab`, and one past the end + 1 (see `vocabStarts`); made where it is cheap (the worker). */
  vocabStarts?: Uint32Array;
}

/** The ArrayBuffers of index data, for a `postMessage` transfer list. */
export function transferList(data: SearchIndexData): ArrayBuffer[] {
  const arrays = [...INDEX_ARRAYS.map(n => data[n]), ...(data.vocabStarts ? [data.vocabStarts] : [])];
  return [...new Set(arrays.map(a => a.buffer as ArrayBuffer))];
}

/**
 * The same index data with its arrays in shared memory: posted to another thread without a copy
 * while this one still reads them (to write the cache). Made in this thread, so the receiver's
 * thread never stalls copying them. Arrays in shared memory already (built so) are not copied.
 */
export function sharedIndexData(data: SearchIndexData): SearchIndexData {
  const out: Record<string, unknown> = { ...data };
  for (const n of [...INDEX_ARRAYS, 'vocabStarts'] as const) {
    const a = data[n] as Uint8Array | undefined;
    if (!a || a.buffer instanceof SharedArrayBuffer) continue;
    const copy = new (a.constructor as Uint8ArrayConstructor)(new SharedArrayBuffer(a.byteLength) as unknown as ArrayBuffer);
    copy.set(a);
    out[n] = copy;
  }
  return out as unknown as SearchIndexData;
}

const INDEX_DATA_VERSION = 4;

/** Whether index data (e.g. from the cache) is of this version and for `papers` papers. */
export function indexDataFits(data: SearchIndexData, papers: number): boolean {
  return data.version === INDEX_DATA_VERSION && data.papers === papers;
}

/**
 * What is wrong with index data read from a file (a cache crafted with a valid checksum), or
 * undefined: every offset runs forward within its array and every id names a paper or a term, so
 * no search reads out of bounds or walks billions of entries. One pass over each array.
 */
export function indexDataProblem(d: SearchIndexData): string | undefined {
  const N = d.papers;
  if (!Number.isInteger(N) || N < 0 || N >= 2 ** 28) return 'its paper count is not a count';
  let V = d.vocab === '' ? 0 : 1;
  for (let i = d.vocab.indexOf('\n'); i >= 0; i = d.vocab.indexOf('\n', i + 1)) V++;
  const lengths: [string, number, number][] = [['idf', d.idf.length, V], ['postStart', d.postStart.length, V + 1], ['postPrimary', d.postPrimary.length, V],
    ['signature', d.signature.length, V], ['fwdStart', d.fwdStart.length, N + 1], ['fwdPrimaryEnd', d.fwdPrimaryEnd.length, N], ['titleWords', d.titleWords.length, N],
    ['lengthStart', d.lengthStart.length, MAX_TYPO_TERM + 2]];
  for (const [name, got, want] of lengths) if (got !== want) return `${name} holds ${got} entries, not ${want}`;
  if (!spans(d.postStart, d.postings.length)) return 'postStart does not run forward over the postings';
  if (!spans(d.fwdStart, d.fwd.length)) return 'fwdStart does not run forward over the forward lists';
  if (!spans(d.lengthStart, d.byLength.length)) return 'lengthStart does not run forward over the typo table';
  if (!partsWithin(d.postStart, d.postPrimary, true)) return 'postPrimary passes its term\'s postings';
  if (!partsWithin(d.fwdStart, d.fwdPrimaryEnd, false)) return 'fwdPrimaryEnd is outside its paper\'s list';
  // Entries are `id << 4 | field bits`: below `n << 4` exactly when the id is below n.
  if (!allBelow(d.postings, N * 16)) return 'postings names a paper past the last';
  if (!allBelow(d.fwd, V * 16)) return 'fwd names a term past the last';
  if (!allBelow(d.byLength, V)) return 'byLength names a term past the last';
  return undefined;
}

/** `a` starts at 0, never decreases, and ends at `end`. */
function spans(a: Uint32Array, end: number): boolean {
  if (a[0] !== 0 || a[a.length - 1] !== end) return false;
  for (let i = 1; i < a.length; i++) if (a[i]! < a[i - 1]!) return false;
  return true;
}

/** Each `part[i]` within range i of `start`: as a count from its start (`count`), or as an offset. */
function partsWithin(start: Uint32Array, part: Uint32Array, count: boolean): boolean {
  for (let i = 0; i < part.length; i++) {
    const p = part[i]!;
    if (count ? p > start[i + 1]! - start[i]! : p < start[i]! || p > start[i + 1]!) return false;
  }
  return true;
}

function allBelow(a: Uint32Array, n: number): boolean {
  // The largest entry, in one tight loop (no early exit to keep it simple for the compiler).
  let max = 0;
  for (let i = 0; i < a.length; i++) { const v = a[i]!; if (v > max) max = v; }
  return a.length === 0 || max < n;
}

export interface SearchOptions {
  /** Maximum number of hits (default 50). */
  limit?: number;
}


/** Weight of a match by the fields it occurs in (the best field counts). */
const FIELD_WEIGHT = new Float32Array(16);
/** Share of the per-word bonus a match earns by field: abstract-only matches earn less. */
const FIELD_COVER = new Float32Array(16);
for (let b = 0; b < 16; b++) {
  FIELD_WEIGHT[b] = b & (F_TITLE | F_AUTHOR) ? 1 : b & F_META ? 0.6 : b & F_ABSTRACT ? 0.25 : 0;
  FIELD_COVER[b] = b & PRIMARY ? 1 : b ? 0.4 : 0;
}
/** Bonus per matched query word, so coverage dominates idf differences. */
const WORD_BONUS = 12;

const Q_EXACT = 1;
/** A missing, extra, doubled or transposed letter: the usual typing slips. */
const Q_TYPO1 = 0.65;
/** One wrong letter: as likely a different word ("translator" for "translaton"). */
const Q_SUBSTITUTION = 0.5;
const Q_TYPO2 = 0.45;
/**
 * Typo matches weigh by at most this idf: a slip is more likely aimed at a common word than at a
 * rare one ("translaton" -> "translation" rather than an unusual neighbour).
 */
const TYPO_IDF_CAP = 4;
/**
 * The idf a match of term `t` weighs by, for a query word whose own term is `exact` (-1: none). A
 * longer word the query is a prefix of weighs no more than the word itself: typed in full, `glove`
 * ranks GloVe's title above the rarer `Glover` and `bert` BERT's above `Bertil`.
 */
function prefixIdf(idf: Float32Array, t: number, exact: number): number {
  return exact < 0 || t === exact ? idf[t] : Math.min(idf[t], idf[exact]);
}

/** Abstract postings a prefix may expand to before it is limited to titles, authors and meta. */
const ABSTRACT_BUDGET = 250_000;
const MAX_QUERY_CHARS = 256;
const MAX_QUERY_WORDS = 12;
const MAX_TYPO_LENGTH = MAX_TYPO_TERM - 2;
const DEFAULT_LIMIT = 50;
/** The word being typed is ranked among the finished words' papers when its postings exceed this. */
const NARROW_MIN_COST = 20_000;
/**
 * Postings a one- or two-letter word reads at most: it lists papers with a title, author or key
 * word starting with those letters, not all of them, so that the first keystrokes stay cheap.
 */
const SHORT_PREFIX_BUDGET = 40_000;
/** Word results with more papers than this are not cached. */
const CACHE_MAX_DOCS = 8192;
/** Cached per-word results, bounded by total entries (~8 bytes each). */
const CACHE_MAX_ENTRIES = 2_000_000;

/** The papers one query word matches, with that word's contribution to each paper's score. */
interface WordResult {
  docs: Uint32Array;
  /** Per doc; absent for a large result left in the scratch arrays (values in `best`). */
  values?: Float32Array;
}

/** How one query word matches the vocabulary. */
interface WordPlan {
  /** Sorted-vocabulary id range of the exact and prefix matches: [lo, hi). */
  lo: number;
  hi: number;
  /** Id of the word itself, or -1. */
  exact: number;
  prefixBase: number;
  prefixSpan: number;
  /** Abstract postings of the range are searched (not only titles, authors and meta). */
  abstracts: boolean;
  /** Words within one or two edits, outside the range. */
  typos: TermMatch[];
  /** Postings the plan reads when evaluated over the whole index. */
  cost: number;
  wordLength: number;
}

/** One term the query word matches, and how well. */
interface TermMatch {
  term: number;
  quality: number;
}

/** Counters for the benchmark and tests: what the last query did. */
export interface QueryStats {
  words: number;
  /** The word being typed was ranked only among the papers the finished words found. */
  narrowed: boolean;
  /** Word results taken from the cache. */
  cached: number;
  candidates: number;
}

/** Where each term of a joined vocabulary starts, then its length + 1. */
export function vocabStarts(text: string): Uint32Array {
  if (text === '') return new Uint32Array([1]);
  const starts: number[] = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  starts.push(text.length + 1);
  return Uint32Array.from(starts);
}

/**
 * The sorted vocabulary. From index data it stays one string with each term's offset, and a term's
 * string is made when first asked for: splitting 115k terms at once is most of the time a warm
 * start spends making an index ready.
 */
class Vocabulary {
  readonly length: number;
  private readonly terms: (string | undefined)[];

  private constructor(terms: (string | undefined)[], private readonly text?: string, private readonly starts?: Uint32Array) {
    this.terms = terms;
    this.length = starts ? starts.length - 1 : terms.length;
  }

  static of(terms: string[]): Vocabulary {
    return new Vocabulary(terms);
  }

  /** From terms joined by newlines (`\n` never occurs in a term), and where each starts if known. */
  static joined(text: string, starts = vocabStarts(text)): Vocabulary {
    if (text === '') return new Vocabulary([]);
    return new Vocabulary(new Array<string | undefined>(starts.length - 1), text, starts);
  }

  at(t: number): string {
    let s = this.terms[t];
    if (s === undefined) s = this.terms[t] = this.text!.slice(this.starts![t], this.starts![t + 1]! - 1);
    return s;
  }

  /** A term's length without making its string. */
  lengthOf(t: number): number {
    return this.starts ? this.starts[t + 1]! - 1 - this.starts[t]! : this.terms[t]!.length;
  }

  join(): string {
    return this.text ?? (this.terms as string[]).join('\n');
  }

  /** First term id from `from` on whose term is not below `s`. */
  lowerBound(s: string, from = 0): number {
    let lo = from, hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid) < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The search index of `papers` (in that order) as plain data: what the parse worker sends and
 * caches, what the corpus build writes to dist/corpus.index and what the CLI keeps for a big
 * library. `SearchIndex.fromData(papers, data)` searches it.
 */
export function buildIndexData(papers: readonly Paper[], shared = false): SearchIndexData {
  return SearchIndex.fromBuilt(papers, buildIndex(papers, shared)).exportData();
}

/** The papers an index is over: an array, or rows decoded on first use (`RecordRows`). */
export interface PaperList {
  readonly length: number;
  at(i: number): Paper | undefined;
}

export class SearchIndex {
  readonly size: number;
  /** How the index was built: sizes and phase times. */
  readonly buildStats: BuildStats;
  /** What the last `search` call did. */
  readonly lastQuery: QueryStats = { words: 0, narrowed: false, cached: 0, candidates: 0 };
  private readonly papers: PaperList;
  /** Sorted vocabulary; a term's id is its position. */
  private readonly vocab: Vocabulary;
  private readonly termLength: Uint8Array;
  private readonly idf: Float32Array;
  /** CSR postings: term t's entries are postings[postStart[t] .. postStart[t+1]), primary first. */
  private readonly postStart: Uint32Array;
  private readonly postPrimary: Uint32Array;
  private readonly postings: Uint32Array;
  /** CSR forward lists: a paper's primary-field terms, then its abstract-only terms. */
  private readonly fwdStart: Uint32Array;
  private readonly fwdPrimaryEnd: Uint32Array;
  private readonly fwd: Uint32Array;
  /** Typo candidates: alphabetic term ids grouped by length, and their letter signatures. */
  private readonly byLength: Uint32Array;
  private readonly lengthStart: Uint32Array;
  private readonly signature: Int32Array;

  // Query scratch space, reused across queries.
  private readonly acc: Float32Array;
  private readonly best: Float32Array;
  private readonly stamp: Uint32Array;
  private readonly wordStamp: Uint32Array;
  private readonly touched: Uint32Array;
  private readonly wordTouched: Uint32Array;
  /** Typo quality by term while a narrowed word is evaluated (0 = not a typo match). */
  private readonly typoMark: Float32Array;
  /**
   * Distinct title words per paper: among papers with equal scores, the one whose title the query
   * covers most comes first ("subword units": a short title about subword units before a long one
   * that mentions them), then the earlier one.
   */
  private readonly titleWords: Uint8Array;
  private epoch = 0;
  private readonly cache = new Map<string, WordResult>();
  private cacheEntries = 0;
  private readonly plans = new Map<string, WordPlan>();

  private constructor(papers: PaperList, built: Omit<BuiltIndex, 'vocab'> & { vocab: Vocabulary }) {
    this.papers = papers;
    this.size = papers.length;
    this.buildStats = built.stats;
    this.vocab = built.vocab;
    this.termLength = new Uint8Array(built.vocab.length);
    for (let t = 0; t < built.vocab.length; t++) this.termLength[t] = Math.min(255, built.vocab.lengthOf(t));
    this.idf = built.idf;
    this.postStart = built.postStart;
    this.postPrimary = built.postPrimary;
    this.postings = built.postings;
    this.fwdStart = built.fwdStart;
    this.fwdPrimaryEnd = built.fwdPrimaryEnd;
    this.fwd = built.fwd;
    this.byLength = built.byLength;
    this.lengthStart = built.lengthStart;
    this.signature = built.signature;
    const n = papers.length;
    this.acc = new Float32Array(n);
    this.best = new Float32Array(n);
    this.stamp = new Uint32Array(n);
    this.wordStamp = new Uint32Array(n);
    this.touched = new Uint32Array(n);
    this.wordTouched = new Uint32Array(n);
    this.typoMark = new Float32Array(built.vocab.length);
    this.titleWords = built.titleWords;
  }

  static build(papers: readonly Paper[]): SearchIndex {
    return SearchIndex.fromBuilt(papers, buildIndex(papers));
  }

  /** The index an `IndexBuilder` finished, over the papers it was given (in that order). */
  static fromBuilt(papers: readonly Paper[], built: BuiltIndex): SearchIndex {
    if (built.stats.papers !== papers.length) throw new Error(`search index built for ${built.stats.papers} papers, given ${papers.length}`);
    return new SearchIndex(papers, { ...built, vocab: Vocabulary.of(built.vocab) });
  }

  /**
   * The index as plain data (one string and typed arrays), to build it in a worker and transfer it
   * (`postMessage(data, transferList(data))`), or to cache it beside parsed records.
   */
  exportData(): SearchIndexData {
    return {
      version: INDEX_DATA_VERSION,
      papers: this.size,
      vocab: this.vocab.join(),
      idf: this.idf, postStart: this.postStart, postPrimary: this.postPrimary, postings: this.postings,
      fwdStart: this.fwdStart, fwdPrimaryEnd: this.fwdPrimaryEnd, fwd: this.fwd,
      byLength: this.byLength, lengthStart: this.lengthStart, signature: this.signature, titleWords: this.titleWords,
      stats: this.buildStats,
    };
  }

  /** An index from `exportData()` of the same papers in the same order (checked by count and version). */
  static fromData(papers: PaperList, data: SearchIndexData): SearchIndex {
    if (data.version !== INDEX_DATA_VERSION) throw new Error(`search index data version ${data.version}, expected ${INDEX_DATA_VERSION}`);
    if (data.papers !== papers.length) throw new Error(`search index data for ${data.papers} papers, given ${papers.length}`);
    const vocab = Vocabulary.joined(data.vocab, data.vocabStarts?.length && data.vocabStarts[data.vocabStarts.length - 1] === data.vocab.length + 1 ? data.vocabStarts : undefined);
    if (vocab.length !== data.idf.length || data.titleWords?.length !== papers.length) throw new Error('search index data: vocabulary and arrays disagree');
    return new SearchIndex(papers, { ...data, vocab });
  }

  /** Number of distinct indexed words. */
  get vocabularySize(): number {
    return this.vocab.length;
  }

  /** Best hits first; never throws on any string. */
  search(query: string, opts?: SearchOptions): SearchHit[] {
    const stats = this.lastQuery;
    stats.words = 0;
    stats.narrowed = false;
    stats.cached = 0;
    stats.candidates = 0;
    const limit = Math.max(0, Math.min(Math.floor(Number(opts?.limit ?? DEFAULT_LIMIT)) || 0, this.size));
    if (!limit || typeof query !== 'string') return [];
    const words = parseQuery(query);
    stats.words = words.length;
    if (words.length === 0) return [];

    // Finished words first: their papers are the candidates the word being typed may narrow.
    const epoch = this.nextEpoch();
    let n = 0;
    const open = words[words.length - 1].open ? words[words.length - 1] : undefined;
    for (const w of words) {
      if (w === open) continue;
      const r = this.wordResult(w.text, false);
      n = this.accumulate(r, epoch, n);
    }
    if (open) {
      const key = '+' + open.text;
      let r = this.cache.get(key);
      if (!r) {
        const plan = this.plan(open.text, true);
        if (n > 0 && plan.cost > NARROW_MIN_COST && this.forwardCost(n, plan.abstracts, plan.cost) < plan.cost) {
          // Rank the word being typed only among the finished words' papers.
          stats.narrowed = true;
          this.addNarrowed(plan, n);
          stats.candidates = n;
          return this.topHits(n, limit);
        }
        r = this.wordResult(open.text, true);
      } else {
        stats.cached++;
      }
      n = this.accumulate(r, epoch, n);
    }
    stats.candidates = n;
    return this.topHits(n, limit);
  }

  private accumulate(r: WordResult, epoch: number, n: number): number {
    const { acc, stamp, touched, best } = this;
    const { docs, values } = r;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i];
      const v = values ? values[i] : best[d];
      if (stamp[d] !== epoch) {
        stamp[d] = epoch;
        acc[d] = v;
        touched[n++] = d;
      } else {
        acc[d] += v;
      }
    }
    return n;
  }

  /** Forward-list entries the first `n` touched papers hold, counting until `limit`. */
  private forwardCost(n: number, abstracts: boolean, limit: number): number {
    const { fwdStart, touched } = this;
    const ends = abstracts ? fwdStart.subarray(1) : this.fwdPrimaryEnd;
    let cost = 0;
    for (let i = 0; i < n && cost < limit; i++) {
      const d = touched[i];
      cost += ends[d] - fwdStart[d];
    }
    return cost;
  }

  /** Adds the plan's best match per paper to the first `n` touched papers, by their forward lists. */
  private addNarrowed(plan: WordPlan, n: number): void {
    const { fwd, fwdStart, touched, acc, idf, typoMark, termLength } = this;
    const { lo, hi, exact, prefixBase, prefixSpan, abstracts, typos } = plan;
    for (const m of typos) typoMark[m.term] = m.quality;
    const mask = abstracts ? 15 : PRIMARY;
    const ends = abstracts ? fwdStart.subarray(1) : this.fwdPrimaryEnd;
    const wlen = plan.wordLength;
    for (let i = 0; i < n; i++) {
      const d = touched[i];
      let best = 0;
      for (let j = fwdStart[d], end = ends[d]; j < end; j++) {
        const e = fwd[j];
        const t = e >>> 4;
        let v = 0;
        if (t >= lo && t < hi) {
          const bits = e & mask;
          if (!bits) continue;
          const q = t === exact ? Q_EXACT : prefixBase + prefixSpan * (wlen / termLength[t]);
          v = q * (prefixIdf(idf, t, exact) * FIELD_WEIGHT[bits] + WORD_BONUS * FIELD_COVER[bits]);
        } else if (typoMark[t] > 0) {
          const bits = e & 15;
          v = typoMark[t] * (Math.min(idf[t], TYPO_IDF_CAP) * FIELD_WEIGHT[bits] + WORD_BONUS * FIELD_COVER[bits]);
        }
        if (v > best) best = v;
      }
      if (best > 0) acc[d] += best;
    }
    for (const m of typos) typoMark[m.term] = 0;
  }

  // ---- one query word ----

  private wordResult(word: string, open: boolean): WordResult {
    const cacheKey = (open ? '+' : '=') + word;
    const cached = this.cache.get(cacheKey);
    if (cached) {
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, cached); // most recently used last
      this.lastQuery.cached++;
      return cached;
    }
    const n = this.evaluate(this.plan(word, open));
    const docs = this.wordTouched.subarray(0, n);
    // Large results stay in the scratch arrays (the caller adds them up at once): copying and
    // caching them would cost more memory churn than evaluating them again.
    if (n > CACHE_MAX_DOCS) return { docs };
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = this.best[docs[i]];
    const r: WordResult = { docs: docs.slice(), values };
    this.cache.set(cacheKey, r);
    this.cacheEntries += r.docs.length;
    while (this.cacheEntries > CACHE_MAX_ENTRIES && this.cache.size > 1) {
      const [k, old] = this.cache.entries().next().value as [string, WordResult];
      this.cache.delete(k);
      this.cacheEntries -= old.docs.length;
    }
    return r;
  }

  /** Which terms a query word matches and how well; cached per word. */
  private plan(word: string, open: boolean): WordPlan {
    const key = (open ? '+' : '=') + word;
    const cached = this.plans.get(key);
    if (cached) return cached;
    const stop = STOP_WORDS.has(word);
    const lo = this.vocab.lowerBound(word);
    const exact = lo < this.vocab.length && this.vocab.at(lo) === word && !stop ? lo : -1;
    let hi: number;
    if (open || word.length >= 3) hi = this.vocab.lowerBound(word + '\uffff', lo);
    else hi = exact >= 0 ? lo + 1 : lo;
    if (stop && !open) hi = lo; // a finished stop word matches nothing

    const rangeTotal = this.postStart[hi] - this.postStart[lo];
    let rangePrimary = 0;
    for (let t = lo; t < hi; t++) rangePrimary += this.postPrimary[t];
    const abstracts = word.length >= 3 && rangeTotal - rangePrimary <= ABSTRACT_BUDGET;
    const typos = this.typoTerms(word, lo, hi);
    let cost = abstracts ? rangeTotal : rangePrimary;
    if (word.length <= 2) cost = Math.min(cost, SHORT_PREFIX_BUDGET);
    for (const m of typos) cost += this.postStart[m.term + 1] - this.postStart[m.term];
    const plan: WordPlan = {
      lo, hi, exact, abstracts, typos, cost, wordLength: word.length,
      prefixBase: open ? 0.85 : 0.6,
      prefixSpan: open ? 0.1 : 0.2,
    };
    if (this.plans.size >= 256) this.plans.delete(this.plans.keys().next().value as string);
    this.plans.set(key, plan);
    return plan;
  }

  /**
   * A word's best match per paper over the whole index, by postings: the papers are left in
   * `wordTouched[0, n)`, their values in `best`. Returns n.
   */
  private evaluate(plan: WordPlan): number {
    const { lo, hi, exact, prefixBase, prefixSpan, abstracts, typos, wordLength } = plan;
    const epoch = this.nextEpoch();
    const { best, wordStamp: stamp, wordTouched: touched, idf, termLength, postings, postStart, postPrimary } = this;
    let n = 0;
    // One or two letters: a bounded scan of the range (the word itself comes first).
    const budget = wordLength <= 2 ? SHORT_PREFIX_BUDGET : Infinity;
    let scanned = 0;
    for (let t = lo; t < hi && scanned < budget; t++) {
      const q = t === exact ? Q_EXACT : prefixBase + prefixSpan * (wordLength / termLength[t]);
      const w = prefixIdf(idf, t, exact);
      const start = postStart[t];
      const end = abstracts ? postStart[t + 1] : start + postPrimary[t];
      scanned += end - start;
      for (let i = start; i < end; i++) {
        const p = postings[i];
        const bits = abstracts ? p & 15 : p & PRIMARY;
        const v = q * (w * FIELD_WEIGHT[bits] + WORD_BONUS * FIELD_COVER[bits]);
        const d = p >>> 4;
        if (stamp[d] !== epoch) {
          stamp[d] = epoch;
          best[d] = v;
          touched[n++] = d;
        } else if (v > best[d]) {
          best[d] = v;
        }
      }
    }
    for (const m of typos) {
      const w = Math.min(idf[m.term], TYPO_IDF_CAP);
      for (let i = postStart[m.term], end = postStart[m.term + 1]; i < end; i++) {
        const p = postings[i];
        const bits = p & 15;
        const v = m.quality * (w * FIELD_WEIGHT[bits] + WORD_BONUS * FIELD_COVER[bits]);
        const d = p >>> 4;
        if (stamp[d] !== epoch) {
          stamp[d] = epoch;
          best[d] = v;
          touched[n++] = d;
        } else if (v > best[d]) {
          best[d] = v;
        }
      }
    }
    return n;
  }

  private typoTerms(word: string, lo: number, hi: number): TermMatch[] {
    const len = word.length;
    if (len < 4 || len > MAX_TYPO_LENGTH || !/^[a-z]+$/.test(word)) return [];
    // Edits allowed grow with the word (as in Meilisearch): a four-letter word only a transposition
    // or a missing letter ("zreo" -> "zero", "grph" -> "graph"; but "zhao" must not match "zhou"),
    // then one edit, two from nine letters.
    const k = len >= 9 ? 2 : 1;
    const swapOnly = len === 4;
    const sig = letterSignature(word);
    const out: TermMatch[] = [];
    const { byLength, lengthStart, signature, vocab } = this;
    const minLen = swapOnly ? len : len - k;
    const maxLen = Math.min(len + k, lengthStart.length - 2);
    for (let L = minLen; L <= maxLen; L++) {
      for (let j = lengthStart[L], end = lengthStart[L + 1]; j < end; j++) {
        const t = byLength[j];
        if (t >= lo && t < hi) continue; // already an exact or prefix match
        if (!signaturesClose(sig, signature[t], k)) continue;
        const term = vocab.at(t);
        const d = boundedOsa(word, term, k);
        if (d < 1 || d > k) continue;
        const substitution = d === 1 && L === len && isSubstitution(word, term);
        if (swapOnly && substitution) continue;
        const quality = d === 2 ? Q_TYPO2 : substitution ? Q_SUBSTITUTION : Q_TYPO1;
        out.push({ term: t, quality });
      }
    }
    return out;
  }

  // ---- ranking ----

  /** Does paper `a` rank below paper `b`: a lower score, then a longer title, then a later position? */
  private below(a: number, b: number): boolean {
    const { acc, titleWords } = this;
    if (acc[a] !== acc[b]) return acc[a] < acc[b];
    return titleWords[a] !== titleWords[b] ? titleWords[a] > titleWords[b] : a > b;
  }

  private topHits(nTouched: number, limit: number): SearchHit[] {
    const { acc, touched } = this;
    // Min-heap of the best `limit` papers, the worst (see `below`) at the root.
    const heap: number[] = [];
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i];
      if (heap.length < limit) {
        heap.push(d);
        let c = heap.length - 1;
        while (c > 0) {
          const p = (c - 1) >> 1;
          const hp = heap[p];
          if (!this.below(d, hp)) break;
          heap[c] = hp;
          c = p;
        }
        heap[c] = d;
      } else {
        const top = heap[0];
        if (acc[top] > acc[d] || !this.below(top, d)) continue;
        // Sift d down from the root.
        let c = 0;
        const len = heap.length;
        for (;;) {
          const l = 2 * c + 1, r = l + 1;
          let m = -1, md = d;
          if (l < len && this.below(heap[l], md)) { m = l; md = heap[l]; }
          if (r < len && this.below(heap[r], md)) { m = r; md = heap[r]; }
          if (m < 0) break;
          heap[c] = md;
          c = m;
        }
        heap[c] = d;
      }
    }
    heap.sort((a, b) => this.below(a, b) ? 1 : this.below(b, a) ? -1 : 0);
    return heap.map(d => ({ paper: this.papers.at(d)!, score: Math.round(acc[d] * 1000) / 1000, titleWords: this.titleWords[d] }));
  }

  private nextEpoch(): number {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.stamp.fill(0);
      this.wordStamp.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }
}

// ---- query parsing ----

interface QueryWord {
  text: string;
  /** The word being typed: the query does not end after it. */
  open: boolean;
}

function parseQuery(query: string): QueryWord[] {
  const q = query.length > MAX_QUERY_CHARS ? query.slice(0, MAX_QUERY_CHARS) : query;
  const words: string[] = [];
  eachToken(q, t => words.push(t));
  if (words.length === 0) return [];
  const endsOpen = isWordCode(q.charCodeAt(q.length - 1));
  const out: QueryWord[] = [];
  const seen = new Set<string>();
  words.forEach((w, i) => {
    const open = endsOpen && i === words.length - 1;
    if (w.length > 64) w = w.slice(0, 64);
    if (!open && STOP_WORDS.has(w)) return;
    const key = (open ? '+' : '=') + w;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ text: w, open });
  });
  return out.length > MAX_QUERY_WORDS ? out.slice(out.length - MAX_QUERY_WORDS) : out;
}

/** Same-length strings one edit apart: one wrong letter rather than two swapped ones. */
function isSubstitution(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return !(i + 1 < a.length && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i));
}
