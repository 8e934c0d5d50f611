import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INDEX_ARRAYS, SearchIndex, sharedIndexData } from '../../src/core/search';
import { cacheFileFor, readCacheRows, writeCache } from '../../src/core/sources/cache';
import { decodeRows, encodeRows, RecordRows, rowStarts } from '../../src/core/sources/transfer';
import { readCslJson } from '../../src/core/sources/cslJson';
import { detectKind } from '../../src/core/sources/detect';
import { isGlob, markdownBibliographies, texBibliographies } from '../../src/core/sources/discover';
import { identityOf, normalizeArxiv, normalizeDoi, normalizeTitle, sameWork } from '../../src/core/sources/identity';
import { arrayElementLines, findJsonError } from '../../src/core/sources/jsonErrors';
import { describeFsError, readSourceFile } from '../../src/core/sources/read';
import { outcomeSource, parseWithCache, storeOutcome, type ParseRequest } from '../../src/core/sources/cachedParse';
import type { Paper } from '../../src/core/model';
import { BERT_BIB } from './library.fixtures';

let tmp: string;
before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-sources-')); });
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, content: string | Buffer) => {
  const f = path.join(tmp, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, content);
  return f;
};

describe('sources: kind detection', () => {
  it('goes by extension, then by content', () => {
    assert.equal(detectKind('/x/refs.bib'), 'bibtex');
    assert.equal(detectKind('/x/refs.JSON'), 'csl-json');
    assert.equal(detectKind('/x/page.txt', 'Yue Yang\n\nCL\nh-index15\n'), 'page');
    assert.equal(detectKind('/x/export', '\uFEFF[{"id": "a", "type": "book"}]'), 'csl-json');
    assert.equal(detectKind('/x/refs.txt', '% comment\n@article{a,\n title={x}}'), 'bibtex');
  });
});

describe('sources: CSL-JSON', () => {
  it('keeps the valid items and keys an item without id, reporting it with its line', () => {
    const text = `[
  {"id": "devlin-etal-2019-bert", "type": "paper-conference", "title": "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
   "author": [{"family": "Devlin", "given": "Jacob"}], "issued": {"date-parts": [["2019", 6]]}, "DOI": "10.18653/v1/N19-1423"},
  {"type": "article-journal", "title": "An item someone forgot to key"},
  42,
  {"id": 7, "title": "Numeric id, no type"}
]`;
    const r = readCslJson(text, '/lib/refs.json');
    assert.equal(r.error, undefined);
    assert.deepEqual(r.papers.map(p => p.id), ['devlin-etal-2019-bert', 'anonnditem', '7']);
    assert.deepEqual(r.papers[0]!.issued, { 'date-parts': [[2019, 6]] });
    assert.deepEqual(r.papers[0]!.custom.origins, [{ path: '/lib/refs.json', line: 2 }]);
    const noId = r.problems.find(p => /not a key/.test(p.message));
    assert.ok(noId, 'missing id reported');
    assert.equal(noId.line, 4);
    assert.equal(noId.severity, 'warning');
    assert.equal(noId.file, '/lib/refs.json');
    assert.match(noId.message, /"" → anonnditem/);
    assert.equal(r.problems.find(p => /expected an object/.test(p.message))?.line, 5);
    assert.equal(r.papers[1]!.type, 'article-journal');
    assert.equal(r.papers[2]!.type, 'article');
    assert.ok(r.problems.some(p => p.severity === 'warning' && /no "type"/.test(p.message) && p.line === 6));
  });

  it('fails a file that is not JSON with the line of the error', () => {
    const r = readCslJson('[\n  {"id": "a", "type": "book"},\n  {"id": "b", "type": "book" "title": "x"}\n]', '/lib/bad.json');
    assert.equal(r.papers.length, 0);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.line, 3);
    assert.match(r.problems[0]!.message, /not valid JSON.*line 3/);
    assert.ok(r.error);
  });

  it('fails a JSON file that is not an array, naming what it found', () => {
    const r = readCslJson('{"items": []}', '/lib/obj.json');
    assert.match(r.error!, /expected a CSL-JSON array.*found an object/);
    assert.equal(r.problems[0]!.file, '/lib/obj.json');
  });

  it('drops fields of the wrong type instead of passing them on', () => {
    const r = readCslJson('[{"id": "x", "type": "book", "title": {"a": 1}, "author": "Smith", "translator": {"family": 5}, "issued": {"raw": "May 2021"}},'
      + ' {"id": "y", "type": "book", "translator": [{"family": "Maude", "given": "Louise", "suffix": {}}]}]', '/l.json');
    const p = r.papers[0]!;
    assert.equal(p.title, undefined);
    assert.equal(p.author, undefined);
    assert.equal(p.translator, undefined);
    assert.deepEqual(p.issued?.['date-parts'], [[2021]]);
    assert.deepEqual(r.problems.filter(q => q.severity === 'warning').map(q => q.message), ['item 1: "x": field "title" is not text; ignored', 'item 1: "x": "author" is not a list of names; ignored', 'item 1: "x": "translator" is not a list of names; ignored']);
    assert.deepEqual(r.papers[1]!.translator, [{ family: 'Maude', given: 'Louise' }]);
  });
});

