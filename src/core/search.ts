// PaperCite's search: an inverted index over ASCII-folded, lower-case tokens, built for 100k papers
// answered on every keystroke.
//
// - Vocabulary sorted, so a term id is its rank and the words starting with a prefix are one id
//   range (binary search). Postings and a per-paper forward list are flat Uint32Arrays
//   (`paper << 4 | field bits`, `term << 4 | field bits`): a few hundred bytes per paper.
// - Fields: title, authors, meta (citation key, year, venue, arXiv id, DOI) and abstract. A match in
//   title or authors weighs most, meta less, abstract least; rarer words weigh more (BM25 idf).
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

import { type Paper, paperYear } from './model';
import { eachToken, extraTokens, fold, STOP_WORDS } from './search/text';
import { boundedOsa, letterSignature, signaturesClose } from './search/typo';

export interface SearchHit {
  paper: Paper;
  score: number;
}

export interface SearchOptions {
  /** Maximum number of hits (default 50). */
  limit?: number;
}

const F_TITLE = 1, F_AUTHOR = 2, F_META = 4, F_ABSTRACT = 8;
const PRIMARY = F_TITLE | F_AUTHOR | F_META;

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
const Q_TYPO1 = 0.65;
const Q_TYPO2 = 0.45;
/** Abstract postings a prefix may expand to before it is limited to titles, authors and meta. */
const ABSTRACT_BUDGET = 250_000;
const MAX_QUERY_CHARS = 256;
const MAX_QUERY_WORDS = 12;
const MAX_TYPO_LENGTH = 32;
const DEFAULT_LIMIT = 50;
/** Cached per-word results, bounded by total entries (~8 bytes each). */
const CACHE_MAX_ENTRIES = 2_000_000;

/** The papers one query word matches, with that word's contribution to each paper's score. */
interface WordResult {
  docs: Uint32Array;
  values: Float32Array;
  /** Abstracts were searched for this word's prefix (not limited to the primary fields). */
  abstracts: boolean;
  /** Sorted term-id range the word's exact/prefix matches come from ([lo, hi)). */
  lo: number;
  hi: number;
}

/** One term the query word matches, and how well. */
interface TermMatch {
  term: number;
  quality: number;
}

class Growable {
  data: Uint32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Uint32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

export class SearchIndex {
  readonly size: number;
  private readonly papers: readonly Paper[];
  /** Sorted vocabulary; a term's id is its position. */
  private readonly vocab: string[];
  private readonly idf: Float32Array;
  /** CSR postings: term t's entries are postings[postStart[t] .. postStart[t+1]), primary first. */
  private readonly postStart: Uint32Array;
  private readonly postPrimary: Uint32Array;
  private readonly postings: Uint32Array;
  /** CSR forward lists, sorted by term id. */
  private readonly fwdStart: Uint32Array;
  private readonly fwd: Uint32Array;
  /** Typo candidates: alphabetic term ids grouped by length, and their letter signatures. */
  private readonly byLength: Uint32Array;
  private readonly lengthStart: Uint32Array;
  private readonly signature: Int32Array;

  // Query scratch space, reused across queries.
  private readonly acc: Float32Array;
  private readonly stamp: Uint32Array;
  private readonly touched: Uint32Array;
  private epoch = 0;
  private readonly cache = new Map<string, WordResult>();
  private cacheEntries = 0;
  private lastOpen: { word: string; result: WordResult } | undefined;

  private constructor(papers: readonly Paper[], built: BuiltIndex) {
    this.papers = papers;
    this.size = papers.length;
    this.vocab = built.vocab;
    this.idf = built.idf;
    this.postStart = built.postStart;
    this.postPrimary = built.postPrimary;
    this.postings = built.postings;
    this.fwdStart = built.fwdStart;
    this.fwd = built.fwd;
    this.byLength = built.byLength;
    this.lengthStart = built.lengthStart;
    this.signature = built.signature;
    this.acc = new Float32Array(papers.length);
    this.stamp = new Uint32Array(papers.length);
    this.touched = new Uint32Array(papers.length);
  }

