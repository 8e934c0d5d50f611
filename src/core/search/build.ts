// Building PaperCite's search index: one pass over each paper's text that hashes tokens as it scans
// them (no substring is made for a word already seen), then flat typed arrays for the sorted
// vocabulary's postings and each paper's forward list.

import { type CslName, type Paper, paperYear } from '../model';
import { extraTokenRanges, foldedTokens, isWordCodeNonAscii, STOP_WORDS } from './text';
import { letterSignature } from './typo';
import { detach } from '../strings';

/** Field bits. Meta: citation key, year, arXiv id. Abstract: also the venue. */
export const F_TITLE = 1, F_AUTHOR = 2, F_META = 4, F_ABSTRACT = 8;
export const PRIMARY = F_TITLE | F_AUTHOR | F_META;
/** Longest token indexed; longer runs (hashes, URLs without separators) are skipped. */
export const MAX_TOKEN = 64;
/** Typo candidates are words of 3 to this many letters. */
export const MAX_TYPO_TERM = 34;

export interface BuiltIndex {
  /** Sorted vocabulary; a term's id is its position. */
  vocab: string[];
  idf: Float32Array;
  /** CSR postings (`paper << 4 | field bits`), primary-field entries first within each term. */
  postStart: Uint32Array;
  postPrimary: Uint32Array;
  postings: Uint32Array;
  /** CSR forward lists (`term << 4 | field bits`): primary-field terms, then abstract-only ones. */
  fwdStart: Uint32Array;
  fwdPrimaryEnd: Uint32Array;
  fwd: Uint32Array;
  /** Alphabetic terms grouped by length, and every term's letter signature. */
  byLength: Uint32Array;
  lengthStart: Uint32Array;
  signature: Int32Array;
  /** Distinct title words per paper (capped at 255): the tie-break among equal scores. */
  titleWords: Uint8Array;
  stats: BuildStats;
}

export interface BuildStats {
  papers: number;
  vocabulary: number;
  postings: number;
  scanMs: number;
  sortMs: number;
  arraysMs: number;
  totalMs: number;
}

// Two independent 32-bit hashes per word: a 64-bit identity, so a lookup never touches the
// stored string (the chance that two of a million words share both is about 1 in 10^7).
const H1_SEED = 0x811c9dc5 | 0, H1_PRIME = 0x01000193;
const H2_SEED = 0x2545f491, H2_PRIME = 0x5bd1e995;


const wordCodes = new Uint8Array(MAX_TOKEN);

/**
 * `text[start, end)` lower-cased, for ASCII letters and digits (and hyphens, left out): made in one
 * allocation as a one-byte string (a slice of a two-byte text, lower-cased and copied, took four).
 */
function asciiWord(text: string, start: number, end: number): string {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 45) wordCodes[n++] = c >= 65 && c <= 90 ? c + 32 : c;
  }
  return String.fromCharCode.apply(null, wordCodes.subarray(0, n) as unknown as number[]);
}

/** Venue strings longer than this are scanned each time rather than remembered. */
const MAX_CACHED_VENUE = 512;
const MAX_CACHED_VENUES = 65536;
/** Distinct words with other letters than ASCII whose tokens a builder remembers. */
const MAX_FOLDED = 65536;
/** Entries of a builder's table of recent terms: 128 KB. */
const FRONT_SIZE = 1 << 13;

// Callbacks for the tokenizers of text.ts live at module level: closures made per build would cost
// an allocation per call, and would make the optimized code of the last build call a stale target.
let current: IndexBuilder | undefined;
let extraText = '', extraBit = 0;
const collected: string[] = [];
function collectToken(t: string): void {
  collected.push(t);
}
function addExtra(a: number, b: number): void {
  current!.addRange(extraText, a, b, extraBit);
}

/** What a builder may expect, to size its buffers once (it grows them otherwise). */
export interface IndexBuilderHint {
  papers: number;
  /** Characters of all abstracts. */
  abstractChars?: number;
  /** The index's arrays in shared memory, to be posted to another thread while this one keeps them. */
  shared?: boolean;
}

type TypedArrayOf<T> = { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number };

