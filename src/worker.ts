// PaperCite's parse worker (dist/worker.js): reads and parses library files off the editor's
// main thread, answering from the parsed-records cache when the file is unchanged.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { Paper } from './core/model';
import { buildIndexData, sharedIndexData, transferList, vocabStarts, type SearchIndexData } from './core/search';
import { cacheFileFor, cacheKeyOf, cacheListOf, indexCacheFileFor, indexFromCacheBuffer, readAt, readCacheFileAsync, rowsDigest, rowsFromCacheBuffer, writeCache, writeIndexCache, type CacheKey, type CachedRows, type RowsDigest } from './core/sources/cache';
import { parseFresh } from './core/sources/cachedParse';
import { detectKind } from './core/sources/detect';
import { parseSourceText } from './core/sources/fromText';
import { entryTextsOf, type EntryTexts } from './core/sources/entryRows';
import { encodeRows, metaOf, RecordRows, rowEncoder } from './core/sources/transfer';
import { sourceOrders } from './core/sources/orders';
import type { ParsedSource } from './core/sources/types';
import type { FirstPart, WorkerReply, WorkerRequest } from './core/sources/workerClient';

/** A cache written by another build of the parser is not trusted: the tag is a hash of this bundle. */
function buildTag(): string {
  try {
    return createHash('sha1').update(fs.readFileSync(__filename)).digest('hex').slice(0, 16);
  } catch {
    return 'dev';
  }
}

const tag = buildTag();
const port = parentPort;

/** A cache file's bytes, or undefined when it cannot be read (or is not a regular file). */
function readOrNothing(file: string): Promise<Buffer | undefined> {
  return readCacheFileAsync(file).catch(() => undefined);
}

/**
 * One request. From the cache: the source's rows as stored, sent to the editor's thread as one
 * transferred buffer (no copy), then its search index. Freshly parsed: for a big `.bib`, its first
 * part first; then the rows and, for a big source, its index (built while the editor's thread
 * decodes the rows): what makes it searchable goes first, its orders and the cache files after.
 */
