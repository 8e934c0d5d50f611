// papercite search --online, lookup and add against the replay server (127.0.0.1), and the entries
// `add` writes typeset with bibtex (natbib, plainnat) and biber.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseBibtex } from '../../src/core/bibtex/parse';
import { runCli } from '../../src/cli/run';
import { terminalText } from '../../src/cli/terminal';
import { ENDPOINT_ENV } from '../../src/core/online/env';
import type { HttpGet } from '../../src/core/online/types';
import { startReplayServer, type ReplayServer } from '../support/replayServer';
import { requireTestdata } from '../support/shared';
import { typesetBiblatex, typesetNatbib } from '../support/tex';
import { needTools } from '../support/tools';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const CORPUS = path.join(ROOT, 'corpus/papers.json');

let server: ReplayServer;
let tmp = '';

function envFor(endpoints: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { PAPERCITE_CACHE_DIR: path.join(tmp, 'cache') };
  for (const [name, variable] of Object.entries(ENDPOINT_ENV)) env[variable] = endpoints[name]!;
  return env;
}

async function cli(args: string[], opts: { env?: Record<string, string>; http?: HttpGet } = {}) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } }, {
    corpusPath: CORPUS, cwd: tmp, env: opts.env ?? envFor(server.endpoints), ...(opts.http ? { http: opts.http } : {}),
  });
  return { code, out, err };
}

/** dist/cli.js in a child process (asynchronously: the replay server lives in this process). */
function child(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise(resolve => {
    const c = spawn(process.execPath, [CLI, ...args], { cwd: tmp, env: { ...process.env, ...env } });
    let out = '', err = '';
    c.stdout.on('data', (d: Buffer) => (out += d));
    c.stderr.on('data', (d: Buffer) => (err += d));
    c.on('close', code => resolve({ code, out, err }));
  });
}

