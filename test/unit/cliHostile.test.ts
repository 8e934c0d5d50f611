// Issue 16 through the command line (in process): no input file makes it exit with an internal
// error, library text cannot drive the terminal, big values stay linear, a damaged cache repairs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { runCli } from '../../src/cli/run';
import { cacheFileFor } from '../../src/core/sources/cache';
import { allCases, benignOf, deepCslJson, rng } from './hostile.gen';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = path.join(ROOT, 'corpus/papers.json');
let tmp: string;

async function cli(args: string[], cacheDir = path.join(tmp, 'cache')) {
  let out = '', err = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
    { corpusPath: CORPUS, cwd: tmp, cacheTag: 't', env: { PAPERCITE_CACHE_DIR: cacheDir } });
  return { code, out, err };
}

function noInternalError(r: { code: number; err: string }, what: string): void {
  assert.notEqual(r.code, 70, `${what}: internal error\n${r.err.slice(0, 2000)}`);
  assert.ok(!/internal error/.test(r.err), `${what}: ${r.err.slice(0, 2000)}`);
}

/** Nothing a terminal would act on: C0 but line feed, DEL, C1, bidi overrides. */
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-clihostile-')); });
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('cli: hostile input files', function () {
  this.timeout(300_000);

  it('never exits with an internal error on any generated hostile file (search, show, stats, export)', async () => {
    for (let seed = 1; seed <= 3; seed++) {
      const files: [string, string, string | undefined][] = allCases(seed).map((c, i) => [`h${seed}-${i}.bib`, c.text, c.good[0]]);
      const deep = deepCslJson(rng(seed), 3000);
      files.push([`deep${seed}.json`, deep.text, deep.good[0]]);
      for (const [name, text, key] of files) {
        fs.writeFileSync(path.join(tmp, name), text);
        for (const args of [['search', 'the', '--library', name, '--no-corpus'], ['show', key ?? 'x', '--library', name, '--no-corpus'],
          ['stats', '--library', name, '--no-corpus'], ['export', '--library', name, '--no-corpus']]) {
          const r = await cli(args);
          noInternalError(r, `${name}: ${args.join(' ')}`);
          assert.ok(!TERMINAL_CONTROL.test(r.err), `${name}: control characters in messages`);
          if (args[0] !== 'export') assert.ok(!TERMINAL_CONTROL.test(r.out), `${name}: control characters on the terminal`);
        }
      }
    }
  });

  it('property: random damage to generated files (bytes flipped, cut, spliced) never makes an internal error', async () => {
    const cases = allCases(11).filter(c => c.text.length < 400_000);
    await fc.assert(fc.asyncProperty(fc.nat(cases.length - 1), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 0x10ffff })), { minLength: 1, maxLength: 8 }), fc.boolean(),
      async (which, edits, cut) => {
        let text = cases[which]!.text;
        for (const [at, cp] of edits) {
          const i = Math.floor(at * text.length);
          const ch = cp >= 0xd800 && cp <= 0xdfff ? '\u0000' : String.fromCodePoint(cp);
          text = text.slice(0, i) + ch + text.slice(i + 1);
        }
        if (cut) text = text.slice(0, Math.floor(edits[0]![0] * text.length));
        fs.writeFileSync(path.join(tmp, 'fuzz.bib'), text);
        noInternalError(await cli(['stats', '--library', 'fuzz.bib', '--no-corpus']), 'fuzz.bib');
      }), { numRuns: 60, seed: 16 });
  });
});

describe('cli: the terminal', function () {
  this.timeout(120_000);
  const evil = [{
    id: 'k\u001b[2J\u001b]0;title\u0007', type: 'article',
    title: 'Title \u001b]8;;https://evil.invalid\u0007click\u001b]8;;\u0007 over\rwritten\bX \u009b31m red \u202eevil',
    author: [{ family: 'Doe\u001b[31m', given: 'J' }], abstract: 'An \u001b[1mabstract\u001b[0m.', issued: { 'date-parts': [[2020]] },
  }, { id: 'other', type: 'article', title: 'Other\u0007' }];

  it('search, show and stats show control characters as visible escapes; JSON keeps the text exactly', async () => {
    fs.writeFileSync(path.join(tmp, 'evil.json'), JSON.stringify(evil));
    for (const args of [['search', 'title'], ['show', evil[0]!.id], ['stats']]) {
      const r = await cli([...args, '--library', 'evil.json', '--no-corpus']);
      assert.equal(r.code, 0, r.err);
      assert.ok(!TERMINAL_CONTROL.test(r.out + r.err), `${args[0]}: ${JSON.stringify(r.out)}`);
    }
    const shown = await cli(['show', evil[0]!.id, '--library', 'evil.json', '--no-corpus']);
    assert.match(shown.out, /Title \\x1b\]8;;https:\/\/evil\.invalid\\x07click/);
    const json = await cli(['search', 'title', '--library', 'evil.json', '--no-corpus', '--json']);
    assert.equal((JSON.parse(json.out) as { title: string }[])[0]!.title, evil[0]!.title);
    // A key in an error message is sanitized too.
    const unknown = await cli(['show', 'x\u001b[2J', '--library', 'evil.json', '--no-corpus']);
    assert.equal(unknown.code, 1);
    assert.ok(!TERMINAL_CONTROL.test(unknown.err));
  });

  it('show with a 20 MB abstract: no internal error, time linear in its size', async () => {
    const write = (mb: number) => {
      const abs = 'lorem ipsum dolor sit amet '.repeat(Math.ceil((mb * 1e6) / 27));
      fs.writeFileSync(path.join(tmp, `big${mb}.json`), JSON.stringify([{ id: 'big', type: 'article', title: 'Big', abstract: abs }]));
    };
    write(5); write(20);
    // CPU time (this process runs the CLI), the least of two runs: other processes only stretch the wall clock.
    const time = async (mb: number) => {
      const c0 = process.cpuUsage();
      const r = await cli(['show', 'big', '--library', `big${mb}.json`, '--no-corpus']);
      const c = process.cpuUsage(c0);
      noInternalError(r, `show big${mb}`);
      assert.equal(r.code, 0);
      assert.ok(r.out.length > mb * 1e6);
      return (c.user + c.system) / 1000;
    };
    await time(5);
    const t5 = Math.min(await time(5), await time(5)), t20 = Math.min(await time(20), await time(20));
    assert.ok(t20 <= 4 * 2.5 * t5, `20 MB took ${t20.toFixed(0)} ms of CPU, 5 MB ${t5.toFixed(0)} ms`);
  });
});