async function answer(req: WorkerRequest, post: (m: WorkerReply, transfer?: ArrayBuffer[]) => void): Promise<void> {
  let lastProgress = 0;
  const onProgress = (done: number, total: number, phase: string) => {
    const now = Date.now();
    if (now - lastProgress < 100 && done < total) return;
    lastProgress = now;
    post({ id: req.id, type: 'progress', done, total, phase });
  };
  const t0 = performance.now();
  const rtag = req.tag ?? tag;
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(req.path);
  } catch {
    // Not there: the reader says so in words.
  }
  // A list reading is cached under both lists (listReadingKey), apart from the library's readings.
  const list = cacheListOf(req);
  const key: CacheKey | undefined = st?.isFile() ? cacheKeyOf(req.path, st, list) : undefined;
  let cached: CachedRows | undefined;
  let data: SearchIndexData | undefined;
  let indexSent = false;
  if (req.cacheDir && key && !req.refresh) {
    // The index first (a third of the records' size), alone: with it the source is searchable.
    const indexBuf = req.index ? await readOrNothing(indexCacheFileFor(req.cacheDir, req.path, key.group)) : undefined;
    // A damaged file is a miss, said once: the fresh result below overwrites it.
    const damaged = (what: string) => (why: string) => post({ id: req.id, type: 'cacheDamaged', message: `${what}: ${why}` });
    const index = indexBuf && indexFromCacheBuffer(indexBuf, key, rtag, damaged('search index'));
    if (index && index.papers >= req.index!) {
      if (index.rowsDigest) {
        // The index names the records file it was made with: sent now, the editor reads the rows
        // it shows from that file (each block checked) while the whole file is read here.
        const { rowsDigest, ...rest } = index;
        rest.vocabStarts = vocabStarts(rest.vocab);
        post({ id: req.id, type: 'index', data: rest, ms: performance.now() - t0, fromCache: true, rowsFile: { key, tag: rtag, digest: rowsDigest } }, transferList(rest));
        indexSent = true;
      } else data = index;
    }
    const rowsBuf = await readOrNothing(cacheFileFor(req.cacheDir, req.path, key.group));
    cached = rowsBuf && rowsFromCacheBuffer(rowsBuf, key, rtag, damaged('records'));
  }
  const readMs = performance.now() - t0;
  if (cached && indexSent) return postCachedRows(req.id, cached, readMs, post);
  if (cached) return answerFromCache(req, key!, rtag, cached, data, readMs, post);
  if (req.firstPart && key) postFirstPart(req, req.firstPart, key.size, post);
  let fileBytes: Buffer | undefined;
  const parsed = parseFresh({
    path: req.path, ...(req.kind ? { kind: req.kind } : {}), ...(req.withList ? { withList: req.withList } : {}),
    ...(req.group || req.withList ? { ...(req.group ? { group: req.group } : {}), tag: rtag, ...(req.cacheDir ? { tablesDir: req.cacheDir } : {}) } : {}),
  }, onProgress, undefined, b => { fileBytes = b; });
  // A file that could not be read is read again next time (it may be fixed by then).
  const cache = !!req.cacheDir && parsed.error === undefined;
  const big = !!req.index && parsed.papers.length >= req.index && parsed.error === undefined;
  // What makes the source searchable goes first, its orders and the cache files after: for a
  // standalone .bib searched early, the index and the file's bytes (hits are read from their
  // entries' text), then the rows; otherwise the rows (decoded there while the index is built),
  // then the index. What is still to be cached here is sent in shared memory (a copy would stall
  // the editor's thread: receiving 100 MB took it about a second), the rest transferred.
  const entries = big && req.early && fileBytes && !req.group && !req.withList ? entryTextsOf(parsed, ownBytes(fileBytes), metaOf(parsed), rowEncoder(parsed).row) : undefined;
  fileBytes = undefined;
  const data2 = entries ? postIndex(req.id, parsed, cache, post, entries) : undefined;
  const { bytes, starts } = encodeRows(parsed, { shared: cache });
  post({ id: req.id, type: 'done', bytes, starts, fromCache: false, readMs, tail: true }, cache ? [] : [bytes.buffer as ArrayBuffer, starts.buffer as ArrayBuffer]);
  if (!big) {
    post({ id: req.id, type: 'index', data: null, ms: 0 });
    if (cache) storeRows(req, parsed, rtag, { bytes, starts }, post);
    return post({ id: req.id, type: 'stored' });
  }
  const index = data2 ?? postIndex(req.id, parsed, cache, post);
  // Sorted here once, not on the editor's thread after every load.
  const orders = sourceOrders(parsed.papers);
  post({ id: req.id, type: 'orders', orders });
  if (cache) {
    const digest = storeRows(req, parsed, rtag, { bytes, starts, orders }, post);
    const err = writeIndexCache(req.cacheDir!, { ...key!, ...(parsed.groupDeps ? { deps: parsed.groupDeps } : {}) }, rtag, index, digest);
    if (err) post({ id: req.id, type: 'cacheError', message: `search index: ${err}` });
  }
  post({ id: req.id, type: 'stored' });
}

/**
 * Builds a big source's index and sends it (in shared memory when it is still to be cached here,
 * else transferred), with its entries' text when given; returns it.
 */
function postIndex(id: number, parsed: ParsedSource, cache: boolean, post: (m: WorkerReply, transfer?: ArrayBuffer[]) => void, entries?: EntryTexts): SearchIndexData {
  const t0 = performance.now();
  // Still to be cached here: built in shared memory, so posting it copies nothing.
  const data = buildIndexData(parsed.papers, cache);
  data.vocabStarts = vocabStarts(data.vocab);
  const extra = entries ? { entries } : {};
  const entryBuffers = entries ? [entries.bytes.buffer as ArrayBuffer, entries.spans.buffer as ArrayBuffer, entries.lines.buffer as ArrayBuffer, entries.rows.at.buffer as ArrayBuffer] : [];
  if (cache) post({ id, type: 'index', data: sharedIndexData(data), ms: performance.now() - t0, fromCache: false, ...extra }, entryBuffers);
  else post({ id, type: 'index', data, ms: performance.now() - t0, fromCache: false, ...extra }, [...transferList(data), ...entryBuffers]);
  return data;
}

/** Bytes with an ArrayBuffer of their own (to be transferred whole). */
function ownBytes(b: Buffer): Uint8Array {
  return b.byteOffset === 0 && b.buffer.byteLength === b.length ? new Uint8Array(b.buffer, 0, b.length) : new Uint8Array(b);
}

/** Writes the records file; returns its digest (for the index written beside it), if written. */
function storeRows(req: WorkerRequest, parsed: ParsedSource, tag: string, rows: CachedRows, post: (m: WorkerReply) => void): RowsDigest | undefined {
  let digest: RowsDigest | undefined;
  const err = writeCache(req.cacheDir!, parsed, tag, rows, cacheListOf(req), d => { digest = d; });
  if (err) post({ id: req.id, type: 'cacheError', message: err });
  return digest;
}

