// Cache files crafted with a valid checksum: the CRC-32 proves no accident, not who wrote the file.
// A FIFO or a device in a cache file's place, a row table or meta line that does not hold together,
// rows that are not papers, a search index whose offsets run out of bounds: each is a miss, said
// once, and the library is read afresh; nothing hangs, throws or reads another file.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/run';
import { cacheFileFor, indexCacheFileFor, readCacheRows, readIndexCache, writeCache, writeIndexCache } from '../../src/core/sources/cache';
import { outcomeSource, parseWithCache } from '../../src/core/sources/cachedParse';
import { encodeRows, rowStarts } from '../../src/core/sources/transfer';
import type { ParsedSource } from '../../src/core/sources/types';
import { SearchIndex, type SearchIndexData } from '../../src/core/search';
import { benignOf, rng } from './hostile.gen';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = path.join(ROOT, 'corpus/papers.json');

describe('hostile input: cache files crafted with a valid checksum', function () {
  this.timeout(300_000);
  let tmp: string, cacheDir: string, src: string, parsed: ParsedSource;
  let fresh: Record<string, { code: number; out: string }>;
  const key = () => { const st = fs.statSync(src); return { path: src, size: st.size, changedMs: st.ctimeMs }; };

  async function cli(args: string[]) {
    let out = '', err = '';
    const code = await runCli(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
      { corpusPath: CORPUS, cwd: tmp, cacheTag: 't', env: { PAPERCITE_CACHE_DIR: cacheDir } });
    // (stats gives each library's load time)
    return { code, out: out.replace(/\d[\d,.]* ms\b/g, 'N ms'), err };
  }
  const commands = () => {
    const k = parsed.papers[7]!.id;
    return { search: ['search', 'neural translation', '--library', src, '--no-corpus'], show: ['show', k, '--library', src, '--no-corpus'],
      export: ['export', k, '--library', src, '--no-corpus'], stats: ['stats', '--library', src, '--no-corpus'] } as Record<string, string[]>;
  };

  /** The records cache with its lines (meta first) and row table changed, written with a valid checksum. */
  function craftRecords(lines: (l: string[]) => void, starts?: (s: Uint32Array) => void): void {
    const text = encodeRows(parsed).bytes.toString('utf8').split('\n');
    lines(text);
    const bytes = Buffer.from(text.join('\n'), 'utf8');
    const s = rowStarts(bytes);
    starts?.(s);
    assert.equal(writeCache(cacheDir, parsed, 't', { bytes, starts: s }), undefined);
  }

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-crafted-'));
    cacheDir = path.join(tmp, 'cache');
    src = path.join(tmp, 'lib.bib');
    // 2 MB and more: the CLI caches it.
    fs.writeFileSync(src, benignOf(rng(5), 2_300_000));
    parsed = outcomeSource(parseWithCache({ path: src }));
    fs.writeFileSync(path.join(tmp, 'secret.txt'), 'not a library: this text must never be printed\n');
    fresh = {};
    for (const [name, args] of Object.entries(commands())) {
      const r = await cli([...args, '--no-cache']);
      assert.equal(r.code, 0, r.err);
      fresh[name] = { code: r.code, out: r.out };
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const cases: [string, () => void, RegExp][] = [
    ['a row table out of order', () => craftRecords(() => undefined, s => { const a = s[1]!; s[1] = s[2]!; s[2] = a; }), /row table is out of order/],
    ['a meta line naming another file', () => craftRecords(l => { l[0] = l[0]!.replace(JSON.stringify(src), JSON.stringify(path.join(tmp, 'secret.txt'))); }), /names another file/],
    ['a meta line whose problems are not problems', () => craftRecords(l => { l[0] = l[0]!.replace(/"problems":\[[^\]]*\]/, '"problems":[null]'); }), /problems are not problems/],
    ['a row that is null', () => craftRecords(l => { l[8] = 'null'; }), /records do not decode/],
    ['a title that is a number', () => craftRecords(l => { l[8] = l[8]!.replace(/"title":"(?:[^"\\]|\\.)*"/, '"title":42'); }), /field "title" is not text/],
    ['an author list that is text', () => craftRecords(l => { l[8] = l[8]!.replace(/"author":\[[^\]]*\]/, '"author":"x"'); }), /"author" is not a list of names/],
    ['a custom field nested 100,000 deep', () => craftRecords(l => { l[8] = l[8]!.replace('"custom":{', `"custom":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)},`); }), /nested too deep/],
  ];
  for (const [what, craft, why] of cases) {
    it(`${what}: search, show, export and stats answer as from the file, the damage said`, async () => {
      for (const [name, args] of Object.entries(commands())) {
        craft();
        const r = await cli(args);
        assert.notEqual(r.code, 70, `${name}: internal error\n${r.err}`);
        assert.deepEqual({ code: r.code, out: r.out }, fresh[name], `${name}: ${r.err}`);
        assert.match(r.err, /the cache of lib\.bib was damaged \(/, `${name} says so`);
        assert.match(r.err, why, name);
        assert.doesNotMatch(r.out, /must never be printed/);
      }
    });
  }

  it('a FIFO or /dev/zero in a cache file\'s place is a miss: the search answers (it hung, or filled the memory)', async function () {
    if (process.platform === 'win32') this.skip();
    await cli(commands().search!); // the cache is written
    const script = path.join(tmp, 'run.ts');
    fs.writeFileSync(script, `import { runCli } from ${JSON.stringify(path.join(ROOT, 'src/cli/run'))};
runCli(${JSON.stringify(commands().search)}, { stdout: process.stdout, stderr: process.stderr },
  { corpusPath: ${JSON.stringify(CORPUS)}, cwd: ${JSON.stringify(tmp)}, cacheTag: 't', env: { PAPERCITE_CACHE_DIR: ${JSON.stringify(cacheDir)} } }).then(c => { process.exitCode = c; });\n`);
    for (const place of ['fifo', 'zero']) {
      for (const file of [cacheFileFor(cacheDir, src)]) {
        fs.rmSync(file, { force: true });
        if (place === 'fifo') spawnSync('mkfifo', [file]);
        else fs.symlinkSync('/dev/zero', file);
        const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
        assert.equal(r.error, undefined, `${place}: ${String(r.error)}`);
        assert.equal(r.status, 0, `${place}: ${r.stderr}`);
        assert.equal(r.stdout, fresh.search!.out, place);
      }
    }
  });

  describe('a search index', () => {
    let data: SearchIndexData;
    before(() => { data = SearchIndex.build(parsed.papers).exportData(); });
    const arrays = (d: SearchIndexData): SearchIndexData => ({ ...d, postStart: d.postStart.slice(), postings: d.postings.slice(), fwd: d.fwd.slice(), lengthStart: d.lengthStart.slice(), byLength: d.byLength.slice(), idf: d.idf.slice() });
    const crafted: [string, (d: SearchIndexData) => SearchIndexData, RegExp][] = [
      ['postings naming a paper past the last', d => { d.postings[5] = (parsed.papers.length << 4) | 1; return d; }, /postings names/],
      ['a term\'s postings running to 2^32', d => { d.postStart[3] = 0xffffffff; return d; }, /postStart does not run forward/],
      ['the typo table\'s lengths running to 2^32', d => { d.lengthStart[7] = 0xffffffff; return d; }, /lengthStart/],
      ['a forward list naming a term past the last', d => { d.fwd[9] = (d.idf.length << 4) | 1; return d; }, /fwd names/],
      ['one idf short', d => ({ ...d, idf: d.idf.slice(1) }), /idf holds/],
    ];
    for (const [what, craft, why] of crafted) {
      it(`${what}: a miss, said`, () => {
        const k = key();
        assert.equal(writeIndexCache(cacheDir, k, 't', craft(arrays(data))), undefined);
        let said = '';
        assert.equal(readIndexCache(cacheDir, k, 't', w => { said = w; }), undefined);
        assert.match(said, /does not hold together/);
        assert.match(said, why);
      });
    }
    it('the index as built reads back', () => {
      const k = key();
      writeIndexCache(cacheDir, k, 't', data);
      const back = readIndexCache(cacheDir, k, 't', w => assert.fail(w));
      assert.ok(back);
      assert.equal(back.postings.length, data.postings.length);
      assert.ok(fs.existsSync(indexCacheFileFor(cacheDir, src)));
      assert.ok(readCacheRows(cacheDir, k, 'no such tag') === undefined);
    });
  });
});
