// PaperCite's parse worker (dist/worker.js): reads and parses library files off the editor's
// main thread, answering from the parsed-records cache when the file is unchanged.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { SearchIndex, transferList } from './core/search';
import { linesOfBytes, readCacheBytes, readIndexCache, writeIndexCache } from './core/sources/cache';
import { parseWithCache, storeOutcome } from './core/sources/cached';
import { decodeParsed } from './core/sources/transfer';
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

/**
 * A big source whose records and search index are both cached: its bytes go to the editor's
 * thread as a transfer (no decoding here, no copy), then the index. False: take the usual path.
 */
function answerFromCache(req: WorkerRequest & { tag: string }): boolean {
  if (!req.cacheDir || !req.index || !port) return false;
  const t0 = performance.now();
  let st: fs.Stats;
  try {
    st = fs.statSync(req.path);
  } catch {
    return false;
  }
  if (!st.isFile()) return false;
  const bytes = readCacheBytes(req.cacheDir, req.path, st.size, st.mtimeMs, req.tag);
  if (!bytes) return false;
  const first = linesOfBytes(bytes).next();
  const meta = first.done ? {} : (JSON.parse(first.value) as { entries?: number });
  if ((meta.entries ?? 0) < req.index) return false;
  const key = { path: req.path, size: st.size, mtimeMs: st.mtimeMs };
  const data = readIndexCache(req.cacheDir, key, req.tag);
  if (!data) return false;
  const readMs = performance.now() - t0;
  port.postMessage({ id: req.id, type: 'done', lines: [], bytes, fromCache: true, readMs } satisfies WorkerReply, [bytes.buffer as ArrayBuffer]);
  port.postMessage({ id: req.id, type: 'index', data, ms: performance.now() - t0 - readMs, fromCache: true } satisfies WorkerReply, transferList(data));
  return true;
}
const port = parentPort;
if (port) {
  port.on('message', (req: WorkerRequest) => {
    let lastProgress = 0;
    const onProgress = (done: number, total: number, phase: string) => {
      const now = Date.now();
      if (now - lastProgress < 100 && done < total) return;
      lastProgress = now;
      port.postMessage({ id: req.id, type: 'progress', done, total, phase } satisfies WorkerReply);
    };
    try {
      const r = { ...req, tag: req.tag ?? tag };
      if (answerFromCache(r)) return;
      const outcome = parseWithCache(r, onProgress);
      port.postMessage({ id: req.id, type: 'done', lines: outcome.lines, fromCache: outcome.fromCache, ...(outcome.readMs !== undefined ? { readMs: outcome.readMs } : {}) } satisfies WorkerReply);
      const cacheError = storeOutcome(r, outcome);
      if (cacheError) port.postMessage({ id: req.id, type: 'cacheError', message: cacheError } satisfies WorkerReply);
      // While the editor's thread decodes the records, index them here (or read the index cached
      // beside them) and hand the index over.
      const meta = outcome.parsed ?? (JSON.parse(outcome.lines[0] ?? '{}') as { entries?: number; size?: number; mtimeMs?: number });
      const count = outcome.parsed ? outcome.parsed.papers.length : (meta.entries ?? 0);
      if (req.index && count >= req.index) {
        const t = performance.now();
        const key = meta.size !== undefined && meta.mtimeMs !== undefined ? { path: req.path, size: meta.size, mtimeMs: meta.mtimeMs } : undefined;
        let data = outcome.fromCache && r.cacheDir && key ? readIndexCache(r.cacheDir, key, r.tag) : undefined;
        const fromCache = !!data;
        if (!data) {
          const papers = outcome.parsed?.papers ?? decodeParsed(outcome.lines, true).papers;
          data = SearchIndex.build(papers).exportData();
          // Written before the transfer below takes the arrays away.
          if (r.cacheDir && key && (outcome.parsed ? outcome.parsed.error === undefined : true)) {
            const err = writeIndexCache(r.cacheDir, key, r.tag, data);
            if (err) port.postMessage({ id: req.id, type: 'cacheError', message: `search index: ${err}` } satisfies WorkerReply);
          }
        }
        port.postMessage({ id: req.id, type: 'index', data, ms: performance.now() - t, fromCache } satisfies WorkerReply, transferList(data));
      } else port.postMessage({ id: req.id, type: 'index', data: null, ms: 0 } satisfies WorkerReply);
    } catch (err) {
      port.postMessage({ id: req.id, type: 'error', message: (err as Error)?.stack ?? String(err) } satisfies WorkerReply);
    }
  });
}
