// Parsed-records cache on disk: one file per source, keyed by the source's path, size and mtime
// and by a tag naming the parser build, so a reload starts from parsed records instead of text.
// Layout: line 1 is a small JSON header, the rest is the ParsedSource as JSON, so a stale entry
// is rejected after reading one line and a fresh one can be handed on as text (JSON.parse once).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParsedSource } from './types';

const FORMAT = 1;

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
 * The cached ParsedSource as JSON text when the cache matches the file's size and mtime, else
 * undefined. Never throws: a damaged cache is a miss.
 */
export function readCacheText(cacheDir: string, sourcePath: string, size: number, mtimeMs: number, tag: string): string | undefined {
  try {
    const text = fs.readFileSync(cacheFileFor(cacheDir, sourcePath), 'utf8');
    const nl = text.indexOf('\n');
    if (nl < 0) return undefined;
    const h = JSON.parse(text.slice(0, nl)) as CacheHeader;
    if (h.format !== FORMAT || h.tag !== tag || h.path !== sourcePath || h.size !== size || h.mtimeMs !== mtimeMs) return undefined;
    return text.slice(nl + 1);
  } catch {
    return undefined;
  }
}

/** Writes a cache entry atomically (temp file + rename); failures are returned, not thrown. */
export function writeCache(cacheDir: string, parsed: ParsedSource, tag: string, json = JSON.stringify(parsed)): string | undefined {
  if (parsed.error !== undefined || parsed.size === undefined || parsed.mtimeMs === undefined) return 'not cacheable';
  const header: CacheHeader = { format: FORMAT, tag, path: parsed.path, size: parsed.size, mtimeMs: parsed.mtimeMs };
  const file = cacheFileFor(cacheDir, parsed.path);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(tmp, `${JSON.stringify(header)}\n${json}`);
    fs.renameSync(tmp, file);
    return undefined;
  } catch (err) {
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    return (err as Error).message;
  }
}