describe('sources: JSON error positions', () => {
  it('names the line and column of the first syntax error', () => {
    assert.equal(findJsonError('[1, 2]'), undefined);
    const e = findJsonError('[\n {"a": 1,\n  "b": }\n]');
    assert.equal(e?.line, 3);
    assert.match(e!.message, /unexpected '}'/);
    assert.equal(findJsonError('[{"a": "unterminated}]')?.message, 'unterminated string');
    assert.equal(findJsonError('[1] x')?.line, 1);
    assert.match(findJsonError('')!.message, /end of the file/);
  });
  it('finds the line of every top-level element', () => {
    assert.deepEqual(arrayElementLines('[\n{"a": "[,]"},\n\n  {"b": [1,\n2]}, 3\n]'), [2, 4, 5]);
    assert.deepEqual(arrayElementLines('[]'), []);
  });
});

describe('sources: reading files never throws', () => {
  it('a missing file is one problem naming it', () => {
    const f = path.join(tmp, 'nope.bib');
    const r = readSourceFile(f);
    assert.equal(r.error, 'file not found');
    assert.deepEqual(r.problems, [{ file: f, line: 0, severity: 'error', message: 'file not found' }]);
  });
  it('a directory named x.bib is refused', () => {
    const d = path.join(tmp, 'x.bib');
    fs.mkdirSync(d, { recursive: true });
    assert.match(readSourceFile(d).error!, /is a directory/);
  });
  it('binary junk is refused with the line of the first NUL byte', () => {
    const f = write('junk.bib', Buffer.concat([Buffer.from('@article{a,\n title={x}}\n'), Buffer.from([0, 1, 2, 255, 0x89, 0x50])]));
    const r = readSourceFile(f);
    assert.match(r.error!, /binary data \(a NUL byte at line 3\)/);
    assert.equal(r.problems[0]!.line, 3);
  });
  it('a file over the size limit is refused with its size', () => {
    const f = path.join(tmp, 'huge.bib');
    fs.writeFileSync(f, '');
    fs.truncateSync(f, 300 * 1024 * 1024); // sparse: no disk used
    const r = readSourceFile(f);
    assert.match(r.error!, /is 300 MB; PaperCite reads library files up to 256 MB/);
  });
  it('a file that vanished while being read is said so', () => {
    assert.equal(describeFsError(Object.assign(new Error('x'), { code: 'ENOENT' }), 'read'), 'the file vanished while being read');
    assert.equal(describeFsError(Object.assign(new Error('x'), { code: 'EACCES' }), 'open'), 'permission denied');
  });
  it('reads UTF-16 with a byte-order mark, and Latin-1 with a warning', () => {
    const u16 = write('u16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[{"id": "zoë2020", "type": "book"}]', 'utf16le')]));
    assert.deepEqual(readSourceFile(u16).papers.map(p => p.id), ['zoë2020']);
    const l1 = write('latin1.json', Buffer.from('[{"id": "m\xfcller2020", "type": "book", "title": "M\xfcller"}]', 'latin1'));
    const r = readSourceFile(l1);
    assert.equal(r.papers[0]!.title, 'Müller');
    assert.match(r.problems[0]!.message, /not valid UTF-8; read as Latin-1/);
    assert.equal(r.problems[0]!.severity, 'warning');
  });
  it('records size and change time (the cache key) and the parse time', () => {
    const f = write('ok.json', '[{"id": "a", "type": "book"}]');
    const r = readSourceFile(f);
    assert.equal(r.size, fs.statSync(f).size);
    assert.equal(r.changedMs, fs.statSync(f).ctimeMs);
    assert.ok(r.parseMs >= 0);
  });
});

