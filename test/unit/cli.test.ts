import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs, UsageError } from '../../src/cli/args';
import { createProgressBar } from '../../src/cli/progress';
import { runCli } from '../../src/cli/run';
import { corpusStats } from '../../src/cli/stats';
import { closestKeys, editDistance } from '../../src/cli/suggest';
import type { Paper } from '../../src/core/model';
import { BERT_BIB } from './library.fixtures';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const CORPUS = path.join(ROOT, 'corpus/papers.json');

// Real entries from the ACL Anthology export (../shared/testdata/bib, CC BY 4.0); the second is
// damaged on purpose (a field without "=") and must be reported with its line.
const DAMAGED_BIB = `${BERT_BIB}
@inproceedings{vaswani-broken,
    title = "Attention is all you need"
    author "Vaswani, Ashish",
}

@inproceedings{sager-1978-multilingual,
    title = "Multilingual communication: Chairman{'}s introductory review of translating and the computer",
    author = "Sager, Juan C.",
    booktitle = "Translating and the Computer",
    month = "November 14",
    year = "1978",
    address = "London, UK",
    publisher = "Aslib Proceedings",
    url = "https://aclanthology.org/1978.tc-1.1/",
}
`;

let tmp: string;
const write = (name: string, content: string | Buffer) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, content);
  return f;
};

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: tmp, input: input ?? '', encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, PAPERCITE_CACHE_DIR: path.join(tmp, 'cache') },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function inProcess(args: string[], stdin?: string) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}),
  }, { corpusPath: CORPUS, version: '9.9.9', cwd: tmp, env: { PAPERCITE_CACHE_DIR: path.join(tmp, 'cache-inproc') } });
  return { code, out, err };
}

