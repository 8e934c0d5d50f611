// One library source as the Library holds it: its papers, their key and newest-first orders, its
// search index (a big source's own, whole or in slices) and the lookup maps that merge it with
// other sources, each made once. Its life, one name per state:
//   'searchable'  the worker's rows and index arrived (of the whole file, or while a big file is
//                 parsed for the first time, of its first part); hits decode their paper on first
//                 use, but the papers are not merged or listed yet;
//   'ready'       every paper decoded: merged, listed, searched;
//   'replaced' / 'removed'  the Library let it go (a newer read of the file, or no longer wanted).
import type { Paper } from '../model';
import { SearchIndex, type PaperList, type SearchHit, type SearchIndexData } from '../search';
import { identityOf } from './identity';
import { ordersFit, sourceOrders, type SourceOrders } from './orders';
import type { Meta } from './transfer';
import { CORPUS_SOURCE_ID, type ParsedSource, type SourceKind } from './types';
import { nextTurn } from '../turns';

/** Rows a searchable source decodes its hits from; `close` lets go of a file they are read from. */
export type SearchableRows = PaperList & { readonly meta: Meta; close?(): void };

/**
 * Sources at least this big get a search index of their own (built in the worker when it reads
 * them, kept while they are unchanged) and their orders sorted in the worker.
 */
export const BIG_SOURCE = 5000;
/**
 * A big source without the worker's index is indexed in slices of this many papers, one slice per
 * turn of the event loop (`prepareInTurns`), so indexing 73k papers stalls the editor for one slice
 * at a time; a query asks every slice (the per-word bonus and field weights dominate scores, so
 * they compare).
 */
const INDEX_SLICE = 8000;
/** Lookup maps are built this many papers per turn (at 73k papers they take ~0.2 s). */
const MAPS_SLICE = 8000;

export type PreparedState = 'searchable' | 'ready' | 'replaced' | 'removed';

/** A source's own lookup tables (first paper per key, DOI, arXiv id, title + year). */
export interface OwnMaps {
  byKey: Map<string, Paper>;
  byDoi: Map<string, Paper>;
  byArxiv: Map<string, Paper>;
  byTitle: Map<string, Paper>;
  /** Later entries under a key already used in this source. */
  duplicates: Set<Paper>;
}

/**
 * A big source the worker sent before its papers are decoded: its rows (paper i decoded on first
 * use) and the search index the worker read from the cache or built.
 */
export interface SearchableSource {
  path: string;
  /** The rows as sent (RecordRows), or, from a warm cache before they arrive, the records file read a row at a time. */
  rows: SearchableRows;
  index: SearchIndexData;
  /** ms from the request to now. */
  sinceRequestMs: number;
  /** ms from the request to the rows' arrival, and the worker's reading of the cache. */
  worker: { rowsArrivedMs: number; readMs: number };
  /** Set when these are only the file's first entries (up to byte `bytesRead`), sent while the rest is parsed. */
  part?: { bytesRead: number; totalBytes: number };
  /** Set on a first read whose hits are read from their entries' text until the rows arrive (entryRows.ts). */
  fromEntries?: true;
}

export class PreparedSource {
  readonly path: string;
  readonly kind: SourceKind;
  private st: PreparedState;
  /** Set when ready. */
  private readonly parsed: ParsedSource | undefined;
  /** The index over the rows while searchable; a ready source's own index is in `slices`. */
  private readonly rowsIndex: SearchIndex | undefined;
  private orderCache: SourceOrders | undefined;
  private slices: (SearchIndex | undefined)[] | undefined;
  private maps: OwnMaps | undefined;
  /** Maps being built in turns, and how far. */
  private partial: { maps: OwnMaps; done: number } | undefined;

  /** While only the file's first part is searchable: how much of the file that is (0..1). */
  readonly readShare: number | undefined;
  /** Lets go of what a searchable source reads its rows from (an open records file). */
  private release: (() => void) | undefined;
  /** A row that fails to decode is left out of its search (the whole rows, on their way, are checked) instead of thrown. */
  private readonly tolerant: boolean = false;

  private constructor(parsed: ParsedSource | undefined, searchable: { path: string; kind: SourceKind; index: SearchIndex; readShare?: number; release?: () => void; tolerant?: boolean } | undefined) {
    if (parsed) {
      this.path = parsed.path;
      this.kind = parsed.kind;
      this.parsed = parsed;
      this.st = 'ready';
      this.adoptIndexData();
    } else {
      this.path = searchable!.path;
      this.kind = searchable!.kind;
      this.rowsIndex = searchable!.index;
      this.readShare = searchable!.readShare;
      this.release = searchable!.release;
      this.tolerant = !!searchable!.tolerant;
      this.st = 'searchable';
    }
  }

  /** A parsed source, decoded: its index, orders and maps are made when first needed or in `prepareInTurns`. */
  static ready(parsed: ParsedSource): PreparedSource {
    // The bundled corpus has one id whatever it was read from.
    const isCorpus = parsed.kind === 'corpus' || parsed.path === CORPUS_SOURCE_ID;
    return new PreparedSource(isCorpus ? { ...parsed, path: CORPUS_SOURCE_ID, kind: 'corpus' } : parsed, undefined);
  }