/** The cached rows and their orders, transferred (no copy). */
function postCachedRows(id: number, cached: CachedRows, readMs: number, post: (m: WorkerReply, transfer?: ArrayBuffer[]) => void): void {
  const { bytes, starts, orders } = cached;
  const arrays: ArrayBufferView[] = [bytes, starts, ...(orders ? [orders.byKey, orders.newest] : [])];
  post({ id, type: 'done', bytes, starts, ...(orders ? { orders } : {}), fromCache: true, readMs }, [...new Set(arrays.map(a => a.buffer as ArrayBuffer))]);
}

/** From the cache: the rows and their orders as stored, then the cached index (or one built now). */
function answerFromCache(req: WorkerRequest, key: CacheKey, rtag: string, cached: CachedRows, cachedIndex: SearchIndexData | undefined, readMs: number, post: (m: WorkerReply, transfer?: ArrayBuffer[]) => void): void {
  const { bytes, starts } = cached;
  // The records file's digest, for an index written now (before the transfer takes the bytes away).
  // (The rows are views of the file's own buffer: rowsFromCacheBuffer.)
  const digest = req.cacheDir && req.index && !cachedIndex && starts.length - 1 >= req.index ? rowsDigest([new Uint8Array(bytes.buffer)]) : undefined;
  const count = starts.length - 1;
  const wantIndex = !!req.index && count >= req.index;
  // Without a cached index the papers are decoded before the bytes are handed over (a transfer takes them away).
  const papers = wantIndex && !cachedIndex ? rowsOf(bytes, starts) : undefined;
  postCachedRows(req.id, cached, readMs, post);
  if (!wantIndex) return post({ id: req.id, type: 'index', data: null, ms: 0 });
  const tIndex = performance.now();
  let data = cachedIndex;
  if (!data) {
    data = buildIndexData(papers!);
    // Written before the transfer below takes the arrays away.
    if (req.cacheDir) {
      const err = writeIndexCache(req.cacheDir, key, rtag, data, digest);
      if (err) post({ id: req.id, type: 'cacheError', message: `search index: ${err}` });
    }
  }
  // Found here, not on the editor's thread.
  data.vocabStarts = vocabStarts(data.vocab);
  post({ id: req.id, type: 'index', data, ms: cachedIndex ? readMs : performance.now() - tIndex, fromCache: !!cachedIndex }, transferList(data));
}

/**
 * Before a big `.bib` is parsed whole (seconds), its first entries (up to `part.bytes`) are
 * parsed, indexed and sent, so the user's first searches find what is there. Not for a file read
 * after others of its list (their macros are not known yet), nor for other kinds (a JSON prefix is
 * not a document).
 */
function postFirstPart(req: WorkerRequest, part: FirstPart, size: number, post: (m: WorkerReply, transfer?: ArrayBuffer[]) => void): void {
  if (size < part.fromBytes || (req.kind ?? detectKind(req.path)) !== 'bibtex') return;
  if (req.group && req.group.length > 1 && req.group[0] !== req.path) return;
  const t0 = performance.now();
  let head: Buffer;
  try {
    const fd = fs.openSync(req.path, 'r');
    try {
      head = readAt(fd, 0, part.bytes);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return; // the whole reading says what is wrong
  }
  // Up to the last line that starts an entry: the entries before it are whole (a cut there is also
  // a cut between UTF-8 characters).
  const cut = head.lastIndexOf('\n@');
  if (cut <= 0) return;
  const parsed = parseSourceText(req.path, head.toString('utf8', 0, cut + 1), 'bibtex');
  if (parsed.error !== undefined || parsed.papers.length === 0) return;
  const { bytes, starts } = encodeRows(parsed);
  const data = buildIndexData(parsed.papers);
  data.vocabStarts = vocabStarts(data.vocab);
  post({ id: req.id, type: 'firstPart', bytes, starts, data, bytesRead: cut + 1, totalBytes: size, ms: performance.now() - t0 },
    [...new Set([bytes.buffer as ArrayBuffer, starts.buffer as ArrayBuffer, ...transferList(data)])]);
}

function rowsOf(bytes: Uint8Array, starts: Uint32Array): Paper[] {
  const rows = new RecordRows(bytes, starts);
  const out = new Array<Paper>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = rows.at(i)!;
  return out;
}

if (port) {
  port.on('message', (req: WorkerRequest) => {
    answer(req, (m, transfer) => port.postMessage(m, transfer ?? [])).catch(err => {
      port.postMessage({ id: req.id, type: 'error', message: (err as Error)?.stack ?? String(err) } satisfies WorkerReply);
    });
  });
}
