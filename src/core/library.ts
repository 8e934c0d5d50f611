// The papers PaperCite knows: the bundled corpus plus the user's libraries (.bib, CSL-JSON,
// publication pages), deduplicated across sources, with problems per source. Pure: files are
// read elsewhere (src/core/sources/read.ts, the worker) and handed in as text or parsed sources.
import * as path from 'node:path';
import type { Paper, SourceProblem } from './model';
import { compareHits, SearchIndex, type SearchHit, type SearchIndexData } from './search';
import { authorsAgree, identityOf, sameWork } from './sources/identity';
import { compareNewest, ordersFit, sourceOrders, withKeyPrefix, type SourceOrders } from './sources/orders';
import { parseSourceText } from './sources/parse';
import { CORPUS_SOURCE_ID, type ParsedSource, type SourceKind } from './sources/types';

export { CORPUS_SOURCE_ID } from './sources/types';
export type { ParsedSource, SourceKind } from './sources/types';

/** One source as the Sources view shows it (same shape as `SourceStatus` in src/extension/services.ts). */
export interface SourceStatus {
  /** Absolute path, or `bundled:corpus`. */
  id: string;
  label: string;
  kind: SourceKind;
  /** Papers read from the source (before deduplication across sources). */
  entries: number;
  parseMs: number;
  /** Parse problems, then key clashes found when combining sources. */
  problems: SourceProblem[];
  /** Set when the whole source could not be read. */
  error?: string;
  /** Entries shown as part of a paper of an earlier source (same key, DOI, arXiv id or title + year). */
  merged: number;
  fromCache?: boolean;
  /** Searchable while its entries are still being decoded (not yet merged or in the tree). */
  decoding?: boolean;
}

export interface LibraryStats {
  papers: number;
  /** Entries folded into a paper of another source. */
  merged: number;
  /** Entries left out because their key names a different paper. */
  clashes: number;
}

/** Sources at least this big get a search index of their own, kept while they are unchanged. */
export const BIG_SOURCE = 5000;
/**
 * A big source is indexed in slices of this many papers, one slice per turn of the event loop
 * (`warmIndexInTurns`), so indexing 73k papers stalls the editor for one slice at a time; a query
 * asks every slice (the per-word bonus and field weights dominate scores, so they compare).
 */
const INDEX_SLICE = 8000;
const bigIndexes = new WeakMap<ParsedSource, (SearchIndex | undefined)[]>();

function slicesOf(s: ParsedSource): (SearchIndex | undefined)[] {
  let slices = bigIndexes.get(s);
  if (!slices) bigIndexes.set(s, (slices = new Array<SearchIndex | undefined>(Math.ceil(s.papers.length / INDEX_SLICE)).fill(undefined)));
  return slices;
}

/**
 * Prepares a big parsed source before it joins a library, a slice per turn of the event loop: its
 * lookup tables (for merging with other sources) and its search index (unless the worker sent
 * one). Returns the ms spent indexing. A small source needs nothing (0).
 */
export async function prepareSourceInTurns(s: ParsedSource): Promise<number> {
  if (s.papers.length < BIG_SOURCE) return 0;
  await ownMapsInTurns(s);
  if (adoptIndexData(s)) return 0;
  let spent = 0;
  const slices = slicesOf(s);
  for (let i = 0; i < slices.length; i++) {
    if (slices[i]) continue;
    const t = performance.now();
    sliceIndex(s, i);
    spent += performance.now() - t;
    await new Promise<void>(r => setImmediate(r));
  }
  return spent;
}

const orderCache = new WeakMap<ParsedSource, SourceOrders>();

/** A source's key and newest-first orders: the worker's for a big source, else sorted here once. */
function ordersOf(s: ParsedSource): SourceOrders {
  let o = orderCache.get(s);
  if (!o) orderCache.set(s, (o = s.orders && ordersFit(s.orders, s.papers.length) ? s.orders : sourceOrders(s.papers)));
  return o;
}

