// A .bib shared by documents whose bibliography lists put different files before it: the library
// reads it once (with the union of those files), and each document whose list reads it otherwise
// gets its own reading of the entries that differ — what its BibTeX run would print (cryptobib's
// abbrev0.bib vs abbrev3.bib before crypto.bib).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocumentReadings, overlay } from '../../src/core/documentPapers';
import { Library } from '../../src/core/library';
import type { Paper } from '../../src/core/model';
import { mayDefineMacros, readBibtexInGroup, type GroupFile } from '../../src/core/sources/bibtex';
import { outcomeSource, parseWithCache, storeOutcome } from '../../src/core/sources/cachedParse';
import { groupsByFile, listReadingsByFile, MAX_GROUP_FILES, MAX_LIST_READINGS } from '../../src/core/sources/groups';
import { BIG_LIST_READING_BYTES, differingMacros, diffReadings, namesMacro, readBibtexWithList } from '../../src/core/sources/listReading';
import { readSourceFile } from '../../src/core/sources/read';
import type { ParsedSource } from '../../src/core/sources/types';
import type { SourceParser } from '../../src/core/sources/workerClient';
import { cpuMs } from '../support/cpuTime';
import { tmpFiles, workerParser } from '../support/tmpFiles';

const SHORT = '@string{acl = "ACL"}\n';
const LONG = '@string{acl = "Annual Meeting of the Association for Computational Linguistics"}\n';
const REFS = [
  '@inproceedings{lee2020parsing,',
  '  author = {Lee, Mina},',
  '  title = {Parsing with Less},',
  '  booktitle = acl,',
  '  year = 2020',
  '}',
  '',
  '@article{kim2019plain,',
  '  author = {Kim, Joon},',
  '  title = {A Plain Entry},',
  '  journal = {Computational Linguistics},',
  '  year = 2019',
  '}',
  '',
].join('\n');
const venue = (p: Paper | undefined) => p?.['container-title'];

describe('bibliography lists: which shared files are read with a document\'s own list', () => {
  const a = ['/w/short.bib', '/w/refs.bib'];
  const b = ['/w/long.bib', '/w/refs.bib'];
  const c = ['/w/refs.bib'];

  it('a file some document reads after other files than the library\'s reading is read with that document\'s list', () => {
    const { groups } = groupsByFile([a, b, c]);
    assert.deepEqual(groups.get('/w/refs.bib'), ['/w/short.bib', '/w/long.bib', '/w/refs.bib'], 'the library\'s reading: after both');
    const { readings, capped } = listReadingsByFile([a, b, c], groups);
    // Each list puts other files before refs.bib than [short, long]; c reads it alone, as BibTeX would.
    assert.deepEqual(readings.get('/w/refs.bib'), [a, b, c]);
    assert.equal(readings.has('/w/short.bib'), false, 'nothing before it in any list');
    assert.equal(readings.has('/w/long.bib'), false);
    assert.deepEqual(capped, []);
  });

  it('a list that puts the same files before the file as the library\'s reading gets no reading of its own; nor do files in no list of two', () => {
    const one = ['/w/s.bib', '/w/refs.bib'];
    const longer = ['/w/s.bib', '/w/refs.bib', '/w/more.bib'];
    const { groups } = groupsByFile([one, longer]);
    assert.deepEqual(listReadingsByFile([one, longer], groups).readings, new Map());
    // A document in no list of two or more .bib files: its file is read alone by the library too.
    const solo = groupsByFile([['/w/solo.bib']]);
    assert.deepEqual(listReadingsByFile([['/w/solo.bib']], solo.groups).readings, new Map());
    // The same list named by two documents (or twice): one reading.
    const twice = groupsByFile([a, b, a, [...a, '/w/short.bib']]);
    assert.deepEqual(listReadingsByFile([a, b, a, [...a, '/w/short.bib']], twice.groups).readings.get('/w/refs.bib'), [a, b]);
  });

  it('hostile lists: many documents × many files stay linear, at most MAX_LIST_READINGS readings a file', () => {
    // 2000 documents, each naming 64 strings files of its own before the same refs.bib.
    const lists = Array.from({ length: 2000 }, (_, d) => [...Array.from({ length: MAX_GROUP_FILES - 1 }, (_, i) => `/w/d${d}/s${i}.bib`), '/w/refs.bib']);
    let out!: ReturnType<typeof listReadingsByFile>;
    const cpu = cpuMs(() => {
      const { groups } = groupsByFile(lists);
      out = listReadingsByFile(lists, groups);
    });
    assert.ok(cpu < 3000, `${cpu} ms of CPU`);
    assert.equal(out.readings.get('/w/refs.bib')!.length, MAX_LIST_READINGS);
    assert.deepEqual(out.capped, ['/w/refs.bib']);
    // One list of 100k names (only the first MAX_GROUP_FILES are a list) and 2000 documents of it.
    const huge = Array.from({ length: 100_000 }, (_, i) => `/w/n${i}.bib`);
    const docs = new DocumentReadings();
    const cpuDocs = cpuMs(() => {
      const many = [huge, ...Array.from({ length: 2000 }, (_, d) => [`/w/x${d}.bib`, ...huge.slice(0, 10)])];
      const { groups } = groupsByFile(many);
      listReadingsByFile(many, groups);
      docs.setDocuments(new Map(many.map((l, i) => [`/w/doc${i}.tex`, [l]])));
    });
    assert.ok(cpuDocs < 3000, `${cpuDocs} ms of CPU`);
  });
});

