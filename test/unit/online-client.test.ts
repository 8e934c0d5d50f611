// The online client: courtesy per provider, back-off, failures reported per provider, abort, the
// answer cache, authoritative BibTeX. HTTP is a fake (or the replay server on 127.0.0.1).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseBibtex } from '../../src/core/bibtex/parse';
import { rekeyBibtex } from '../../src/core/online/bib';
import { NotAnIdentifier, OnlineClient } from '../../src/core/online/client';
import { endpointsFromEnv } from '../../src/core/online/env';
import { HttpError, nodeHttpGet } from '../../src/core/online/http';
import { OnlineFailure, type HttpGet, type HttpResponse, type OnlineRecord, type ProviderResult } from '../../src/core/online/types';
import { startReplayServer, type ReplayServer } from '../support/replayServer';
import { requireTestdata } from '../support/shared';

const ATOM_EMPTY = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>';
const S2_EMPTY = '{"total": 0, "offset": 0}';
const ok = (body: string, headers: Record<string, string> = {}): HttpResponse => ({ status: 200, headers, body });

/** A fake clock whose sleep advances time and records each pause. */
function clock() {
  let t = 1_000_000;
  const pauses: number[] = [];
  return {
    now: () => t,
    advance: (ms: number) => { t += ms; },
    pauses,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) { const e = new Error('cancelled'); e.name = 'AbortError'; throw e; }
      pauses.push(ms); t += ms;
    },
  };
}

/** A fake HTTP: answers by URL substring, logs each call with the time it was made. */
function fakeHttp(answer: (url: string, headers: Record<string, string>) => HttpResponse | Promise<HttpResponse>, now: () => number) {
  const calls: { url: string; at: number; headers: Record<string, string> }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const get: HttpGet = async (url, init) => {
    calls.push({ url, at: now(), headers: init.headers ?? {} });
    inFlight++; maxInFlight = Math.max(maxInFlight, inFlight);
    try { return await answer(url, init.headers ?? {}); } finally { inFlight--; }
  };
  return { get, calls, maxInFlight: () => maxInFlight };
}

async function collect(c: OnlineClient, q: string, opts: { providers?: ('arxiv' | 'dblp' | 'crossref' | 'semanticscholar' | 'openalex')[]; signal?: AbortSignal } = {}): Promise<ProviderResult[]> {
  const out: ProviderResult[] = [];
  await c.search(q, { ...opts, onResult: r => out.push(r) });
  return out;
}