describe('sources: parsed-records cache', () => {
  it('answers only for the same path, size, change time and parser build', () => {
    const dir = path.join(tmp, 'cache');
    const f = write('c.json', '[{"id": "a", "type": "book"}]');
    const parsed = readSourceFile(f);
    assert.equal(writeCache(dir, parsed, 'v1'), undefined);
    const read = (size: number, changedMs: number, tag: string) => readCacheRows(dir, { path: f, size, changedMs }, tag);
    const hit = read(parsed.size!, parsed.changedMs!, 'v1');
    assert.deepEqual(decodeRows(hit!, true).papers.map((p: Paper) => p.id), ['a']);
    assert.equal(read(parsed.size!, parsed.changedMs! + 1, 'v1'), undefined);
    assert.equal(read(parsed.size! + 1, parsed.changedMs!, 'v1'), undefined);
    assert.equal(read(parsed.size!, parsed.changedMs!, 'v2'), undefined);
    // The rows' starts are stored after them: a reload hands them on without scanning.
    const rows = readCacheRows(dir, { path: f, size: parsed.size!, changedMs: parsed.changedMs! }, 'v1')!;
    assert.deepEqual([...rows.starts], [...rowStarts(rows.bytes)]);
    assert.equal(new RecordRows(rows.bytes, rows.starts).at(0)!.id, 'a');
    // Cut short by a crash, or garbage: a miss, never an error.
    const whole = fs.readFileSync(cacheFileFor(dir, f));
    fs.writeFileSync(cacheFileFor(dir, f), whole.subarray(0, whole.length - 3));
    assert.equal(read(parsed.size!, parsed.changedMs!, 'v1'), undefined);
    fs.writeFileSync(cacheFileFor(dir, f), 'garbage');
    assert.equal(read(parsed.size!, parsed.changedMs!, 'v1'), undefined);
  });
  it('is a miss after an edit in place that keeps the size and puts the mtime back (touch -r)', () => {
    const req: ParseRequest = { path: write('same-size.bib', '@article{a, title = {Alpha}}\n'), cacheDir: path.join(tmp, 'cache-ctime'), tag: 't' };
    // A whole second, which utimes puts back exactly.
    fs.utimesSync(req.path, 1.7e9, 1.7e9);
    const first = parseWithCache(req);
    assert.equal(storeOutcome(req, first), undefined);
    assert.ok(parseWithCache(req).fromCache);
    const before = fs.statSync(req.path);
    fs.writeFileSync(req.path, '@article{b, title = {Omega}}\n');
    fs.utimesSync(req.path, 1.7e9, 1.7e9);
    assert.equal(fs.statSync(req.path).mtimeMs, before.mtimeMs);
    const again = parseWithCache(req);
    assert.ok(!again.fromCache, 'the old rows were answered for the edited file');
    assert.deepEqual(outcomeSource(again).papers.map((p: Paper) => [p.id, p.title]), [['b', 'Omega']]);
  });
  it('does not cache a failed source', () => {
    assert.equal(writeCache(path.join(tmp, 'cache'), readSourceFile(path.join(tmp, 'missing.json')), 'v1'), 'not cacheable');
  });
});

