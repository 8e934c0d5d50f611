// Main-thread side of the parse worker (src/worker.ts): one worker thread (the machine may have
// two cores), requests queued, each cancellable. A big source arrives in two steps: its rows and
// index (searchable), then its papers decoded a slice per turn (ready). Falls back to parsing
// inline when no worker can run.
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CacheDamagedError, CachedRowsFile, type CacheKey, type RowsDigest } from './cache';
import { outcomeSource, parseWithCache, storeOutcome, type ParseRequest } from './cachedParse';
import type { Paper } from '../model';
import { indexDataFits, type SearchIndexData } from '../search';
import { ordersFit, type SourceOrders } from './orders';
import { BIG_SOURCE, type SearchableRows, type SearchableSource } from './prepared';
import { RecordRows, type Meta } from './transfer';
import { detectKind } from './detect';
import { RowsFromEntriesThenMemory, type EntryTexts } from './entryRows';
import { failedSource, type ParsedSource, type ProgressFn } from './types';

export interface WorkerRequest extends ParseRequest {
  id: number;
  /** Build a search index in the worker for sources with at least this many papers. */
  index?: number;
  /** On a cold read of a big `.bib`, send its first part searchable before the whole. */
  firstPart?: FirstPart;
  /**
   * The caller searches a big source before it is decoded: a standalone `.bib` read afresh sends
   * its index first, with its entries (else its rows first, which the caller decodes meanwhile).
   */
  early?: boolean;
}

/** A `.bib` of at least `fromBytes` read without a cache: its entries in the first `bytes` are sent first. */
export interface FirstPart {
  fromBytes: number;
  bytes: number;
}

/**
 * Files from 8 MB (seconds to parse whole) show their first 512 KB (about 870 Anthology entries)
 * within 0.3 s. In a fresh worker the code runs unoptimized, so a part costs far more per entry
 * than the whole file does (1 MB took 0.37 s, 2 MB 0.5–0.7 s).
 */
export const FIRST_PART: FirstPart = { fromBytes: 8 * 1024 * 1024, bytes: 512 * 1024 };

export type WorkerReply =
  | { id: number; type: 'progress'; done: number; total: number; phase: string }
  /** The source's lines (see transfer.ts) as UTF-8 bytes, transferred, and where each row starts. */
  | { id: number; type: 'done'; bytes: Uint8Array; starts: Uint32Array; orders?: SourceOrders; tail?: boolean; fromCache: boolean; readMs: number }
  /** A freshly parsed big source's key and newest-first orders, sorted after its index was sent. */
  | { id: number; type: 'orders'; orders: SourceOrders }
  /** The end of a request whose 'done' said `tail`: its orders were sent and its cache files written. */
  | { id: number; type: 'stored' }
  /**
   * Before the rows arrive, shown rows are read from `rowsFile` (the cached records file the index
   * was made with) or, on a first read of a standalone `.bib`, from `entries` (its entries' text).
   */
  | { id: number; type: 'index'; data: SearchIndexData | null; ms: number; fromCache?: boolean; rowsFile?: { key: CacheKey; tag: string; digest: RowsDigest }; entries?: EntryTexts }
  /** A big file's first entries (bytes 0 to `bytesRead`), searchable while the rest is parsed. */
  | { id: number; type: 'firstPart'; bytes: Uint8Array; starts: Uint32Array; data: SearchIndexData; bytesRead: number; totalBytes: number; ms: number }
  | { id: number; type: 'cacheError'; message: string }
  | { id: number; type: 'cacheDamaged'; message: string }
  | { id: number; type: 'error'; message: string };

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

interface Pending {
  req: WorkerRequest;
  resolve: (p: ParsedSource) => void;
  reject: (e: Error) => void;
  onProgress: ProgressFn | undefined;
  /** When the request was posted (performance.now()). */
  sent: number;
  onSearchable: ((s: SearchableSource) => void) | undefined;
  /** The rows as they arrived, then decoded; and the worker's index (null: none), each once arrived. */
  rows?: RecordRows;
  workerTimes?: SearchableSource['worker'];
  parsed?: ParsedSource;
  index?: { data: SearchIndexData | null; ms: number; fromCache?: boolean };
  orders?: SourceOrders;
  /** Set while the worker still sorts orders and writes the cache (answered once it is done). */
  tail?: boolean;
  /** Searchable from the cached records file or the entries' text; switched to the rows in memory when they arrive. */
  fileRows?: RowsFromFileThenMemory | RowsFromEntriesThenMemory;
}