/** Whether a source has an index of its own (big, or given one already built, like the bundled corpus). */
function hasOwnIndex(s: ParsedSource): boolean {
  return s.papers.length >= BIG_SOURCE || !!bigIndexes.get(s)?.every(Boolean);
}

/** Uses the index the worker built for a source (one slice over all its papers), if it fits. */
function adoptIndexData(s: ParsedSource): boolean {
  const data = s.indexData;
  if (!data) return false;
  delete s.indexData;
  if (bigIndexes.get(s)?.every(Boolean)) return true;
  try {
    bigIndexes.set(s, [SearchIndex.fromData(s.papers, data)]);
    return true;
  } catch {
    return false; // built for other papers: index here instead
  }
}

function sliceIndex(s: ParsedSource, i: number): SearchIndex {
  const slices = slicesOf(s);
  let idx = slices[i];
  if (!idx) slices[i] = idx = SearchIndex.build(s.papers.slice(i * INDEX_SLICE, (i + 1) * INDEX_SLICE));
  return idx;
}

interface Combined {
  papers: Paper[];
  /** The shown papers of each source (in `ordered()` order). */
  bySource: Paper[][];
  /** The shown paper a source paper stands for (itself, its merged copy, the paper it was folded into), or undefined when left out. */
  shownOf: (p: Paper) => Paper | undefined;
  byKey: (key: string) => Paper | undefined;
  problems: Map<string, SourceProblem[]>;
  merged: Map<string, number>;
  stats: LibraryStats;
}

export interface LibraryOptions {
  /** The bundled corpus (papers.json); leave out for `--no-corpus`. */
  corpus?: readonly Paper[];
  corpusParseMs?: number;
}

/**
 * Sources combine in priority order: the user's libraries in the order added, then the bundled
 * corpus. The user's own keys come first because they are what their documents cite.
 */
export class Library {
  private corpus: ParsedSource | undefined;
  private readonly user = new Map<string, ParsedSource>();
  private readonly labels = new Map<string, string>();
  private combined: Combined | undefined;
  private parts: { index: SearchIndex; big: boolean }[] | undefined;
  /** Big sources searchable before their papers are decoded (see `setSearchable`). */
  private readonly early = new Map<string, { index: SearchIndex; kind: SourceKind }>();
  private ver = 0;

  constructor(opts: LibraryOptions = {}) {
    if (opts.corpus) this.setCorpus(opts.corpus, opts.corpusParseMs);
  }

  /** Sets (or with `undefined` removes) the bundled corpus, with its index when built ahead of time. */
  setCorpus(papers: readonly Paper[] | undefined, parseMs = 0, indexData?: SearchIndexData): void {
    this.corpus = papers
      ? { path: CORPUS_SOURCE_ID, kind: 'corpus', papers: papers as Paper[], problems: [], entries: papers.length, parseMs, ...(indexData ? { indexData } : {}) }
      : undefined;
    if (this.corpus) adoptIndexData(this.corpus);
    this.changed();
  }

  /**
   * Makes a library file searchable before its papers are all decoded: `index` is over its papers
   * in file order, decoded on first use. Hits stand for the paper shown under their key, if any. It
   * is not part of `papers`, `sources` or the merging until `setSource` of the same path, which
   * replaces it.
   */
  setSearchable(file: string, index: SearchIndex, kind: SourceKind = 'bibtex', label?: string): void {
    this.early.set(file, { index, kind });
    if (label) this.labels.set(file, label);
    this.ver++;
  }

  /** Parses a library file's text and adds it (or replaces the source of that path). */
  loadSource(file: string, text: string, kind?: Exclude<SourceKind, 'corpus'>): SourceStatus {
    this.setSource(parseSourceText(file, text, kind));
    return this.sourceStatus(file)!;
  }

