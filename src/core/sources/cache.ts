// Parsed-records cache on disk: one file per source, keyed by the source's path, size and mtime
// and by a tag naming the parser build, so a reload starts from parsed records instead of text.
// Layout: line 1 is a small JSON header, then the lines of transfer.ts (meta, chunks of papers),
// so a stale entry is rejected after one line and a fresh one is handed on without parsing.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeParsed } from './transfer';
import type { ParsedSource } from './types';

const FORMAT = 2;

interface CacheHeader {
  format: number;
  tag: string;
  path: string;
  size: number;
  mtimeMs: number;
}

export function cacheFileFor(cacheDir: string, sourcePath: string): string {
  return path.join(cacheDir, `${createHash('sha1').update(sourcePath).digest('hex').slice(0, 20)}.json`);
}

/**
 * The cached lines (see transfer.ts) when the cache matches the file's size and mtime, else
 * undefined. Never throws: a damaged cache is a miss.
 */
export function readCacheLines(cacheDir: string, sourcePath: string, size: number, mtimeMs: number, tag: string): string[] | undefined {
  try {
    const text = fs.readFileSync(cacheFileFor(cacheDir, sourcePath), 'utf8');
    const nl = text.indexOf('\n');
    if (nl < 0) return undefined;
    const h = JSON.parse(text.slice(0, nl)) as CacheHeader;
    if (h.format !== FORMAT || h.tag !== tag || h.path !== sourcePath || h.size !== size || h.mtimeMs !== mtimeMs) return undefined;
    const lines = text.slice(nl + 1).split('\n');
    return lines.length >= 1 && lines[0] ? lines : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a cache entry atomically (temp file + rename); failures are returned, not thrown. */
export function writeCache(cacheDir: string, parsed: ParsedSource, tag: string, lines: readonly string[] = encodeParsed(parsed)): string | undefined {
  if (parsed.error !== undefined || parsed.size === undefined || parsed.mtimeMs === undefined) return 'not cacheable';
  const header: CacheHeader = { format: FORMAT, tag, path: parsed.path, size: parsed.size, mtimeMs: parsed.mtimeMs };
  const file = cacheFileFor(cacheDir, parsed.path);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(tmp, `${JSON.stringify(header)}\n${lines.join('\n')}`);
    fs.renameSync(tmp, file);
    return undefined;
  } catch (err) {
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    return (err as Error).message;
  }
}
