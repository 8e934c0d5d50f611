// Parsed-records cache on disk: one file per source, keyed by the source's path, size and change
// time (ctime: set by every write; `touch -r` puts back the mtime, never the ctime) and by a tag naming the parser build, so a reload starts from parsed records instead of text.
// Layout: a JSON header line; the body, the lines of transfer.ts (meta, one row per paper) as
// UTF-8; zero bytes up to a multiple of 4; then where each row starts in the body (Uint32), so a
// reload neither parses nor scans 95 MB to hand the rows on; then, for a big source, its papers'
// orders (orders.ts), so a reload does not sort them again.
// A `.bib` read as part of a bibliography list (groups.ts) is cached under its path and the list,
// and the header names the other files its reading used, with their size and change time: a change to
// any of them (a `@string` edited in strings.bib) makes the entry a miss.
// Every cache file starts with a CRC-32 of the rest (8 hex digits and a space before the header):
// a damaged byte anywhere makes the file a miss, reported once, and it is rebuilt.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Paper } from '../model';
import { INDEX_ARRAYS, indexDataProblem, type IndexArrayName, type PaperList, type SearchIndexData } from '../search';
import type { SourceOrders } from './orders';
import { type BibtexReader, decodeMeta, decodeRow, encodeRows, type Meta } from './transfer';
import type { Chain, MacroTable, MacroTables } from './bibtex';
import type { ParsedSource } from './types';

// 5: one row per paper (transfer.ts), the rows' starts and the papers' orders after them.
// 6: a CRC-32 of the file before its header.
// 7: CSL-JSON ids bibtex or biber reject are rekeyed; BibTeX entries carry the @preamble and crossref text they use.
// 8: keyed by the change time (changedMs), not the mtime.
const FORMAT = 8;
/** `xxxxxxxx ` before the header line. */
const CRC_PREFIX = 9;

/** Called when a cache file is there but damaged (its checksum fails). */
export type OnDamage = (why: string) => void;

/** The file's CRC-32 (of everything after the prefix) is right. */
function checksumOk(buf: Buffer): boolean {
  if (buf.length < CRC_PREFIX || buf[CRC_PREFIX - 1] !== 32) return false;
  const want = Number.parseInt(buf.toString('latin1', 0, 8), 16);
  return /^[0-9a-f]{8}$/.test(buf.toString('latin1', 0, 8)) && crc32(buf.subarray(CRC_PREFIX)) === want;
}

/** The header line's JSON, after the checksum; undefined (and `onDamage` told) when the file is damaged. */
function checkedHeader<T>(buf: Buffer, onDamage?: OnDamage): { h: T; at: number } | undefined {
  if (!checksumOk(buf)) {
    // A JSON header first (`{"`) is the format before checksums: stale, not damaged. (One damaged
    // byte can turn the checksum's first digit into `{`, never also its second into `"`.)
    if (buf[0] !== 0x7b || buf[1] !== 0x22) onDamage?.('its checksum does not match');
    return undefined;
  }
  const nl = buf.indexOf(10, CRC_PREFIX);
  if (nl < 0) return undefined;
  return { h: JSON.parse(buf.toString('utf8', CRC_PREFIX, nl)) as T, at: nl + 1 };
}

/** The header line with the checksum of it and the parts after it in front. */
function headerWithChecksum(header: object, parts: readonly Uint8Array[]): Buffer {
  const head = Buffer.from(`00000000 ${JSON.stringify(header)}\n`, 'utf8');
  let c = crc32(head.subarray(CRC_PREFIX));
  for (const p of parts) c = crc32(p, c);
  head.write(c.toString(16).padStart(8, '0'), 0, 'latin1');
  return head;
}

/** What a cache entry is for: the source file's path, size and change time (and its bibliography list). */
export interface CacheKey {
  path: string;
  size: number;
  changedMs: number;
  /** The bibliography list the file was read with (groups.ts); none: read alone. */
  group?: readonly string[];
  /** Writing: the other files of the list the reading used, as they were (ParsedSource.groupDeps). */
  deps?: readonly GroupDep[];
}