/** A zeroed array of `n` elements, in shared memory when `shared`. */
function allocate<T>(Ctor: TypedArrayOf<T>, n: number, shared: boolean): T {
  return new Ctor(shared ? new SharedArrayBuffer(n * Ctor.BYTES_PER_ELEMENT) as unknown as ArrayBuffer : new ArrayBuffer(n * Ctor.BYTES_PER_ELEMENT));
}

/** The first `n` elements of `a` in an array of their own (in shared memory when `shared`). */
function copyOf(a: Uint32Array, n: number, shared: boolean): Uint32Array {
  const out = allocate(Uint32Array, n, shared);
  out.set(a.subarray(0, n));
  return out;
}

/**
 * Builds the index of papers given in chunks, in order: `add` scans each chunk's text (the costly
 * part), `finish` sorts the vocabulary and lays out the arrays (idf needs the final count). Any
 * chunking gives the same index as `buildIndex` of all the papers at once.
 */
export class IndexBuilder {
  private readonly terms: string[] = [];
  /** Open-addressing table of terms keyed by both hashes. Stride 4: h1, h2, id + 1 (0 = empty), unused. */
  private slots: Int32Array;
  private mask: number;
  /**
   * The terms met last, by hash (stride 4 as `slots`, one entry per hash value modulo its size):
   * small enough to stay in the CPU caches, where the table of all terms is not, so the common
   * words cost no memory access.
   */
  private readonly front = new Int32Array(FRONT_SIZE * 4);
  /** Per term id: 1 + the term's latest position in `buf` (terms met first, the common ones, share cache lines). */
  private lastPos = new Int32Array(1024);
  /** Ids below this are stop words: never indexed. */
  private readonly nStop: number;
  /** One entry per (paper, term): `term id << 4 | field bits`. */
  private buf: Uint32Array;
  private bufLen = 0;
  /** Positions from this one on (plus one) belong to the paper being scanned. */
  private mark = 1;
  private docStart: Uint32Array;
  private n = 0;
  private readonly folded = new Map<string, string[]>();
  /** Term ids of the years seen. */
  private readonly years = new Map<number, number>();
  private finished = false;
  private scanMs = 0;
  // Venue names repeat across thousands of papers ("Proceedings of the … Meeting of the Association
  // for Computational Linguistics"): each distinct one is scanned once, then its words' ids reused.
  private readonly venues = new Map<string, Int32Array>();
  private readonly shared: boolean;

  constructor(hint?: IndexBuilderHint) {
    const t0 = performance.now();
    this.shared = !!hint?.shared;
    const N = hint ? Math.max(0, Math.floor(hint.papers)) : 0;
    // Sized small and grown: a table that fits the caches beats one that never rehashes.
    const expectedTerms = Math.min(1 << 16, 4 * N + 256);
    let size = 1 << 10;
    while (size < expectedTerms * 2) size *= 2;
    this.slots = new Int32Array(size * 4);
    this.mask = size - 1;
    for (const w of STOP_WORDS) this.intern(w);
    this.nStop = this.terms.length;
    // Sized from the text, a little above what real libraries need (1.2x on the Anthology): its
    // memory becomes the forward lists at the end, and V8 runs a full garbage collection (hundreds
    // of ms on a heap holding 100k papers) once a build's new typed arrays pass ~64 MB, so none is
    // larger than it must be.
    this.buf = allocate(Uint32Array, Math.max(1024, N * 24 + Math.floor((hint?.abstractChars ?? 0) / 10)), this.shared);
    this.docStart = allocate(Uint32Array, Math.max(16, N + 1), this.shared);
    this.scanMs = performance.now() - t0;
  }

  /** Papers added so far. */
  get papers(): number {
    return this.n;
  }

  /** Scans the next papers (they follow the papers added before). */
  add(papers: readonly Paper[]): void {
    if (this.finished) throw new Error('IndexBuilder: add after finish');
    const t0 = performance.now();
    const count = papers.length;
    if (this.n + count + 1 > this.docStart.length) {
      this.docStart = copyOf(this.docStart, Math.max(this.n + count + 1, Math.ceil(this.docStart.length * 1.5)), this.shared);
    }
    current = this;
    try {
      this.addPapers(papers);
    } finally {
      current = undefined;
    }
    this.docStart[this.n] = this.bufLen;
    this.scanMs += performance.now() - t0;
  }

