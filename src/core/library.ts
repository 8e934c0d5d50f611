// The papers PaperCite knows: the bundled corpus plus the user's libraries (.bib, CSL-JSON,
// publication pages), deduplicated across sources, with problems per source. Pure: files are
// read elsewhere (src/core/sources/read.ts, the worker) and handed in as text or parsed sources.
import * as path from 'node:path';
import type { Paper, SourceProblem } from './model';
import { compareHits, SearchIndex, type SearchHit, type SearchIndexData } from './search';
import { authorsAgree, identityOf, sameWork } from './sources/identity';
import { compareNewest, withKeyPrefix } from './sources/orders';
import { parseSourceText } from './sources/fromText';
import { PreparedSource, type OwnMaps } from './sources/prepared';
import { CORPUS_SOURCE_ID, type ParsedSource, type SourceKind } from './sources/types';

export { CORPUS_SOURCE_ID } from './sources/types';
export type { ParsedSource, SourceKind } from './sources/types';
export { BIG_SOURCE, PreparedSource, type SearchableSource } from './sources/prepared';

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
  /** `searchable`: its entries are still being decoded (not yet merged or in the tree). */
  state: 'searchable' | 'ready';
  /** While searchable from the first part of the file only (a first reading): the share read, 0..1. */
  readShare?: number;
}

export interface LibraryStats {
  papers: number;
  /** Entries folded into a paper of another source. */
  merged: number;
  /** Entries left out because their key names a different paper. */
  clashes: number;
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

/** What adding a source cost on the calling thread, in ms. */
export interface AddTimings {
  /** Indexing a big source in turns (0 when the worker sent its index). */
  indexMs: number;
  /** Merging it with the other sources. */
  combineMs: number;
  /** Building the small sources' shared index (and any slice not built yet). */
  restMs: number;
}

/** The bundled corpus as a source, with its index when built ahead of time (dist/corpus.index). */
export function corpusSource(papers: readonly Paper[], parseMs = 0, indexData?: SearchIndexData): ParsedSource {
  return { path: CORPUS_SOURCE_ID, kind: 'corpus', papers: papers as Paper[], problems: [], entries: papers.length, parseMs, ...(indexData ? { indexData } : {}) };
}

/**
 * Sources combine in priority order: the user's libraries in the order set (`setOrder`; others
 * after them, in the order added), then the bundled corpus. The user's own keys come first because
 * they are what their documents cite. Each source is a `PreparedSource`; `put` adds or replaces
 * one, `add` also prepares it in turns and builds what search needs, `remove` lets it go.
 */
export class Library {
  private corpus: PreparedSource | undefined;
  /** The user's ready sources, in priority order. */
  private readonly user = new Map<string, PreparedSource>();
  /** Sources searchable before their papers are decoded; each gives way to the ready source of its path. */
  private readonly searchable = new Map<string, PreparedSource>();
  private readonly labels = new Map<string, string>();
  private priority = new Map<string, number>();
  private combined: Combined | undefined;
  private parts: { index: SearchIndex; big: boolean }[] | undefined;
  private ver = 0;

  constructor(opts: LibraryOptions = {}) {
    if (opts.corpus) this.put(corpusSource(opts.corpus, opts.corpusParseMs));
  }

  /**
   * Adds or replaces a source: the bundled corpus (kind `corpus`), a library file, or one only
   * searchable so far, which is not part of `papers`, `sources`' merging or the tree until the
   * ready source of its path replaces it. `label` names it in the Sources view and in messages.
   */
  put(source: ParsedSource | PreparedSource, label?: string): void {
    const s = source instanceof PreparedSource ? source : PreparedSource.ready(source);
    if (label) this.labels.set(s.path, label);
    if (s.state === 'searchable') {
      this.searchable.get(s.path)?.retire('replaced');
      this.searchable.set(s.path, s);
      this.ver++;
      return;
    }
    this.searchable.get(s.path)?.retire('replaced');
    this.searchable.delete(s.path);
    if (s.path === CORPUS_SOURCE_ID) {
      this.corpus?.retire('replaced');
      this.corpus = s;
    } else {
      this.user.get(s.path)?.retire('replaced');
      this.user.set(s.path, s);
      this.sortUser();
    }
    this.changed();
  }

