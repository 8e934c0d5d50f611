// Parsing with the parsed-records cache (cache.ts): answers from it when the file is unchanged,
// else reads and parses (read.ts). The worker, inline parsing of small files and the CLI use it.
import * as fs from 'node:fs';
import { CacheDamagedError, cacheKeyOf, cacheListOf, type CachedRows, macroTables, readCacheRows, type RowsDigest, writeCache } from './cache';
import { readSourceFile, type ReadSourceOptions } from './read';
import { decodeRows } from './transfer';
import type { ParsedSource, ProgressFn, SourceKind } from './types';

export interface ParseRequest {
  path: string;
  kind?: Exclude<SourceKind, 'corpus'>;
  /** Where parsed records are cached; no cache without it. */
  cacheDir?: string;
  /** Names the parser build; a cache written by another build is a miss. */
  tag?: string;
  /**
   * A `.bib` file's bibliography list (holding `path`): read with the macros of the files before it
   * and crossrefs into the others, and cached for that list (groups.ts).
   */
  group?: string[];
  /** Where the macro tables of list files are kept (default: `cacheDir`; none: in memory only). */
  tablesDir?: string;
  /**
   * A document's own bibliography list (holding `path`): read `path` with it against its reading
   * with `group` and keep what differs (listReading.ts). Cached under both lists (`listReadingKey`),
   * apart from the library's reading of either list.
   */
  withList?: string[];
  /** Read nothing from the cache, but write the fresh result to it (repairs a damaged one). */
  refresh?: boolean;
}

export interface ParseOutcome {
  /** From the cache: the source's rows as stored (see transfer.ts). */
  rows?: CachedRows;
  fromCache: boolean;
  /** Set when freshly parsed (then worth caching: call `storeOutcome` after answering). */
  parsed?: ParsedSource;
  /** From the cache: ms spent reading it. */
  readMs?: number;
}

/**
 * Reads a source from the cache when its path, size and change time match (and, for a file of a
 * bibliography list, the list and every other file its reading used), else parses it. Never throws.
 */
export function parseWithCache(req: ParseRequest, onProgress?: ProgressFn, onDamage?: (why: string) => void, knownEmpty?: ReadSourceOptions['knownEmpty']): ParseOutcome {
  if (req.cacheDir && !req.refresh) {
    try {
      const t0 = performance.now();
      const st = fs.statSync(req.path);
      if (st.isFile()) {
        const list = cacheListOf(req);
        const hit = readCacheRows(req.cacheDir, cacheKeyOf(req.path, st, list), req.tag ?? '', onDamage);
        if (hit !== undefined) return { rows: hit, fromCache: true, readMs: performance.now() - t0 };
      }
    } catch {
      // Not there: readSourceFile says so in words.
    }
  }
  return { fromCache: false, parsed: parseFresh(req, onProgress, knownEmpty) };
}

/** Reads and parses a source from its file (and the macros of its list), without the cache. Never throws. */
export function parseFresh(req: ParseRequest, onProgress?: ProgressFn, knownEmpty?: ReadSourceOptions['knownEmpty'], onBytes?: ReadSourceOptions['onBytes']): ParsedSource {
  return readSourceFile(req.path, {
    ...(req.kind ? { kind: req.kind } : {}), ...(onProgress ? { onProgress } : {}), ...(onBytes ? { onBytes } : {}),
    ...(req.group || req.withList ? { group: req.group ?? [req.path], tables: macroTables(req.tablesDir ?? req.cacheDir, req.tag ?? ''), ...(knownEmpty ? { knownEmpty } : {}) } : {}),
    ...(req.withList ? { withList: req.withList } : {}),
  });
}

/**
 * Writes a fresh outcome to the cache (its rows encoded now); returns why not, if it failed.
 * `onDigest` gets the written file's digest.
 */
export function storeOutcome(req: ParseRequest, outcome: ParseOutcome, onDigest?: (d: RowsDigest) => void): string | undefined {
  // A file that could not be read is read again next time (it may be fixed by then).
  if (!req.cacheDir || !outcome.parsed || outcome.fromCache || outcome.parsed.error !== undefined) return undefined;
  return writeCache(req.cacheDir, outcome.parsed, req.tag ?? '', outcome.rows, cacheListOf(req), onDigest);
}

/** The parsed source of an outcome, on this thread. */
export function outcomeSource(outcome: ParseOutcome): ParsedSource {
  if (outcome.parsed) {
    const { charSpans: _c, byteSpans: _b, standalone: _s, ...rest } = outcome.parsed;
    void _c; void _b; void _s;
    return rest;
  }
  const t0 = performance.now();
  let parsed: ParsedSource;
  try {
    parsed = decodeRows(outcome.rows!, outcome.fromCache);
  } catch (err) {
    // A row that is not a paper's (a cache file written with a valid checksum by someone else).
    throw new CacheDamagedError(`its records do not decode: ${(err as Error).message}`);
  }
  // From the cache, the cost of this load is what counts, not the first parse's.
  if (outcome.fromCache) parsed.parseMs = (outcome.readMs ?? 0) + performance.now() - t0;
  return parsed;
}