describe('online client: courtesy', () => {
  it('arXiv: one request at a time, at least 3 s apart', async () => {
    const k = clock();
    const h = fakeHttp(() => ok(ATOM_EMPTY), k.now);
    const c = new OnlineClient(h.get, { providers: ['arxiv'] }, { now: k.now, sleep: k.sleep });
    await Promise.all([collect(c, 'a'), collect(c, 'b'), collect(c, 'c')]);
    assert.equal(h.calls.length, 3);
    assert.equal(h.maxInFlight(), 1);
    for (let i = 1; i < h.calls.length; i++) assert.ok(h.calls[i]!.at - h.calls[i - 1]!.at >= 3000, `gap ${h.calls[i]!.at - h.calls[i - 1]!.at}`);
  });

  it('DBLP: spaced 1 s; a 429 with Retry-After is waited for and retried', async () => {
    const k = clock();
    let n = 0;
    const h = fakeHttp(() => (n++ === 0 ? { status: 429, headers: { 'retry-after': '2' }, body: '' } : ok('<result><status code="200">OK</status><hits total="0"/></result>')), k.now);
    const c = new OnlineClient(h.get, { providers: ['dblp'] }, { now: k.now, sleep: k.sleep });
    const [r] = await collect(c, 'lamport');
    assert.deepEqual(r, { provider: 'dblp', records: [] });
    assert.equal(h.calls.length, 2);
    assert.ok(h.calls[1]!.at - h.calls[0]!.at >= 2000);
    assert.equal(c.providerStates().dblp.state, 'ok');
  });

  it('a long Retry-After is not waited for: the provider rests, reported rate-limited, and no request is sent meanwhile', async () => {
    const k = clock();
    const h = fakeHttp(() => ({ status: 429, headers: { 'retry-after': '120' }, body: '' }), k.now);
    const c = new OnlineClient(h.get, { providers: ['dblp'] }, { now: k.now, sleep: k.sleep });
    const [r] = await collect(c, 'x');
    assert.ok('error' in r!);
    assert.equal(r.error.kind, 'rate-limited');
    assert.equal(r.error.retryAfterMs, 120_000);
    assert.equal(c.providerStates().dblp.state, 'rate-limited');
    const [again] = await collect(c, 'y');
    assert.ok('error' in again! && again.error.kind === 'rate-limited');
    assert.equal(h.calls.length, 1);
    k.advance(121_000);
    await collect(c, 'z');
    assert.equal(h.calls.length, 2);
  });

  it('5xx: retried with growing pauses, then reported with the status', async () => {
    const k = clock();
    const h = fakeHttp(() => ({ status: 503, headers: {}, body: 'Service Unavailable' }), k.now);
    const c = new OnlineClient(h.get, { providers: ['crossref'] }, { now: k.now, sleep: k.sleep });
    const [r] = await collect(c, 'x');
    assert.equal(h.calls.length, 3);
    assert.deepEqual(k.pauses, [1000, 2000]);
    assert.ok('error' in r! && r.error.kind === 'http' && r.error.status === 503);
    assert.equal(c.providerStates().crossref.state, 'error');
  });

  it('sends the contact e-mail (Crossref, OpenAlex), x-api-key (Semantic Scholar), api_key (OpenAlex); only the query otherwise', async () => {
    const k = clock();
    const h = fakeHttp(url => ok(url.includes('arxiv') ? ATOM_EMPTY : url.includes('dblp') ? '<result/>' : url.includes('semanticscholar') ? S2_EMPTY : url.includes('openalex') ? '{"results": []}' : '{"status":"ok","message-type":"work-list","message":{"items":[]}}'), k.now);
    const c = new OnlineClient(h.get, { mailto: 'me@example.org', semanticScholarKey: 'S2KEY', openAlexKey: 'OAKEY' }, { now: k.now, sleep: k.sleep });
    await collect(c, 'graph neural networks');
    const by = (host: string) => h.calls.find(x => x.url.includes(host))!;
    assert.equal(new URL(by('crossref').url).searchParams.get('mailto'), 'me@example.org');
    assert.equal(by('semanticscholar').headers['x-api-key'], 'S2KEY');
    assert.equal(new URL(by('openalex').url).searchParams.get('api_key'), 'OAKEY');
    assert.equal(by('arxiv').headers['x-api-key'], undefined);
    for (const call of h.calls) {
      const u = new URL(call.url);
      const values = [...u.searchParams.values()].filter(v => /graph|neural/.test(v));
      assert.equal(values.length, 1, `${call.url} carries the query once`);
      assert.ok(!call.url.includes('S2KEY') && !(call.url.includes('OAKEY') && !u.hostname.includes('openalex')));
    }
  });
});