  /**
   * Adds or replaces a source and makes it ready to search: a big one is prepared a slice per turn
   * of the event loop first (typing goes on meanwhile, and search never meets a half-built
   * library), then merged and indexed at once, so the next keystroke finds everything built.
   */
  async add(source: ParsedSource | PreparedSource, label?: string): Promise<AddTimings> {
    const s = source instanceof PreparedSource ? source : PreparedSource.ready(source);
    const indexMs = await s.prepareInTurns();
    this.put(s, label);
    const t = performance.now();
    const c = this.combine();
    const combineMs = performance.now() - t;
    this.searchParts(c);
    return { indexMs, combineMs, restMs: performance.now() - t - combineMs };
  }

  /** Parses a library file's text and puts it (a convenience for tests and the CLI). */
  loadSource(file: string, text: string, kind?: Exclude<SourceKind, 'corpus'>): SourceStatus {
    this.put(parseSourceText(file, text, kind));
    return this.sourceStatus(file)!;
  }

  /** Sets the priority of the user's sources (earlier wins keys and merges); unknown paths go last. */
  setOrder(paths: readonly string[]): void {
    this.priority = new Map(paths.map((p, i) => [p, i]));
    if (this.sortUser()) this.changed();
  }

  /** Removes a source (the bundled corpus by its id); false if there was none. */
  remove(file: string): boolean {
    const searchable = this.searchable.get(file);
    const ready = file === CORPUS_SOURCE_ID ? this.corpus : this.user.get(file);
    searchable?.retire('removed');
    ready?.retire('removed');
    this.searchable.delete(file);
    if (file === CORPUS_SOURCE_ID) this.corpus = undefined;
    else this.user.delete(file);
    this.labels.delete(file);
    const had = !!(searchable || ready);
    if (had) this.changed();
    return had;
  }

  /** Whether a user library file is in, ready (not only searchable). */
  hasSource(file: string): boolean {
    return this.user.has(file);
  }

  /** A user library file as read (its papers in file order, with their own keys), if it is ready. */
  userSource(file: string): ParsedSource | undefined {
    return this.user.get(file)?.source;
  }

  /** The paper a ready user library file's own reading has for a key (before merging; the first of a repeated key). */
  ownPaper(file: string, key: string): Paper | undefined {
    return this.user.get(file)?.ownMaps().byKey.get(key);
  }

  /** Paths of the user's sources, ready ones in priority order, then those only searchable so far. */
  get sourcePaths(): string[] {
    return [...new Set([...this.user.keys(), ...this.searchable.keys()])];
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
    if (hit) return hit;
    for (const s of this.searchable.values()) {
      const p = s.rowByKey(key);
      if (p) return p;
    }
    return undefined;
  }