  /** Adds or replaces a parsed source (e.g. from the worker or the cache). */
  setSource(parsed: ParsedSource, label?: string): void {
    adoptIndexData(parsed);
    this.early.delete(parsed.path);
    if (parsed.kind === 'corpus' || parsed.path === CORPUS_SOURCE_ID) {
      this.corpus = { ...parsed, path: CORPUS_SOURCE_ID, kind: 'corpus' };
    } else {
      this.user.set(parsed.path, parsed);
      if (label) this.labels.set(parsed.path, label);
    }
    this.changed();
  }

  /** Sets the priority of the user's sources (earlier wins keys and merges); unknown paths are ignored. */
  setOrder(paths: readonly string[]): void {
    const rank = new Map(paths.map((p, i) => [p, i]));
    const entries = [...this.user.entries()];
    const sorted = [...entries].sort((a, b) => (rank.get(a[0]) ?? Infinity) - (rank.get(b[0]) ?? Infinity));
    if (sorted.every((e, i) => e === entries[i])) return;
    this.user.clear();
    for (const [k, v] of sorted) this.user.set(k, v);
    this.changed();
  }

  removeSource(file: string): boolean {
    const wasEarly = this.early.delete(file);
    const had = this.user.delete(file) || wasEarly;
    this.labels.delete(file);
    if (had) this.changed();
    return had;
  }

  hasSource(file: string): boolean {
    return this.user.has(file);
  }

  /** A user library file as read (its papers in file order, with their own keys), if it is loaded. */
  userSource(file: string): ParsedSource | undefined {
    return this.user.get(file);
  }

  /** Files searchable while their papers are still being decoded (see `setSearchable`). */
  get decodingPaths(): string[] {
    return [...this.early.keys()];
  }

  /** Paths of the user's sources, in priority order. */
  get sourcePaths(): string[] {
    return [...this.user.keys()];
  }

  /** Bumped on every change; views can compare it to skip work. */
  get version(): number {
    return this.ver;
  }

  get papers(): readonly Paper[] {
    return this.combine().papers;
  }

  /** A paper by its key, or by the key it has in another source it was merged from. */
  byKey(key: string): Paper | undefined {
    const hit = this.combine().byKey(key);
    if (hit || !this.early.size) return hit;
    // A source still being decoded: its index holds every key's words.
    for (const { index } of this.early.values()) {
      for (const h of index.search(key, { limit: 50 })) if (h.paper.id === key) return h.paper;
    }
    return undefined;
  }

  /**
   * Searches every source. A big source (≥ 5,000 papers) has its own index (in slices), kept for
   * as long as that source is unchanged; the other sources share one small index rebuilt on change. So
   * saving a 10-entry refs.bib next to a 73k-entry anthology.bib re-indexes 10 papers, not 73k.
   * Hits are mapped to the papers shown (merged copies), deduplicated and ranked by score (scores
   * are dominated by a per-word bonus and field weights, so they compare across indexes).
   */
  search(query: string, limit = 50): SearchHit[] {
    const c = this.combine();
    const parts = this.searchParts(c);
    if (parts.length === 1 && !parts[0]!.big && !this.early.size) return parts[0]!.index.search(query, { limit });
    const best = new Map<Paper, SearchHit>();
    const add = (shown: Paper, h: SearchHit) => {
      const prev = best.get(shown);
      if (prev === undefined || compareHits(h, prev) < 0) best.set(shown, { ...h, paper: shown });
    };
    for (const part of parts) {
      // A big source's hits may include entries shown as part of another paper or left out.
      for (const h of part.index.search(query, { limit: part.big ? limit + 20 : limit })) {
        const shown = part.big ? c.shownOf(h.paper) : h.paper;
        if (shown) add(shown, h);
      }
    }
    if (this.early.size) {
      const shownKeys = new Set([...best.keys()].map(p => p.id));
      for (const { index } of this.early.values()) {
        for (const h of index.search(query, { limit: limit + 20 })) {
          if (shownKeys.has(h.paper.id)) continue;
          add(c.byKey(h.paper.id) ?? h.paper, h);
          shownKeys.add(h.paper.id);
        }
      }
    }
    return [...best.values()].sort(compareHits).slice(0, limit);
  }