  private addPapers(papers: readonly Paper[]): void {
    for (let k = 0; k < papers.length; k++) this.addPaper(papers[k]);
  }

  private addPaper(p: Paper): void {
    this.docStart[this.n++] = this.bufLen;
    this.mark = this.bufLen + 1;
    if (!p || typeof p !== 'object') return;
    if (typeof p.title === 'string' && p.title) {
      this.scan(p.title, F_TITLE, 1, undefined);
      this.extras(p.title, F_TITLE, true);
    }
    // Editors of a proceedings volume are not the authors of its papers: they are searchable only
    // on an entry without authors (the volume itself, an edited book).
    if (!this.scanNames(p.author)) this.scanNames(p.editor);
    if (typeof p.id === 'string') {
      // `zhao2025absolute` is one token (typing `zhao2025` finds it as a prefix) plus its parts.
      this.scan(p.id, F_META, 1, undefined);
      this.extras(p.id, F_META, false);
    }
    const year = paperYear(p);
    if (year !== undefined) this.addYear(year);
    const issuedYear = p.issued?.['date-parts']?.[0]?.[0];
    if (typeof issuedYear === 'number' && issuedYear !== year) this.addYear(issuedYear);
    // Venues rank like abstract text, so broad prefixes skip them. DOIs are not indexed (their
    // parts, "10", "18653", "v1", are on every paper).
    if (typeof p['container-title'] === 'string') this.addVenue(p['container-title']);
    const custom = p.custom;
    if (custom && typeof custom === 'object') {
      if (typeof custom.venue === 'string') this.addVenue(custom.venue);
      if (typeof custom.arxiv === 'string') this.scan(custom.arxiv, F_META, 1, undefined);
      // A CSL-JSON id that was not a safe key stays findable (sources/cslJson.ts).
      if (typeof custom.originalId === 'string') {
        this.scan(custom.originalId, F_META, 1, undefined);
        this.extras(custom.originalId, F_META, false);
      }
    }
    // Abstract words of one or two letters are skipped (nearly all are stop words).
    if (typeof p.abstract === 'string' && p.abstract) this.scan(p.abstract, F_ABSTRACT, 3, undefined);
  }

  /** Scans a list of names as authors; returns how many names it held. */
  private scanNames(list: unknown): number {
    if (!Array.isArray(list)) return 0;
    let names = 0;
    for (const a of list as CslName[]) {
      if (!a || typeof a !== 'object') continue;
      names++;
      if (typeof a.family === 'string') this.scan(a.family, F_AUTHOR, 1, undefined);
      if (typeof a.given === 'string') this.scan(a.given, F_AUTHOR, 1, undefined);
      if (typeof a.literal === 'string') this.scan(a.literal, F_AUTHOR, 1, undefined);
    }
    return names;
  }

  private addVenue(v: string): void {
    if (v.length > MAX_CACHED_VENUE) return this.scan(v, F_ABSTRACT, 2, undefined);
    const known = this.venues.get(v);
    if (known) {
      for (let k = 0; k < known.length; k++) this.addId(known[k], F_ABSTRACT);
      return;
    }
    const keep: number[] = [];
    this.scan(v, F_ABSTRACT, 2, keep);
    if (this.venues.size < MAX_CACHED_VENUES) this.venues.set(v, Int32Array.from(keep));
  }

  /** Id of the term with these hashes, or -1. */
  private find(h1: number, h2: number): number {
    const front = this.front;
    const f = (h1 & (FRONT_SIZE - 1)) << 2;
    if (front[f] === h1 && front[f + 1] === h2 && front[f + 2] !== 0) return front[f + 2] - 1;
    const slots = this.slots, mask = this.mask;
    let s = h1 & mask;
    for (;;) {
      const o = s << 2;
      const v = slots[o + 2];
      if (v === 0) return -1;
      if (slots[o] === h1 && slots[o + 1] === h2) {
        front[f] = h1;
        front[f + 1] = h2;
        front[f + 2] = v;
        return v - 1;
      }
      s = (s + 1) & mask;
    }
  }