/** The key of `file` as `st` finds it now: the change time, which every write sets, is its version. */
export function cacheKeyOf(file: string, st: fs.Stats, group?: readonly string[]): CacheKey {
  return { path: file, size: st.size, changedMs: st.ctimeMs, ...(group ? { group } : {}) };
}

/** Another file of the list, as it was when the entry was written (size -1: missing). */
interface GroupDep {
  path: string;
  size: number;
  changedMs: number;
  empty?: boolean;
}

interface CacheHeader {
  format: number;
  tag: string;
  path: string;
  size: number;
  changedMs: number;
  group?: string[];
  deps?: GroupDep[];
}

interface RecordsHeader extends CacheHeader {
  bodyBytes: number;
  rows: number;
  /** Whether the papers' orders follow the starts. */
  orders?: boolean;
}

/** A source's cached rows: the body's bytes, where each row starts in them (see `rowStarts`), and the papers' orders if stored. */
export interface CachedRows {
  bytes: Uint8Array;
  starts: Uint32Array;
  orders?: SourceOrders;
}

/**
 * The list under which a document's own reading of a file (listReading.ts) is cached: the
 * document's list and the library's list it was compared with, behind markers no path starts with.
 */
export function listReadingKey(list: readonly string[], primary: readonly string[]): string[] {
  return ['\u0001list', ...list, '\u0001library', ...primary];
}

/** The list a request is cached under: its bibliography list, or for a list reading `listReadingKey`. */
export function cacheListOf(req: { path: string; group?: readonly string[]; withList?: readonly string[] }): readonly string[] | undefined {
  return req.withList ? listReadingKey(req.withList, req.group ?? [req.path]) : req.group;
}

