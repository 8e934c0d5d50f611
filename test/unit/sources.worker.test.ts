import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { SearchIndex } from '../../src/core/search';
import type { Paper } from '../../src/core/model';
import { Worker } from 'node:worker_threads';
import { CancelledError, SourceParser, type WorkerReply, type WorkerRequest } from '../../src/core/sources/workerClient';
import { PreparedSource, type SearchableSource } from '../../src/core/sources/prepared';
import { BERT_BIB } from './library.fixtures';
import { createHash } from 'node:crypto';
import { cacheFileFor, writeCache } from '../../src/core/sources/cache';
import { encodeRows, rowStarts } from '../../src/core/sources/transfer';

const ROOT = path.resolve(__dirname, '../..');
let tmp: string;
let workerFile: string;
let parser: SourceParser;
const warnings: string[] = [];

describe('sources: parse worker and cache', function () {
  this.timeout(60_000);

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-worker-'));
    workerFile = path.join(tmp, 'worker.js');
    // The worker as shipped (dist/worker.js), bundled from today's sources into a private folder.
    buildSync({ entryPoints: [path.join(ROOT, 'src/worker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: workerFile, logLevel: 'error' });
    parser = new SourceParser({ workerFile, cacheDir: path.join(tmp, 'cache'), inlineBelowBytes: 0, onWarning: m => warnings.push(m) });
  });
  after(() => {
    parser.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('parses in the worker, then answers from the cache until the file changes', async () => {
    assert.ok(parser.usesWorker);
    const f = path.join(tmp, 'refs.bib');
    fs.writeFileSync(f, BERT_BIB);
    const first = await parser.parse(f);
    assert.deepEqual(first.papers.map(p => p.id), ['devlin-etal-2019-bert']);
    assert.ok(!first.fromCache);
    assert.equal(first.papers[0]!.custom.bibtex, BERT_BIB.trimEnd(), 'the original text is read back from the file');
    // The cache is written after the answer; give the worker a moment.
    await new Promise(r => setTimeout(r, 200));
    const second = await parser.parse(f);
    assert.ok(second.fromCache);
    assert.deepEqual(second.papers, first.papers);
    fs.writeFileSync(f, BERT_BIB.replace('devlin-etal-2019-bert', 'devlin2019'));
    const third = await parser.parse(f);
    assert.ok(!third.fromCache);
    assert.deepEqual(third.papers.map(p => p.id), ['devlin2019']);
    assert.deepEqual(warnings, []);
  });

  it('builds the search index of a big source in the worker, from parsed records and from the cache', async () => {
    const indexing = new SourceParser({ workerFile, cacheDir: path.join(tmp, 'cache-index'), inlineBelowBytes: 0, indexFrom: 2 });
    try {
      const f = path.join(tmp, 'two.bib');
      fs.writeFileSync(f, `${BERT_BIB}\n${BERT_BIB.replace('devlin-etal-2019-bert', 'bert-again')}`);
      for (const fromCache of [false, true]) {
        const parsed = await indexing.parse(f);
        assert.equal(!!parsed.fromCache, fromCache);
        assert.ok(parsed.indexData, 'index data arrived');
        assert.ok(parsed.timing?.indexMs !== undefined);
        // A reload from the cache reads the index cached beside the records instead of rebuilding it.
        assert.equal(!!parsed.timing?.indexFromCache, fromCache);
        await new Promise(r => setTimeout(r, 200));
        // The library adopts the worker's index when the source is big; here, fromData must accept it.
        const index = SearchIndex.fromData(parsed.papers, parsed.indexData!);
        assert.equal(index.search('bidirectional transformers', { limit: 5 }).length, 2);
      }
    } finally {
      indexing.dispose();
    }
  });

  it('from a warm cache, makes a big source searchable from its cached index and records file before the rows arrive', async () => {
    const indexing = new SourceParser({ workerFile, cacheDir: path.join(tmp, 'cache-early'), inlineBelowBytes: 0, indexFrom: 2 });
    try {
      const f = path.join(tmp, 'early.bib');
      fs.writeFileSync(f, Array.from({ length: 3000 }, (_, i) => BERT_BIB.replace('devlin-etal-2019-bert', `k${i}`)).join('\n'));
      await indexing.parse(f);
      await new Promise(r => setTimeout(r, 300));
      let searchable: SearchableSource | undefined;
      let searchableHit: Paper | undefined;
      let rowsKind = '';
      const warm = await indexing.parse(f, undefined, undefined, e => {
        searchable = e;
        rowsKind = e.rows.constructor.name;
        searchableHit = SearchIndex.fromData(e.rows, e.index).search('k2999', { limit: 5 })[0]?.paper;
      });
      assert.ok(warm.fromCache && warm.timing?.indexFromCache);
      assert.ok(searchable, 'searchable before decoded');
      // The index came first, naming its records file: the hit was read from it, row by row.
      assert.equal(rowsKind, 'RowsFromFileThenMemory');
      assert.equal(searchableHit?.id, 'k2999');
      assert.deepEqual(warm.papers[2999], searchableHit, 'the paper found early is the one decoded later');
      // Once the rows arrived, the early search reads them, not the file: the very papers decoded.
      assert.equal(searchable!.rows.at(2999), warm.papers[2999]);
      assert.equal(SearchIndex.fromData(searchable!.rows, searchable!.index).search('k1234', { limit: 1 })[0]?.paper, warm.papers[1234]);
      assert.equal(warm.papers[2999]!.custom.bibtex, BERT_BIB.replace('devlin-etal-2019-bert', 'k2999').trimEnd());
      searchable!.rows.close?.();
      assert.equal(warm.papers.length, 3000);
      // The key and newest-first orders were sorted in the worker once, and came back from the cache.
      assert.ok(warm.orders, 'orders from the cache');
      assert.deepEqual([...warm.orders.byKey.subarray(0, 3)].map(i => warm.papers[i]!.id), ['k0', 'k1', 'k10']);
      assert.equal(warm.orders.newest.length, 3000);
    } finally {
      indexing.dispose();
    }
  });

  it('from a warm cache whose records file was damaged: the damaged row is left out of early searches, then the file is read afresh', async () => {
    const cacheDir = path.join(tmp, 'cache-early-damaged');
    const warnings: string[] = [];
    const indexing = new SourceParser({ workerFile, cacheDir, inlineBelowBytes: 0, indexFrom: 2, onWarning: m => warnings.push(m) });
    try {
      const f = path.join(tmp, 'early-damaged.bib');
      fs.writeFileSync(f, Array.from({ length: 3000 }, (_, i) => BERT_BIB.replace('devlin-etal-2019-bert', `k${i}`)).join('\n'));
      await indexing.parse(f);
      const [records] = fs.readdirSync(cacheDir).filter(n => n.endsWith('.json')).map(n => path.join(cacheDir, n));
      assert.ok(records, 'the records are cached');
      const b = fs.readFileSync(records!);
      // A row in the middle (the last block also holds the row table, which opening the file checks).
      b[b.indexOf('"k1500"') + 2] ^= 0x01; // k1500 -> k0500 inside its row
      fs.writeFileSync(records!, b);
      let early: string[] | undefined;
      const again = await indexing.parse(f, undefined, undefined, e => {
        const source = PreparedSource.searchable(e);
        early ??= source.searchRows('k1500', 5).map(h => h.paper.id);
        source.retire('removed');
      });
      // Searchable from the index at once; the damaged row's block fails its check: left out, not thrown.
      assert.deepEqual(early, []);
      assert.ok(!again.fromCache, 'read afresh');
      assert.equal(again.papers[1500]!.id, 'k1500');
      assert.ok(warnings.some(w => /damaged/.test(w)), warnings.join('; '));
    } finally {
      indexing.dispose();
    }
  });

  it('on a cold read of a big standalone .bib, makes it searchable from its entries before the rows are encoded', async () => {
    const indexing = new SourceParser({ workerFile, cacheDir: path.join(tmp, 'cache-entries'), inlineBelowBytes: 0, indexFrom: 2, firstPart: false });
    try {
      const f = path.join(tmp, 'entries.bib');
      const entries = Array.from({ length: 3000 }, (_, i) => BERT_BIB.replace('devlin-etal-2019-bert', `k${i}`));
      fs.writeFileSync(f, entries.join('\n'));
      const seen: { kind: string; hit: Paper | undefined; rows: SearchableSource['rows'] }[] = [];
      const cold = await indexing.parse(f, undefined, undefined, e => {
        seen.push({ kind: e.rows.constructor.name, hit: SearchIndex.fromData(e.rows, e.index).search('k2999', { limit: 5 })[0]?.paper, rows: e.rows });
      });
      assert.ok(!cold.fromCache);
      assert.deepEqual(seen.map(e => e.kind), ['RowsFromEntriesThenMemory'], 'the index came first, with the entries');
      const early = seen[0]!;
      assert.equal(early.hit?.id, 'k2999');
      assert.deepEqual(early.hit, cold.papers[2999], 'the paper found early is the one decoded later');
      assert.equal(early.hit!.custom.bibtex, entries[2999]!.trimEnd());
      assert.equal(early.hit!.custom.origins![0]!.line, cold.papers[2999]!.custom.origins![0]!.line);
      // Once the rows arrived, the early search reads them: the very papers decoded.
      assert.equal(early.rows.at(1234), cold.papers[1234]);
      assert.ok(cold.indexData && cold.orders, 'index and orders arrived');
      // A file with a @string macro reads otherwise: rows first, then the index, as before (searchable
      // from those rows if they are not decoded yet when the index comes).
      const g = path.join(tmp, 'macros.bib');
      fs.writeFileSync(g, `@string{acl = {ACL}}\n${entries.join('\n')}\n@misc{m, publisher = acl}`);
      const kinds: string[] = [];
      const withMacros = await indexing.parse(g, undefined, undefined, e => kinds.push(e.rows.constructor.name));
      assert.equal(withMacros.papers.length, 3001);
      assert.ok(kinds.every(k => k === 'RecordRows'), kinds.join());
    } finally {
      indexing.dispose();
    }
  });

  it('sends the index first only to a caller that searches before decoding; others get the rows first, to decode while the index is built', async () => {
    const f = path.join(tmp, 'order.bib');
    fs.writeFileSync(f, Array.from({ length: 50 }, (_, i) => BERT_BIB.replace('devlin-etal-2019-bert', `o${i}`)).join('\n'));
    const order = async (early: boolean): Promise<string[]> => {
      const w = new Worker(workerFile);
      try {
        const types: string[] = [];
        await new Promise<void>((resolve, reject) => {
          w.on('message', (m: WorkerReply) => {
            if (m.type !== 'progress') types.push(m.type + (m.type === 'index' && m.entries ? '+entries' : ''));
            if (m.type === 'stored' || m.type === 'error') resolve();
          });
          w.on('error', reject);
          w.postMessage({ id: 1, path: f, cacheDir: path.join(tmp, `cache-order-${early}`), index: 2, ...(early ? { early: true } : {}) } satisfies WorkerRequest);
        });
        return types;
      } finally {
        await w.terminate();
      }
    };
    assert.deepEqual(await order(true), ['index+entries', 'done', 'orders', 'stored']);
    assert.deepEqual(await order(false), ['done', 'index', 'orders', 'stored']);
  });

  it('on a cold read of a big .bib, makes its first part searchable before the whole file', async () => {
    const bytes = 64 * 1024;
    const indexing = new SourceParser({ workerFile, cacheDir: path.join(tmp, 'cache-first-part'), inlineBelowBytes: 0, indexFrom: 2, firstPart: { fromBytes: 4 * bytes, bytes } });
    try {
      const f = path.join(tmp, 'first-part.bib');
      const entries = Array.from({ length: 1500 }, (_, i) => BERT_BIB.replace('devlin-etal-2019-bert', `k${i}`));
      fs.writeFileSync(f, entries.join('\n'));
      assert.ok(fs.statSync(f).size > 4 * bytes);
      const seen: SearchableSource[] = [];
      let firstHits: string[] = [];
      let lateHits: string[] = [];
      const cold = await indexing.parse(f, undefined, undefined, e => {
        seen.push(e);
        if (e.part) {
          const index = SearchIndex.fromData(e.rows, e.index);
          firstHits = index.search('k3', { limit: 5 }).map(h => h.paper.id);
          lateHits = index.search('k1499', { limit: 5 }).map(h => h.paper.id);
        }
      });
      assert.equal(cold.papers.length, 1500);
      assert.ok(!cold.fromCache);
      const part = seen.find(e => e.part);
      assert.ok(part, `the first part was sent (${seen.length} searchable calls)`);
      // Only whole entries of the first 64 KB: fewer than all, each as the whole file has it.
      assert.ok(part.rows.length > 10 && part.rows.length < 1500, `${part.rows.length} entries in the first part`);
      assert.ok(part.part!.bytesRead <= bytes && part.part!.totalBytes === fs.statSync(f).size);
      assert.equal(part.rows.at(part.rows.length - 1)!.custom.bibtex, entries[part.rows.length - 1]!.trimEnd(), 'the last entry of the part is whole');
      assert.deepEqual(part.rows.at(0)!.title, cold.papers[0]!.title);
      assert.equal(firstHits[0], 'k3');
      assert.deepEqual(lateHits, [], 'the part holds only what was read');
      // The whole file was cached as usual: a warm read sends no part.
      await new Promise(r => setTimeout(r, 300));
      const parts: SearchableSource[] = [];
      const warm = await indexing.parse(f, undefined, undefined, e => parts.push(e));
      assert.ok(warm.fromCache);
      assert.ok(parts.every(e => !e.part), 'no first part from a warm cache');
    } finally {
      indexing.dispose();
    }
  });

  it('sends no first part of a file read after others of its list, or of a CSL-JSON file', async () => {
    const bytes = 16 * 1024;
    const indexing = new SourceParser({ workerFile, inlineBelowBytes: 0, indexFrom: 2, firstPart: { fromBytes: 2 * bytes, bytes } });
    try {
      const big = Array.from({ length: 400 }, (_, i) => BERT_BIB.replace('devlin-etal-2019-bert', `k${i}`)).join('\n');
      const strings = path.join(tmp, 'fp-strings.bib');
      const refs = path.join(tmp, 'fp-refs.bib');
      fs.writeFileSync(strings, '@string{acl = {Association for Computational Linguistics}}\n');
      fs.writeFileSync(refs, big);
      const parts: SearchableSource[] = [];
      const inList = await indexing.parse(refs, undefined, undefined, e => parts.push(e), [strings, refs]);
      assert.equal(inList.papers.length, 400);
      assert.ok(parts.every(e => !e.part), 'the macros of the files before it are not known to a part');
      const json = path.join(tmp, 'fp.json');
      fs.writeFileSync(json, JSON.stringify(inList.papers.map(p => ({ id: p.id, type: p.type, title: p.title }))));
      const jsonParts: SearchableSource[] = [];
      const fromJson = await indexing.parse(json, undefined, undefined, e => jsonParts.push(e));
      assert.equal(fromJson.papers.length, 400);
      assert.ok(jsonParts.every(e => !e.part));
    } finally {
      indexing.dispose();
    }
  });

  it('rebuilds the cached search index when the file changed or the index file is damaged', async () => {
    const cacheDir = path.join(tmp, 'cache-index-stale');
    const indexing = new SourceParser({ workerFile, cacheDir, inlineBelowBytes: 0, indexFrom: 2 });
    try {
      const f = path.join(tmp, 'three.bib');
      const text = (k: string) => `${BERT_BIB}\n${BERT_BIB.replace('devlin-etal-2019-bert', k)}`;
      fs.writeFileSync(f, text('bert-again'));
      await indexing.parse(f);
      await new Promise(r => setTimeout(r, 200));
      const [indexFile] = fs.readdirSync(cacheDir).filter(n => n.endsWith('.index'));
      assert.ok(indexFile, 'the index is cached');
      // Cut short: a damaged index file is a miss, rebuilt from the records.
      const full = fs.readFileSync(path.join(cacheDir, indexFile!));
      fs.writeFileSync(path.join(cacheDir, indexFile!), full.subarray(0, full.length - 7));
      const damaged = await indexing.parse(f);
      assert.ok(damaged.fromCache && !damaged.timing?.indexFromCache);
      assert.equal(SearchIndex.fromData(damaged.papers, damaged.indexData!).search('bert again', { limit: 5 })[0]?.paper.id, 'bert-again');
      // Changed text: neither records nor index come from the cache, and the new key is found.
      fs.writeFileSync(f, text('renamed-entry'));
      const changed = await indexing.parse(f);
      assert.ok(!changed.fromCache && !changed.timing?.indexFromCache);
      assert.ok(SearchIndex.fromData(changed.papers, changed.indexData!).search('renamed entry', { limit: 5 }).some(h => h.paper.id === 'renamed-entry'));
    } finally {
      indexing.dispose();
    }
  });

  it('from a cache whose rows were crafted with a valid checksum (a title that is a number): read afresh, said once', async () => {
    const cacheDir = path.join(tmp, 'cache-crafted');
    const warned: string[] = [];
    const p = new SourceParser({ workerFile, cacheDir, inlineBelowBytes: 0, onWarning: m => warned.push(m) });
    try {
      const f = path.join(tmp, 'crafted.bib');
      fs.writeFileSync(f, `${BERT_BIB}\n${BERT_BIB.replace('devlin-etal-2019-bert', 'bert-again')}`);
      const first = await p.parse(f);
      const file = cacheFileFor(cacheDir, f);
      while (!fs.existsSync(file)) await new Promise(r => setTimeout(r, 20)); // written after the answer
      // The worker's build tag, as it computes it; the rows as stored, one title made a number.
      const tag = createHash('sha1').update(fs.readFileSync(workerFile)).digest('hex').slice(0, 16);
      const lines = encodeRows(first).bytes.toString('utf8').split('\n');
      lines[1] = lines[1]!.replace(/"title":"(?:[^"\\]|\\.)*"/, '"title":42');
      const bytes = Buffer.from(lines.join('\n'), 'utf8');
      assert.equal(writeCache(cacheDir, first, tag, { bytes, starts: rowStarts(bytes) }), undefined);
      const again = await p.parse(f);
      assert.equal(again.error, undefined);
      assert.ok(!again.fromCache, 'read afresh');
      assert.deepEqual(again.papers.map(x => [x.id, x.title]), first.papers.map(x => [x.id, x.title]));
      assert.equal(warned.filter(w => /discarded and rebuilt/.test(w)).length, 1, warned.join('; '));
      assert.match(warned.join('; '), /field "title" is not text/);
    } finally {
      p.dispose();
    }
  });

  it('reports a missing file as a failed source, not a rejection', async () => {
    const r = await parser.parse(path.join(tmp, 'gone.bib'));
    assert.equal(r.error, 'file not found');
  });

  it('cancels a long parse and keeps working afterwards', async () => {
    const big = path.join(tmp, 'big.bib');
    fs.writeFileSync(big, Array.from({ length: 20000 }, (_, i) => BERT_BIB.replace('devlin-etal-2019-bert', `k${i}`)).join('\n'));
    const ac = new AbortController();
    const pending = parser.parse(big, undefined, ac.signal);
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(pending, CancelledError);
    const f = path.join(tmp, 'after.bib');
    fs.writeFileSync(f, BERT_BIB);
    assert.equal((await parser.parse(f)).papers.length, 1);
  });

  it('parses inline when there is no worker file', async () => {
    const inline = new SourceParser({ workerFile: path.join(tmp, 'nope.js') });
    assert.ok(!inline.usesWorker);
    const f = path.join(tmp, 'inline.bib');
    fs.writeFileSync(f, BERT_BIB);
    assert.equal((await inline.parse(f)).papers[0]!.id, 'devlin-etal-2019-bert');
    inline.dispose();
  });
});