describe('cli: online (replay server)', function () {
  this.timeout(60_000);
  before(async function () {
    requireTestdata(this, 'api');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-online-cli-'));
    server = await startReplayServer();
  });
  after(async () => {
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lookup of an arXiv id: title, authors, year, provider, ids, key', async () => {
    const r = await cli(['lookup', 'arXiv:1707.08567']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Proceedings of Workshop AEW10: Concepts in Information Theory and Communications\n/);
    assert.match(r.out, /2017/);
    assert.match(r.out, /arXiv {2}arxiv:1707\.08567/);
    assert.match(r.out, /key: immink2017proceedings/);
    assert.ok(server.requests.some(q => q.startsWith('/arxiv/api/query?') && q.includes('id_list=1707.08567')));
  });

  it('lookup of a DOI: the record as JSON, CSL-JSON, RIS, and the publisher\'s BibTeX re-keyed', async () => {
    const json = await cli(['lookup', '10.1109/icdcsw.2003.1203662', '--json']);
    assert.equal(json.code, 0, json.err);
    const rec = JSON.parse(json.out) as { provider: string; ids: { doi: string }; paper: { id: string; title: string } };
    assert.equal(rec.provider, 'crossref');
    assert.equal(rec.ids.doi, '10.1109/icdcsw.2003.1203662');
    const csl = JSON.parse((await cli(['lookup', '10.1109/icdcsw.2003.1203662', '--format', 'csl-json'])).out) as { title: string }[];
    assert.equal(csl[0]!.title, 'Accurate and explicit differentiation of wireless and congestion losses');
    assert.match((await cli(['lookup', '10.1109/icdcsw.2003.1203662', '--format', 'ris'])).out, /^TY {2}- CONF/m);
    const bib = await cli(['lookup', 'https://doi.org/10.1126/science.169.3946.635', '--format', 'bibtex']);
    assert.equal(bib.code, 0, bib.err);
    // Crossref's sentence-case title, its capitals kept for plainnat.
    assert.match(bib.out, /^@article\{frank1970structure,\n {2}title = \{The \{Structure\} of \{Ordinary\} \{Water\}: New data/);
  });

  it('search --online: local results, then one section per provider (errors in their section)', async () => {
    const r = await cli(['search', 'attention mechanism', '--online', '--limit', '3']);
    assert.equal(r.code, 0, r.err);
    const sections = r.out.split('\n').filter(l => /^(Library|arXiv|DBLP|Crossref|Semantic Scholar|OpenAlex)\b/.test(l));
    assert.deepEqual(sections.map(l => l.split(/[ :(]/)[0]), ['Library', 'arXiv', 'DBLP', 'Crossref', 'Semantic', 'OpenAlex']);
    assert.match(r.out, /\nOpenAlex \(3\)\n1\. A review on the attention mechanism of deep learning\n/);
    assert.match(r.out, /\nDBLP \(2\)\n/); // two of DBLP's three records are one work (same title, authors, year)
    assert.match(r.out, /\narXiv: HTTP 404/); // the replay server has no arXiv answer for this query
    const only = await cli(['search', 'attention mechanism', '--online', '--provider', 'openalex', '--json']);
    const data = JSON.parse(only.out) as { local: unknown[]; online: Record<string, { records?: unknown[] }> };
    assert.deepEqual(Object.keys(data.online), ['openalex']);
    assert.equal(data.online.openalex!.records!.length, 3);
  });

  it('add writes the entry once; the second add says it is present', async () => {
    const bibFile = path.join(tmp, 'refs.bib');
    fs.writeFileSync(bibFile, '% my references\r\n@misc{mine, title = {Mine}, year = {2020}}\r\n');
    const first = await cli(['add', 'https://doi.org/10.1126/science.169.3946.635', '--bib', 'refs.bib']);
    assert.equal(first.code, 0, first.err);
    assert.equal(first.out, 'frank1970structure\n');
    assert.match(first.err, /^Added frank1970structure \(Crossref\) to refs\.bib\n$/);
    const text = fs.readFileSync(bibFile, 'utf8');
    assert.ok(text.startsWith('% my references\r\n@misc{mine, title = {Mine}, year = {2020}}\r\n'));
    assert.ok(!/[^\r]\n/.test(text), 'the file keeps its CRLF line endings');
    const second = await cli(['add', '10.1126/science.169.3946.635', '--bib', 'refs.bib']);
    assert.equal(second.code, 0);
    assert.match(second.err, /already holds this paper as frank1970structure \(same DOI/);
    assert.equal(fs.readFileSync(bibFile, 'utf8'), text);
    assert.deepEqual(parseBibtex(text).entries.map(e => e.key), ['mine', 'frank1970structure']);
  });

  it('add keeps keys unique in the file and refuses a damaged or non-UTF-8 file untouched', async () => {
    const f = path.join(tmp, 'taken.bib');
    fs.writeFileSync(f, '@misc{immink2017proceedings, title = {Another paper entirely}, author = {Someone Else}, year = {1999}}\n');
    const r = await cli(['add', '1707.08567', '--bib', 'taken.bib']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'immink2017proceedingsa\n');
    const damaged = path.join(tmp, 'damaged.bib');
    fs.writeFileSync(damaged, '@article{open,\n  title = {Never closed\n');
    const d = await cli(['add', '1707.08567', '--bib', 'damaged.bib']);
    assert.equal(d.code, 1);
    assert.match(d.err, /^papercite: damaged\.bib:1: the entry starting here is not closed/);
    assert.equal(fs.readFileSync(damaged, 'utf8'), '@article{open,\n  title = {Never closed\n');
    const latin1 = path.join(tmp, 'latin1.bib');
    fs.writeFileSync(latin1, Buffer.from('@misc{x, author = {M\xfcller}}\n', 'latin1'));
    const l = await cli(['add', '1707.08567', '--bib', 'latin1.bib']);
    assert.equal(l.code, 1);
    assert.match(l.err, /latin1\.bib is not UTF-8 text/);
  });

  it('bad usage: not an identifier, unknown provider, add without --bib', async () => {
    assert.equal((await cli(['lookup', 'attention is all you need'])).code, 2);
    assert.match((await cli(['search', 'x', '--online', '--provider', 'scholar'])).err, /unknown provider "scholar"/);
    assert.match((await cli(['add', '1707.08567'])).err, /add needs --bib FILE/);
    const nf = await cli(['lookup', '10.1126/foo']);
    assert.equal(nf.code, 1);
    assert.equal(nf.err, 'papercite: no provider knows 10.1126/foo\n');
  });

  it('text from a provider cannot drive the terminal', async () => {
    const evil: HttpGet = async () => ({ status: 200, headers: {}, body: '<feed><entry><id>http://arxiv.org/abs/2401.00001v1</id><title>Evil \u001b]0;owned\u0007 \u001b[31mred\u001b[0m \u009b2J title</title><published>2024-01-01T00:00:00Z</published><author><name>A \u202eB</name></author></entry></feed>' });
    const r = await cli(['lookup', '2401.00001'], { http: evil });
    assert.equal(r.code, 0, r.err);
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/.test(r.out), JSON.stringify(r.out));
    assert.match(r.out, /^Evil \\x1b\]0;owned\\x07 \\x1b\[31mred\\x1b\[0m \\x9b2J title\n/);
    const j = await cli(['lookup', '2401.00001', '--json'], { http: evil });
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/.test(j.out));
    assert.equal(terminalText('a\u001b[2Jb\nc'), 'a\\x1b[2Jb\nc');
  });

  it('provider down: one clear message and exit code 3 (a real process)', async function () {
    if (!fs.existsSync(CLI)) spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT });
    const closed = await startReplayServer();
    await closed.close();
    const env = { ...envFor(closed.endpoints), PAPERCITE_CACHE_DIR: path.join(tmp, 'cache-down') };
    const look = await child(['lookup', 'arXiv:1707.08567'], env);
    assert.equal(look.code, 3);
    assert.equal(look.out, '');
    assert.match(look.err, /^papercite: arXiv is unreachable \(ECONNREFUSED\); check the connection or the endpoint setting\n$/);
    const search = await child(['search', 'attention', '--online', '--no-corpus'], env);
    assert.equal(search.code, 3);
    assert.equal(search.err, 'papercite: no online provider answered (offline or unreachable)\n');
    assert.equal(search.out.match(/is unreachable/g)?.length, 5);
  });
});

describe('cli: entries written by add typeset', function () {
  this.timeout(180_000);
  let dir = '';
  const keys: string[] = [];
  before(async function () {
    requireTestdata(this, 'api');
    needTools(this, ['pdflatex', 'bibtex', 'pdftotext']);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-online-latex-'));
    tmp = dir;
    server = await startReplayServer();
    // Preprints (new and old style), a journal article and a conference paper by DOI, a DBLP book.
    for (const id of ['1707.08567', 'quant-ph/0201082v1', 'https://doi.org/10.1126/science.169.3946.635', '10.1109/32.588534', '10.1109/icdcsw.2003.1203662', 'https://dblp.org/rec/series/sci/2023-1062']) {
      const r = await cli(['add', id, '--bib', 'refs.bib']);
      assert.equal(r.code, 0, `${id}: ${r.err}`);
      keys.push(r.out.trim());
    }
    await server.close();
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('wrote six entries', () => {
    assert.deepEqual(parseBibtex(fs.readFileSync(path.join(dir, 'refs.bib'), 'utf8')).entries.map(e => e.key), keys);
    assert.equal(new Set(keys).size, 6);
  });

  it('pdflatex + bibtex (natbib, plainnat): no error, no warning', () => typesetNatbib(dir, keys));

  it('pdflatex + biber (biblatex): no error, no warning', function () {
    needTools(this, ['biber']);
    typesetBiblatex(dir, keys);
  });
});