  /** Adds a term that `find` did not find; returns its id (the table may grow). */
  private insert(h1: number, h2: number, term: string): number {
    const id = this.terms.length;
    this.terms.push(term);
    let slots = this.slots;
    if ((id + 1) * 2 > this.mask + 1) {
      this.rehash();
      slots = this.slots;
    }
    const mask = this.mask;
    let s = h1 & mask;
    while (slots[(s << 2) + 2] !== 0) s = (s + 1) & mask;
    const o = s << 2;
    slots[o] = h1;
    slots[o + 1] = h2;
    slots[o + 2] = id + 1;
    const f = (h1 & (FRONT_SIZE - 1)) << 2;
    this.front[f] = h1;
    this.front[f + 1] = h2;
    this.front[f + 2] = id + 1;
    if (id === this.lastPos.length) {
      const l = new Int32Array(id * 2);
      l.set(this.lastPos);
      this.lastPos = l;
    }
    return id;
  }

  /** Id of a (folded, lower-case) term, created when absent. */
  private intern(term: string): number {
    let h1 = H1_SEED, h2 = H2_SEED;
    for (let i = 0; i < term.length; i++) {
      const c = term.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, H1_PRIME);
      h2 = Math.imul(h2 ^ c, H2_PRIME);
    }
    h2 ^= h2 >>> 15;
    const id = this.find(h1, h2);
    return id >= 0 ? id : this.insert(h1, h2, detach(term));
  }

  private rehash(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 2) - 1;
    for (let p = 0; p < old.length; p += 4) {
      if (old[p + 2] === 0) continue;
      let s = old[p] & mask;
      while (slots[(s << 2) + 2] !== 0) s = (s + 1) & mask;
      const o = s << 2;
      slots[o] = old[p];
      slots[o + 1] = old[p + 1];
      slots[o + 2] = old[p + 2];
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** Adds term `id` to the current paper with field `bit`. */
  private addId(id: number, bit: number): void {
    if (id < this.nStop) return;
    const at = this.lastPos[id];
    if (at >= this.mark) {
      this.buf[at - 1] |= bit;
      return;
    }
    if (this.bufLen === this.buf.length) {
      this.buf = copyOf(this.buf, Math.ceil(this.bufLen * 1.5), this.shared);
    }
    this.buf[this.bufLen] = (id << 4) | bit;
    this.lastPos[id] = ++this.bufLen;
  }

  private addYear(year: number): void {
    let id = this.years.get(year);
    if (id === undefined) {
      const tok = String(year);
      if (tok.length > MAX_TOKEN) return;
      id = this.intern(tok);
      this.years.set(year, id);
    }
    this.addId(id, F_META);
  }

  /** The tokens of a word with other letters than ASCII (`Müller`, `Sørensen`): folded once per distinct word. */
  private addFoldedRun(run: string, bit: number, minLen: number, keep: number[] | undefined): void {
    let tokens = this.folded.get(run);
    if (!tokens) {
      tokens = [];
      foldedTokens(run, collectToken);
      for (const t of collected) tokens.push(t);
      collected.length = 0;
      if (run.length <= MAX_TOKEN && this.folded.size < MAX_FOLDED) this.folded.set(run, tokens);
    }
    for (let k = 0; k < tokens.length; k++) this.addFoldedToken(tokens[k], bit, minLen, keep);
  }

  /** A token of a word with other letters than ASCII, folded. */
  private addFoldedToken(t: string, bit: number, minLen: number, keep: number[] | undefined): void {
    if (t.length < minLen || t.length > MAX_TOKEN) return;
    const id = this.intern(t);
    if (keep) keep.push(id);
    this.addId(id, bit);
  }

  /**
   * Scans a field's text, hashing lower-cased ASCII words in place. With `keep`, also appends each
   * added word's id to it.
   */
  private scan(text: string, bit: number, minLen: number, keep: number[] | undefined): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      const word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) ||
        (c > 127 && isWordCodeNonAscii(c));
      if (!word) {
        i++;
        continue;
      }
      const start = i;
      let h1 = H1_SEED, h2 = H2_SEED;
      let ascii = true;
      for (; i < n; i++) {
        c = text.charCodeAt(i);
        if (c >= 65 && c <= 90) c += 32;
        else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
          if (c > 127 && isWordCodeNonAscii(c)) {
            ascii = false;
            continue;
          }
          break;
        }
        h1 = Math.imul(h1 ^ c, H1_PRIME);
        h2 = Math.imul(h2 ^ c, H2_PRIME);
      }
      if (ascii) {
        const len = i - start;
        if (len < minLen || len > MAX_TOKEN) continue;
        h2 ^= h2 >>> 15;
        let id = this.find(h1, h2);
        if (id < 0) id = this.insert(h1, h2, asciiWord(text, start, i));
        if (keep) keep.push(id);
        this.addId(id, bit);
      } else {
        this.addFoldedRun(text.slice(start, i), bit, minLen, keep);
      }
    }
  }

  /** Adds the lower-cased letters and digits of `text[a, b)` (hyphens left out) as one token. */
  addRange(text: string, a: number, b: number, bit: number): void {
    let h1 = H1_SEED, h2 = H2_SEED, len = 0;
    for (let i = a; i < b; i++) {
      let c = text.charCodeAt(i);
      if (c === 45) continue;
      if (c >= 65 && c <= 90) c += 32;
      h1 = Math.imul(h1 ^ c, H1_PRIME);
      h2 = Math.imul(h2 ^ c, H2_PRIME);
      len++;
    }
    if (len > MAX_TOKEN) return;
    h2 ^= h2 >>> 15;
    let id = this.find(h1, h2);
    if (id < 0) id = this.insert(h1, h2, asciiWord(text, a, b));
    this.addId(id, bit);
  }

  private extras(text: string, bit: number, joinHyphens: boolean): void {
    extraText = text;
    extraBit = bit;
    extraTokenRanges(text, addExtra, joinHyphens);
  }

  /** The index of every paper added. The builder is spent: its buffer becomes the forward lists. */
  finish(): BuiltIndex {
    if (this.finished) throw new Error('IndexBuilder: finish called twice');
    this.finished = true;
    const tScan = performance.now();
    const N = this.n;
    const bufLen = this.bufLen;
    let buf = this.buf;
    const shared = this.shared;
    const docStart = this.docStart.length === N + 1 ? this.docStart : copyOf(this.docStart, N + 1, shared);
    docStart[N] = bufLen;
    this.docStart = new Uint32Array(0);
    this.buf = new Uint32Array(0);
    this.slots = new Int32Array(0);
    this.lastPos = new Int32Array(0);
    this.venues.clear();
    this.years.clear();
    this.folded.clear();
    // A buffer grown well past its entries is not kept as the forward lists.
    if (buf.length > bufLen * 1.5 + 1024) buf = copyOf(buf, bufLen, shared);

    // Sort the vocabulary (stop words left out); build id -> sorted id.
    const terms = this.terms;
    const order = sortedTermIds(terms, this.nStop);
    const V = order.length;
    const vocab = new Array<string>(V);
    const remap = new Uint32Array(terms.length);
    applyOrder(terms, order, vocab, remap);
    terms.length = 0;
    const tSort = performance.now();

    // Each phase is a function of its own: V8 optimizes a function while its loop runs, and would
    // throw that code away on reaching the next loop of the same function, not yet run.
    // Postings, primary fields first within each term.
    const count = new Uint32Array(V);
    const postPrimary = allocate(Uint32Array, V, shared);
    countTerms(buf, bufLen, remap, count, postPrimary);
    const postStart = allocate(Uint32Array, V + 1, shared);
    prefixSums(count, postStart);
    const postings = allocate(Uint32Array, bufLen, shared);
    scatterPostings(buf, docStart, N, postStart, postings);

    // Forward lists: each paper's primary-field terms first, then its abstract-only terms, each part
    // sorted by term (filled by walking the terms in order, twice), in the entry buffer's memory (its
    // entries are all in the postings now).
    const fill = docStart.slice(0, N);
    const fwd = buf.subarray(0, bufLen);
    const titleWords = allocate(Uint8Array, N, shared);
    fillPrimary(postStart, postPrimary, postings, fwd, fill, titleWords);
    const fwdPrimaryEnd = copyOf(fill, N, shared);
    fillRest(postStart, postPrimary, postings, fwd, fill);

    const idf = allocate(Float32Array, V, shared);
    idfOf(count, N, idf);

    // Typo candidates: alphabetic terms of 3..MAX_TYPO_TERM letters, grouped by length.
    const lengthCount = new Uint32Array(MAX_TYPO_TERM + 2);
    const signature = allocate(Int32Array, V, shared);
    const eligible = new Uint8Array(V);
    typoCandidates(vocab, eligible, signature, lengthCount);
    const lengthStart = allocate(Uint32Array, MAX_TYPO_TERM + 2, shared);
    for (let L = 0; L <= MAX_TYPO_TERM; L++) lengthStart[L + 1] = lengthStart[L] + lengthCount[L];
    const byLength = allocate(Uint32Array, lengthStart[MAX_TYPO_TERM + 1]!, shared);
    groupByLength(vocab, eligible, lengthStart, byLength);
    const tEnd = performance.now();

    return {
      vocab, idf, postStart, postPrimary, postings, fwdStart: docStart, fwdPrimaryEnd, fwd, byLength, lengthStart, signature, titleWords,
      stats: {
        papers: N, vocabulary: V, postings: bufLen,
        scanMs: this.scanMs, sortMs: tSort - tScan, arraysMs: tEnd - tSort, totalMs: this.scanMs + (tEnd - tScan),
      },
    };
  }
}