describe('sources: libraries named by documents', () => {
  it('finds \\bibliography and \\addbibresource, adding .bib as BibTeX does, skipping comments', () => {
    const tex = String.raw`\documentclass{article}
% \bibliography{old}
\addbibresource[label=main]{refs/main.bib}
\begin{document}
\cite{a} 50\% done
\bibliography{anthology, custom}  % two files
\end{document}`;
    assert.deepEqual(texBibliographies(tex), [
      { name: 'refs/main.bib', line: 3 },
      { name: 'anthology.bib', line: 6 },
      { name: 'custom.bib', line: 6 },
    ]);
  });
  it('finds pandoc bibliography: as a scalar, an inline list and a block list', () => {
    assert.deepEqual(markdownBibliographies('---\ntitle: "x"\nbibliography: refs.bib\n---\n# Hi'), [{ name: 'refs.bib', line: 3 }]);
    assert.deepEqual(markdownBibliographies('---\nbibliography: [a.bib, "b.json"]\n---\n'), [{ name: 'a.bib', line: 2 }, { name: 'b.json', line: 2 }]);
    assert.deepEqual(markdownBibliographies('---\nbibliography:\n  - one.bib\n  - \'two.bib\'\nlink-citations: true\n---\n'), [{ name: 'one.bib', line: 3 }, { name: 'two.bib', line: 4 }]);
    assert.deepEqual(markdownBibliographies('# No front matter\nbibliography: x.bib\n'), []);
  });
  it('tells globs from paths', () => {
    assert.ok(isGlob('refs/**/*.bib'));
    assert.ok(!isGlob('refs/main.bib'));
  });
});

describe('sources: paper identity', () => {
  it('normalizes DOIs, arXiv ids and titles', () => {
    assert.equal(normalizeDoi('https://doi.org/10.18653/V1/N19-1423'), '10.18653/v1/n19-1423');
    assert.equal(normalizeArxiv('arXiv:2505.03335v2'), '2505.03335');
    assert.equal(normalizeArxiv('https://arxiv.org/abs/2505.03335'), '2505.03335');
    assert.equal(normalizeArxiv('cs/0112017'), 'cs/0112017');
    assert.equal(normalizeTitle('{BERT}: Pre-training of Deep   Bidirectional Transformers'), 'bert pre training of deep bidirectional transformers');
    assert.equal(normalizeTitle('Évaluation à grande échelle'), 'evaluation a grande echelle');
  });
  it('reads the arXiv id from a DataCite DOI', () => {
    const p: Paper = { id: 'x', type: 'article', DOI: '10.48550/arXiv.2505.03335', custom: {} };
    assert.equal(identityOf(p).arxiv, '2505.03335');
  });
  it('tells the same work under one key from a different paper', () => {
    const a: Paper = { id: 'k', type: 'article', title: 'Absolute Zero: Reinforced Self-play Reasoning with Zero Data', custom: {} };
    const b: Paper = { id: 'k', type: 'article', title: 'Absolute zero: reinforced self-play reasoning with zero data', custom: {} };
    const c: Paper = { id: 'k', type: 'article', title: 'Beyond the 80/20 Rule: High-Entropy Minority Tokens Drive Effective Reinforcement Learning', custom: {} };
    assert.ok(sameWork(a, b));
    assert.ok(!sameWork(a, c));
  });
});