describe('bibliography lists: reading a shared file with a document\'s list', () => {
  let tmp: string, remove: () => void;
  let short: string, long: string, refs: string, union: string[];
  beforeEach(() => {
    let paths: string[];
    ({ dir: tmp, paths, remove } = tmpFiles('papercite-lists-', { 'short.bib': SHORT, 'long.bib': LONG, 'refs.bib': REFS }));
    [short, long, refs] = paths as [string, string, string];
    union = [short, long, refs];
  });
  afterEach(() => remove());

  it('keeps only the entries whose result differs from the library\'s reading, and the problems only the list has', () => {
    const library = readSourceFile(refs, { group: union });
    assert.equal(venue(library.papers[0]), 'Annual Meeting of the Association for Computational Linguistics', 'the later file wins in the union');
    const a = readSourceFile(refs, { group: union, withList: [short, refs] });
    assert.equal(a.listReading?.outcome, 'read');
    assert.deepEqual(a.listReading?.macros, ['acl']);
    assert.deepEqual(a.papers.map(p => p.id), ['lee2020parsing'], 'the entry without a macro is the same');
    assert.equal(venue(a.papers[0]), 'ACL');
    assert.match(a.papers[0]!.custom.bibtex!, /booktitle = \{ACL\}/);
    assert.deepEqual(a.problems, []);
    // long.bib before it: the same table as the union's, nothing read.
    const b = readSourceFile(refs, { group: union, withList: [long, refs] });
    assert.equal(b.listReading?.outcome, 'same');
    assert.deepEqual(b.papers, []);
    // Alone (a document's \bibliography{refs}): the macro is undefined there, as BibTeX would warn.
    const c = readSourceFile(refs, { group: union, withList: [refs] });
    assert.equal(c.listReading?.outcome, 'read');
    assert.equal(venue(c.papers[0]), 'acl');
    assert.equal(c.problems.length, 1);
    assert.match(c.problems[0]!.message, /entry lee2020parsing: field `booktitle` uses the undefined macro `acl`/);
    assert.equal(c.problems[0]!.line, 4);
  });

  it('caches a list reading under both lists: the next session reads it from disk, a change of a file it used reads it again', () => {
    const cacheDir = path.join(tmp, 'cache');
    const req = { path: refs, cacheDir, tag: 't', group: union, withList: [short, refs] };
    const first = parseWithCache(req);
    assert.equal(first.fromCache, false);
    assert.equal(storeOutcome(req, first), undefined, 'written');
    const again = parseWithCache(req);
    assert.equal(again.fromCache, true);
    const cached = outcomeSource(again);
    assert.equal(cached.listReading?.outcome, 'read');
    assert.deepEqual(cached.papers.map(p => [p.id, venue(p)]), [['lee2020parsing', 'ACL']]);
    // Not the library's reading of either list, nor the reading with another list.
    assert.equal(parseWithCache({ path: refs, cacheDir, tag: 't', group: [short, refs] }).fromCache, false, 'the library\'s reading with that list');
    assert.equal(parseWithCache({ path: refs, cacheDir, tag: 't', group: union }).fromCache, false, 'the library\'s reading');
    assert.equal(parseWithCache({ ...req, withList: [long, refs] }).fromCache, false, 'another document\'s list');
    assert.equal(parseWithCache({ ...req, group: [short, refs] }).fromCache, false, 'against another library list');
    // short.bib changes: read again, and the new value shows.
    fs.writeFileSync(short, SHORT.replace('"ACL"', '"ACL 2"'));
    const changed = parseWithCache(req);
    assert.equal(changed.fromCache, false);
    assert.equal(venue(outcomeSource(changed).papers[0]), 'ACL 2');
  });

  it('macros that differ but that the file never names: nothing read; a changed strings file shows in the next reading', () => {
    fs.writeFileSync(short, `${SHORT}@string{tacl = "TACL"}\n`);
    fs.writeFileSync(long, `${LONG}@string{tacl = "Transactions of the ACL"}\n`);
    fs.writeFileSync(refs, REFS.replace('booktitle = acl', 'booktitle = {ACL}'));
    const a = readSourceFile(refs, { group: union, withList: [short, refs] });
    assert.equal(a.listReading?.outcome, 'unused');
    assert.deepEqual(a.listReading?.macros.sort(), ['acl', 'tacl']);
    fs.writeFileSync(refs, REFS.replace('booktitle = acl', 'booktitle = tacl # " 2020"'));
    const again = readSourceFile(refs, { group: union, withList: [short, refs] });
    assert.equal(again.listReading?.outcome, 'read');
    assert.equal(venue(again.papers[0]), 'TACL 2020');
  });

  it('a big file is read again only when it names a macro that differs', () => {
    const texts: Record<string, string> = { 'short.bib': SHORT, 'long.bib': LONG, 'pre.bib': '@preamble{"\\newcommand{\\x}{x}"}\n' };
    const other = (p: string): GroupFile | undefined => texts[p] === undefined ? undefined : {
      size: texts[p]!.length, changedMs: 1, mayDefine: () => mayDefineMacros(Buffer.from(texts[p]!)), text: () => texts[p],
    };
    const big = { size: BIG_LIST_READING_BYTES };
    const plain = REFS.replace('booktitle = acl', 'booktitle = {ACL}');
    // Preambles differ, no differing macro named: a small file is read again, a big one is not.
    assert.equal(readBibtexWithList(plain, 'refs.bib', ['pre.bib', 'refs.bib'], ['refs.bib'], other).listReading?.outcome, 'read');
    assert.equal(readBibtexWithList(plain, 'refs.bib', ['pre.bib', 'refs.bib'], ['refs.bib'], other, big).listReading?.outcome, 'big');
    // A differing macro it names: read, big or not.
    const r = readBibtexWithList(REFS, 'refs.bib', ['short.bib', 'refs.bib'], ['short.bib', 'long.bib', 'refs.bib'], other, big);
    assert.equal(r.listReading?.outcome, 'read');
    assert.equal(venue(r.papers[0]), 'ACL');
  });

  it('namesMacro and differingMacros: one pass, bad input included', () => {
    assert.deepEqual(differingMacros({ a: '1', b: '2', c: '3' }, { a: '1', b: 'x', d: '4' }).sort(), ['b', 'c', 'd']);
    assert.deepEqual(differingMacros({}, {}), []);
    assert.ok(namesMacro('@misc{x, note = ACL # " 2020"}', new Set(['acl'])), 'case-insensitive, as BibTeX');
    assert.ok(namesMacro('@misc{x, note = "a" #\n  acl}', new Set(['acl'])));
    assert.ok(!namesMacro('@misc{x, note = {ACL}, title = "acl"}', new Set(['acl'])));
    assert.ok(!namesMacro('', new Set(['acl'])) && !namesMacro('= acl', new Set()));
    // 8 MB of hostile text (a `=` every other byte): linear.
    const hostile = '=a'.repeat(4 << 20);
    const cpu = cpuMs(() => assert.ok(!namesMacro(hostile, new Set(['acl']))));
    assert.ok(cpu < 3000, `${cpu} ms of CPU`);
  });

  it('diffReadings: a repeated key counts once, an entry only the library has is named, problems compare by line and message', () => {
    const paper = (id: string, title: string): Paper => ({ id, type: 'article', title, custom: {} });
    const src = (papers: Paper[], problems: ParsedSource['problems'] = []): ParsedSource => ({ path: 'r.bib', kind: 'bibtex', papers, problems, entries: papers.length, parseMs: 0 });
    const warn = (line: number, message: string) => ({ file: 'r.bib', line, severity: 'warning' as const, message });
    const d = diffReadings(
      src([paper('a', 'A'), paper('b', 'B'), paper('gone', 'G')], [warn(1, 'same')]),
      src([paper('a', 'A'), paper('b', 'B2'), paper('b', 'B3'), paper('new', 'N')], [warn(1, 'same'), warn(2, 'only here')]),
    );
    assert.deepEqual(d.papers.map(p => `${p.id}:${p.title}`), ['b:B2', 'new:N']);
    assert.deepEqual(d.absent, ['gone']);
    assert.deepEqual(d.problems.map(p => p.message), ['only here']);
  });
});