  static build(papers: readonly Paper[]): SearchIndex {
    return new SearchIndex(papers, buildIndex(papers));
  }

  /** Number of distinct indexed words. */
  get vocabularySize(): number {
    return this.vocab.length;
  }

  /** Best hits first; never throws on any string. */
  search(query: string, opts?: SearchOptions): SearchHit[] {
    const limit = Math.max(0, Math.min(Math.floor(opts?.limit ?? DEFAULT_LIMIT), this.size));
    if (!limit || typeof query !== 'string') return [];
    const words = parseQuery(query);
    if (words.length === 0) return [];

    const results: WordResult[] = [];
    for (const w of words) results.push(this.wordResult(w.text, w.open));

    // Sum the words' contributions per paper.
    const epoch = this.nextEpoch();
    const { acc, stamp, touched } = this;
    let nTouched = 0;
    for (const r of results) {
      const { docs, values } = r;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i];
        if (stamp[d] !== epoch) {
          stamp[d] = epoch;
          acc[d] = values[i];
          touched[nTouched++] = d;
        } else {
          acc[d] += values[i];
        }
      }
    }
    return this.topHits(nTouched, limit);
  }

  // ---- one query word ----

  private wordResult(word: string, open: boolean): WordResult {
    const cacheKey = (open ? '+' : '=') + word;
    const cached = this.cache.get(cacheKey);
    if (cached) {
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, cached); // most recently used last
      if (open) this.lastOpen = { word, result: cached };
      return cached;
    }
    const r = this.computeWord(word, open);
    this.cache.set(cacheKey, r);
    this.cacheEntries += r.docs.length;
    while (this.cacheEntries > CACHE_MAX_ENTRIES && this.cache.size > 1) {
      const [k, old] = this.cache.entries().next().value as [string, WordResult];
      this.cache.delete(k);
      this.cacheEntries -= old.docs.length;
    }
    if (open) this.lastOpen = { word, result: r };
    return r;
  }

  private computeWord(word: string, open: boolean): WordResult {
    const stop = STOP_WORDS.has(word);
    // Exact and prefix matches: one id range of the sorted vocabulary.
    let lo = lowerBound(this.vocab, word);
    const exact = lo < this.vocab.length && this.vocab[lo] === word && !stop ? lo : -1;
    const usePrefix = open || word.length >= 3;
    let hi: number;
    if (usePrefix) {
      hi = lowerBound(this.vocab, word + '\uffff', lo);
    } else {
      hi = exact >= 0 ? lo + 1 : lo;
    }
    if (stop && !open) hi = lo; // a finished stop word matches nothing
    const prefixBase = open ? 0.85 : 0.6;
    const prefixSpan = open ? 0.1 : 0.2;

    // Abstracts for the range only while its postings stay within budget.
    const rangeTotal = this.postStart[hi] - this.postStart[lo];
    let rangePrimary = 0;
    for (let t = lo; t < hi; t++) rangePrimary += this.postPrimary[t];
    const abstracts = word.length >= 3 && rangeTotal - rangePrimary <= ABSTRACT_BUDGET;

    const epoch = this.nextEpoch();
    const { acc, stamp, touched, idf } = this;
    let n = 0;
    const put = (d: number, v: number) => {
      if (stamp[d] !== epoch) {
        stamp[d] = epoch;
        acc[d] = v;
        touched[n++] = d;
      } else if (v > acc[d]) {
        acc[d] = v;
      }
    };
    const wlen = word.length;
    const quality = (t: number) =>
      t === exact ? Q_EXACT : prefixBase + prefixSpan * (wlen / this.vocab[t].length);

    // Incremental narrowing: the word being typed grew, so its papers are among the previous ones.
    const prev = this.lastOpen;
    const narrow =
      open && prev && word.startsWith(prev.word) && prev.result.lo <= lo && hi <= prev.result.hi &&
      (prev.result.abstracts || !abstracts) &&
      prev.result.docs.length * 12 < (abstracts ? rangeTotal : rangePrimary);
    if (narrow && hi > lo) {
      const { fwd, fwdStart } = this;
      const loKey = lo * 16;
      for (const d of prev.result.docs) {
        const end = fwdStart[d + 1];
        let i = lowerBoundU32(fwd, loKey, fwdStart[d], end);
        for (; i < end; i++) {
          const e = fwd[i];
          const t = e >>> 4;
          if (t >= hi) break;
          const bits = abstracts ? e & 15 : e & PRIMARY;
          if (!bits) continue;
          const q = quality(t);
          put(d, q * (idf[t] * FIELD_WEIGHT[bits] + WORD_BONUS * FIELD_COVER[bits]));
        }
      }
    } else if (hi > lo) {
      const { postings, postStart, postPrimary } = this;
      for (let t = lo; t < hi; t++) {
        const q = quality(t);
        const w = idf[t];
        const start = postStart[t];
        const end = abstracts ? postStart[t + 1] : start + postPrimary[t];
        for (let i = start; i < end; i++) {
          const p = postings[i];
          const bits = abstracts ? p & 15 : p & PRIMARY;
          put(p >>> 4, q * (w * FIELD_WEIGHT[bits] + WORD_BONUS * FIELD_COVER[bits]));
        }
      }
    }

    // Typos: words of similar length within one or two edits.
    for (const m of this.typoTerms(word, lo, hi)) {
      const { postings, postStart } = this;
      const w = idf[m.term];
      for (let i = postStart[m.term], end = postStart[m.term + 1]; i < end; i++) {
        const p = postings[i];
        const bits = p & 15;
        put(p >>> 4, m.quality * (w * FIELD_WEIGHT[bits] + WORD_BONUS * FIELD_COVER[bits]));
      }
    }

    const docs = new Uint32Array(n);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const d = touched[i];
      docs[i] = d;
      values[i] = acc[d];
    }
    return { docs, values, abstracts, lo, hi };
  }

  private typoTerms(word: string, lo: number, hi: number): TermMatch[] {
    const len = word.length;
    if (len < 4 || len > MAX_TYPO_LENGTH || !/^[a-z]+$/.test(word)) return [];
    const k = len >= 8 ? 2 : 1;
    const sig = letterSignature(word);
    const out: TermMatch[] = [];
    const { byLength, lengthStart, signature, vocab } = this;
    const maxLen = Math.min(len + k, lengthStart.length - 2);
    for (let L = len - k; L <= maxLen; L++) {
      for (let j = lengthStart[L], end = lengthStart[L + 1]; j < end; j++) {
        const t = byLength[j];
        if (t >= lo && t < hi) continue; // already an exact or prefix match
        if (!signaturesClose(sig, signature[t], k)) continue;
        const d = boundedOsa(word, vocab[t], k);
        if (d >= 1 && d <= k) out.push({ term: t, quality: d === 1 ? Q_TYPO1 : Q_TYPO2 });
      }
    }
    return out;
  }

  // ---- ranking ----

  private topHits(nTouched: number, limit: number): SearchHit[] {
    const { acc, touched } = this;
    // Min-heap of the best `limit` papers: worse = lower score, then later position.
    const heap: number[] = [];
    const worse = (a: number, b: number) => acc[a] < acc[b] || (acc[a] === acc[b] && a > b);
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i];
      if (heap.length < limit) {
        heap.push(d);
        let c = heap.length - 1;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (!worse(heap[c], heap[p])) break;
          [heap[c], heap[p]] = [heap[p], heap[c]];
          c = p;
        }
      } else if (worse(heap[0], d)) {
        heap[0] = d;
        let c = 0;
        for (;;) {
          const l = 2 * c + 1, r = l + 1;
          let m = c;
          if (l < heap.length && worse(heap[l], heap[m])) m = l;
          if (r < heap.length && worse(heap[r], heap[m])) m = r;
          if (m === c) break;
          [heap[c], heap[m]] = [heap[m], heap[c]];
          c = m;
        }
      }
    }
    heap.sort((a, b) => (acc[b] - acc[a]) || a - b);
    return heap.map(d => ({ paper: this.papers[d], score: Math.round(acc[d] * 1000) / 1000 }));
  }

  private nextEpoch(): number {
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.stamp.fill(0);
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
  const folded = fold(query.length > MAX_QUERY_CHARS ? query.slice(0, MAX_QUERY_CHARS) : query);
  const words: string[] = [];
  eachToken(folded, t => words.push(t));
  if (words.length === 0) return [];
  const last = folded.charCodeAt(folded.length - 1);
  const endsOpen = (last >= 97 && last <= 122) || (last >= 48 && last <= 57) || last > 127;
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

// ---- building ----

interface BuiltIndex {
  vocab: string[];
  idf: Float32Array;
  postStart: Uint32Array;
  postPrimary: Uint32Array;
  postings: Uint32Array;
  fwdStart: Uint32Array;
  fwd: Uint32Array;
  byLength: Uint32Array;
  lengthStart: Uint32Array;
  signature: Int32Array;
}

function buildIndex(papers: readonly Paper[]): BuiltIndex {
  const N = papers.length;
  const termIds = new Map<string, number>();
  const terms: string[] = [];
  let lastDoc = new Int32Array(1 << 16).fill(-1);
  let posInBuf = new Uint32Array(1 << 16);
  const bufTerm = new Growable(N * 48);
  let bufBits = new Uint8Array(bufTerm.data.length);
  const docStart = new Uint32Array(N + 1);
  let doc = 0;

  const add = (tok: string, bit: number) => {
    if (tok.length > 64 || STOP_WORDS.has(tok)) return;
    let id = termIds.get(tok);
    if (id === undefined) {
      id = terms.length;
      // Copy long tokens so they do not keep the whole folded text alive.
      const own = tok.length > 12 ? (' ' + tok).slice(1) : tok;
      terms.push(own);
      termIds.set(own, id);
      if (id === lastDoc.length) {
        const l = new Int32Array(id * 2).fill(-1);
        l.set(lastDoc);
        lastDoc = l;
        const p = new Uint32Array(id * 2);
        p.set(posInBuf);
        posInBuf = p;
      }
    }
    if (lastDoc[id] === doc) {
      bufBits[posInBuf[id]] |= bit;
      return;
    }
    lastDoc[id] = doc;
    posInBuf[id] = bufTerm.length;
    bufTerm.push(id);
    if (bufBits.length < bufTerm.data.length) {
      const b = new Uint8Array(bufTerm.data.length);
      b.set(bufBits);
      bufBits = b;
    }
    bufBits[bufTerm.length - 1] = bit;
  };
  const addTitle = (t: string) => add(t, F_TITLE);
  const addAuthor = (t: string) => add(t, F_AUTHOR);
  const addMeta = (t: string) => add(t, F_META);
  const addAbstract = (t: string) => {
    if (t.length > 1) add(t, F_ABSTRACT);
  };

  for (doc = 0; doc < N; doc++) {
    docStart[doc] = bufTerm.length;
    const p = papers[doc];
    if (typeof p.title === 'string' && p.title) {
      eachToken(fold(p.title), addTitle);
      extraTokens(p.title, addTitle);
    }
    for (const list of [p.author, p.editor]) {
      if (!Array.isArray(list)) continue;
      for (const a of list) {
        if (!a) continue;
        if (a.family) eachToken(fold(a.family), addAuthor);
        if (a.given) eachToken(fold(a.given), addAuthor);
        if (a.literal) eachToken(fold(a.literal), addAuthor);
      }
    }
    if (typeof p.id === 'string') {
      eachToken(fold(p.id), addMeta);
      extraTokens(p.id, addMeta);
    }
    const year = paperYear(p);
    if (year !== undefined) addMeta(String(year));
    const issuedYear = p.issued?.['date-parts']?.[0]?.[0];
    if (typeof issuedYear === 'number' && issuedYear !== year) addMeta(String(issuedYear));
    for (const v of [p['container-title'], p.custom?.venue, p.custom?.arxiv, p.DOI]) {
      if (typeof v === 'string' && v) eachToken(fold(v), addMeta);
    }
    if (typeof p.abstract === 'string' && p.abstract) eachToken(fold(p.abstract), addAbstract);
  }
  docStart[N] = bufTerm.length;
  const nEntries = bufTerm.length;
  const buf = bufTerm.data;

  // Sort the vocabulary; remap build-order ids to sorted ids.
  const V = terms.length;
  const vocab = terms.slice().sort();
  for (let t = 0; t < V; t++) termIds.set(vocab[t], t);
  const remap = new Uint32Array(V);
  for (let i = 0; i < V; i++) remap[i] = termIds.get(terms[i])!;
  termIds.clear();

  // Postings, primary fields first within each term.
  const count = new Uint32Array(V);
  const postPrimary = new Uint32Array(V);
  for (let i = 0; i < nEntries; i++) {
    const t = remap[buf[i]];
    buf[i] = t;
    count[t]++;
    if (bufBits[i] & PRIMARY) postPrimary[t]++;
  }
  const postStart = new Uint32Array(V + 1);
  for (let t = 0; t < V; t++) postStart[t + 1] = postStart[t] + count[t];
  const front = postStart.slice(0, V);
  const back = postStart.slice(1);
  const postings = new Uint32Array(nEntries);
  for (let d = 0; d < N; d++) {
    for (let i = docStart[d], end = docStart[d + 1]; i < end; i++) {
      const t = buf[i];
      const bits = bufBits[i];
      if (bits & PRIMARY) postings[front[t]++] = (d << 4) | bits;
      else postings[--back[t]] = (d << 4) | bits;
    }
  }

  // Forward lists sorted by term id: fill by walking terms in order.
  const fwdStart = docStart;
  const fill = docStart.slice(0, N);
  const fwd = new Uint32Array(nEntries);
  for (let t = 0; t < V; t++) {
    for (let i = postStart[t], end = postStart[t + 1]; i < end; i++) {
      const p = postings[i];
      fwd[fill[p >>> 4]++] = (t << 4) | (p & 15);
    }
  }

  const idf = new Float32Array(V);
  for (let t = 0; t < V; t++) {
    const df = count[t];
    idf[t] = Math.log(1 + (N - df + 0.5) / (df + 0.5));
  }

  // Typo candidates: alphabetic terms of 3..MAX_TYPO_LENGTH+2 letters, grouped by length.
  const maxLen = MAX_TYPO_LENGTH + 2;
  const lengthCount = new Uint32Array(maxLen + 2);
  const signature = new Int32Array(V);
  const eligible = new Uint8Array(V);
  for (let t = 0; t < V; t++) {
    const s = vocab[t];
    if (s.length < 3 || s.length > maxLen) continue;
    let alpha = true;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 97 || c > 122) {
        alpha = false;
        break;
      }
    }
    if (!alpha) continue;
    eligible[t] = 1;
    signature[t] = letterSignature(s);
    lengthCount[s.length]++;
  }
  const lengthStart = new Uint32Array(maxLen + 2);
  for (let L = 0; L <= maxLen; L++) lengthStart[L + 1] = lengthStart[L] + lengthCount[L];
  const lfill = lengthStart.slice(0, maxLen + 1);
  const byLength = new Uint32Array(lengthStart[maxLen + 1]);
  for (let t = 0; t < V; t++) if (eligible[t]) byLength[lfill[vocab[t].length]++] = t;

  return { vocab, idf, postStart, postPrimary, postings, fwdStart, fwd, byLength, lengthStart, signature };
}

/** First index i in [from, a.length) with a[i] >= s (UTF-16 order, as Array.prototype.sort). */
function lowerBound(a: readonly string[], s: string, from = 0): number {
  let lo = from, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function lowerBoundU32(a: Uint32Array, v: number, from: number, to: number): number {
  let lo = from, hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