function applyOrder(terms: readonly string[], order: Uint32Array, vocab: string[], remap: Uint32Array): void {
  for (let t = 0; t < order.length; t++) {
    vocab[t] = terms[order[t]];
    remap[order[t]] = t;
  }
}

/** Renumbers the entries by sorted term; counts each term's papers, and those with a primary field. */
function countTerms(buf: Uint32Array, bufLen: number, remap: Uint32Array, count: Uint32Array, postPrimary: Uint32Array): void {
  for (let i = 0; i < bufLen; i++) {
    const e = buf[i];
    const t = remap[e >>> 4];
    buf[i] = (t << 4) | (e & 15);
    count[t]++;
    if (e & PRIMARY) postPrimary[t]++;
  }
}

function prefixSums(count: Uint32Array, start: Uint32Array): void {
  for (let t = 0; t < count.length; t++) start[t + 1] = start[t] + count[t];
}

/** Primary entries from the front of each term's range (papers ascending), the others from its back. */
function scatterPostings(buf: Uint32Array, docStart: Uint32Array, N: number, postStart: Uint32Array, postings: Uint32Array): void {
  const V = postStart.length - 1;
  const front = postStart.slice(0, V);
  const back = postStart.slice(1);
  for (let d = 0; d < N; d++) {
    for (let i = docStart[d], end = docStart[d + 1]; i < end; i++) {
      const e = buf[i];
      const t = e >>> 4;
      const bits = e & 15;
      if (bits & PRIMARY) postings[front[t]++] = (d << 4) | bits;
      else postings[--back[t]] = (d << 4) | bits;
    }
  }
}