describe('bibliography lists: what each document sees', () => {
  const REFS_PATH = '/w/refs.bib';
  const union = ['/w/short.bib', '/w/long.bib', REFS_PATH];
  const listA = ['/w/short.bib', REFS_PATH];
  const listC = [REFS_PATH];
  const texts: Record<string, string> = { '/w/short.bib': SHORT, '/w/long.bib': LONG };
  const other = (p: string): GroupFile | undefined => texts[p] === undefined ? undefined : {
    size: texts[p]!.length, changedMs: 1, mayDefine: () => true, text: () => texts[p],
  };
  const setup = () => {
    const lib = new Library();
    lib.put(readBibtexInGroup(REFS, REFS_PATH, union, other));
    // Another source with the same paper (by title and year): it fills in the abstract.
    lib.put({ path: '/w/more.json', kind: 'csl-json', papers: [{ id: 'lee-2020', type: 'paper-conference', title: 'Parsing with Less', author: [{ family: 'Lee', given: 'Mina' }], issued: { 'date-parts': [[2020]] }, abstract: 'Fewer rules.', custom: {} }], problems: [], entries: 1, parseMs: 0 });
    const docs = new DocumentReadings();
    docs.setDocuments(new Map([['/w/a.tex', [listA]], ['/w/b.tex', [['/w/long.bib', REFS_PATH]]], ['/w/c.tex', [listC]]]));
    for (const l of [listA, listC]) docs.put(readBibtexWithList(REFS, REFS_PATH, l, union, other));
    const lookup = { byKey: (k: string) => lib.byKey(k), ownPaper: (f: string, k: string) => lib.ownPaper(f, k) };
    return { lib, docs, lookup };
  };

  it('a document sees the entry as its own list reads it; others see the library\'s paper itself', () => {
    const { lib, docs, lookup } = setup();
    const shown = lib.byKey('lee2020parsing')!;
    assert.equal(venue(shown), 'Annual Meeting of the Association for Computational Linguistics');
    assert.equal(shown.abstract, 'Fewer rules.', 'merged with the other source');
    const a = docs.paperFor('lee2020parsing', '/w/a.tex', lookup)!;
    assert.equal(venue(a), 'ACL');
    assert.match(a.custom.bibtex!, /booktitle = \{ACL\}/);
    assert.equal(a.abstract, 'Fewer rules.', 'what another source filled in stays');
    assert.equal(a.id, 'lee2020parsing');
    assert.deepEqual(a.custom.origins, shown.custom.origins);
    assert.equal(docs.paperFor('lee2020parsing', '/w/a.tex', lookup), a, 'made once while the library is unchanged');
    // b.tex reads it as the library does; a document in no list, or none, gets the library's own object.
    assert.equal(docs.paperFor('lee2020parsing', '/w/b.tex', lookup), shown);
    assert.equal(docs.paperFor('lee2020parsing', '/w/other.tex', lookup), shown);
    assert.equal(docs.paperFor('lee2020parsing', undefined, lookup), shown);
    // An entry that reads the same in every list: the library's.
    assert.equal(docs.paperFor('kim2019plain', '/w/a.tex', lookup), lib.byKey('kim2019plain'));
    assert.equal(docs.paperFor('nosuchkey', '/w/a.tex', lookup), undefined);
    assert.ok(docs.hasReadings('/w/a.tex') && !docs.hasReadings('/w/b.tex') && !docs.hasReadings(undefined));
    assert.equal(lib.byKey('lee2020parsing'), shown, 'the library is untouched');
    // A search hit given along: for a document without readings of its own, it is the answer and
    // the library is not asked (a lookup by key searches a big library still being decoded).
    let asked = 0;
    const counting = { byKey: (k: string) => { asked++; return lib.byKey(k); }, ownPaper: lookup.ownPaper };
    assert.equal(docs.paperFor('lee2020parsing', '/w/b.tex', counting, shown), shown);
    assert.equal(docs.paperFor('lee2020parsing', undefined, counting, shown), shown);
    assert.equal(asked, 0);
    assert.equal(venue(docs.paperFor('lee2020parsing', '/w/a.tex', counting, shown)), 'ACL');
    assert.equal(asked, 0);
  });

  it('the problems of a document\'s list are its own: an undefined macro where its list lacks the strings file', () => {
    const { docs, lookup } = setup();
    const c = docs.paperFor('lee2020parsing', '/w/c.tex', lookup)!;
    assert.equal(venue(c), 'acl', 'kept as the macro\'s name, as the reader does alone');
    const problems = docs.problemsFor('lee2020parsing', '/w/c.tex', lookup);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.file, REFS_PATH);
    assert.deepEqual(problems[0]!.list, listC);
    assert.match(problems[0]!.problem.message, /undefined macro `acl`/);
    assert.deepEqual(docs.problemsFor('lee2020parsing', '/w/a.tex', lookup), []);
    assert.deepEqual(docs.problemsFor('lee2020parsing', '/w/b.tex', lookup), []);
    assert.deepEqual(docs.problemsFor('kim2019plain', '/w/c.tex', lookup), []);
    // Readings no document needs any more are let go.
    docs.retain(REFS_PATH, [listA]);
    assert.equal(venue(docs.paperFor('lee2020parsing', '/w/c.tex', lookup)), 'Annual Meeting of the Association for Computational Linguistics');
    assert.deepEqual(docs.problemsFor('lee2020parsing', '/w/c.tex', lookup), []);
    docs.retain(REFS_PATH);
    assert.deepEqual(docs.files, []);
  });

  it('overlay: a field another source filled stays, one from the file follows the document\'s reading, accessors survive', () => {
    const own: Paper = { id: 'k', type: 'paper-conference', title: 'T', 'container-title': 'Long', custom: { venue: 'Long' } };
    const mine: Paper = { id: 'k', type: 'paper-conference', title: 'T', 'container-title': 'ACL', custom: { venue: 'ACL' } };
    const custom = { venue: 'Long', origins: [{ path: 'r.bib', line: 1 }] } as Paper['custom'];
    Object.defineProperty(custom, 'bibtex', { get: () => '@misc{k}', enumerable: true, configurable: true });
    const shown: Paper = { id: 'k', type: 'paper-conference', title: 'T', 'container-title': 'Long', publisher: 'P', custom };
    const out = overlay(shown, own, mine);
    assert.equal(out['container-title'], 'ACL');
    assert.equal(out.custom.venue, 'ACL');
    assert.equal(out.publisher, 'P');
    assert.equal(out.custom.bibtex, '@misc{k}', 'a lazily read field is still read');
    assert.equal(shown['container-title'], 'Long', 'the shown paper is not changed');
    // A field only the library's reading had goes.
    const gone = overlay({ ...own, note: 'n' } as Paper, { ...own, note: 'n' } as Paper, mine);
    assert.equal(gone.note, undefined);
  });
});