describe('cli: a megabyte-long title', function () {
  it('search shows one line of at most 1,000 characters, cut with …; show prints it whole', async () => {
    const title = 'Sorting words '.repeat(150_000);
    fs.writeFileSync(path.join(tmp, 'longtitle.json'), JSON.stringify([{ id: 'long', type: 'article', title, author: [{ family: 'Doe', given: 'J' }] }]));
    const r = await cli(['search', 'sorting words', '--library', 'longtitle.json', '--no-corpus']);
    noInternalError(r, 'search');
    const [first] = r.out.split('\n');
    assert.match(first!, /^1\. long {2}Sorting words .*…$/);
    assert.ok(first!.length <= 1000 + 12, `${first!.length} characters`);
    const show = await cli(['show', 'long', '--library', 'longtitle.json', '--no-corpus']);
    assert.ok(show.out.replace(/\s+/g, ' ').includes(title.trim()), 'show prints the whole title');
  });
});

describe('cli: a damaged cache', function () {
  this.timeout(300_000);

  it('is discarded and rebuilt once with one line; --no-cache parses afresh and repairs it', async () => {
    const bib = path.join(tmp, 'big.bib');
    fs.writeFileSync(bib, benignOf(rng(4), 2.2e6));
    const args = ['search', 'semantics', '--library', 'big.bib', '--no-corpus', '--json'];
    const hits = (r: { out: string }) => (JSON.parse(r.out) as { id: string; title: string }[]).map(p => `${p.id}: ${p.title}`);
    const first = await cli(args);
    assert.equal(first.code, 0, first.err);
    assert.ok(hits(first).length > 0);
    const file = cacheFileFor(path.join(tmp, 'cache'), bib);
    const good = fs.readFileSync(file);
    const damage = () => {
      const bad = Buffer.from(good);
      bad[Math.floor(bad.length / 2)]! ^= 0x20;
      fs.writeFileSync(file, bad);
    };
    damage();
    const second = await cli(args);
    assert.deepEqual(hits(second), hits(first), 'the same papers, not wrong ones');
    assert.equal(second.err.match(/was damaged/g)?.length, 1, second.err);
    assert.match(second.err, /papercite: the cache of big\.bib was damaged \(its checksum does not match/);
    const third = await cli(args);
    assert.deepEqual(hits(third), hits(first));
    assert.doesNotMatch(third.err, /damaged/, 'rebuilt once: the next run reads a good cache');
    damage();
    const fresh = await cli([...args, '--no-cache']);
    assert.deepEqual(hits(fresh), hits(first));
    assert.doesNotMatch(fresh.err, /damaged/);
    const after = await cli(args);
    assert.deepEqual(hits(after), hits(first));
    assert.doesNotMatch(after.err, /damaged/, '--no-cache rewrote the cache');
  });

  it('that cannot be written: each run answers from the file and says why it is not cached and what to do', async () => {
    const bib = path.join(tmp, 'big-uncached.bib');
    fs.writeFileSync(bib, benignOf(rng(6), 2.2e6));
    const args = ['search', 'semantics', '--library', 'big-uncached.bib', '--no-corpus', '--json'];
    const hits = (r: { out: string }) => (JSON.parse(r.out) as { id: string }[]).map(p => p.id);
    const expected = hits(await cli([...args, '--no-cache'], path.join(tmp, 'cache-ok')));
    assert.ok(expected.length > 0);
    // A folder under a file (no user can write it), then a folder where the cache file should be.
    const notDir = path.join(tmp, 'a-file');
    fs.writeFileSync(notDir, 'x');
    const blocked = path.join(tmp, 'cache-blocked');
    fs.mkdirSync(path.join(cacheFileFor(blocked, bib), 'in-the-way'), { recursive: true });
    for (const dir of [path.join(notDir, 'cache'), blocked]) {
      for (let run = 0; run < 2; run++) {
        const r = await cli(args, dir);
        assert.equal(r.code, 0, r.err);
        assert.deepEqual(hits(r), expected);
        assert.equal(r.err.match(/could not cache/g)?.length, 1, r.err);
        assert.match(r.err, /^papercite: could not cache big-uncached\.bib in .* \(.+\); each run reads it afresh until it can: set PAPERCITE_CACHE_DIR to a folder you can write\n$/);
        assert.doesNotMatch(r.err, /damaged/);
      }
    }
  });
});
