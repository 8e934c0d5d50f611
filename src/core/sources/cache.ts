// Parsed-records cache on disk: one file per source, keyed by the source's path, size and mtime
// and by a tag naming the parser build, so a reload starts from parsed records instead of text.
// Layout: line 1 is a small JSON header, then the lines of transfer.ts (meta, chunks of papers),
// so a stale entry is rejected after one line and a fresh one is handed on without parsing.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SearchIndexData } from '../search';
import { encodeParsed } from './transfer';
import type { ParsedSource } from './types';

// 3: one row per paper (transfer.ts), so one paper can be decoded alone.
const FORMAT = 3;

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

/**
 * The cached lines as raw UTF-8 bytes (a view starting after the header) when the cache matches,
 * else undefined: the worker hands them over without decoding, as a transfer (no copy). Never throws.
 */
export function readCacheBytes(cacheDir: string, sourcePath: string, size: number, mtimeMs: number, tag: string): Uint8Array | undefined {
  try {
    let buf: Uint8Array = fs.readFileSync(cacheFileFor(cacheDir, sourcePath));
    const nl = buf.indexOf(10);
    if (nl < 0) return undefined;
    const h = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, nl).toString('utf8')) as CacheHeader;
    if (h.format !== FORMAT || h.tag !== tag || h.path !== sourcePath || h.size !== size || h.mtimeMs !== mtimeMs) return undefined;
    // Its own ArrayBuffer, so it can be transferred (small reads share a pool).
    if (buf.byteOffset !== 0 || buf.buffer.byteLength !== buf.length) buf = new Uint8Array(buf);
    return buf.subarray(nl + 1);
  } catch {
    return undefined;
  }
}

/**
 * Writes a cache entry atomically (temp file + rename): the source's lines, or the same lines
 * already joined and encoded (what the worker sends on). Failures are returned, not thrown.
 */
export function writeCache(cacheDir: string, parsed: ParsedSource, tag: string, body: readonly string[] | Uint8Array = encodeParsed(parsed)): string | undefined {
  if (parsed.error !== undefined || parsed.size === undefined || parsed.mtimeMs === undefined) return 'not cacheable';
  const header: CacheHeader = { format: FORMAT, tag, path: parsed.path, size: parsed.size, mtimeMs: parsed.mtimeMs };
  const file = cacheFileFor(cacheDir, parsed.path);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    if (body instanceof Uint8Array) {
      const fd = fs.openSync(tmp, 'w');
      try {
        // writeFileSync on a descriptor writes everything, from the current position.
        fs.writeFileSync(fd, `${JSON.stringify(header)}\n`);
        fs.writeFileSync(fd, body);
      } finally {
        fs.closeSync(fd);
      }
    } else fs.writeFileSync(tmp, `${JSON.stringify(header)}\n${body.join('\n')}`);
    fs.renameSync(tmp, file);
    return undefined;
  } catch (err) {
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    return (err as Error).message;
  }
}

// ---------------------------------------------------------------- search index beside the records
// A big source's search index (SearchIndex.exportData) is cached too, under the same key, so a
// reload from the cache neither decodes the records a second time in the worker nor re-indexes
// them. Layout: a JSON header line, then the vocabulary (UTF-8), zero bytes up to a multiple of 4,
// then each typed array's bytes: read back, the arrays are views of the file's buffer (no copy).

const INDEX_FORMAT = 2;
const ARRAYS = ['idf', 'postStart', 'postPrimary', 'postings', 'fwdStart', 'fwdPrimaryEnd', 'fwd', 'byLength', 'lengthStart', 'signature'] as const;
type ArrayName = typeof ARRAYS[number];
const CTORS: Record<ArrayName, Float32ArrayConstructor | Uint32ArrayConstructor | Int32ArrayConstructor> = {
  idf: Float32Array, postStart: Uint32Array, postPrimary: Uint32Array, postings: Uint32Array, fwdStart: Uint32Array,
  fwdPrimaryEnd: Uint32Array, fwd: Uint32Array, byLength: Uint32Array, lengthStart: Uint32Array, signature: Int32Array,
};

interface IndexHeader extends CacheHeader {
  indexFormat: number;
  version: number;
  papers: number;
  stats: SearchIndexData['stats'];
  vocabBytes: number;
  lengths: Record<ArrayName, number>;
}

