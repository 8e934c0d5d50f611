// PaperCite's parse worker (dist/worker.js): reads and parses library files off the editor's
// main thread, answering from the parsed-records cache when the file is unchanged.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { Paper } from './core/model';
import { buildIndexData, transferList, vocabStarts, type SearchIndexData } from './core/search';
import { cacheFileFor, indexCacheFileFor, indexFromCacheBuffer, ownBuffer, rowsFromCacheBuffer, writeCache, writeIndexCache, type CacheKey, type CachedRows } from './core/sources/cache';
import { parseWithCache } from './core/sources/cachedParse';
import { RecordRows, rowStarts } from './core/sources/transfer';
import { sourceOrders, type SourceOrders } from './core/sources/orders';
import type { ParsedSource } from './core/sources/types';
import type { WorkerReply, WorkerRequest } from './core/sources/workerClient';

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

/** A file's bytes, or undefined when it cannot be read. */
function readOrNothing(file: string): Promise<Buffer | undefined> {
  return fs.promises.readFile(file).catch(() => undefined);
}

/**
 * One request: the source's rows (from the cache as stored, or parsed and encoded), sent to the
 * editor's thread as one transferred buffer (no copy); then, for a big source, its search index
 * (read from the cache at the same time as the rows, or built here while the editor's thread
 * decodes the rows).
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
  const key: CacheKey | undefined = st?.isFile() ? { path: req.path, size: st.size, mtimeMs: st.mtimeMs, ...(req.group ? { group: req.group } : {}) } : undefined;
  let cached: CachedRows | undefined;
  let data: SearchIndexData | undefined;
  if (req.cacheDir && key) {
    // Both files at once: reading them one after the other is most of a warm start.
    const [rowsBuf, indexBuf] = await Promise.all([
      readOrNothing(cacheFileFor(req.cacheDir, req.path, req.group)),
      req.index ? readOrNothing(indexCacheFileFor(req.cacheDir, req.path, req.group)) : undefined,
    ]);
    // A damaged file is a miss, said once: the fresh result below overwrites it.
    const damaged = (what: string) => (why: string) => post({ id: req.id, type: 'cacheDamaged', message: `${what}: ${why}` });
    cached = rowsBuf && rowsFromCacheBuffer(rowsBuf, key, rtag, damaged('records'));
    if (cached && indexBuf && cached.starts.length - 1 >= req.index!) data = indexFromCacheBuffer(indexBuf, key, rtag, damaged('search index'));
  }
  const readMs = performance.now() - t0;
  let parsed: ParsedSource | undefined;
  let bytes: Uint8Array;
  let starts: Uint32Array;
  let orders: SourceOrders | undefined;
  if (cached) ({ bytes, starts, orders } = cached);
  else {
    const outcome = parseWithCache({ path: req.path, ...(req.kind ? { kind: req.kind } : {}), ...(req.group ? { group: req.group, tag: rtag, ...(req.cacheDir ? { tablesDir: req.cacheDir } : {}) } : {}) }, onProgress);
    parsed = outcome.parsed;
    bytes = ownBuffer(Buffer.from(outcome.lines.join('\n'), 'utf8'));
    starts = rowStarts(bytes);
    // A big source's orders are sorted here once, not on the editor's thread after every load.
    if (parsed && req.index && parsed.papers.length >= req.index) orders = sourceOrders(parsed.papers);
    // A file that could not be read is read again next time (it may be fixed by then).
    if (req.cacheDir && parsed && parsed.error === undefined) {
      const err = writeCache(req.cacheDir, parsed, rtag, { bytes, starts, ...(orders ? { orders } : {}) }, req.group);
      if (err) post({ id: req.id, type: 'cacheError', message: err });
    }
  }
  const count = starts.length - 1;
  const wantIndex = !!req.index && count >= req.index && (!parsed || parsed.error === undefined);
  // Without a cached index the papers are decoded before the bytes are handed over (a transfer takes them away).
  const papers = wantIndex && !data ? (parsed?.papers ?? rowsOf(bytes, starts)) : undefined;
  const arrays: ArrayBufferView[] = [bytes, starts, ...(orders ? [orders.byKey, orders.newest] : [])];
  post({ id: req.id, type: 'done', bytes, starts, ...(orders ? { orders } : {}), fromCache: !!cached, readMs },
    [...new Set(arrays.map(a => a.buffer as ArrayBuffer))]);
  if (!wantIndex) return post({ id: req.id, type: 'index', data: null, ms: 0 });
  const tIndex = performance.now();
  const indexFromCache = !!data;
  if (!data) {
    data = buildIndexData(papers!);
    // Written before the transfer below takes the arrays away.
    if (req.cacheDir && key) {
      const err = writeIndexCache(req.cacheDir, { ...key, ...(parsed?.groupDeps ? { deps: parsed.groupDeps } : {}) }, rtag, data);
      if (err) post({ id: req.id, type: 'cacheError', message: `search index: ${err}` });
    }
  }
  // Found here, not on the editor's thread.
  data.vocabStarts = vocabStarts(data.vocab);
  post({ id: req.id, type: 'index', data, ms: indexFromCache ? readMs : performance.now() - tIndex, fromCache: indexFromCache }, transferList(data));
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