  /**
   * Papers whose key starts with `prefix` (case-insensitive), shortest keys first: a binary search
   * in each source's papers sorted by key (a big source's order comes sorted from the worker).
   */
  keysStartingWith(prefix: string, max: number): Paper[] {
    const c = this.combine();
    const lower = prefix.toLowerCase();
    const out = new Set<Paper>();
    for (const s of this.ordered()) {
      // A bounded run of matches per source; the shortest keys are the closest to what was typed.
      for (const p of withKeyPrefix(s.papers, ordersOf(s).byKey, lower)) {
        const shown = c.shownOf(p);
        if (shown) out.add(shown);
      }
    }
    return [...out].sort((a, b) => a.id.length - b.id.length).slice(0, max);
  }

  /** The newest `limit` papers (then by key), merged from each source's newest-first order. */
  newest(limit: number): Paper[] {
    const c = this.combine();
    const out = new Set<Paper>();
    for (const s of this.ordered()) {
      const order = ordersOf(s).newest;
      let taken = 0;
      for (let i = 0; i < order.length && taken < limit; i++) {
        const shown = c.shownOf(s.papers[order[i]!]!);
        if (shown && !out.has(shown)) { out.add(shown); taken++; }
      }
    }
    return [...out].sort(compareNewest).slice(0, limit);
  }

  /** Builds the indexes `search` needs now (e.g. while the editor is idle); returns the ms spent. */
  warmIndex(): number {
    const t = performance.now();
    this.searchParts(this.combine());
    return performance.now() - t;
  }

  private searchParts(c: Combined): { index: SearchIndex; big: boolean }[] {
    if (!this.parts) {
      const parts: { index: SearchIndex; big: boolean }[] = [];
      const small: Paper[] = [];
      this.ordered().forEach((s, i) => {
        if (hasOwnIndex(s)) {
          const n = slicesOf(s).length;
          for (let k = 0; k < n; k++) parts.push({ index: sliceIndex(s, k), big: true });
        } else for (const p of c.bySource[i]!) small.push(p);
      });
      if (small.length || !parts.length) parts.push({ index: SearchIndex.build(small), big: false });
      this.parts = parts;
    }
    return this.parts;
  }

  get stats(): LibraryStats {
    return this.combine().stats;
  }

  /** Every source in priority order: the user's libraries, then the bundled corpus; sources still being decoded before the corpus. */
  get sources(): SourceStatus[] {
    const c = this.combine();
    const all = this.ordered().map(s => this.statusOf(s, c));
    const decoding: SourceStatus[] = [...this.early].filter(([f]) => !this.user.has(f)).map(([f, { index, kind }]) => ({
      id: f, label: this.labels.get(f) ?? path.basename(f), kind, entries: index.size, parseMs: 0, problems: [], merged: 0, decoding: true,
    }));
    if (decoding.length) all.splice(this.corpus ? all.length - 1 : all.length, 0, ...decoding);
    return all;
  }

  sourceStatus(file: string): SourceStatus | undefined {
    const s = file === CORPUS_SOURCE_ID ? this.corpus : this.user.get(file);
    return s && this.statusOf(s, this.combine());
  }

  private statusOf(s: ParsedSource, c: Combined): SourceStatus {
    const extra = c.problems.get(s.path) ?? [];
    const st: SourceStatus = {
      id: s.path,
      label: s.kind === 'corpus' ? 'Bundled corpus' : this.labels.get(s.path) ?? path.basename(s.path),
      kind: s.kind,
      entries: s.papers.length,
      parseMs: Math.round(s.parseMs * 10) / 10,
      problems: extra.length ? [...s.problems, ...extra] : s.problems,
      merged: c.merged.get(s.path) ?? 0,
    };
    if (s.error !== undefined) st.error = s.error;
    if (s.fromCache) st.fromCache = true;
    return st;
  }