describe('online client: failures and abort', () => {
  it('one provider offline: reported for that provider, the others answer, search never throws', async () => {
    const k = clock();
    const h = fakeHttp(url => { if (url.includes('arxiv')) throw new HttpError('offline', 'unreachable (ECONNREFUSED)'); return ok(S2_EMPTY); }, k.now);
    const c = new OnlineClient(h.get, { providers: ['arxiv', 'semanticscholar'] }, { now: k.now, sleep: k.sleep });
    const results = await collect(c, 'x');
    const ax = results.find(r => r.provider === 'arxiv')!;
    assert.ok('error' in ax && ax.error.kind === 'offline' && /ECONNREFUSED/.test(ax.error.message));
    assert.deepEqual(results.find(r => r.provider === 'semanticscholar'), { provider: 'semanticscholar', records: [] });
    const st = c.providerStates();
    assert.equal(st.arxiv.state, 'offline');
    assert.equal(st.semanticscholar.state, 'ok');
    assert.equal(st.dblp.state, 'unused');
  });

  it('an aborted search reports nothing and resolves; an aborted lookup rejects with AbortError', async () => {
    const k = clock();
    const ctl = new AbortController();
    const h = fakeHttp(async () => { ctl.abort(); return ok(S2_EMPTY); }, k.now);
    const c = new OnlineClient(h.get, { providers: ['semanticscholar'] }, { now: k.now, sleep: k.sleep });
    assert.deepEqual(await collect(c, 'x', { signal: ctl.signal }), []);
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(c.lookup('10.1145/2736348', pre.signal), (e: Error) => e.name === 'AbortError');
  });

  it('lookup: not an identifier, not found, and every provider failing are told apart', async () => {
    const k = clock();
    const h = fakeHttp(url => (url.includes('arxiv') ? ok(ATOM_EMPTY) : { status: 404, headers: {}, body: '{"error":"Paper with id ARXIV:0808.05394 not found"}' }), k.now);
    const c = new OnlineClient(h.get, {}, { now: k.now, sleep: k.sleep });
    await assert.rejects(c.lookup('attention is all you need'), NotAnIdentifier);
    assert.equal(await c.lookup('0808.05394'), undefined);
    const down = new OnlineClient(async () => { throw new HttpError('offline', 'unreachable (ENOTFOUND)'); }, {}, { now: k.now, sleep: k.sleep });
    await assert.rejects(down.lookup('10.1145/2736348'), (e: unknown) => e instanceof OnlineFailure && e.online.provider === 'crossref' && e.online.kind === 'offline');
  });

  it('a time-out is reported as such (a local server that never answers)', async () => {
    const server = http.createServer(() => { /* never answers */ });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const c = new OnlineClient(nodeHttpGet(), { endpoints: { semanticscholar: url }, providers: ['semanticscholar'], timeoutMs: 200 });
      const [r] = await collect(c, 'x');
      assert.ok('error' in r! && r.error.kind === 'timeout', JSON.stringify(r));
    } finally {
      server.closeAllConnections();
      await new Promise<void>(r => server.close(() => r()));
    }
  });
});

