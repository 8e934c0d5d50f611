// Related papers by TF-IDF cosine over title and abstract. The index is built once per library
// change; a query walks an inverted index over the paper's strongest terms only, so its cost is
// bounded by those terms' posting lists, not by the library size.
import type { Paper } from './model';

export interface RelatedHit {
  paper: Paper;
  /** Cosine similarity in (0, 1]. */
  score: number;
}

export interface RelatedOptions {
  /** Terms kept per paper (the highest TF-IDF weights). Bounds query cost. */
  maxTermsPerPaper?: number;
  /** Terms found in more than this share of papers carry no signal and are dropped. */
  maxDocFreq?: number;
  /** Title words count this many times. */
  titleWeight?: number;
  /** idf = log(1 + n/df), never zero: for a candidate pool that shares the query's words. */
  smoothIdf?: boolean;
}

const STOP = new Set(('a an and are as at be been being but by can could do does for from had has have how however if in into is it its '
  + 'may more most not of on or our over such than that the their them then there these they this those through to under up us '
  + 'was we were what when where which while who will with within without would also both each few many other only same so some '
  + 'very via using use used based new show shows shown paper propose proposed approach method methods results result model models '
  + 'work able further first two one three across between large address demonstrate present existing achieve achieves significantly '
  + 'significant performance specifically enables enable however furthermore moreover often well like make makes remains thus').split(/\s+/));