describe('bibliography lists: a document\'s reading through the parse worker', function () {
  this.timeout(120_000);
  let tmp: string;
  let parser: SourceParser;
  let dispose: () => void;
  before(() => {
    ({ dir: tmp, parser, dispose } = workerParser('papercite-lists-worker-', { inlineBelowBytes: 0 }));
  });
  after(() => dispose());

  it('reads in the worker, from its cache the second time, and follows a changed strings file', async () => {
    const [short, long, refs] = ['short.bib', 'long.bib', 'refs.bib'].map(f => path.join(tmp, f)) as [string, string, string];
    fs.writeFileSync(short, SHORT);
    fs.writeFileSync(long, LONG);
    fs.writeFileSync(refs, REFS);
    const union = [short, long, refs];
    const library = await parser.parse(refs, undefined, undefined, undefined, union);
    assert.ok(library.timing, 'through the worker');
    assert.equal(venue(library.papers[0]), 'Annual Meeting of the Association for Computational Linguistics');
    for (let i = 0; i < 2; i++) {
      const a = await parser.readWithList(refs, [short, refs], union);
      assert.ok(a.timing, 'through the worker');
      assert.equal(!!a.fromCache, i === 1, 'read, then from the cache');
      assert.equal(a.listReading?.outcome, 'read');
      assert.deepEqual(a.papers.map(p => [p.id, venue(p)]), [['lee2020parsing', 'ACL']]);
      assert.match(a.papers[0]!.custom.bibtex!, /booktitle = \{ACL\}/);
    }
    // The library's reading is still answered from its cache (the list reading wrote none over it).
    assert.ok((await parser.parse(refs, undefined, undefined, undefined, union)).fromCache);
    fs.writeFileSync(short, SHORT.replace('"ACL"', '"ACL (short)"'));
    const future = new Date(Date.now() + 5000);
    fs.utimesSync(short, future, future);
    assert.equal(venue((await parser.readWithList(refs, [short, refs], union)).papers[0]), 'ACL (short)');
  });
});