describe('online client: answer cache', () => {
  let tmp = '';
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-online-cache-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('lookups are kept 30 days on disk (a new client reads them offline), searches one day', async () => {
    const k = clock();
    const feed = '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/1706.03762v7</id><title>Attention Is All You Need</title><published>2017-06-12T17:57:34Z</published><author><name>Ashish Vaswani</name></author></entry></feed>';
    const h = fakeHttp(url => ok(url.includes('id_list') ? feed : ATOM_EMPTY), k.now);
    const opts = { now: k.now, sleep: k.sleep };
    const c = new OnlineClient(h.get, { cacheDir: tmp, providers: ['arxiv'] }, opts);
    assert.equal((await c.lookup('1706.03762'))?.paper.id, 'vaswani2017attention');
    await collect(c, 'attention');
    assert.equal(h.calls.length, 2);
    const offline = new OnlineClient(async () => { throw new HttpError('offline', 'unreachable (ENOTFOUND)'); }, { cacheDir: tmp, providers: ['arxiv'] }, opts);
    k.advance(29 * 86_400_000);
    assert.equal((await offline.lookup('https://arxiv.org/abs/1706.03762'))?.paper.title, 'Attention Is All You Need');
    const [s] = await collect(offline, 'attention');
    assert.ok('error' in s!, 'a 29-day-old search is not used');
    k.advance(2 * 86_400_000);
    await assert.rejects(offline.lookup('1706.03762'), OnlineFailure);
  });

  it('API keys and the contact e-mail are never written to the cache', async () => {
    const k = clock();
    const h = fakeHttp(() => ok('{"results": []}'), k.now);
    const c = new OnlineClient(h.get, { cacheDir: tmp, providers: ['openalex'], openAlexKey: 'SECRET-KEY', mailto: 'me@example.org' }, { now: k.now, sleep: k.sleep });
    await collect(c, 'x');
    assert.match(h.calls[0]!.url, /api_key=SECRET-KEY/);
    const files = fs.readdirSync(tmp);
    assert.equal(files.length, 1);
    const text = fs.readFileSync(path.join(tmp, files[0]!), 'utf8');
    assert.ok(!text.includes('SECRET-KEY') && !text.includes('example.org'), text);
  });

  it('a damaged cache file is discarded and the answer fetched again', async () => {
    const k = clock();
    const h = fakeHttp(() => ok(S2_EMPTY), k.now);
    const c1 = new OnlineClient(h.get, { cacheDir: tmp, providers: ['semanticscholar'] }, { now: k.now, sleep: k.sleep });
    await collect(c1, 'x');
    const [file] = fs.readdirSync(tmp);
    const text = fs.readFileSync(path.join(tmp, file!), 'utf8');
    fs.writeFileSync(path.join(tmp, file!), text.replace('offset', 'offzet'));
    const c2 = new OnlineClient(h.get, { cacheDir: tmp, providers: ['semanticscholar'] }, { now: k.now, sleep: k.sleep });
    const [r] = await collect(c2, 'x');
    assert.deepEqual(r, { provider: 'semanticscholar', records: [] });
    assert.equal(h.calls.length, 2);
    const c3 = new OnlineClient(h.get, { cacheDir: tmp, providers: ['semanticscholar'] }, { now: k.now, sleep: k.sleep });
    const [cached] = await collect(c3, 'x');
    assert.deepEqual(cached, { provider: 'semanticscholar', records: [], cached: true });
    assert.equal(h.calls.length, 2);
  });
});