/** Lower-case word tokens (letters and digits of any script), without stop words and 1-letter words. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().normalize('NFKC').matchAll(/[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu)) {
    let t = m[0];
    if (t.length < 2 || STOP.has(t) || /^\d+$/.test(t)) continue;
    // Light plural folding so "networks" meets "network" (words over 4 letters only).
    if (t.length > 4 && t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us') && !t.endsWith('is')) t = t.slice(0, -1);
    out.push(t);
  }
  return out;
}

export class RelatedIndex {
  /** Per paper: term ids and weights (L2-normalised), strongest first. */
  private readonly vecTerms: Uint32Array[] = [];
  private readonly vecWeights: Float32Array[] = [];
  /** Per term: paper indexes and weights. */
  private readonly postDocs: Uint32Array[];
  private readonly postWeights: Float32Array[];
  private readonly indexByKey = new Map<string, number>();
  private readonly cache = new Map<string, RelatedHit[]>();
  readonly vocabularySize: number;

  private constructor(private readonly papers: readonly Paper[], opts: RelatedOptions) {
    const maxTerms = opts.maxTermsPerPaper ?? 40;
    const titleWeight = opts.titleWeight ?? 2;
    const n = papers.length;
    const termId = new Map<string, number>();
    const df: number[] = [];
    const tfs: Map<number, number>[] = [];
    for (let i = 0; i < n; i++) {
      const p = papers[i]!;
      if (!this.indexByKey.has(p.id)) this.indexByKey.set(p.id, i);
      const tf = new Map<number, number>();
      const add = (text: string, w: number) => {
        for (const t of tokenize(text)) {
          let id = termId.get(t);
          if (id === undefined) { id = df.length; termId.set(t, id); df.push(0); }
          tf.set(id, (tf.get(id) ?? 0) + w);
        }
      };
      add(typeof p.title === 'string' ? p.title : '', titleWeight);
      add(typeof p.abstract === 'string' ? p.abstract : '', 1);
      for (const id of tf.keys()) df[id]!++;
      tfs.push(tf);
    }
    const maxDf = Math.max(2, Math.floor((opts.maxDocFreq ?? 0.5) * n));
    const idf = df.map(d => (d < 2 || d > maxDf ? 0 : opts.smoothIdf ? Math.log(1 + n / d) : Math.log(n / d))); // a term in one paper links nothing
    const postCount = new Uint32Array(df.length);
    for (let i = 0; i < n; i++) {
      const entries: [number, number][] = [];
      for (const [id, c] of tfs[i]!) {
        const w = (1 + Math.log(c)) * idf[id]!;
        if (w > 0) entries.push([id, w]);
      }
      entries.sort((a, b) => b[1] - a[1]);
      if (entries.length > maxTerms) entries.length = maxTerms;
      let norm = 0;
      for (const [, w] of entries) norm += w * w;
      norm = Math.sqrt(norm) || 1;
      const ids = new Uint32Array(entries.length), ws = new Float32Array(entries.length);
      entries.forEach(([id, w], j) => { ids[j] = id; ws[j] = w / norm; postCount[id]!++; });
      this.vecTerms.push(ids);
      this.vecWeights.push(ws);
      tfs[i] = undefined as unknown as Map<number, number>; // free as we go
    }
    this.postDocs = Array.from(postCount, c => new Uint32Array(c));
    this.postWeights = Array.from(postCount, c => new Float32Array(c));
    const fill = new Uint32Array(df.length);
    for (let i = 0; i < n; i++) {
      const ids = this.vecTerms[i]!, ws = this.vecWeights[i]!;
      for (let j = 0; j < ids.length; j++) {
        const t = ids[j]!, at = fill[t]!++;
        this.postDocs[t]![at] = i;
        this.postWeights[t]![at] = ws[j]!;
      }
    }
    let used = 0;
    for (const c of postCount) if (c > 0) used++;
    this.vocabularySize = used;
  }

  static build(papers: readonly Paper[], opts: RelatedOptions = {}): RelatedIndex {
    return new RelatedIndex(papers, opts);
  }

  get size(): number { return this.papers.length; }

  /** The `k` papers most similar to the paper `key` (never itself), best first; cached per key. */
  related(key: string, k = 5): RelatedHit[] {
    const cached = this.cache.get(key);
    if (cached && cached.length >= k) return cached.slice(0, k);
    const i = this.indexByKey.get(key);
    if (i === undefined) return [];
    const scores = new Map<number, number>();
    const ids = this.vecTerms[i]!, ws = this.vecWeights[i]!;
    for (let j = 0; j < ids.length; j++) {
      const docs = this.postDocs[ids[j]!]!, pw = this.postWeights[ids[j]!]!, w = ws[j]!;
      for (let d = 0; d < docs.length; d++) {
        const doc = docs[d]!;
        if (doc !== i) scores.set(doc, (scores.get(doc) ?? 0) + w * pw[d]!);
      }
    }
    const top: [number, number][] = [];
    for (const [doc, s] of scores) {
      if (this.papers[doc]!.id === key) continue; // a duplicate entry of the same key is not "related"
      if (top.length < k) { top.push([doc, s]); top.sort((a, b) => b[1] - a[1] || a[0] - b[0]); continue; }
      const last = top[k - 1]!;
      if (s > last[1] || (s === last[1] && doc < last[0])) { top[k - 1] = [doc, s]; top.sort((a, b) => b[1] - a[1] || a[0] - b[0]); }
    }
    const hits = top.map(([doc, s]) => ({ paper: this.papers[doc]!, score: Math.min(1, s) }));
    this.cache.set(key, hits);
    return hits;
  }
}

/**
 * The words that best describe a paper for a search query: its title words, then its most frequent
 * abstract words. For large libraries the related papers come from a search for these words.
 */
export function queryTerms(p: Paper, max = 10): string[] {
  const out: string[] = [];
  for (const t of tokenize(typeof p.title === 'string' ? p.title : '')) if (!out.includes(t)) out.push(t);
  const tf = new Map<string, number>();
  for (const t of tokenize(typeof p.abstract === 'string' ? p.abstract : '')) tf.set(t, (tf.get(t) ?? 0) + 1);
  for (const [t] of [...tf].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    if (out.length >= max) break;
    if (!out.includes(t)) out.push(t);
  }
  return out.slice(0, max);
}

/**
 * Related papers among a bounded candidate pool (e.g. a search index's hits for `queryTerms`):
 * TF-IDF cosine with document frequencies from the pool. Cost grows with the pool, not the library.
 */
export function rankRelated(paper: Paper, candidates: readonly Paper[], k = 5): RelatedHit[] {
  const pool = [paper, ...candidates.filter(c => c.id !== paper.id)];
  return RelatedIndex.build(pool, { maxDocFreq: 1, smoothIdf: true }).related(paper.id, k);
}