export interface SourceParserOptions {
  /** dist/worker.js; when missing or failing, sources are parsed inline. */
  workerFile?: string;
  cacheDir?: string;
  /** Files up to this size are parsed on the calling thread: quicker than a round trip (default 256 KB). */
  inlineBelowBytes?: number;
  /** Sources with at least this many papers get their search index built in the worker (default BIG_SOURCE; 0: none). */
  indexFrom?: number;
  /** Cold reads of big `.bib` files send their first part first (default FIRST_PART; false: never). */
  firstPart?: FirstPart | false;
  /** How long decoding should hold off before its next slice (e.g. while the user types); default never. */
  decodeWait?: () => number;
  /** Told about cache write failures and worker crashes. */
  onWarning?: (message: string) => void;
}

export class SourceParser {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;
  private inline = false;
  /** The other files of its list each file's last reading used (ParsedSource.groupDeps). */
  private readonly lastDeps = new Map<string, NonNullable<ParsedSource['groupDeps']>>();

  constructor(private readonly opts: SourceParserOptions = {}) {
    if (!opts.workerFile || !fs.existsSync(opts.workerFile)) this.inline = true;
  }

  /** Whether parsing runs in the worker thread (false: inline, on this thread). */
  get usesWorker(): boolean {
    return !this.inline;
  }

  /**
   * Reads and parses one file (from the cache when unchanged). Rejects only with CancelledError.
   * `onSearchable` is called when a big source's index arrives before its papers are all decoded
   * (from a warm cache: at once), so it can be searched meanwhile. `group`: a `.bib` file's
   * bibliography list (groups.ts), read for its macros and crossrefs; the worker reads those files.
   */
  parse(path: string, onProgress?: ProgressFn, signal?: AbortSignal, onSearchable?: (s: SearchableSource) => void, group?: readonly string[]): Promise<ParsedSource> {
    const indexFrom = this.opts.indexFrom ?? BIG_SOURCE;
    const req: WorkerRequest = {
      id: this.nextId++, path, ...(this.opts.cacheDir ? { cacheDir: this.opts.cacheDir } : {}), ...(indexFrom ? { index: indexFrom } : {}),
      ...(group && group.length > 1 ? { group: [...group] } : {}),
      ...(this.opts.firstPart !== false && onSearchable ? { firstPart: this.opts.firstPart ?? FIRST_PART } : {}),
      ...(onSearchable ? { early: true } : {}),
    };
    return this.request(req, this.isSmall(path, req.group), onProgress, signal, onSearchable);
  }

  /**
   * Reads a `.bib` file with a document's own bibliography `list` against its reading with `group`
   * (the library's): what that document's BibTeX run would get differently (listReading.ts). In the
   * worker unless the files are small together; cached under both lists. Rejects only with CancelledError.
   */
  readWithList(path: string, list: readonly string[], group: readonly string[] | undefined, signal?: AbortSignal): Promise<ParsedSource> {
    const req: WorkerRequest = {
      id: this.nextId++, path, withList: [...list], ...(this.opts.cacheDir ? { cacheDir: this.opts.cacheDir } : {}),
      ...(group && group.length > 1 ? { group: [...group] } : {}),
    };
    // Every file of both lists counts: what the library's last reading found says nothing of the others.
    return this.request(req, this.isSmall(path, [...new Set([...(group ?? []), ...list])], false), undefined, signal, undefined);
  }