  private ordered(): ParsedSource[] {
    const all = [...this.user.values()];
    if (this.corpus) all.push(this.corpus);
    return all;
  }

  private changed(): void {
    this.combined = undefined;
    this.parts = undefined;
    this.ver++;
  }

  private combine(): Combined {
    if (!this.combined) this.combined = combineSources(this.ordered(), f => this.labels.get(f) ?? path.basename(f));
    return this.combined;
  }
}

/** A source's own lookup tables (first paper per key, DOI, arXiv id, title + year), built once per parse. */
interface OwnMaps {
  byKey: Map<string, Paper>;
  byDoi: Map<string, Paper>;
  byArxiv: Map<string, Paper>;
  byTitle: Map<string, Paper>;
  /** Later entries under a key already used in this source. */
  duplicates: Set<Paper>;
}

const ownMapsCache = new WeakMap<ParsedSource, OwnMaps>();
/** Tables being built in turns, and how far. */
const partialMaps = new WeakMap<ParsedSource, { maps: OwnMaps; done: number }>();

function addToMaps(m: OwnMaps, papers: readonly Paper[], from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const p = papers[i]!;
    if (m.byKey.has(p.id)) { m.duplicates.add(p); continue; }
    m.byKey.set(p.id, p);
    const id = identityOf(p);
    if (id.doi && !m.byDoi.has(id.doi)) m.byDoi.set(id.doi, p);
    if (id.arxiv && !m.byArxiv.has(id.arxiv)) m.byArxiv.set(id.arxiv, p);
    if (id.titleYear && !m.byTitle.has(id.titleYear)) m.byTitle.set(id.titleYear, p);
  }
}

function emptyMaps(): OwnMaps {
  return { byKey: new Map(), byDoi: new Map(), byArxiv: new Map(), byTitle: new Map(), duplicates: new Set() };
}

function ownMaps(s: ParsedSource): OwnMaps {
  let m = ownMapsCache.get(s);
  if (m) return m;
  const partial = partialMaps.get(s);
  m = partial?.maps ?? emptyMaps();
  addToMaps(m, s.papers, partial?.done ?? 0, s.papers.length);
  partialMaps.delete(s);
  ownMapsCache.set(s, m);
  return m;
}

/** Builds a source's lookup tables a slice per turn of the event loop (at 73k papers they take ~0.2 s). */
async function ownMapsInTurns(s: ParsedSource, slice = 8000): Promise<void> {
  if (ownMapsCache.has(s)) return;
  let partial = partialMaps.get(s);
  if (!partial) partialMaps.set(s, (partial = { maps: emptyMaps(), done: 0 }));
  while (partial.done < s.papers.length && !ownMapsCache.has(s)) {
    const to = Math.min(s.papers.length, partial.done + slice);
    addToMaps(partial.maps, s.papers, partial.done, to);
    partial.done = to;
    await new Promise<void>(r => setImmediate(r));
  }
  if (!ownMapsCache.has(s)) ownMaps(s);
}

/**
 * Shows each paper once. An entry joins an earlier paper of *another* source when they share a
 * DOI or arXiv id, a key and agree on the work (see `sameWork`), or a distinctive normalized title,
 * the year and the first author. Within one source only the key counts (two keys in one .bib stay
 * citable; a repeated key is reported, the first entry kept, as BibTeX does). A key naming a
 * different paper is a clash: the first keeps the key, the other entry is left out and reported
 * with its file and line. Source papers are never mutated; merged papers are copies listing every
 * origin. Each source's lookup tables are cached with it, so re-combining after one file changed
 * costs lookups, not rebuilding tables for a 73k-entry library.
 */