/** Appends each term's primary postings to their papers' forward lists; counts title words. */
function fillPrimary(postStart: Uint32Array, postPrimary: Uint32Array, postings: Uint32Array, fwd: Uint32Array, fill: Uint32Array, titleWords: Uint8Array): void {
  for (let t = 0; t < postPrimary.length; t++) {
    for (let i = postStart[t], end = postStart[t] + postPrimary[t]; i < end; i++) {
      const p = postings[i];
      fwd[fill[p >>> 4]++] = (t << 4) | (p & 15);
      if (p & F_TITLE && titleWords[p >>> 4] < 255) titleWords[p >>> 4]++;
    }
  }
}

/** Appends each term's abstract-only postings to their papers' forward lists. */
function fillRest(postStart: Uint32Array, postPrimary: Uint32Array, postings: Uint32Array, fwd: Uint32Array, fill: Uint32Array): void {
  for (let t = 0; t < postPrimary.length; t++) {
    for (let i = postStart[t] + postPrimary[t], end = postStart[t + 1]; i < end; i++) {
      const p = postings[i];
      fwd[fill[p >>> 4]++] = (t << 4) | (p & 15);
    }
  }
}

function idfOf(count: Uint32Array, N: number, idf: Float32Array): void {
  for (let t = 0; t < count.length; t++) {
    const df = count[t];
    idf[t] = Math.log(1 + (N - df + 0.5) / (df + 0.5));
  }
}