  private request(req: WorkerRequest, small: boolean, onProgress: ProgressFn | undefined, signal: AbortSignal | undefined, onSearchable: ((s: SearchableSource) => void) | undefined): Promise<ParsedSource> {
    if (this.inline || this.disposed || small) return Promise.resolve(this.parseInline(req, onProgress));
    return new Promise<ParsedSource>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      this.pending.set(req.id, { req, resolve, reject, onProgress, onSearchable, sent: performance.now() });
      signal?.addEventListener('abort', () => this.cancel(req.id), { once: true });
      try {
        const w = this.ensureWorker();
        w.ref();
        w.postMessage(req);
      } catch (err) {
        this.pending.delete(req.id);
        this.fallBack(`the parse worker could not start (${(err as Error).message}); parsing inline`);
        resolve(this.parseInline(req, onProgress));
      }
    });
  }

  /** Starts the worker thread ahead of the first big file (it takes tens of ms to boot). */
  warmUp(): void {
    if (this.inline || this.disposed || this.worker) return;
    try {
      this.ensureWorker();
    } catch (err) {
      this.fallBack(`the parse worker could not start (${(err as Error).message}); parsing inline`);
    }
  }

  /**
   * Whether the files a reading may touch are small together: the file, and the other files of its
   * bibliography list, except those its last reading found to add no macros and that are unchanged
   * (the Anthology before refs.bib), and those it did not read (later files: crossref parents).
   */
  private isSmall(path: string, group?: readonly string[], useLast = true): boolean {
    const size = (p: string) => { try { return fs.statSync(p); } catch { return undefined; } };
    const last = group && useLast && this.lastDeps.get(path);
    let total = size(path)?.size ?? 0;
    for (const p of group ?? []) {
      if (p === path) continue;
      const st = size(p);
      if (!st) continue; // missing: said so quickly, inline
      if (last && (!last.some(d => d.path === p) || this.knownEmpty(path, p, st.size, st.ctimeMs))) continue;
      total += st.size;
    }
    return total <= (this.opts.inlineBelowBytes ?? 256 * 1024);
  }

  /** Whether the last reading of `file` found `other`, as it is now, to add no macros. */
  private knownEmpty(file: string, other: string, size: number, changedMs: number): boolean {
    return !!this.lastDeps.get(file)?.some(d => d.path === other && d.empty && d.size === size && d.changedMs === changedMs);
  }

  private parseInline(req: WorkerRequest, onProgress?: ProgressFn): ParsedSource {
    try {
      const knownEmpty = (p: string, size: number, changedMs: number) => this.knownEmpty(req.path, p, size, changedMs);
      let outcome = parseWithCache(req, onProgress, undefined, knownEmpty);
      let parsed: ParsedSource;
      try {
        parsed = outcomeSource(outcome);
      } catch (err) {
        if (!(err instanceof CacheDamagedError)) throw err;
        this.opts.onWarning?.(`the cache of ${req.path} was damaged (${err.message}); discarded and rebuilt`);
        outcome = parseWithCache({ ...req, refresh: true }, onProgress, undefined, knownEmpty);
        parsed = outcomeSource(outcome);
      }
      this.noteDeps(parsed);
      const err = storeOutcome(req, outcome);
      if (err) this.opts.onWarning?.(`could not cache ${req.path}: ${err}`);
      return parsed;
    } catch (err) {
      return failedSource(req.path, detectKind(req.path), `could not be read: ${(err as Error).message}`);
    }
  }

  /** What a file of a list read last time (see isSmall). */
  private noteDeps(parsed: ParsedSource): void {
    // A list reading's files are not those of the library's reading of the file.
    if (parsed.listReading) return;
    if (parsed.groupDeps) this.lastDeps.set(parsed.path, parsed.groupDeps);
    else this.lastDeps.delete(parsed.path);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.opts.workerFile!);
    w.unref();
    w.on('message', (m: WorkerReply) => this.onMessage(m));
    w.on('error', err => this.onCrash(w, err));
    w.on('exit', code => {
      if (this.worker === w) this.onCrash(w, new Error(`exited with code ${code}`));
    });
    this.worker = w;
    return w;
  }

  private onMessage(m: WorkerReply): void {
    const p = this.pending.get(m.id);
    switch (m.type) {
      case 'progress':
        p?.onProgress?.(m.done, m.total, m.phase);
        return;
      case 'cacheError':
        this.opts.onWarning?.(`could not cache ${p?.req.path ?? 'a source'}: ${m.message}`);
        return;
      case 'cacheDamaged':
        this.opts.onWarning?.(`the cache of ${p?.req.path ?? 'a source'} was damaged (${m.message}); discarded and rebuilt`);
        return;
      case 'done': {
        if (!p) return;
        const tArrived = performance.now();
        p.workerTimes = { rowsArrivedMs: tArrived - p.sent, readMs: m.readMs };
        if (m.orders) p.orders = m.orders;
        if (m.tail) p.tail = true;
        let rows: RecordRows;
        try {
          rows = p.rows = new RecordRows(m.bytes, m.starts);
        } catch (err) {
          this.finish(m.id, failedSource(p.req.path, detectKind(p.req.path), `parsed records were damaged: ${(err as Error).message}`));
          return;
        }
        // Searches answered from the records file read their hits from these rows from now on.
        p.fileRows?.arrived(rows);
        // Decoded a slice per turn of the event loop, so typing is never stalled for long, and not
        // while the user types (a big library's search works from its rows and index meanwhile).
        void rows.materialize(m.fromCache, { ...(this.opts.decodeWait ? { wait: this.opts.decodeWait } : {}) }).then(parsed => {
          parsed.timing = { sentMs: tArrived - p.sent, decodeMs: performance.now() - tArrived };
          if (m.fromCache) parsed.parseMs = m.readMs + parsed.timing.decodeMs;
          p.parsed = parsed;
          this.tryFinish(m.id);
        }, err => {
          // Rows from the cache that do not decode (written with a valid checksum by someone
          // else): read the file afresh, once, and the cache is rewritten.
          if (m.fromCache && !p.req.refresh && this.worker && this.pending.get(m.id) === p) {
            this.opts.onWarning?.(`the cache of ${p.req.path} was damaged (${(err as Error).message}); discarded and rebuilt`);
            p.req = { ...p.req, refresh: true };
            p.rows = undefined;
            p.parsed = undefined;
            p.orders = undefined;
            p.tail = false;
            this.worker.postMessage(p.req);
            return;
          }
          this.finish(m.id, failedSource(p.req.path, detectKind(p.req.path), `parsed records were damaged: ${(err as Error).message}`));
        });
        return;
      }
      case 'firstPart': {
        // Only while nothing of the whole file is searchable yet.
        if (!p || p.index || p.parsed || !p.onSearchable) return;
        this.tellSearchable(p, `the first part of ${p.req.path}`, () => {
          const since = performance.now() - p.sent;
          return { path: p.req.path, rows: new RecordRows(m.bytes, m.starts), index: m.data, sinceRequestMs: since, worker: { rowsArrivedMs: since, readMs: m.ms }, part: { bytesRead: m.bytesRead, totalBytes: m.totalBytes } };
        });
        return;
      }
      case 'orders':
        if (p) p.orders = m.orders;
        return;
      case 'stored':
        if (!p) return;
        p.tail = false;
        this.tryFinish(m.id);
        return;
      case 'index':
        if (!p) return;
        p.index = { data: m.data, ms: m.ms, ...(m.fromCache ? { fromCache: true } : {}) };
        if (m.data && m.rowsFile && !p.parsed && !p.rows && this.opts.cacheDir) {
          // From a warm cache, before the rows: the shown rows are read from the records file (a
          // damaged one is said here; the rows on their way are checked whole).
          const { data, rowsFile } = m, cacheDir = this.opts.cacheDir;
          this.tellSearchable(p, `${p.req.path} from its cached records before they arrived`, () => {
            const file = CachedRowsFile.open(cacheDir, rowsFile.key, rowsFile.tag, rowsFile.digest);
            if (file && indexDataFits(data, file.length)) {
              const since = performance.now() - p.sent;
              p.fileRows = new RowsFromFileThenMemory(file);
              return { path: p.req.path, rows: p.fileRows, index: data, sinceRequestMs: since, worker: { rowsArrivedMs: since, readMs: m.ms } };
            }
            file?.close();
            return undefined;
          });
        } else if (m.data && m.entries && !p.parsed && !p.rows) {
          // A first read of a standalone .bib, before its rows: hits are read from their entries' text.
          const { data, entries } = m;
          this.tellSearchable(p, `${p.req.path} from its entries before its rows arrived`, () => {
            if (!indexDataFits(data, entries.lines.length)) return undefined;
            const since = performance.now() - p.sent;
            const early = p.fileRows = new RowsFromEntriesThenMemory(entries);
            // Decoding starts now, from the entries, while the worker encodes the rows.
            void early.readAhead({ ...(this.opts.decodeWait ? { wait: this.opts.decodeWait } : {}) });
            return { path: p.req.path, rows: early, index: data, sinceRequestMs: since, worker: { rowsArrivedMs: since, readMs: m.ms }, fromEntries: true };
          });
        } else if (m.data && !p.parsed && p.rows) {
          const { data } = m, rows = p.rows;
          this.tellSearchable(p, `${p.req.path} before it is decoded`, () => ({ path: p.req.path, rows, index: data, sinceRequestMs: performance.now() - p.sent, worker: p.workerTimes! }));
        }
        this.tryFinish(m.id);
        return;
      case 'error':
        if (!p) return;
        this.finish(m.id, failedSource(p.req.path, detectKind(p.req.path), `could not be read: ${m.message.split('\n')[0]}`));
        return;
    }
  }

  /** Hands the caller what `make` gives (nothing: not searchable yet); a failure is a warning naming `what`. */
  private tellSearchable(p: Pending, what: string, make: () => SearchableSource | undefined): void {
    if (!p.onSearchable) return;
    try {
      const s = make();
      if (s) p.onSearchable(s);
    } catch (err) {
      this.opts.onWarning?.(`searching ${what} failed: ${(err as Error).message}`);
    }
  }

  /** Answers once both the records are decoded and the worker's index (or its absence) arrived. */
  private tryFinish(id: number): void {
    const p = this.pending.get(id);
    // After the tail too: a caller that ends the worker once answered (the CLI, a bench) keeps the cache.
    if (!p?.parsed || !p.index || p.tail) return;
    // Copies: from the cache they are views of the rows' buffer, which must not outlive decoding.
    if (p.orders && ordersFit(p.orders, p.parsed.papers.length)) p.parsed.orders = { byKey: p.orders.byKey.slice(), newest: p.orders.newest.slice() };
    if (p.index.data) {
      p.parsed.indexData = p.index.data;
      p.parsed.timing!.indexMs = p.index.ms;
      if (p.index.fromCache) p.parsed.timing!.indexFromCache = true;
    }
    this.finish(id, p.parsed);
  }

  private finish(id: number, parsed: ParsedSource): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    // An idle worker must not keep a process (the CLI, a test) alive.
    if (this.pending.size === 0) this.worker?.unref();
    this.noteDeps(parsed);
    p.resolve(parsed);
  }

  /** A crashed worker (out of memory on a huge file…) fails its requests, not the editor. */
  private onCrash(w: Worker, err: Error): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    this.opts.onWarning?.(`the parse worker stopped: ${err.message}`);
    for (const p of waiting) p.resolve(failedSource(p.req.path, detectKind(p.req.path), `the parse worker stopped while reading this file: ${err.message}`));
  }

  private fallBack(message: string): void {
    this.inline = true;
    this.opts.onWarning?.(message);
  }

  /** Cancelling terminates the worker (a parse cannot be interrupted otherwise); others are re-sent. */
  private cancel(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.reject(new CancelledError());
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
    if (this.pending.size && !this.disposed) {
      const nw = this.ensureWorker();
      for (const q of this.pending.values()) nw.postMessage(q.req);
    }
  }

  dispose(): void {
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
    for (const p of this.pending.values()) p.reject(new CancelledError());
    this.pending.clear();
  }
}

/**
 * The rows of a source searchable from its cached records file before they arrive: read from the
 * file (each row's blocks read and checked) until the rows in memory arrive, from those after
 * (no file read, no checksum per hit while the user types), the file then closed.
 */
export class RowsFromFileThenMemory implements SearchableRows {
  readonly length: number;
  readonly meta: Meta;
  private memory: RecordRows | undefined;
  private file: CachedRowsFile | undefined;

  constructor(file: CachedRowsFile) {
    this.file = file;
    this.length = file.length;
    this.meta = file.meta;
  }

  /** The rows in memory arrived: the same papers, read from them from now on. */
  arrived(rows: RecordRows): void {
    if (rows.length !== this.length) return;
    this.memory = rows;
    this.file?.close();
    this.file = undefined;
  }

  at(i: number): Paper | undefined {
    return this.memory ? this.memory.at(i) : this.file?.at(i);
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }
}