export function combineSources(sources: readonly ParsedSource[], labelOf: (file: string) => string = f => path.basename(f)): Combined {
  /** Source paper -> its merged copy, or null when it is left out or folded into another paper. */
  const override = new Map<Paper, Paper | null>();
  /** Source paper -> the paper it was folded into (for lookups that land on it). */
  const foldedInto = new Map<Paper, Paper>();
  /** Keys of entries folded into another paper -> that paper's original. */
  const aliasKeys = new Map<string, Paper>();
  const problems = new Map<string, SourceProblem[]>();
  const mergedCount = new Map<string, number>();
  let merged = 0;
  let clashes = 0;
  const maps = sources.map(ownMaps);
  /** The file a shown paper was first read from (only needed for messages: no table for 73k papers). */
  const sourceOf = (p: Paper): string => sources[maps.findIndex(m => m.byKey.get(p.id) === p)]?.path ?? '';

  const report = (file: string, line: number, message: string) => {
    let list = problems.get(file);
    if (!list) problems.set(file, (list = []));
    list.push({ file, line, severity: 'warning', message });
  };
  const lineOf = (p: Paper, file: string): number => p.custom?.origins?.find(o => o.path === file)?.line ?? 0;
  const where = (p: Paper, file: string): string => {
    if (file === CORPUS_SOURCE_ID) return 'the bundled corpus';
    const line = lineOf(p, file);
    return `${labelOf(file)}${line ? `:${line}` : ''}`;
  };
  const titleOf = (p: Paper) => (p.title ? `"${p.title.length > 80 ? `${p.title.slice(0, 77)}…` : p.title}"` : 'an untitled entry');
  /** The shown paper (original object) a lookup hit stands for, or undefined when it is left out. */
  const resolve = (q: Paper | undefined): Paper | undefined => {
    let r = q;
    for (let i = 0; r && i < 8; i++) {
      const f = foldedInto.get(r);
      if (f) { r = f; continue; }
      return override.get(r) === null ? undefined : r;
    }
    return r;
  };
  const current = (orig: Paper): Paper => override.get(orig) ?? orig;
  const lookup = (upTo: number, pick: (m: OwnMaps) => Paper | undefined): Paper | undefined => {
    for (let j = 0; j < upTo; j++) {
      const hit = resolve(pick(maps[j]!));
      if (hit) return hit;
    }
    return undefined;
  };

  const mergeInto = (orig: Paper, p: Paper, file: string) => {
    let target = override.get(orig);
    if (!target) {
      target = { ...orig, custom: copyCustom(orig.custom) };
      override.set(orig, target);
    }
    // Fill what the first source lacks (an abstract from the corpus, a DOI from a .bib…).
    for (const [k, v] of Object.entries(p)) {
      if (k === 'id' || k === 'custom' || v === undefined) continue;
      if (target[k] === undefined) target[k] = v;
    }
    const tc = target.custom;
    // A page lists three authors and "et al."; a fuller list from another source is better.
    if (tc.authorsTruncated && p.author && !p.custom?.authorsTruncated && p.author.length > (target.author?.length ?? 0)) {
      target.author = p.author;
      delete tc.authorsTruncated;
    }
    for (const [k, v] of Object.entries(p.custom ?? {})) {
      if (k === 'origins' || k === 'sources' || k === 'bibtex' || k === 'provenance' || k === 'aliases' || v === undefined) continue;
      if (tc[k] === undefined) tc[k] = v;
    }
    if (p.custom?.origins?.length) tc.origins = [...(tc.origins ?? []), ...p.custom.origins];
    if (p.custom?.sources?.length) {
      const seen = new Set((tc.sources ?? []).map(x => `${x.page}#${x.index}`));
      tc.sources = [...(tc.sources ?? []), ...p.custom.sources.filter(x => !seen.has(`${x.page}#${x.index}`))];
    }
    if (p.id !== target.id) {
      const aliases = (tc.aliases as string[] | undefined) ?? [];
      if (!aliases.includes(p.id)) tc.aliases = [...aliases, p.id];
    }
    override.set(p, null);
    foldedInto.set(p, orig);
    merged++;
    mergedCount.set(file, (mergedCount.get(file) ?? 0) + 1);
  };

  sources.forEach((s, si) => {
    const file = s.path;
    const own = maps[si]!;
    for (const p of s.papers) {
      if (own.duplicates.has(p)) {
        // BibTeX itself keeps the first of two entries with one key; so do we, and say so.
        override.set(p, null);
        clashes++;
        if (!s.problems.some(q => q.line > 0 && q.line === lineOf(p, file))) {
          const first = own.byKey.get(p.id)!;
          report(file, lineOf(p, file), `duplicate key "${p.id}": this entry (${titleOf(p)}) is left out; the key already names ${titleOf(first)} at ${where(first, file)}`);
        }
        continue;
      }
      if (si === 0) continue;
      const id = identityOf(p);
      const keyHit = lookup(si, m => m.byKey.get(p.id)) ?? resolve(aliasKeys.get(p.id));
      let match = (id.doi ? lookup(si, m => m.byDoi.get(id.doi!)) : undefined) ?? (id.arxiv ? lookup(si, m => m.byArxiv.get(id.arxiv!)) : undefined);
      if (!match && keyHit && sameWork(keyHit, p)) match = keyHit;
      if (!match && id.titleYear) {
        const t = lookup(si, m => m.byTitle.get(id.titleYear!));
        if (t && authorsAgree(t, p) && !conflicting(t, p)) match = t;
      }
      if (match) {
        if (keyHit && keyHit !== match) {
          report(file, lineOf(p, file), `key "${p.id}" names ${titleOf(keyHit)} in ${where(keyHit, sourceOf(keyHit))}, but this entry is ${titleOf(match)} (${where(match, sourceOf(match))}); it is shown under "${current(match).id}"`);
        } else if (!keyHit) aliasKeys.set(p.id, match);
        mergeInto(match, p, file);
        continue;
      }
      if (keyHit) {
        clashes++;
        override.set(p, null);
        const keySource = sourceOf(keyHit);
        if (file === CORPUS_SOURCE_ID) {
          report(keySource, lineOf(keyHit, keySource),
            `key "${p.id}" is also the bundled corpus paper ${titleOf(p)}, a different paper; PaperCite shows this entry under the key and hides the bundled one`);
        } else {
          report(file, lineOf(p, file),
            `key "${p.id}" already names a different paper, ${titleOf(keyHit)} in ${where(keyHit, keySource)}; this entry (${titleOf(p)}) is left out. Rename one of the keys.`);
        }
      }
    }
  });

  const papers: Paper[] = [];
  const bySource: Paper[][] = [];
  for (const s of sources) {
    const start = papers.length;
    if (override.size === 0) for (const p of s.papers) papers.push(p);
    else {
      for (const p of s.papers) {
        const o = override.get(p);
        if (o !== null) papers.push(o ?? p);
      }
    }
    bySource.push(sources.length === 1 ? papers : papers.slice(start));
  }
  const shownOf = (p: Paper): Paper | undefined => {
    const r = resolve(p);
    return r && current(r);
  };
  const byKey = (key: string): Paper | undefined => {
    for (const m of maps) {
      const hit = resolve(m.byKey.get(key));
      if (hit) return current(hit);
    }
    const alias = resolve(aliasKeys.get(key));
    return alias && current(alias);
  };
  return { papers, bySource, shownOf, byKey, problems, merged: mergedCount, stats: { papers: papers.length, merged, clashes } };
}

/** A copy of `custom` that keeps accessor properties (a lazily read `bibtex`) working. */
function copyCustom(c: Paper['custom']): Paper['custom'] {
  return Object.defineProperties({}, Object.getOwnPropertyDescriptors(c)) as Paper['custom'];
}

/** Different DOIs or arXiv ids mean different papers whatever the titles say. */
function conflicting(a: Paper, b: Paper): boolean {
  const x = identityOf(a);
  const y = identityOf(b);
  return (!!x.doi && !!y.doi && x.doi !== y.doi) || (!!x.arxiv && !!y.arxiv && x.arxiv !== y.arxiv);
}