function typoCandidates(vocab: readonly string[], eligible: Uint8Array, signature: Int32Array, lengthCount: Uint32Array): void {
  for (let t = 0; t < vocab.length; t++) {
    const s = vocab[t];
    if (s.length < 3 || s.length > MAX_TYPO_TERM) continue;
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
}

function groupByLength(vocab: readonly string[], eligible: Uint8Array, lengthStart: Uint32Array, byLength: Uint32Array): void {
  const fill = lengthStart.slice(0, MAX_TYPO_TERM + 1);
  for (let t = 0; t < vocab.length; t++) if (eligible[t]) byLength[fill[vocab[t].length]++] = t;
}

function abstractChars(papers: readonly Paper[]): number {
  let chars = 0;
  for (let d = 0; d < papers.length; d++) {
    const p = papers[d];
    if (p && typeof p.abstract === 'string') chars += p.abstract.length;
  }
  return chars;
}

/** The index of `papers` (in that order): one builder fed them all (its arrays in shared memory when `shared`). */
export function buildIndex(papers: readonly Paper[], shared = false): BuiltIndex {
  const builder = new IndexBuilder({ papers: papers.length, abstractChars: abstractChars(papers), shared });
  builder.add(papers);
  return builder.finish();
}

/**
 * Term ids from `from` on, in the UTF-16 order of their strings (the order `<` and
 * Array.prototype.sort use). Sorting 270k strings by comparison takes ~0.4 s; instead each term gets
 * a numeric key from its first six characters (`prefixKeys`) and the id, one native numeric sort
 * orders them, and only runs sharing a key compare strings.
 */
export function sortedTermIds(terms: readonly string[], from: number): Uint32Array {
  const n = terms.length - from;
  const out = new Uint32Array(n);
  if (terms.length >= 1 << 20) {
    const ids = Array.from({ length: n }, (_, i) => i + from);
    ids.sort((a, b) => (terms[a] < terms[b] ? -1 : terms[a] > terms[b] ? 1 : 0));
    out.set(ids);
    return out;
  }
  const keys = new Float64Array(n);
  prefixKeys(terms, from, keys);
  keys.sort();
  for (let i = 0; i < n; i++) out[i] = keys[i] % 1048576;
  sortRuns(terms, keys, out);
  return out;
}

/**
 * Each term's key: ranks of its first six characters, base 40, rising with the character code (end
 * 0, below `0` 1, digits 2–11, between `9` and `a` 12, letters 13–38, above `z` 39). A rank that
 * stands for several characters (1, 12, 39) ends the key (the rest 0), so a key never orders two
 * terms against their strings: terms alike up to it tie, and their run is sorted by string.
 */
function prefixKeys(terms: readonly string[], from: number, keys: Float64Array): void {
  for (let i = 0; i < keys.length; i++) {
    const s = terms[i + from];
    let k = 0;
    let open = true;
    for (let j = 0; j < 6; j++) {
      let r = 0;
      if (open && j < s.length) {
        const c = s.charCodeAt(j);
        if (c >= 48 && c <= 57) r = c - 46;
        else if (c >= 97 && c <= 122) r = c - 84;
        else {
          r = c < 48 ? 1 : c < 97 ? 12 : 39;
          open = false;
        }
      }
      k = k * 40 + r;
    }
    keys[i] = k * 1048576 + (i + from);
  }
}

/** Orders the runs of ids with the same six-character key by their whole strings. */
function sortRuns(terms: readonly string[], keys: Float64Array, out: Uint32Array): void {
  const n = keys.length;
  let i = 0;
  while (i < n) {
    const k = Math.floor(keys[i] / 1048576);
    let j = i + 1;
    while (j < n && Math.floor(keys[j] / 1048576) === k) j++;
    if (j - i > 24) {
      const run = Array.from(out.subarray(i, j));
      run.sort((a, b) => (terms[a] < terms[b] ? -1 : terms[a] > terms[b] ? 1 : 0));
      out.set(run, i);
    } else {
      // Short runs (nearly all): insertion sort in place.
      for (let a = i + 1; a < j; a++) {
        const id = out[a], s = terms[id];
        let b = a - 1;
        while (b >= i && terms[out[b]] > s) {
          out[b + 1] = out[b];
          b--;
        }
        out[b + 1] = id;
      }
    }
    i = j;
  }
}