  /**
   * Searches every source. A big source (≥ BIG_SOURCE papers) has its own index (in slices), kept for
   * as long as that source is unchanged; the other sources share one small index rebuilt on change. So
   * saving a 10-entry refs.bib next to a 73k-entry anthology.bib re-indexes 10 papers, not 73k.
   * Hits are mapped to the papers shown (merged copies), deduplicated and ranked by score (scores
   * are dominated by a per-word bonus and field weights, so they compare across indexes).
   */
  search(query: string, limit = 50): SearchHit[] {
    const c = this.combine();
    const parts = this.searchParts(c);
    if (parts.length === 1 && !parts[0]!.big && !this.searchable.size) return parts[0]!.index.search(query, { limit });
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
    if (this.searchable.size) {
      const shownKeys = new Set([...best.keys()].map(p => p.id));
      for (const s of this.searchable.values()) {
        for (const h of s.searchRows(query, limit + 20)) {
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
      for (const p of withKeyPrefix(s.papers, s.orders().byKey, lower)) {
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
      const order = s.orders().newest;
      let taken = 0;
      for (let i = 0; i < order.length && taken < limit; i++) {
        const shown = c.shownOf(s.papers[order[i]!]!);
        if (shown && !out.has(shown)) { out.add(shown); taken++; }
      }
    }
    return [...out].sort(compareNewest).slice(0, limit);
  }

  private searchParts(c: Combined): { index: SearchIndex; big: boolean }[] {
    if (!this.parts) {
      const parts: { index: SearchIndex; big: boolean }[] = [];
      const small: Paper[] = [];
      this.ordered().forEach((s, i) => {
        if (s.hasOwnIndex) for (const index of s.indexSlices()) parts.push({ index, big: true });
        else for (const p of c.bySource[i]!) small.push(p);
      });
      if (small.length || !parts.length) parts.push({ index: SearchIndex.build(small), big: false });
      this.parts = parts;
    }
    return this.parts;
  }

  get stats(): LibraryStats {
    return this.combine().stats;
  }

  /** Every source in priority order: the user's libraries, then the bundled corpus; sources only searchable so far before the corpus. */
  get sources(): SourceStatus[] {
    const c = this.combine();
    const all = this.ordered().map(s => this.statusOf(s, c));
    const searchable: SourceStatus[] = [...this.searchable.values()].filter(s => !this.user.has(s.path)).map(s => ({
      id: s.path, label: this.labels.get(s.path) ?? path.basename(s.path), kind: s.kind, entries: s.size, parseMs: 0, problems: [], merged: 0, state: 'searchable',
      ...(s.readShare !== undefined ? { readShare: s.readShare } : {}),
    }));
    if (searchable.length) all.splice(this.corpus ? all.length - 1 : all.length, 0, ...searchable);
    return all;
  }

  sourceStatus(file: string): SourceStatus | undefined {
    const s = file === CORPUS_SOURCE_ID ? this.corpus : this.user.get(file);
    return s && this.statusOf(s, this.combine());
  }

  private statusOf(prepared: PreparedSource, c: Combined): SourceStatus {
    const s = prepared.source!;
    const extra = c.problems.get(s.path) ?? [];
    const st: SourceStatus = {
      id: s.path,
      label: s.kind === 'corpus' ? 'Bundled corpus' : this.labels.get(s.path) ?? path.basename(s.path),
      kind: s.kind,
      entries: s.papers.length,
      parseMs: Math.round(s.parseMs * 10) / 10,
      problems: extra.length ? [...s.problems, ...extra] : s.problems,
      merged: c.merged.get(s.path) ?? 0,
      state: 'ready',
    };
    if (s.error !== undefined) st.error = s.error;
    if (s.fromCache) st.fromCache = true;
    return st;
  }

  /** Ready sources in priority order. */
  private ordered(): PreparedSource[] {
    const all = [...this.user.values()];
    if (this.corpus) all.push(this.corpus);
    return all;
  }

  /** Puts the user's sources in priority order (a stable sort); true if it changed. */
  private sortUser(): boolean {
    const entries = [...this.user.entries()];
    const rank = (p: string) => this.priority.get(p) ?? Infinity;
    const sorted = [...entries].sort((a, b) => rank(a[0]) - rank(b[0]));
    if (sorted.every((e, i) => e === entries[i])) return false;
    this.user.clear();
    for (const [k, v] of sorted) this.user.set(k, v);
    return true;
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

/**
 * Shows each paper once. An entry joins an earlier paper of *another* source when they share a
 * DOI or arXiv id, a key and agree on the work (see `sameWork`), or a distinctive normalized title,
 * the year and the first author. Within one source only the key counts (two keys in one .bib stay
 * citable; a repeated key is reported, the first entry kept, as BibTeX does). A key naming a
 * different paper is a clash: the first keeps the key, the other entry is left out and reported
 * with its file and line. Source papers are never mutated; merged papers are copies listing every
 * origin. Each source's lookup tables are kept with it (`PreparedSource.ownMaps`), so re-combining
 * after one file changed costs lookups, not rebuilding tables for a 73k-entry library.
 */
export function combineSources(sources: readonly PreparedSource[], labelOf: (file: string) => string = f => path.basename(f)): Combined {
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
  const maps = sources.map(s => s.ownMaps());
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
        if (!s.source!.problems.some(q => q.line > 0 && q.line === lineOf(p, file))) {
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