export function indexCacheFileFor(cacheDir: string, sourcePath: string): string {
  return cacheFileFor(cacheDir, sourcePath).replace(/\.json$/, '.index');
}

/** Writes a source's index data (atomically); returns why not, if it failed. */
export function writeIndexCache(cacheDir: string, key: { path: string; size: number; mtimeMs: number }, tag: string, data: SearchIndexData): string | undefined {
  return writeIndexFile(indexCacheFileFor(cacheDir, key.path), key, tag, data);
}

/** Writes index data to a file of that name (atomically); returns why not, if it failed. */
export function writeIndexFile(file: string, key: { path: string; size: number; mtimeMs: number }, tag: string, data: SearchIndexData): string | undefined {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const vocab = Buffer.from(data.vocab, 'utf8');
    const lengths = Object.fromEntries(ARRAYS.map(n => [n, data[n].length])) as Record<ArrayName, number>;
    const header: IndexHeader = {
      format: FORMAT, tag, path: key.path, size: key.size, mtimeMs: key.mtimeMs,
      indexFormat: INDEX_FORMAT, version: data.version, papers: data.papers, stats: data.stats, vocabBytes: vocab.length, lengths,
    };
    const head = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
    const parts: Buffer[] = [head, vocab, Buffer.alloc(align4(head.length + vocab.length) - head.length - vocab.length)];
    for (const n of ARRAYS) {
      const a = data[n];
      parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, Buffer.concat(parts));
    fs.renameSync(tmp, file);
    return undefined;
  } catch (err) {
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    return (err as Error).message;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function indexHeader(buf: Buffer, key: { path: string; size: number; mtimeMs: number }, tag: string): { h: IndexHeader; at: number } | undefined {
  const nl = buf.indexOf(10);
  if (nl < 0) return undefined;
  const h = JSON.parse(buf.subarray(0, nl).toString('utf8')) as IndexHeader;
  if (h.format !== FORMAT || h.indexFormat !== INDEX_FORMAT || h.tag !== tag || h.path !== key.path || h.size !== key.size || h.mtimeMs !== key.mtimeMs) return undefined;
  return { h, at: nl + 1 };
}

/** Whether a source's index is cached for this key (reads the header only). Never throws. */
export function hasIndexCache(cacheDir: string, key: { path: string; size: number; mtimeMs: number }, tag: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(indexCacheFileFor(cacheDir, key.path), 'r');
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return !!indexHeader(buf.subarray(0, n), key, tag);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The cached index data of a source when its key matches, else undefined. Never throws. */
export function readIndexCache(cacheDir: string, key: { path: string; size: number; mtimeMs: number }, tag: string): SearchIndexData | undefined {
  return readIndexFile(indexCacheFileFor(cacheDir, key.path), key, tag);
}

/** The index data in a file when its key and tag match, else undefined. Never throws. */
export function readIndexFile(file: string, key: { path: string; size: number; mtimeMs: number }, tag: string): SearchIndexData | undefined {
  try {
    const buf = fs.readFileSync(file);
    const head = indexHeader(buf, key, tag);
    if (!head) return undefined;
    const { h } = head;
    let at = head.at;
    const vocab = buf.subarray(at, at + h.vocabBytes).toString('utf8');
    at = align4(at + h.vocabBytes);
    // Views of the file's own buffer where it is aligned (a big file's is); else copies.
    const aligned = buf.byteOffset % 4 === 0 && buf.buffer.byteLength === buf.length;
    const arrays = {} as Record<ArrayName, Float32Array | Uint32Array | Int32Array>;
    for (const n of ARRAYS) {
      const bytes = h.lengths[n] * 4;
      if (at + bytes > buf.length) return undefined;
      if (aligned) arrays[n] = new CTORS[n](buf.buffer, buf.byteOffset + at, h.lengths[n]);
      else {
        const ab = new ArrayBuffer(bytes);
        buf.copy(new Uint8Array(ab), 0, at, at + bytes);
        arrays[n] = new CTORS[n](ab);
      }
      at += bytes;
    }
    if (at !== buf.length) return undefined;
    return { version: h.version, papers: h.papers, vocab, stats: h.stats, ...arrays } as SearchIndexData;
  } catch {
    return undefined;
  }
}
