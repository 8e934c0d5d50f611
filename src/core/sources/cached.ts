import * as fs from 'node:fs';
import { readCacheText, writeCache } from './cache';
import { readSourceFile } from './read';
import type { ParsedSource, ProgressFn, SourceKind } from './types';

export interface ParseRequest {
  path: string;
  kind?: Exclude<SourceKind, 'corpus'>;
  /** Where parsed records are cached; no cache without it. */
  cacheDir?: string;
  /** Names the parser build; a cache written by another build is a miss. */
  tag?: string;
}

export interface ParseOutcome {
  /** The ParsedSource as JSON (what crosses the thread boundary and what the cache holds). */
  json: string;
  fromCache: boolean;
  /** Set when freshly parsed and worth caching (call `storeOutcome` after answering). */
  parsed?: ParsedSource;
}

/** Reads a source from the cache when its path, size and mtime match, else parses it. Never throws. */
export function parseWithCache(req: ParseRequest, onProgress?: ProgressFn): ParseOutcome {
  if (req.cacheDir) {
    try {
      const st = fs.statSync(req.path);
      if (st.isFile()) {
        const hit = readCacheText(req.cacheDir, req.path, st.size, st.mtimeMs, req.tag ?? '');
        if (hit !== undefined) return { json: hit, fromCache: true };
      }
    } catch {
      // Not there: readSourceFile says so in words.
    }
  }
  const parsed = readSourceFile(req.path, { ...(req.kind ? { kind: req.kind } : {}), ...(onProgress ? { onProgress } : {}) });
  return { json: JSON.stringify(parsed), fromCache: false, parsed };
}

/** Writes a fresh outcome to the cache; returns why not, if it failed. */
export function storeOutcome(req: ParseRequest, outcome: ParseOutcome): string | undefined {
  if (!req.cacheDir || !outcome.parsed || outcome.fromCache) return undefined;
  return writeCache(req.cacheDir, outcome.parsed, req.tag ?? '', outcome.json);
}

/** Turns an outcome's JSON back into a ParsedSource. */
export function outcomeSource(json: string, fromCache: boolean): ParsedSource {
  const parsed = JSON.parse(json) as ParsedSource;
  if (fromCache) parsed.fromCache = true;
  return parsed;
}