before(function () {
  this.timeout(120_000);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-cli-'));
  // dist/cli.js from today's sources; the other bundles may fail without hiding this one.
  const b = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.ok(fs.existsSync(CLI), `dist/cli.js was not built:\n${b.stdout}\n${b.stderr}`);
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('cli: arguments', () => {
  it('reads repeatable --library, --limit, --no-corpus and values after =', () => {
    const a = parseArgs(['search', 'absolute', 'zero', '--library', 'a.bib', '--library=b.json', '-n', '3', '--no-corpus', '--json']);
    assert.equal(a.command, 'search');
    assert.deepEqual(a.positional, ['absolute', 'zero']);
    assert.deepEqual(a.libraries, ['a.bib', 'b.json']);
    assert.equal(a.limit, 3);
    assert.ok(a.noCorpus && a.json);
  });
  it('rejects unknown options and bad limits', () => {
    assert.throws(() => parseArgs(['search', '--frobnicate']), UsageError);
    assert.throws(() => parseArgs(['search', 'x', '--limit', '0']), /positive whole number/);
    assert.throws(() => parseArgs(['search', 'x', '--library']), /needs a value/);
  });
  it('suggests the closest keys', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.deepEqual(closestKeys('devlin-etal-2019-bret', ['devlin-etal-2019-bert', 'sager-1978-multilingual', 'devlin-2019']), ['devlin-etal-2019-bert']);
    assert.deepEqual(closestKeys('zzzzzzzz', ['devlin-etal-2019-bert']), []);
  });
  it('draws a progress bar only on a terminal', () => {
    let tty = '';
    const bar = createProgressBar({ write: (s: string) => (tty += s), isTTY: true, columns: 100 });
    bar.update('anthology.bib', 36000, 73215, 'converting');
    bar.clear();
    assert.match(tty, /\[#+-+\]  49% anthology\.bib converting 36000\/73215/);
    let pipe = '';
    createProgressBar({ write: (s: string) => (pipe += s) }).update('x', 1, 2, 'parsing');
    assert.equal(pipe, '');
  });
});

describe('cli: in process', () => {
  it('searches a .bib library and prints CSL-JSON, best first', async () => {
    const bib = write('refs.bib', DAMAGED_BIB);
    const r = await inProcess(['search', 'bidirectional transformers', '--library', bib, '--no-corpus', '--json']);
    const items = JSON.parse(r.out) as Paper[];
    assert.equal(items[0]!.id, 'devlin-etal-2019-bert');
    assert.equal(items[0]!.title, 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding');
    assert.equal(r.code, 1, 'the damaged entry fails the run after the good ones were used');
    assert.match(r.err, /refs\.bib:19: error: entry vaswani-broken: expected `=` after the field name `author`/);
  });

  it('answers one JSON line per query line on --stdin', async () => {
    const bib = write('ok.bib', BERT_BIB);
    const r = await inProcess(['search', '--stdin', '--library', bib, '--no-corpus'], 'bert pre-training\n\n{"query": "devlin", "limit": 1}\n{"query": 5}\n');
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.equal((JSON.parse(lines[0]!) as Paper[])[0]!.id, 'devlin-etal-2019-bert');
    assert.deepEqual(JSON.parse(lines[1]!), []);
    assert.equal((JSON.parse(lines[2]!) as Paper[]).length, 1);
    assert.match((JSON.parse(lines[3]!) as { error: string }).error, /"query" must be a string/);
    assert.equal(r.code, 0);
  });

  it('suggests close keys for an unknown key and exits 1', async () => {
    const bib = write('ok2.bib', BERT_BIB);
    const r = await inProcess(['show', 'devlin-etal-2019-bret', '--library', bib, '--no-corpus']);
    assert.equal(r.code, 1);
    assert.match(r.err, /unknown key "devlin-etal-2019-bret"; did you mean "devlin-etal-2019-bert"\?/);
  });

  it('counts sources, merges and problems in stats', async () => {
    const bib = write('s.bib', DAMAGED_BIB);
    const json = write('s.json', JSON.stringify([{ id: 'Devlin2019', type: 'paper-conference', title: 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding', DOI: '10.18653/v1/N19-1423' }]));
    const r = await inProcess(['stats', '--json', '--library', bib, '--library', json, '--no-corpus']);
    const s = JSON.parse(r.out) as { library: { papers: number; merged: number }; sources: { entries: number; merged: number; problems: unknown[] }[] };
    assert.equal(s.library.papers, 2);
    assert.equal(s.library.merged, 1);
    assert.equal(s.sources[1]!.merged, 1);
    assert.ok(s.sources[0]!.problems.length >= 1);
  });

  it('counts pages, raw entries, merges and authors of a corpus', () => {
    const p = (id: string, sources: { page: string; index: number }[], authors: string[]): Paper =>
      ({ id, type: 'article', author: authors.map(a => ({ family: a, given: 'X' })), custom: { sources } });
    const s = corpusStats([
      p('a', [{ page: 'one.txt', index: 0 }, { page: 'two.txt', index: 3 }], ['Zhao', 'Wu']),
      p('b', [{ page: 'two.txt', index: 0 }], ['Zhao']),
    ]);
    assert.deepEqual(s, { pages: 2, rawEntries: 3, papers: 2, merges: 1, authors: 2 });
  });
});

describe('cli: dist/cli.js', function () {
  this.timeout(60_000);

  it('leaves citation-js to dist/citation-js.js, which export loads on first use; search never loads it', () => {
    // Bundled into the extension or the CLI, citation-js's 1.7 MB are read, compiled and run at every start.
    for (const f of ['dist/cli.js', 'dist/extension.js']) {
      assert.ok(!fs.readFileSync(path.join(ROOT, f), 'utf8').includes('node_modules/@citation-js/'), `${f} bundles citation-js`);
    }
    const loads = (args: string[]) => {
      const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(CLI)}); process.on('exit', () => process.stderr.write('\\nCITATIONJS ' + Object.keys(require.cache).some(k => k.endsWith('citation-js.js'))))`, 'x', ...args],
        { cwd: tmp, encoding: 'utf8', env: { ...process.env, PAPERCITE_CACHE_DIR: path.join(tmp, 'cache-loads') } });
      const m = /CITATIONJS (true|false)/.exec(r.stderr);
      assert.ok(m, `no report: ${r.stderr}`);
      return { out: r.stdout, loaded: m[1] === 'true' };
    };
    const search = loads(['search', 'absolute zero']);
    assert.match(search.out, /zhao2025absolute/);
    assert.equal(search.loaded, false);
    const exported = loads(['export', 'zhao2025absolute']);
    assert.match(exported.out, /@inproceedings\{zhao2025absolute,/);
    assert.equal(exported.loaded, true);
  });

  it('prints help and exits 0; no command is a usage error (2)', () => {
    const h = run(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.out, /papercite search QUERY/);
    assert.match(run(['search', '--help']).out, /--stdin/);
    const none = run([]);
    assert.equal(none.code, 2);
    const bad = run(['serch', 'x']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown command "serch"; did you mean "search"\?/);
  });

  it('a missing library exits 1 naming the file', () => {
    const r = run(['search', 'x', '--library', 'missing.bib', '--no-corpus']);
    assert.equal(r.code, 1);
    assert.match(r.err, /missing\.bib: error: file not found/);
  });

  it('a CSL-JSON file that is not an array exits 1 naming file and line', () => {
    write('obj.json', '{\n  "items": []\n}\n');
    const r = run(['stats', '--library', 'obj.json', '--no-corpus']);
    assert.equal(r.code, 1);
    assert.match(r.out, /obj\.json:1: error: expected a CSL-JSON array/);
    const s = run(['search', 'x', '--library', 'obj.json', '--no-corpus']);
    assert.match(s.err, /obj\.json:1: error: expected a CSL-JSON array of items/);
  });

  it('stats counts in words that agree with the number (1 entry, 2 entries)', () => {
    write('one.bib', '@misc{solo, title = "Alone", author = "Ada Lovelace", year = 1843}\n');
    write('two.bib', '@misc{a, title = "First", author = "Ada Lovelace and Charles Babbage", year = 1843}\n@misc{b, title = {Second}}\n@misc{b, title = {Second again}}\n');
    const r = run(['stats', '--library', 'one.bib', '--no-corpus']);
    assert.match(r.out, /one\.bib \(bibtex\): 1 entry, 0 merged, \d+ ms\n/);
    assert.match(r.out, /All sources: 1 paper, 0 merged across sources, 0 key clashes, 1 author\n/);
    const t = run(['stats', '--library', 'two.bib', '--no-corpus']);
    assert.match(t.out, /two\.bib \(bibtex\): 2 entries, 0 merged, \d+ ms, 1 error, 0 warnings\n/);
    assert.match(t.out, /All sources: 2 papers, .*, 2 authors\n/);
  });

  it('a broken .bib loses only its damaged entry, reported with its line, and exits 1', () => {
    write('damaged.bib', DAMAGED_BIB);
    const r = run(['export', '--format', 'csl-json', '--library', 'damaged.bib', '--no-corpus']);
    assert.equal(r.code, 1);
    const ids = (JSON.parse(r.out) as Paper[]).map(p => p.id);
    assert.ok(ids.includes('devlin-etal-2019-bert') && ids.includes('sager-1978-multilingual'), ids.join());
    assert.match(r.err, /damaged\.bib:19: error: entry vaswani-broken/);
  });

  it('binary junk and a directory named x.bib are refused, the rest still loads', () => {
    write('junk.bib', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
    fs.mkdirSync(path.join(tmp, 'x.bib'), { recursive: true });
    write('good.bib', BERT_BIB);
    const r = run(['search', 'bert', '--json', '--library', 'junk.bib', '--library', 'x.bib', '--library', 'good.bib', '--no-corpus']);
    assert.equal(r.code, 1);
    assert.match(r.err, /junk\.bib:1: error: holds binary data/);
    assert.match(r.err, /x\.bib: error: is a directory/);
    assert.equal((JSON.parse(r.out) as Paper[])[0]!.id, 'devlin-etal-2019-bert');
  });

  it('export: rekeyed CSL-JSON ids reported once on stderr, found by their library id; --encoding ascii|utf8|auto (from the document)', () => {
    const lib = path.join(ROOT, 'test/fixtures/bib/poisoned.csl.json');
    const r = run(['export', '--library', lib, '--no-corpus', '--encoding', 'ascii']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err.match(/"key with spaces" → lukasiewicz2021r/g)?.length, 1, r.err);
    assert.match(r.err, /kept as UTF-8 .*大 \(U\+5927\).*pdflatex needs a package/);
    assert.match(r.out, /^@article\{lukasiewicz2021r,\n {2}title = \{\{R\\&D\} at \{\{\\O\}rsted\}/m);
    assert.match(r.out, /author = \{\{\\L\}ukasiewicz, Jan and \{The LLM Consortium \\& Co\.\}\}/);
    const one = run(['export', 'key with spaces', '--library', lib, '--no-corpus']);
    assert.equal(one.code, 0, one.err);
    assert.match(one.out, /^@article\{lukasiewicz2021r,/);
    const u = run(['export', '--library', lib, '--no-corpus', '--encoding=utf8']);
    assert.match(u.out, /author = \{Łukasiewicz, Jan/);
    assert.doesNotMatch(u.err, /kept as UTF-8/);
    // auto: ASCII until the folder's document loads fontspec.
    assert.match(run(['export', '--library', lib, '--no-corpus']).out, /\{\\L\}ukasiewicz/);
    write('paper.tex', '% !TEX program = lualatex\n\\documentclass{article}\n');
    assert.match(run(['export', '--library', lib, '--no-corpus']).out, /Łukasiewicz, Jan/);
    fs.rmSync(path.join(tmp, 'paper.tex'));
    assert.equal(run(['export', '--encoding', 'latin1', '--no-corpus']).code, 2);
  });

  it('exports BibTeX and RIS for named keys, and fails on an unknown one', () => {
    write('e.bib', BERT_BIB);
    const bib = run(['export', 'devlin-etal-2019-bert', '--library', 'e.bib', '--no-corpus']);
    assert.equal(bib.code, 0, bib.err);
    assert.match(bib.out, /@inproceedings\{devlin-etal-2019-bert,/);
    const ris = run(['export', '--format', 'ris', '--library', 'e.bib', '--no-corpus']);
    assert.equal(ris.code, 0, ris.err);
    assert.match(ris.out, /^TY {2}- /m);
    assert.match(ris.out, /BERT/);
    const bad = run(['export', 'nokey', '--library', 'e.bib', '--no-corpus']);
    assert.equal(bad.code, 1);
    assert.equal(bad.out, '');
    const fmt = run(['export', '--format', 'docx', '--no-corpus']);
    assert.equal(fmt.code, 2);
    assert.match(fmt.err, /unknown format "docx"/);
  });

  it('serves queries on --stdin, one JSON line each', () => {
    write('q.bib', BERT_BIB);
    const r = run(['search', '--stdin', '--json', '--library', 'q.bib', '--no-corpus'], 'bert\ntransfromers\n');
    const lines = r.out.trimEnd().split('\n').map(l => JSON.parse(l) as Paper[]);
    assert.equal(lines.length, 2);
    assert.equal(lines[0]![0]!.id, 'devlin-etal-2019-bert');
    assert.equal(lines[1]![0]?.id, 'devlin-etal-2019-bert', 'a typo still finds it');
  });

  it('caches a big library and reads it from the cache next time, until it changes', () => {
    // ~2.4 MB (big enough to be cached): 3,500 copies of a real entry under distinct keys.
    const big = Array.from({ length: 3500 }, (_, i) => BERT_BIB.replace('devlin-etal-2019-bert', `bert-copy-${i}`)).join('\n');
    write('big.bib', big);
    const stats = (extra: string[] = []) => {
      const r = run(['stats', '--json', '--library', 'big.bib', '--no-corpus', ...extra]);
      assert.equal(r.code, 0, r.err);
      return (JSON.parse(r.out) as { sources: { entries: number; fromCache?: boolean }[] }).sources[0]!;
    };
    const first = stats();
    assert.equal(first.entries, 3500);
    assert.ok(!first.fromCache);
    const second = stats();
    assert.equal(second.entries, 3500);
    assert.equal(second.fromCache, true);
    assert.ok(!stats(['--no-cache']).fromCache);
    const e = run(['export', 'bert-copy-2999', '--library', 'big.bib', '--no-corpus']);
    assert.equal(e.out, `${BERT_BIB.replace('devlin-etal-2019-bert', 'bert-copy-2999').trimEnd()}\n`, 'the original text is exported from a cached library too');
    write('big.bib', big.replace('bert-copy-0,', 'bert-first,'));
    const changed = stats();
    assert.ok(!changed.fromCache);
  });

  it('prints a first search\'s answer before it writes the cache, which the next search answers from', async function () {
    this.timeout(120_000);
    // ~2.4 MB (cached) of copies of a real entry under distinct keys.
    write('first.bib', Array.from({ length: 3500 }, (_, i) => BERT_BIB.replace('devlin-etal-2019-bert', `first-copy-${i}`)).join('\n'));
    const cacheDir = path.join(tmp, 'cache-first');
    const cached = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).filter(f => /\.(json|index)$/.test(f)) : []);
    const search = async () => {
      let out = '';
      let cachedWhenPrinted: string[] | undefined;
      let err = '';
      const code = await runCli(['search', 'bidirectional transformers', '--library', 'first.bib', '--no-corpus', '--json', '--verbose'], {
        stdout: { write: (s: string) => { cachedWhenPrinted ??= cached(); out += s; } },
        stderr: { write: (s: string) => (err += s) },
      }, { corpusPath: CORPUS, cwd: tmp, env: { PAPERCITE_CACHE_DIR: cacheDir } });
      assert.equal(code, 0, err);
      return { hits: (JSON.parse(out) as Paper[]).map(p => p.id), cachedWhenPrinted, err };
    };
    const first = await search();
    assert.deepEqual(first.cachedWhenPrinted, [], 'nothing was cached yet when the answer was printed');
    assert.ok(first.hits.length > 0);
    assert.match(first.err, /first\.bib: 3500 entries parsed[^\n]*\n(.*\n)*papercite: first\.bib: cached/);
    assert.equal(cached().length, 1, 'the records are cached after');
    const second = await search();
    assert.match(second.err, /from the cache/);
    assert.deepEqual(second.hits, first.hits);
  });

  it('answers a second search of a big library from its cached index, and rebuilds a damaged cache with a message', function () {
    this.timeout(120_000);
    // ~3.6 MB, 5,200 entries (big enough for a cache and an index of its own): copies of a real
    // entry under distinct keys, one of them retitled.
    const big = Array.from({ length: 5200 }, (_, i) => {
      const e = BERT_BIB.replace('devlin-etal-2019-bert', `bert-copy-${i}`);
      return i === 4000 ? e.replace(/title = "[^"]*"/, 'title = "A zebrafish atlas of morphology"') : e;
    }).join('\n');
    write('indexed.bib', big);
    const cache = path.join(tmp, 'cache');
    const search = () => {
      const r = run(['search', 'zebrafish atlas', '--library', 'indexed.bib', '--no-corpus', '--verbose', '--limit', '3']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^1\. bert-copy-4000 {2}A zebrafish atlas of morphology\n/);
      return r;
    };
    const cacheFile = (ext: string) => {
      const names = fs.readdirSync(cache).filter(n => n.endsWith(ext));
      const f = names.map(n => path.join(cache, n)).find(f => fs.readFileSync(f).includes('bert-copy-4000') || ext === '.index');
      assert.ok(f, `no ${ext} cache file`);
      return f!;
    };
    const damage = (file: string, at: number) => {
      const b = fs.readFileSync(file);
      b[at] ^= 0x20;
      fs.writeFileSync(file, b);
    };

    const cold = search();
    assert.match(cold.err, /indexed\.bib: 5200 entries parsed; search index built/);
    const warm = search();
    assert.match(warm.err, /indexed\.bib: 5200 entries; search index from the cache, entries read as shown/);
    assert.equal(warm.out, cold.out, 'the same hits from the cache');

    // The index file damaged: said, rebuilt, and used again next time.
    const index = fs.readdirSync(cache).filter(n => n.endsWith('.index')).map(n => path.join(cache, n));
    assert.equal(index.length, 1);
    damage(index[0]!, Math.floor(fs.statSync(index[0]!).size / 2));
    const afterIndex = search();
    assert.match(afterIndex.err, /the cache of indexed\.bib was damaged \(search index: its checksum does not match\); discarded and rebuilt/);
    assert.equal(afterIndex.out, cold.out);
    assert.match(search().err, /search index from the cache, entries read as shown/);

    // A byte of the hit's row damaged: found when the row is read, said, and answered afresh.
    const records = cacheFile('.json');
    damage(records, fs.readFileSync(records).indexOf('zebrafish'));
    const afterRow = search();
    assert.match(afterRow.err, /the cache of indexed\.bib was damaged \(bytes \d+–\d+ fail their checksum\); discarded and rebuilt/);
    assert.equal(afterRow.out, cold.out);
    assert.match(search().err, /search index from the cache, entries read as shown/);

    // Other commands read every entry, with the cached index.
    const s = run(['show', 'bert-copy-4000', '--library', 'indexed.bib', '--no-corpus', '--verbose']);
    assert.equal(s.code, 0, s.err);
    assert.match(s.err, /5200 entries from the cache; search index from the cache/);
    assert.match(s.out, /A zebrafish atlas of morphology/);
  });

  describe('with the bundled corpus', () => {
    before(function () {
      if (!fs.existsSync(CORPUS)) {
        console.log(`    (skipped: ${CORPUS} is not built yet; npm run corpus)`);
        this.skip();
      }
    });
    it('finds "absolute zero"', () => {
      const r = run(['search', 'absolute zero', '--json', '--limit', '3']);
      assert.equal(r.code, 0, r.err);
      assert.match((JSON.parse(r.out) as Paper[])[0]!.title!, /^Absolute Zero/);
    });
    it('shows a paper and prints corpus stats', () => {
      const key = (JSON.parse(run(['search', 'absolute zero', '--json', '--limit', '1']).out) as Paper[])[0]!.id;
      const s = run(['show', key]);
      assert.equal(s.code, 0, s.err);
      assert.match(s.out, /Absolute Zero/);
      const st = run(['stats']);
      assert.equal(st.code, 0, st.err);
      assert.match(st.out, /pages\s+5\n\s+raw entries\s+\d+\n\s+papers\s+\d+\n\s+merges\s+\d+\n\s+authors\s+\d+/);
    });
    it('merges a library entry with the corpus paper it duplicates', () => {
      const first = (JSON.parse(run(['search', 'absolute zero', '--json', '--limit', '1']).out) as Paper[])[0]!;
      write('dup.json', JSON.stringify([{ ...first, id: 'myAbsoluteZero', custom: {} }]));
      const r = run(['stats', '--json', '--library', 'dup.json']);
      const s = JSON.parse(r.out) as { library: { merged: number } };
      assert.equal(s.library.merged, 1);
    });
  });
});