describe('sources: publication pages', () => {
  const raw = path.resolve(__dirname, '../../corpus/raw/001_e65ff691a41d52b8.txt');
  it('reads a page with the corpus rules: same keys as the bundled corpus, lines for each entry', function () {
    if (!fs.existsSync(raw)) return this.skip();
    const r = readSourceFile(raw);
    assert.equal(r.kind, 'page');
    assert.equal(r.error, undefined);
    assert.ok(r.papers.some(p => p.id === 'zhao2025absolute'), r.papers.map(p => p.id).join());
    const p = r.papers.find(x => x.id === 'wang2025beyond')!;
    assert.equal(p.custom.origins?.[0]?.line, 12);
    assert.deepEqual(p.custom.sources, [{ page: '001_e65ff691a41d52b8.txt', index: 0 }]);
  });
  it('fails a page in an unknown layout as a whole, naming file and line', () => {
    const f = write('notes.txt', 'Shopping list\n\n- milk\n- bread\n');
    const r = readSourceFile(f);
    assert.equal(r.papers.length, 0);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.file, f);
    assert.equal(r.problems[0]!.line, 1);
    assert.match(r.error!, /unknown page layout/);
    assert.ok(!r.error!.includes(f), 'the message does not repeat the file name');
  });
  it('fails a truncated page with the line where it stops making sense', function () {
    if (!fs.existsSync(raw)) return this.skip();
    const text = fs.readFileSync(raw, 'utf8');
    const cut = write('truncated.txt', text.slice(0, text.indexOf('Beyond the 80/20 Rule') + 30));
    const r = readSourceFile(cut);
    assert.equal(r.papers.length, 0, 'a page is never half-read');
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.line, 13);
    assert.match(r.error!, /expected the abstract of "Beyond the 80\/20 Rule/);
  });
});