describe('online client: authoritative BibTeX', () => {
  const published: OnlineRecord = {
    provider: 'dblp', ids: { dblp: 'conf/nips/VaswaniSPUJGKP17', doi: '10.5555/3295222.3295349' }, url: 'https://dblp.org/rec/conf/nips/VaswaniSPUJGKP17',
    paper: { id: 'vaswani2017attention', type: 'paper-conference', title: 'Attention is All you Need', author: [{ family: 'Vaswani', given: 'Ashish' }], issued: { 'date-parts': [[2017]] }, 'container-title': 'NeurIPS', custom: {} },
  };

  it('a hostile answer cannot add entries, macros or preambles, nor break out of a value', async () => {
    const k = clock();
    const evil = '@inproceedings{DBLP:conf/nips/VaswaniSPUJGKP17,\n  title = {Attention is All you Need},\n  author = {Ashish Vaswani},\n  booktitle = {NeurIPS},\n  year = {2017},\n  note = {\\}}\n@misc{pwned, title={x}}},\n}\n@preamble{"\\immediate\\write18{rm -rf ~}"}\n@string{nips = "x"}\n@misc{second, title = {Injected}}\n';
    const h = fakeHttp(() => ok(evil), k.now);
    const c = new OnlineClient(h.get, {}, { now: k.now, sleep: k.sleep });
    const bib = await c.bibtex(published, 'vaswani2017attention');
    assert.equal(h.calls[0]!.url, 'https://dblp.org/rec/conf/nips/VaswaniSPUJGKP17.bib');
    const parsed = parseBibtex(bib);
    assert.deepEqual(parsed.entries.map(e => e.key), ['vaswani2017attention']);
    assert.deepEqual(parsed.preambles, []);
    assert.ok(!/@preamble|@string|pwned|second/i.test(bib), bib);
    assert.throws(() => rekeyBibtex(evil, 'bad}key'), /not a safe BibTeX key/);
  });

  it('rewrites an answer: months as macros, page ranges with --, ASCII only, bookkeeping fields dropped, the title\'s capitals protected', () => {
    const bib = rekeyBibtex(' @article{Kaufmann_1997, title={An industrial strength theorem prover for a logic based on Common Lisp}, author={Kaufmann, M. and Moore, J.S. and Müller, Zoë}, year={1997}, month={Apr}, pages={203–213}, timestamp={Mon, 20 Apr 2015}}', 'kaufmann1997industrial')!;
    assert.equal(bib, '@article{kaufmann1997industrial,\n  title = {An industrial strength theorem prover for a logic based on {Common} {Lisp}},\n  author = {Kaufmann, M. and Moore, J.S. and M{\\"u}ller, Zo{\\"e}},\n  year = {1997},\n  month = apr,\n  pages = {203--213},\n}\n');
    assert.equal(rekeyBibtex('<html>bot check</html>', 'k'), undefined);
    // TeX outside math read and written again; an entity escaped once more (Crossref) as its character.
    assert.match(rekeyBibtex('@article{x, title={{BERT:} Pre-training of Deep Transformers for $\\alpha$-{S}chr{\\"o}dinger {\\&}amp; Co}, year={2019}}', 'k')!,
      /title = \{\{BERT\}: Pre-training of Deep Transformers for \{\$\\alpha\$\}-Schr\{\\"o\}dinger \\& Co\},/);
  });

  it('a preprint is written in arXiv\'s form without asking anyone', async () => {
    const k = clock();
    const h = fakeHttp(() => ok(''), k.now);
    const c = new OnlineClient(h.get, {}, { now: k.now, sleep: k.sleep });
    const pre: OnlineRecord = { provider: 'arxiv', ids: { arxiv: '2304.05376' }, paper: { id: 'bran2023chemcrow', type: 'article', title: 'ChemCrow: Augmenting large-language models with chemistry tools', author: [{ family: 'Bran', given: 'Andres M.' }], issued: { 'date-parts': [[2023, 4, 11]] }, custom: { arxiv: '2304.05376', category: 'physics.chem-ph' } } };
    const bib = await c.bibtex(pre, 'bran2023chemcrow');
    assert.equal(h.calls.length, 0);
    assert.match(bib, /^@misc\{bran2023chemcrow,/);
    assert.match(bib, /eprint = \{2304\.05376\}/);
    assert.match(bib, /archivePrefix = \{arXiv\}/);
    assert.match(bib, /primaryClass = \{physics\.chem-ph\}/);
  });

  it('no service answers: PaperCite writes the entry from the record', async () => {
    const k = clock();
    const h = fakeHttp(() => ({ status: 404, headers: {}, body: 'Resource not found.' }), k.now);
    const c = new OnlineClient(h.get, {}, { now: k.now, sleep: k.sleep });
    const bib = await c.bibtex(published, 'vaswani2017attention');
    assert.equal(h.calls.length, 3); // DBLP .bib, DOI content negotiation, Crossref transform
    assert.match(bib, /^@inproceedings\{vaswani2017attention,/);
  });
});

describe('online client: published versions and title matches', () => {
  const s2 = (venue: string, ext: Record<string, unknown>, title = 'Attention is All you Need', year = 2017) => JSON.stringify({
    paperId: '204e3073870fae3d05bcbc2f6a8e263d9b72e776', externalIds: ext, title, venue, year, authors: [{ authorId: '1', name: 'Ashish Vaswani' }],
  });

  it('a preprint with a venue and a DBLP record outside CoRR has a published version', async () => {
    const k = clock();
    const h = fakeHttp(() => ok(s2('Neural Information Processing Systems', { ArXiv: '1706.03762', DBLP: 'conf/nips/VaswaniSPUJGKP17' })), k.now);
    const c = new OnlineClient(h.get, {}, { now: k.now, sleep: k.sleep });
    const pub = (await c.publishedVersion('1706.03762'))!;
    assert.match(h.calls[0]!.url, /\/graph\/v1\/paper\/ARXIV:1706\.03762\?/);
    assert.equal(pub.paper['container-title'], 'Neural Information Processing Systems');
    assert.equal(pub.ids.dblp, 'conf/nips/VaswaniSPUJGKP17');
  });

  it('still a preprint: the venue is arXiv, or only CoRR knows it', async () => {
    const k = clock();
    for (const body of [s2('arXiv.org', { ArXiv: '2312.07559', DBLP: 'journals/corr/abs-2312-07559' }), s2('', { ArXiv: '2312.07559' })]) {
      const c = new OnlineClient(fakeHttp(() => ok(body), k.now).get, {}, { now: k.now, sleep: k.sleep });
      assert.equal(await c.publishedVersion('2312.07559'), undefined);
    }
  });

  it('a title match is taken only when it is the same work', async () => {
    const k = clock();
    const mine = { id: 'vaswani2017attention', type: 'article', title: 'Attention Is All You Need', author: [{ family: 'Vaswani', given: 'Ashish' }], issued: { 'date-parts': [[2017]] }, custom: {} };
    const hit = new OnlineClient(fakeHttp(() => ok(`{"data": [${s2('NeurIPS', {})}]}`), k.now).get, {}, { now: k.now, sleep: k.sleep });
    assert.match((await hit.matchTitle(mine)).why, /title similarity 1\.00 and author vaswani/);
    const miss = new OnlineClient(fakeHttp(() => ok(`{"data": [${s2('ICASSP', {}, 'Attention Is All You Need In Speech Separation', 2021)}]}`), k.now).get, {}, { now: k.now, sleep: k.sleep });
    const r = await miss.matchTitle(mine);
    assert.equal(r.record, undefined);
    assert.match(r.why, /is not this paper: titles differ/);
  });
});

describe('online client: against the replay server', () => {
  let server: ReplayServer;
  before(async function () { requireTestdata(this, 'api'); server = await startReplayServer(); });
  after(async () => { await server?.close(); });

  it('resolves a DOI through Crossref, then its BibTeX by content negotiation (following the recorded redirect)', async () => {
    const c = new OnlineClient(nodeHttpGet(), { endpoints: server.endpoints });
    const rec = (await c.lookup('https://doi.org/10.1126/science.169.3946.635'))!;
    assert.equal(rec.provider, 'crossref');
    const bib = await c.bibtex(rec, 'frank1970structure');
    assert.match(bib, /^@article\{frank1970structure,/);
    assert.match(bib, /pages = \{635--641\}/);
    assert.match(bib, /month = aug,/);
    assert.ok(server.requests.includes('/crossref/v1/works/10.1126%2Fscience.169.3946.635/transform'));
  });

  it('the recorded title match that finds nothing (HTTP 404) is no match, not an error', async () => {
    const c = new OnlineClient(nodeHttpGet(), { endpoints: server.endpoints });
    const r = await c.matchTitle({ id: 'x', type: 'article', title: 'askldjrq3rjaw938h', custom: {} });
    assert.deepEqual(r, { why: 'Semantic Scholar has no paper with this title' });
  });

  it('endpoints come from the environment', () => {
    assert.deepEqual(endpointsFromEnv({ PAPERCITE_ARXIV_URL: 'http://127.0.0.1:9/arxiv/', PAPERCITE_S2_URL: 'not a url', PAPERCITE_DOI_URL: 'https://proxy.example.edu/doi' }), { arxiv: 'http://127.0.0.1:9/arxiv', doi: 'https://proxy.example.edu/doi' });
  });
});