/** The cache file of a source; one per bibliography list it is read with (none: read alone). */
export function cacheFileFor(cacheDir: string, sourcePath: string, group?: readonly string[]): string {
  const h = createHash('sha1').update(sourcePath);
  if (group && group.length > 1) h.update(`\0${group.join('\0')}`);
  return path.join(cacheDir, `${h.digest('hex').slice(0, 20)}.json`);
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** The bytes in an ArrayBuffer of their own (Node pools small buffers), so views of them can be transferred. */
export function ownBuffer(b: Uint8Array): Buffer {
  return b.byteOffset === 0 && b.buffer.byteLength === b.length
    ? Buffer.from(b.buffer, 0, b.length)
    : Buffer.from(b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);
}

/** Writes `parts` to `file` through a temp file and a rename; returns why not, if it failed. */
function writeAtomically(file: string, parts: readonly Uint8Array[]): string | undefined {
  // A name nobody can guess, created new ('wx'): a link planted at a predictable one was followed.
  const tmp = `${file}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(tmp, 'wx');
    try {
      // writeFileSync on a descriptor writes everything, from the current position.
      for (const part of parts) fs.writeFileSync(fd, part);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    return undefined;
  } catch (err) {
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    return (err as Error).message;
  }
}

/** The bytes of typed arrays, without copying. */
function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function keyMatches(h: CacheHeader, key: CacheKey, tag: string): boolean {
  return h.format === FORMAT && h.tag === tag && h.path === key.path && h.size === key.size && h.changedMs === key.changedMs
    && sameList(h.group, key.group) && depsUnchanged(h.deps);
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = a && a.length > 1 ? a : undefined;
  const y = b && b.length > 1 ? b : undefined;
  if (!x || !y) return !x && !y;
  return x.length === y.length && x.every((p, i) => p === y[i]);
}

/** Every other file of the list the entry was read with is as it was then (missing then: missing now). */
function depsUnchanged(deps: readonly GroupDep[] | undefined): boolean {
  for (const d of deps ?? []) {
    let st: fs.Stats | undefined;
    try { st = fs.statSync(d.path); } catch { st = undefined; }
    if (d.size < 0 ? st?.isFile() : !st || st.size !== d.size || st.ctimeMs !== d.changedMs) return false;
  }
  return true;
}

/** The list and the files it used, for a header (nothing for a file read alone). */
function groupFields(key: { group?: readonly string[]; deps?: readonly GroupDep[] }): Pick<CacheHeader, 'group' | 'deps'> {
  if (!key.group || key.group.length < 2) return {};
  return { group: [...key.group], deps: (key.deps ?? []).map(d => ({ path: d.path, size: d.size, changedMs: d.changedMs, ...(d.empty ? { empty: true } : {}) })) };
}

/**
 * The rows in a cache file's bytes when they are for this key, else undefined. The views share
 * the file's buffer when it is the file's alone (then they can be transferred). Never throws.
 */
export function rowsFromCacheBuffer(buf: Buffer, key: CacheKey, tag: string, onDamage?: OnDamage): CachedRows | undefined {
  try {
    const head = checkedHeader<RecordsHeader>(buf, onDamage);
    if (!head) return undefined;
    const { h } = head;
    const nl = head.at - 1;
    if (!keyMatches(h, key, tag)) return undefined;
    const bodyEnd = nl + 1 + h.bodyBytes;
    const at = align4(bodyEnd);
    const n = h.rows;
    if (at + 4 * (n + 1) + (h.orders ? 8 * n : 0) !== buf.length) return undefined;
    // A big file's read has its own buffer; a small one may share Node's pool, so it is copied.
    const b = ownBuffer(buf);
    const rows: CachedRows = { bytes: b.subarray(nl + 1, bodyEnd), starts: new Uint32Array(b.buffer, at, n + 1) };
    // The checksum proves no accident, not who wrote the file: its table and meta line must hold together.
    const problem = rowTableProblem(rows.starts, h.bodyBytes) ?? metaProblem(rows, key.path, n);
    if (problem) { onDamage?.(problem); return undefined; }
    if (h.orders) {
      const o = at + 4 * (n + 1);
      rows.orders = { byKey: new Uint32Array(b.buffer, o, n), newest: new Uint32Array(b.buffer, o + 4 * n, n) };
    }
    return rows;
  } catch {
    return undefined;
  }
}

/** Why a records file's row table cannot be its body's, or undefined. */
function rowTableProblem(starts: Uint32Array, bodyBytes: number): string | undefined {
  const n = starts.length - 1;
  if (starts[n] !== bodyBytes + 1) return 'its row table does not match its header';
  for (let i = 0; i < n; i++) if (starts[i]! >= starts[i + 1]!) return 'its row table is out of order';
  return undefined;
}

/** Why a records file's meta line is not its source's, or undefined. */
function metaProblem(rows: CachedRows, sourcePath: string, n: number): string | undefined {
  try {
    const { meta } = decodeMeta(Buffer.from(rows.bytes.buffer, rows.bytes.byteOffset, rows.starts[0]! - 1).toString('utf8'), sourcePath);
    return meta.rows === n ? undefined : `it lists ${meta.rows} rows but holds ${n}`;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The cached rows when the cache matches the file's key, else undefined. Never throws: a damaged cache is a miss. */
export function readCacheRows(cacheDir: string, key: CacheKey, tag: string, onDamage?: OnDamage): CachedRows | undefined {
  try {
    return rowsFromCacheBuffer(readCacheFile(cacheFileFor(cacheDir, key.path, key.group)), key, tag, onDamage);
  } catch {
    return undefined;
  }
}

/**
 * Writes a cache entry atomically: the source's rows (encoded here unless given, with their starts
 * and orders, as the worker sends them on). A `.bib` read with its bibliography list `group`
 * is stored for that list, with the files it used (`parsed.groupDeps`). Failures are returned, not thrown.
 */
export function writeCache(cacheDir: string, parsed: ParsedSource, tag: string, rows?: CachedRows, group?: readonly string[], onDigest?: (d: RowsDigest) => void): string | undefined {
  if (parsed.error !== undefined || parsed.size === undefined || parsed.changedMs === undefined) return 'not cacheable';
  const { bytes, starts, orders }: CachedRows = rows ?? encodeRows(parsed);
  const n = starts.length - 1;
  const withOrders = !!orders && orders.byKey.length === n && orders.newest.length === n;
  const header: RecordsHeader = { format: FORMAT, tag, path: parsed.path, size: parsed.size, changedMs: parsed.changedMs, ...groupFields({ ...(group ? { group } : {}), ...(parsed.groupDeps ? { deps: parsed.groupDeps } : {}) }), bodyBytes: bytes.length, rows: n, ...(withOrders ? { orders: true } : {}) };
  const headLength = Buffer.byteLength(`00000000 ${JSON.stringify(header)}\n`, 'utf8');
  const pad = Buffer.alloc(align4(headLength + bytes.length) - headLength - bytes.length);
  const rest = [bytes, pad, ...(withOrders ? [starts, orders!.byKey, orders!.newest] : [starts]).map(bytesOf)];
  const parts = [headerWithChecksum(header, rest), ...rest];
  const err = writeAtomically(cacheFileFor(cacheDir, parsed.path, group), parts);
  if (!err && onDigest) onDigest(rowsDigest(parts));
  return err;
}

/**
 * Block size of the records file's block checksums. A search answered from the cache reads only
 * the blocks of the rows it shows, and checks each of them.
 */
export const ROWS_BLOCK = 65536;

/** A records file as written: its whole-file CRC-32 (the 8 hex digits in front) and one CRC-32 per block. */
export interface RowsDigest {
  crc: number;
  blocks: Uint32Array;
}

/** The digest of a file made of `parts` (the first starting with its checksum prefix). */
export function rowsDigest(parts: readonly Uint8Array[]): RowsDigest {
  let total = 0;
  for (const p of parts) total += p.length;
  const blocks = new Uint32Array(Math.ceil(total / ROWS_BLOCK));
  let b = 0, fill = 0, c = 0;
  for (const p of parts) {
    for (let at = 0; at < p.length;) {
      const take = Math.min(ROWS_BLOCK - fill, p.length - at);
      c = crc32(p.subarray(at, at + take), c);
      fill += take;
      at += take;
      if (fill === ROWS_BLOCK) { blocks[b++] = c; c = 0; fill = 0; }
    }
  }
  if (fill) blocks[b] = c;
  const head = Buffer.from(parts[0] ?? new Uint8Array(0));
  return { crc: Number.parseInt(head.toString('latin1', 0, 8), 16) >>> 0, blocks };
}

/** The digest of a records file on disk (when the rows were read from the cache and their index was not). */
export function rowsDigestOfFile(cacheDir: string, sourcePath: string): RowsDigest | undefined {
  try {
    return rowsDigest([readCacheFile(cacheFileFor(cacheDir, sourcePath))]);
  } catch {
    return undefined;
  }
}

/** The CRC-32 a records file names in front (which write it is), or undefined. */
export function rowsFileCrc(cacheDir: string, sourcePath: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openCacheFile(cacheFileFor(cacheDir, sourcePath));
    const prefix = readAt(fd, 0, CRC_PREFIX).toString('latin1');
    return /^[0-9a-f]{8} $/.test(prefix) ? Number.parseInt(prefix, 16) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** A cache file found damaged after it was opened (a row's block fails its checksum): read the library afresh. */
export class CacheDamagedError extends Error {
  /** The library whose cache it is, when known. */
  source?: string;

  constructor(message: string) {
    super(message);
    this.name = 'CacheDamagedError';
  }
}

/**
 * A records file read a row at a time, for a search answered from the cache: only its header, the
 * rows' starts and the rows asked for are read, each in whole blocks checked against the digest the
 * index file holds (so 95 MB are neither read nor checksummed to show ten hits). `at` throws
 * `CacheDamagedError` on a block that fails its check.
 */
export class CachedRowsFile implements PaperList {
  readonly length: number;
  readonly meta: Meta;
  private readonly memo: Paper[];
  private readonly reader: BibtexReader | undefined;

  private constructor(private readonly source: string, private readonly fd: number, private readonly size: number, private readonly digest: RowsDigest,
    private readonly bodyStart: number, private readonly starts: Uint32Array, metaLine: string) {
    ({ meta: this.meta, reader: this.reader } = decodeMeta(metaLine, source));
    this.length = starts.length - 1;
    if (this.meta.rows !== this.length) throw new CacheDamagedError(`it lists ${this.meta.rows} rows but holds ${this.length}`);
    this.memo = new Array<Paper>(this.length);
  }

  /**
   * Opens the records file of `key` when it is the one `digest` was made of; undefined when it is
   * absent, for another key or another write (then the caller reads it whole). Throws
   * `CacheDamagedError` when a block read fails its check.
   */
  static open(cacheDir: string, key: CacheKey, tag: string, digest: RowsDigest): CachedRowsFile | undefined {
    let fd: number;
    try {
      fd = openCacheFile(cacheFileFor(cacheDir, key.path, key.group));
    } catch {
      return undefined;
    }
    try {
      const size = fs.fstatSync(fd).size;
      const prefix = readAt(fd, 0, Math.min(size, CRC_PREFIX)).toString('latin1');
      if (digest.blocks.length !== Math.ceil(size / ROWS_BLOCK) || !/^[0-9a-f]{8} $/.test(prefix) || Number.parseInt(prefix, 16) !== digest.crc) {
        fs.closeSync(fd);
        return undefined;
      }
      const first = checkedBlocks(fd, size, digest, 0, Math.min(size, ROWS_BLOCK));
      const nl = first.indexOf(10, CRC_PREFIX);
      if (nl < 0) throw new CacheDamagedError('its header is cut short');
      const h = JSON.parse(first.toString('utf8', CRC_PREFIX, nl)) as RecordsHeader;
      if (!keyMatches(h, key, tag)) {
        fs.closeSync(fd);
        return undefined;
      }
      const bodyStart = nl + 1;
      const at = align4(bodyStart + h.bodyBytes);
      const n = h.rows;
      if (at + 4 * (n + 1) + (h.orders ? 8 * n : 0) !== size) throw new CacheDamagedError('its size does not match its header');
      const startBytes = checkedBlocks(fd, size, digest, at, at + 4 * (n + 1));
      const starts = new Uint32Array(n + 1);
      new Uint8Array(starts.buffer).set(startBytes);
      const bad = rowTableProblem(starts, h.bodyBytes);
      if (bad) throw new CacheDamagedError(bad);
      const metaLine = checkedBlocks(fd, size, digest, bodyStart, bodyStart + starts[0]! - 1).toString('utf8');
      return new CachedRowsFile(key.path, fd, size, digest, bodyStart, starts, metaLine);
    } catch (err) {
      try { fs.closeSync(fd); } catch { /* already closed */ }
      if (err instanceof CacheDamagedError) throw err;
      throw new CacheDamagedError((err as Error).message);
    }
  }

  /** Paper `i`, read and decoded on first use. Throws `CacheDamagedError` on a damaged row. */
  at(i: number): Paper | undefined {
    if (i < 0 || i >= this.length) return undefined;
    let p = this.memo[i];
    if (!p) {
      const a = this.bodyStart + this.starts[i]!, b = this.bodyStart + this.starts[i + 1]! - 1;
      try {
        p = this.memo[i] = decodeRow(checkedBlocks(this.fd, this.size, this.digest, a, b).toString('utf8'), this.reader);
      } catch (err) {
        const e = err instanceof CacheDamagedError ? err : new CacheDamagedError(`row ${i + 1} does not decode (${(err as Error).message})`);
        e.source = this.source;
        throw e;
      }
    }
    return p;
  }

  close(): void {
    try { fs.closeSync(this.fd); } catch { /* already closed */ }
  }
}

/** `len` bytes of a file from `pos` (fewer at its end). */
/** Largest cache file read (the Anthology's records take 130 MB). */
const MAX_CACHE_FILE = 2 ** 31 - 1;
// Opening a FIFO for reading waits for a writer; O_NONBLOCK returns at once (no effect on files).
const OPEN_READ = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function notAFile(file: string): Error {
  return new Error(`${path.basename(file)} is not a regular file of at most 2 GiB`);
}

/**
 * A cache file opened for reading. A cache entry that is a FIFO, a device (`/dev/zero`) or a link
 * to one is refused: reading it never ended, or filled the memory. Throws.
 */
export function openCacheFile(file: string): number {
  const fd = fs.openSync(file, OPEN_READ);
  const st = fs.fstatSync(fd);
  if (st.isFile() && st.size <= MAX_CACHE_FILE) return fd;
  fs.closeSync(fd);
  throw notAFile(file);
}

/** A cache file's bytes, in a buffer of its own (see `openCacheFile`). Throws. */
export function readCacheFile(file: string): Buffer {
  const fd = openCacheFile(file);
  try {
    const size = fs.fstatSync(fd).size;
    const buf = readAt(fd, 0, size);
    if (buf.length !== size) throw new Error(`${path.basename(file)} was cut short while read`);
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}

/** `readCacheFile` without blocking the thread. */
export async function readCacheFileAsync(file: string): Promise<Buffer> {
  const h = await fs.promises.open(file, OPEN_READ);
  try {
    const st = await h.stat();
    if (!st.isFile() || st.size > MAX_CACHE_FILE) throw notAFile(file);
    const buf = Buffer.allocUnsafeSlow(st.size);
    let got = 0;
    while (got < st.size) {
      const { bytesRead } = await h.read(buf, got, st.size - got, got);
      if (bytesRead === 0) throw new Error(`${path.basename(file)} was cut short while read`);
      got += bytesRead;
    }
    return buf;
  } finally {
    await h.close();
  }
}

export function readAt(fd: number, pos: number, len: number): Buffer {
  const buf = Buffer.allocUnsafeSlow(len);
  let got = 0;
  while (got < len) {
    const n = fs.readSync(fd, buf, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** Bytes [a, b) of a records file, read in whole blocks, each checked against the digest. */
function checkedBlocks(fd: number, size: number, digest: RowsDigest, a: number, b: number): Buffer {
  if (b <= a) return Buffer.alloc(0);
  const b0 = Math.floor(a / ROWS_BLOCK), b1 = Math.floor((b - 1) / ROWS_BLOCK);
  const from = b0 * ROWS_BLOCK, to = Math.min(size, (b1 + 1) * ROWS_BLOCK);
  const buf = readAt(fd, from, to - from);
  if (buf.length !== to - from) throw new CacheDamagedError('it is shorter than its header says');
  for (let k = b0; k <= b1; k++) {
    const o = (k - b0) * ROWS_BLOCK;
    if (crc32(buf.subarray(o, Math.min(buf.length, o + ROWS_BLOCK))) !== digest.blocks[k]) {
      throw new CacheDamagedError(`bytes ${k * ROWS_BLOCK}–${Math.min(size, (k + 1) * ROWS_BLOCK)} fail their checksum`);
    }
  }
  return buf.subarray(a - from, b - from);
}

// ---------------------------------------------------------------- search index beside the records
// A big source's search index (SearchIndex.exportData) is cached too, under the same key, so a
// reload from the cache neither decodes the records a second time in the worker nor re-indexes
// them. Layout: a JSON header line, then the vocabulary (UTF-8), zero bytes up to a multiple of 4,
// the block checksums of the records file it was written beside (when known: the CLI's search
// then reads only the rows it shows, see CachedRowsFile), then each typed array's bytes: read
// back, the arrays are views of the file's buffer (no copy).

// 5: the digest of the records file the index was made with (RowsDigest), after the vocabulary.
// 6: keyed by the change time (changedMs), not the mtime.
const INDEX_FORMAT = 6;
/** Each array's type; the one-byte arrays come last, so the four-byte ones stay aligned. */
const CTORS: Record<IndexArrayName, Float32ArrayConstructor | Uint32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor> = {
  idf: Float32Array, postStart: Uint32Array, postPrimary: Uint32Array, postings: Uint32Array, fwdStart: Uint32Array,
  fwdPrimaryEnd: Uint32Array, fwd: Uint32Array, byLength: Uint32Array, lengthStart: Uint32Array, signature: Int32Array,
  titleWords: Uint8Array,
};

interface IndexHeader extends CacheHeader {
  indexFormat: number;
  version: number;
  papers: number;
  stats: SearchIndexData['stats'];
  vocabBytes: number;
  lengths: Record<IndexArrayName, number>;
  /** The records file's CRC-32 and how many block checksums follow the vocabulary (0: none). */
  rowsCrc?: number;
  rowsBlocks?: number;
}

/** Index data read from the cache, with the digest of the records file it was written beside (if stored). */
export type CachedIndexData = SearchIndexData & { rowsDigest?: RowsDigest };

export function indexCacheFileFor(cacheDir: string, sourcePath: string, group?: readonly string[]): string {
  return cacheFileFor(cacheDir, sourcePath, group).replace(/\.json$/, '.index');
}

/** Writes a source's index data (atomically); returns why not, if it failed. */
export function writeIndexCache(cacheDir: string, key: CacheKey, tag: string, data: SearchIndexData, rows?: RowsDigest): string | undefined {
  return writeIndexFile(indexCacheFileFor(cacheDir, key.path, key.group), key, tag, data, rows);
}

/** Writes index data to a file of that name (atomically); returns why not, if it failed. */
export function writeIndexFile(file: string, key: CacheKey, tag: string, data: SearchIndexData, rows?: RowsDigest): string | undefined {
  const vocab = Buffer.from(data.vocab, 'utf8');
  const lengths = Object.fromEntries(INDEX_ARRAYS.map(n => [n, data[n].length])) as Record<IndexArrayName, number>;
  const header: IndexHeader = {
    format: FORMAT, tag, path: key.path, size: key.size, changedMs: key.changedMs, ...groupFields(key),
    indexFormat: INDEX_FORMAT, version: data.version, papers: data.papers, stats: data.stats, vocabBytes: vocab.length, lengths,
    ...(rows ? { rowsCrc: rows.crc, rowsBlocks: rows.blocks.length } : {}),
  };
  const headLength = Buffer.byteLength(`00000000 ${JSON.stringify(header)}\n`, 'utf8');
  const pad = Buffer.alloc(align4(headLength + vocab.length) - headLength - vocab.length);
  const rest = [vocab, pad, ...(rows ? [bytesOf(rows.blocks)] : []), ...INDEX_ARRAYS.map(n => bytesOf(data[n]))];
  return writeAtomically(file, [headerWithChecksum(header, rest), ...rest]);
}

function indexHeader(buf: Buffer, key: CacheKey, tag: string, onDamage?: OnDamage): { h: IndexHeader; at: number } | undefined {
  const head = checkedHeader<IndexHeader>(buf, onDamage);
  if (!head || !keyMatches(head.h, key, tag) || head.h.indexFormat !== INDEX_FORMAT) return undefined;
  return head;
}

/** The cached index data of a source when its key matches, else undefined. Never throws. */
export function readIndexCache(cacheDir: string, key: CacheKey, tag: string, onDamage?: OnDamage): CachedIndexData | undefined {
  return readIndexFile(indexCacheFileFor(cacheDir, key.path, key.group), key, tag, onDamage);
}

/** The index data in a file when its key and tag match, else undefined. Never throws. */
export function readIndexFile(file: string, key: CacheKey, tag: string, onDamage?: OnDamage): CachedIndexData | undefined {
  try {
    return indexFromCacheBuffer(readCacheFile(file), key, tag, onDamage);
  } catch {
    return undefined;
  }
}

/** The index data in an index file's bytes when they are for this key, else undefined. Never throws. */
export function indexFromCacheBuffer(buf: Buffer, key: CacheKey, tag: string, onDamage?: OnDamage): CachedIndexData | undefined {
  try {
    const head = indexHeader(buf, key, tag, onDamage);
    if (!head) return undefined;
    const { h } = head;
    let at = head.at;
    const vocab = buf.toString('utf8', at, at + h.vocabBytes);
    at = align4(at + h.vocabBytes);
    // Views of the file's buffer (its own when big; copied when it shares Node's pool).
    const b = ownBuffer(buf);
    let rowsDigest: RowsDigest | undefined;
    if (h.rowsBlocks && h.rowsCrc !== undefined) {
      if (at + 4 * h.rowsBlocks > b.length) return undefined;
      rowsDigest = { crc: h.rowsCrc, blocks: new Uint32Array(b.buffer as ArrayBuffer, at, h.rowsBlocks) };
      at += 4 * h.rowsBlocks;
    }
    const arrays = {} as Record<IndexArrayName, Float32Array | Uint32Array | Int32Array | Uint8Array>;
    for (const n of INDEX_ARRAYS) {
      const bytes = h.lengths[n] * CTORS[n].BYTES_PER_ELEMENT;
      if (at + bytes > b.length) return undefined;
      arrays[n] = new CTORS[n](b.buffer as ArrayBuffer, at, h.lengths[n]);
      at += bytes;
    }
    if (at !== buf.length) return undefined;
    const data = { version: h.version, papers: h.papers, vocab, stats: h.stats, ...arrays, ...(rowsDigest ? { rowsDigest } : {}) } as CachedIndexData;
    const problem = indexDataProblem(data);
    if (problem) { onDamage?.(`its search index does not hold together (${problem})`); return undefined; }
    return data;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- macro tables of bibliography lists
// The macro table after a file of a list (keyed by the chain of files up to it, each with its size
// and change time), kept in memory for this process and on disk beside the records, so a later file of
// the list does not read a big earlier one again after a reload.

const memoTables = new Map<string, MacroTable>();
const MEMO_TABLES = 64;

/** Macro tables kept in memory and, with `cacheDir`, on disk (under `tables/`). Never throws. */
export function macroTables(cacheDir: string | undefined, tag: string): MacroTables {
  // Named by the files' paths alone: a new version of a file replaces the table of the old one.
  const fileOf = (c: Chain) => path.join(cacheDir!, 'tables', `${createHash('sha1').update(`${tag}\u0000${c.names}`).digest('hex').slice(0, 24)}.json`);
  return {
    get(chain) {
      const key = `${tag}\u0000${chain.key}`;
      const hit = memoTables.get(key);
      if (hit || !cacheDir) return hit;
      try {
        const j = JSON.parse(readCacheFile(fileOf(chain)).toString('utf8')) as { key?: unknown; strings?: unknown; preambles?: unknown };
        if (j.key !== key || !j.strings || typeof j.strings !== 'object' || !Array.isArray(j.preambles)) return undefined;
        const strings: Record<string, string> = {};
        for (const [k, v] of Object.entries(j.strings)) if (typeof v === 'string' && k !== '__proto__') strings[k] = v;
        const t: MacroTable = { strings, preambles: j.preambles.filter((x): x is string => typeof x === 'string'), ...((j as { empty?: unknown }).empty === true ? { empty: true } : {}) };
        remember(key, t);
        return t;
      } catch {
        return undefined;
      }
    },
    set(chain, table) {
      const key = `${tag}\u0000${chain.key}`;
      remember(key, table);
      if (cacheDir) writeAtomically(fileOf(chain), [Buffer.from(JSON.stringify({ key, ...table }), 'utf8')]);
    },
  };
}

function remember(key: string, t: MacroTable): void {
  memoTables.delete(key);
  memoTables.set(key, t);
  if (memoTables.size > MEMO_TABLES) memoTables.delete(memoTables.keys().next().value!);
}