describe('sources: transfer between threads', () => {
  it('sends a .bib entry without its text and reads the text from the file when asked', () => {
    // A non-ASCII entry first, so byte and char offsets differ.
    const bib = `% Zotero export\n@article{muller2020,\n  title = {\u00dcber Sprache},\n  author = {M\u00fcller, J\u00fcrgen},\n  year = 2020\n}\n\n${BERT_BIB}`;
    const f = write('lazy.bib', `\uFEFF${bib}`);
    const parsed = readSourceFile(f);
    const rows = encodeRows(parsed);
    assert.ok(!Buffer.from(rows.bytes).toString('utf8').includes('@inproceedings{devlin'), 'the original text is not sent');
    const back = decodeRows(rows, false);
    assert.deepEqual(back.papers.map(p => p.id), ['muller2020', 'devlin-etal-2019-bert']);
    assert.equal(back.papers[0]!.custom.bibtex, parsed.papers[0]!.custom.bibtex);
    assert.equal(back.papers[1]!.custom.bibtex, BERT_BIB.trimEnd());
    assert.ok(!JSON.stringify(back.papers[1]).includes('@inproceedings'), 'serializing a paper does not read the file');
  });
  it('encodes rows straight into bytes, in shared memory when asked: a meta line, then one JSON row per paper', () => {
    const bib = `@article{muller2020,\n  title = {\u00dcber Sprache \u{1F600}},\n  author = {M\u00fcller, J\u00fcrgen},\n  year = 2020\n}\n\n${BERT_BIB}`;
    const parsed = readSourceFile(write('rows-shared.bib', bib));
    const plain = encodeRows(parsed);
    const lines = Buffer.from(plain.bytes).toString('utf8').split('\n');
    assert.equal(lines.length, 3);
    assert.equal(JSON.parse(lines[0]!).rows, 2);
    assert.deepEqual(lines.slice(1).map(l => (JSON.parse(l) as [Paper])[0].title), ['\u00dcber Sprache \u{1F600}', parsed.papers[1]!.title]);
    for (const shared of [false, true]) {
      const { bytes, starts } = encodeRows(parsed, { shared });
      assert.equal(Buffer.compare(Buffer.from(bytes), Buffer.from(plain.bytes)), 0);
      assert.deepEqual([...starts], [...rowStarts(bytes)]);
      assert.equal(bytes.buffer instanceof SharedArrayBuffer, shared);
      assert.deepEqual(new RecordRows(bytes, starts).at(0)!.title, parsed.papers[0]!.title);
    }
    const none = encodeRows({ ...parsed, papers: [] });
    assert.deepEqual([...none.starts], [...rowStarts(none.bytes)]);
    assert.equal(decodeRows(none, false).papers.length, 0);
  });
  it('copies index data into shared memory, the same arrays', () => {
    const data = SearchIndex.build(readSourceFile(write('shared-index.bib', BERT_BIB)).papers).exportData();
    const shared = sharedIndexData(data);
    for (const n of INDEX_ARRAYS) {
      assert.ok(shared[n].buffer instanceof SharedArrayBuffer, n);
      assert.deepEqual([...shared[n]], [...data[n]], n);
    }
    assert.equal(shared.vocab, data.vocab);
  });
  it('gives no stale text once the file changed', () => {
    const f = write('stale.bib', BERT_BIB);
    const back = decodeRows(encodeRows(readSourceFile(f)), false);
    fs.writeFileSync(f, `% edited\n${BERT_BIB}`);
    assert.equal(back.papers[0]!.custom.bibtex, undefined);
  });
  it('holds decoding off while told to wait (the user types), and for a bounded time in all', async () => {
    const f = write('wait.bib', Array.from({ length: 300 }, (_, i) => BERT_BIB.replace('devlin-etal-2019-bert', `k${i}`)).join('\n'));
    const { bytes } = encodeRows(readSourceFile(f));
    // Waits twice before the first slice, then decodes in slices of at least 64 rows.
    let asked = 0;
    let decodedWhileWaiting = -1;
    const rows = new RecordRows(bytes, rowStarts(bytes));
    const all = await rows.materialize(true, { sliceMs: 0, wait: () => { asked++; if (asked <= 2) { decodedWhileWaiting = rows.decodedCount; return 5; } return 0; } });
    assert.equal(decodedWhileWaiting, 0);
    assert.equal(all.papers.length, 300);
    assert.ok(asked >= 3 + Math.floor(300 / 64) - 1, `asked ${asked} times: once per slice at least`);
    // Endless typing: decoding still ends after maxWaitMs of waiting.
    const again = new RecordRows(bytes, rowStarts(bytes));
    const t = performance.now();
    const done = await again.materialize(true, { wait: () => 1000, maxWaitMs: 30 });
    assert.equal(done.papers.length, 300);
    assert.ok(performance.now() - t < 5000);
  });
  it('decodes rows one at a time from bytes, each once, and says when rows are damaged or missing', async () => {
    const f = write('rows.bib', `${BERT_BIB}\n${BERT_BIB.replace('devlin-etal-2019-bert', 'second')}`);
    const { bytes } = encodeRows(readSourceFile(f));
    const lines = Buffer.from(bytes).toString('utf8').split('\n');
    const rows = new RecordRows(bytes, rowStarts(bytes));
    assert.equal(rows.length, 2);
    assert.equal(rows.at(1)!.id, 'second');
    assert.equal(rows.decodedCount, 1);
    assert.equal(rows.at(1), rows.at(1));
    assert.equal(rows.at(2), undefined);
    const all = await rows.materialize(true);
    assert.ok(all.fromCache);
    assert.deepEqual(all.papers.map(p => p.id), ['devlin-etal-2019-bert', 'second']);
    assert.equal(all.papers[1], rows.at(1));
    assert.equal(all.papers[0]!.custom.bibtex, BERT_BIB.trimEnd());
    // A cut-off cache: fewer rows than its meta line says.
    assert.throws(() => new RecordRows(Buffer.from(lines.slice(0, 2).join('\n'))), /expected 2 rows, got 1/);
    // A damaged row fails when decoded, not before.
    const damaged = new RecordRows(Buffer.from([lines[0], lines[1], lines[2]!.slice(0, 40)].join('\n')));
    assert.equal(damaged.at(0)!.id, 'devlin-etal-2019-bert');
    assert.throws(() => damaged.at(1), SyntaxError);
    assert.throws(() => new RecordRows(Buffer.from('')), /no parsed source/);
  });
  it('keeps the identities computed by the sender', () => {
    const f = write('ids.bib', BERT_BIB);
    const back = decodeRows(encodeRows(readSourceFile(f)), false);
    assert.equal(identityOf(back.papers[0]!).doi, '10.18653/v1/n19-1423');
    assert.match(identityOf(back.papers[0]!).titleYear!, /^bert pre training of deep .*\|2019$/);
  });
});