  /** A big source searchable before its papers are decoded (the index must be over its rows). Throws if it is not. */
  static searchable(s: SearchableSource): PreparedSource {
    const readShare = s.part ? Math.min(1, s.part.bytesRead / Math.max(1, s.part.totalBytes)) : undefined;
    const rows = s.rows;
    return new PreparedSource(undefined, {
      path: s.path, kind: rows.meta.kind, index: SearchIndex.fromData(rows, s.index), ...(readShare !== undefined ? { readShare } : {}), ...(rows.close ? { release: () => rows.close!() } : {}), tolerant: true,
    });
  }

  /** A big source searchable through an index over papers read on demand (the CLI's cached rows; a damaged row throws). */
  static searchableIndex(path: string, kind: SourceKind, index: SearchIndex): PreparedSource {
    return new PreparedSource(undefined, { path, kind, index });
  }

  get state(): PreparedState {
    return this.st;
  }

  /** Called by the Library when it lets this source go. */
  retire(why: 'replaced' | 'removed'): void {
    this.st = why;
    this.release?.();
    this.release = undefined;
  }

  /** The source as read (its papers in file order, with their own keys); undefined while only searchable. */
  get source(): ParsedSource | undefined {
    return this.parsed;
  }

  /** The papers in file order (none while only searchable). */
  get papers(): readonly Paper[] {
    return this.parsed?.papers ?? [];
  }

  /** Entries: the papers, or while searchable the rows. */
  get size(): number {
    return this.parsed ? this.parsed.papers.length : this.rowsIndex!.size;
  }

  /** Whether it has a search index of its own (big, or given one built ahead, like the bundled corpus). */
  get hasOwnIndex(): boolean {
    return this.papers.length >= BIG_SOURCE || !!this.slices?.every(Boolean);
  }

  /** Its own index, slice by slice, each built now if it is not yet (only for `hasOwnIndex`). */
  indexSlices(): SearchIndex[] {
    const slices = this.sliceSlots();
    for (let i = 0; i < slices.length; i++) this.slice(i);
    return slices as SearchIndex[];
  }

  /** Searches a source that is only searchable (a ready one is searched through the Library). */
  searchRows(query: string, limit: number): SearchHit[] {
    try {
      return this.rowsIndex ? this.rowsIndex.search(query, { limit }) : [];
    } catch (err) {
      // A row failed its check: the rows on their way are checked whole (the CLI re-reads instead).
      if (this.tolerant) return [];
      throw err;
    }
  }

  /** The paper of a key in a source that is only searchable: its index holds every key's words. */
  rowByKey(key: string): Paper | undefined {
    for (const h of this.searchRows(key, 50)) if (h.paper.id === key) return h.paper;
    return undefined;
  }

  /** Key and newest-first orders: the worker's for a big source, else sorted here once. */
  orders(): SourceOrders {
    if (!this.orderCache) {
      const given = this.parsed?.orders;
      this.orderCache = given && ordersFit(given, this.papers.length) ? given : sourceOrders(this.papers);
    }
    return this.orderCache;
  }

  /** The lookup tables for merging with other sources, built once (finished now if built in turns). */
  ownMaps(): OwnMaps {
    if (!this.maps) {
      const m = this.partial?.maps ?? emptyMaps();
      addToMaps(m, this.papers, this.partial?.done ?? 0, this.papers.length);
      this.partial = undefined;
      this.maps = m;
    }
    return this.maps;
  }

  /**
   * Prepares a big source before it joins a library, a slice per turn of the event loop: its
   * lookup maps, then its search index (unless the worker sent one). Returns the ms spent
   * indexing. A small source needs nothing (0): it shares the Library's small index.
   */
  async prepareInTurns(): Promise<number> {
    if (this.papers.length < BIG_SOURCE) return 0;
    await this.mapsInTurns();
    let spent = 0;
    const slices = this.sliceSlots();
    for (let i = 0; i < slices.length; i++) {
      if (slices[i]) continue;
      const t = performance.now();
      this.slice(i);
      spent += performance.now() - t;
      await nextTurn();
    }
    return spent;
  }

  private async mapsInTurns(): Promise<void> {
    if (this.maps) return;
    const partial = (this.partial ??= { maps: emptyMaps(), done: 0 });
    while (partial.done < this.papers.length && !this.maps) {
      const to = Math.min(this.papers.length, partial.done + MAPS_SLICE);
      addToMaps(partial.maps, this.papers, partial.done, to);
      partial.done = to;
      await nextTurn();
    }
    this.ownMaps();
  }

  /** Uses the index the worker (or the corpus build) made over all the papers, if it fits. */
  private adoptIndexData(): void {
    const data: SearchIndexData | undefined = this.parsed!.indexData;
    if (!data) return;
    delete this.parsed!.indexData;
    try {
      this.slices = [SearchIndex.fromData(this.parsed!.papers, data)];
    } catch {
      // Built for other papers: indexed here instead.
    }
  }

  private sliceSlots(): (SearchIndex | undefined)[] {
    this.slices ??= new Array<SearchIndex | undefined>(Math.ceil(this.papers.length / INDEX_SLICE)).fill(undefined);
    return this.slices;
  }

  private slice(i: number): SearchIndex {
    const slices = this.sliceSlots();
    return (slices[i] ??= SearchIndex.build(this.papers.slice(i * INDEX_SLICE, (i + 1) * INDEX_SLICE)));
  }
}

function emptyMaps(): OwnMaps {
  return { byKey: new Map(), byDoi: new Map(), byArxiv: new Map(), byTitle: new Map(), duplicates: new Set() };
}

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
