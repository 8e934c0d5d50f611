// Bibliography lists in the library: which files form a list (documents and papercite.libraries),
// a file read with the files before it (macros) and the others (crossref), and a cache that is
// stale when any file of the list changes, through the parse worker the extension uses.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EMPTY_CHAIN, extendChain, mayDefineMacros, readBibtexInGroup, type Chain, type GroupFile, type MacroTable } from '../../src/core/sources/bibtex';
import { macroTables } from '../../src/core/sources/cache';
import { parseWithCache, storeOutcome, type ParseOutcome, type ParseRequest } from '../../src/core/sources/cachedParse';
import { encodeRows } from '../../src/core/sources/transfer';
import { groupsByFile, MAX_GROUP_FILES, markdownBibliographyLists, sameGroup, settingLists, texBibliographyLists } from '../../src/core/sources/groups';
import { readSourceFile } from '../../src/core/sources/read';
import { SourceParser } from '../../src/core/sources/workerClient';
import type { ParsedSource } from '../../src/core/sources/types';
import { cpuMs } from '../support/cpuTime';
import { tmpFiles, workerParser } from '../support/tmpFiles';
import { requireTestdata } from '../support/shared';

const STRINGS = '@string{ipl = "Information Processing Letters"}\n';
const REFS = '@article{knuth77, author = {Knuth, Donald}, title = {Fast Pattern Matching}, journal = ipl, year = 1977, crossref = {vol6}}\n';
const VOLUMES = '@proceedings{vol6, title = {Volume Six}, publisher = {Elsevier}, year = 1977}\n';
const undefinedMacros = (s: ParsedSource) => s.problems.filter(p => /undefined macro/.test(p.message));
const names = (lists: { name: string }[][]) => lists.map(l => l.map(r => r.name));

describe('bibliography lists: discovery', () => {
  it('each \\bibliography is one list in order; all biblatex resources of a document are one list', () => {
    const tex = [
      '\\documentclass{article}',
      '\\addbibresource{strings.bib}',
      '% \\addbibresource{commented.bib}',
      '\\addbibresource[datatype=bibtex]{refs.bib}',
      '\\bibliography{abbrev, crypto}',
      '\\nobibliography{solo}',
      '\\bibliography{\\jobname,more}',
      '\\addglobalbib{global.bib}',
    ].join('\n');
    assert.deepEqual(names(texBibliographyLists(tex)), [['strings.bib', 'refs.bib', 'global.bib'], ['abbrev.bib', 'crypto.bib'], ['solo.bib'], ['more.bib']]);
    assert.deepEqual(texBibliographyLists('\\bibliography{strings,refs}')[0]!.map(r => r.line), [1, 1]);
    assert.deepEqual(texBibliographyLists('no bibliography here'), []);
  });

  it('a pandoc document\'s bibliography: is one list, inline or block', () => {
    assert.deepEqual(names(markdownBibliographyLists('---\nbibliography: [strings.bib, "refs.bib"]\n---\n')), [['strings.bib', 'refs.bib']]);
    assert.deepEqual(names(markdownBibliographyLists('---\ntitle: x\nbibliography:\n  - strings.bib\n  - refs.bib\n---\n')), [['strings.bib', 'refs.bib']]);
    assert.deepEqual(names(markdownBibliographyLists('---\nbibliography: refs.bib\n---\n')), [['refs.bib']]);
    assert.deepEqual(markdownBibliographyLists('# no front matter\nbibliography: x.bib'), []);
  });

  it('papercite.libraries: a string is a library, an inner array one list; anything else is named and dropped', () => {
    const { lists, ignored } = settingLists(['a.json', ' strings.bib ', ['abbrev.bib', 'crypto.bib'], [], '', 7, [['deep.bib']], null]);
    assert.deepEqual(lists, [['a.json'], ['strings.bib'], ['abbrev.bib', 'crypto.bib']]);
    assert.deepEqual(ignored, ['7', '[["deep.bib"]]', 'null']);
    assert.deepEqual(settingLists('not an array' as unknown as unknown[]), { lists: [], ignored: [] });
  });

  it('a file gets its list; lists of one .bib and non-.bib files give no group', () => {
    const { groups, shared } = groupsByFile([['/w/a.json', '/w/refs.bib'], ['/w/strings.bib', '/w/refs.bib', '/w/strings.bib', 'x.json'], ['/w/solo.bib']]);
    assert.deepEqual([...groups], [['/w/strings.bib', ['/w/strings.bib', '/w/refs.bib']], ['/w/refs.bib', ['/w/strings.bib', '/w/refs.bib']]]);
    assert.equal(shared.size, 0);
    assert.equal(groups.get('/w/solo.bib'), undefined);
  });

  it('a file in two lists with different files before it is read once, after all of them, and reported', () => {
    const { groups, shared } = groupsByFile([['s1.bib', 'refs.bib'], ['s2.bib', 'refs.bib', 'later.bib'], ['s1.bib', 'refs.bib']]);
    assert.deepEqual(groups.get('refs.bib'), ['s1.bib', 's2.bib', 'refs.bib', 'later.bib']);
    assert.deepEqual(shared.get('refs.bib'), [['s1.bib'], ['s2.bib']]);
    assert.deepEqual(groups.get('s2.bib'), ['s2.bib', 'refs.bib', 'later.bib']);
    // Before in one list and after in another: before wins (its macros count).
    const cross = groupsByFile([['a.bib', 'b.bib'], ['b.bib', 'a.bib']]);
    assert.deepEqual(cross.groups.get('a.bib'), ['b.bib', 'a.bib']);
    // A hostile list: capped, linear.
    const many = Array.from({ length: 5000 }, (_, i) => `f${i}.bib`);
    let big!: ReturnType<typeof groupsByFile>;
    const cpu = cpuMs(() => (big = groupsByFile([many, ...many.slice(0, 300).map(f => [f, 'refs.bib'])])));
    assert.ok(cpu < 2000, `${cpu} ms of CPU`);
    assert.equal(big.groups.get(`f${MAX_GROUP_FILES - 1}.bib`)!.length, MAX_GROUP_FILES);
    assert.equal(big.groups.get('f4999.bib'), undefined, 'past the cap: read alone');
    assert.equal(big.groups.get('refs.bib')!.length, MAX_GROUP_FILES);
    assert.ok(big.capped.includes('f4999.bib') && big.capped.includes('refs.bib'));
    assert.equal(big.shared.get('refs.bib')!.length, 300);
    // From a hostile document: 100k names in one \bibliography, 20k \addbibresource.
    const tex = `\\bibliography{${Array.from({ length: 100_000 }, (_, i) => `n${i}`).join(',')}}\n${'\\addbibresource{x.bib}'.repeat(20_000)}`;
    const cpuTex = cpuMs(() => {
      const lists = texBibliographyLists(tex);
      assert.deepEqual(lists.map(l => l.length), [100_000, 20_000]);
      groupsByFile(lists.map(l => l.map(r => `/w/${r.name}`)));
    });
    assert.ok(cpuTex < 3000, `${cpuTex} ms of CPU`);
    assert.ok(sameGroup(['x'], ['x']) && !sameGroup(['x'], undefined) && sameGroup(undefined, undefined) && !sameGroup(['x', 'y'], ['y', 'x']));
  });
});

describe('bibliography lists: reading and the cache', function () {
  this.timeout(60_000);
  let tmp: string, remove: () => void;
  let strings: string, refs: string, vols: string, group: string[];
  beforeEach(() => {
    let paths: string[];
    ({ dir: tmp, paths, remove } = tmpFiles('papercite-groups-', { 'strings.bib': STRINGS, 'refs.bib': REFS, 'volumes.bib': VOLUMES }));
    [strings, refs, vols] = paths as [string, string, string];
    group = [strings, refs, vols];
  });
  afterEach(() => remove());

  it('a file read with its list: macros of earlier files expand, a crossref into a later file resolves', () => {
    const alone = readSourceFile(refs);
    assert.equal(undefinedMacros(alone).length, 1);
    const inList = readSourceFile(refs, { group });
    assert.deepEqual(inList.problems, []);
    assert.equal(inList.papers[0]!['container-title'], 'Information Processing Letters');
    assert.equal(inList.papers[0]!.publisher, 'Elsevier', 'inherited from volumes.bib');
    assert.deepEqual(inList.groupDeps!.map(d => path.basename(d.path)), ['strings.bib', 'volumes.bib']);
    // Order matters, as in BibTeX: after refs.bib, strings.bib does not serve it.
    assert.equal(undefinedMacros(readSourceFile(refs, { group: [refs, strings] })).length, 1);
    // A missing earlier file adds nothing and is no error.
    fs.rmSync(strings);
    const missing = readSourceFile(refs, { group });
    assert.equal(undefinedMacros(missing).length, 1);
    assert.equal(missing.groupDeps![0]!.size, -1);
  });

  it('the cache entry of a file of a list is stale when an earlier file changes, and is kept apart from the file read alone', () => {
    const cacheDir = path.join(tmp, 'cache');
    const read = (req: ParseRequest) => {
      const outcome = parseWithCache(req);
      assert.equal(storeOutcome(req, outcome), undefined);
      return outcome;
    };
    const rowsText = (o: ParseOutcome) => Buffer.from((o.rows ?? encodeRows(o.parsed!)).bytes).toString('utf8');
    const req: ParseRequest = { path: refs, cacheDir, tag: 't', group };
    const first = read(req);
    assert.ok(!first.fromCache);
    assert.match(rowsText(first), /Information Processing Letters/);
    const second = read(req);
    assert.ok(second.fromCache);
    assert.deepEqual(rowsText(second), rowsText(first));
    // The same file alone is another entry: its macro stays a name there.
    const alone = read({ path: refs, cacheDir, tag: 't' });
    assert.ok(!alone.fromCache);
    assert.doesNotMatch(rowsText(alone), /Information Processing Letters/);
    assert.ok(read(req).fromCache, 'the list\'s entry survives the lone one');
    // The strings file changes (same size, new value): refs.bib is read again, with the new value.
    fs.writeFileSync(strings, STRINGS.replace('Information Processing Letters', 'Information Processing Lettrez'));
    const future = new Date(Date.now() + 5000);
    fs.utimesSync(strings, future, future);
    const third = read(req);
    assert.ok(!third.fromCache);
    assert.match(rowsText(third), /Information Processing Lettrez/);
    assert.ok(read(req).fromCache);
    // The crossref parent's file changes: stale too.
    fs.writeFileSync(vols, VOLUMES.replace('Elsevier', 'North-Holland'));
    const fourth = read(req);
    assert.ok(!fourth.fromCache);
    assert.match(rowsText(fourth), /North-Holland/);
    // An earlier file removed: stale; another list order: another entry.
    fs.rmSync(strings);
    assert.ok(!read(req).fromCache);
    assert.ok(!read({ ...req, group: [vols, refs] }).fromCache);
  });

  it('a big earlier file without @string or @preamble is never decoded; a kept macro table spares reading the earlier file again', () => {
    assert.ok(mayDefineMacros(Buffer.from('x\n@String{a = "b"}')) && mayDefineMacros(Buffer.from('@ \n PREAMBLE{ "x" }')) && mayDefineMacros(Buffer.from('@strin@string')));
    assert.ok(!mayDefineMacros(Buffer.from('@misc{a, note = {mail me: a@b.org, @strin}}')) && !mayDefineMacros(Buffer.from('')));
    const reads: string[] = [];
    const fake = (texts: Record<string, string>) => (p: string): GroupFile | undefined => texts[p] === undefined ? undefined : {
      size: texts[p]!.length, changedMs: 1,
      mayDefine: () => mayDefineMacros(Buffer.from(texts[p]!)),
      text: () => { reads.push(p); return texts[p]; },
    };
    const kept = new Map<string, MacroTable>();
    const tables = { get: (c: Chain) => kept.get(c.key), set: (c: Chain, t: MacroTable) => void kept.set(c.key, t) };
    const files = { 'big.bib': VOLUMES.repeat(3), 'strings.bib': STRINGS };
    const list = ['big.bib', 'strings.bib', 'refs.bib'];
    const read = () => readBibtexInGroup(REFS, 'refs.bib', list, fake(files), { tables, own: { size: REFS.length, changedMs: 1 } });
    const first = read();
    assert.equal(first.papers[0]!['container-title'], 'Information Processing Letters');
    assert.equal(first.papers[0]!.publisher, 'Elsevier', 'the crossref branch reads the other files\' entries');
    assert.deepEqual(reads.sort(), ['big.bib', 'strings.bib'], 'read once each: strings.bib for its macros, both for the crossref parent');
    assert.equal(kept.size, 2, 'a table after each earlier file (none after the last)');
    reads.length = 0;
    const second = readBibtexInGroup(REFS.replace(', crossref = {vol6}', ''), 'refs.bib', list, fake(files), { tables });
    assert.equal(second.papers[0]!['container-title'], 'Information Processing Letters');
    assert.deepEqual(reads, [], 'the kept tables answer: no earlier file read');
    assert.deepEqual(second.groupDeps!.map(d => d.path), ['big.bib', 'strings.bib']);
  });

  it('macro tables on disk: one file per list prefix, a new version of a file replacing the old', () => {
    const dir = path.join(tmp, 'cache');
    const link = (p: string, size: number, before = EMPTY_CHAIN) => extendChain(before, p, size, 1);
    const store = macroTables(dir, 'tag-disk');
    store.set(link('/w/strings.bib', 10), { strings: { ipl: 'Information Processing Letters' }, preambles: [] });
    store.set(link('/w/strings.bib', 11), { strings: { ipl: 'Inform. Process. Lett.' }, preambles: ['\\def\\x{}'] });
    store.set(link('/w/more.bib', 5, link('/w/strings.bib', 11)), { strings: {}, preambles: [] });
    assert.equal(fs.readdirSync(path.join(dir, 'tables')).length, 2);
    const onDisk = fs.readdirSync(path.join(dir, 'tables')).map(f => JSON.parse(fs.readFileSync(path.join(dir, 'tables', f), 'utf8')) as { key: string; strings: object });
    assert.deepEqual(onDisk.find(j => j.key === `tag-disk\u0000${link('/w/strings.bib', 11).key}`)!.strings, { ipl: 'Inform. Process. Lett.' }, 'the newer version replaced the older');
    assert.ok(!onDisk.some(j => j.key === `tag-disk\u0000${link('/w/strings.bib', 10).key}`));
    // Another build (tag) finds none of them.
    assert.equal(macroTables(dir, 'other-tag').get(link('/w/strings.bib', 11)), undefined);
    assert.deepEqual(macroTables(dir, 'tag-disk').get(link('/w/strings.bib', 11))!.strings, { ipl: 'Inform. Process. Lett.' });
  });

  it('a file whose crossrefs resolve in itself does not depend on the later files', () => {
    const cacheDir = path.join(tmp, 'cache');
    const req: ParseRequest = { path: strings, cacheDir, tag: 't', group };
    storeOutcome(req, parseWithCache(req));
    fs.writeFileSync(vols, VOLUMES.replace('Elsevier', 'North-Holland'));
    assert.ok(parseWithCache(req).fromCache);
  });
});

describe('bibliography lists: through the parse worker', function () {
  this.timeout(120_000);
  let tmp: string;
  let parser: SourceParser;
  let dispose: () => void;
  before(() => {
    // Every file through the worker, however small, as big libraries go in the extension.
    ({ dir: tmp, parser, dispose } = workerParser('papercite-groups-worker-', { inlineBelowBytes: 0 }));
  });
  after(() => dispose());

  it('the proofengineering list: every macro expands and every crossref resolves, parsed and from the cache', async function () {
    const dir = path.dirname(requireTestdata(this, 'bib/proofengineering/proof-engineering.bib'));
    assert.ok(parser.usesWorker);
    const files = ['bibstring-master.bib', 'crossrefs.bib', 'proof-engineering.bib'].map(f => path.join(dir, f));
    const alone = await parser.parse(files[1]!);
    assert.equal(undefinedMacros(alone).length, 19, 'crossrefs.bib alone uses 19 macros of bibstring-master.bib');
    for (const fromCache of [false, true]) {
      const sources = await Promise.all(files.map(f => parser.parse(f, undefined, undefined, undefined, files)));
      for (const s of sources) {
        assert.equal(s.error, undefined);
        assert.equal(!!s.fromCache, fromCache, `${path.basename(s.path)} ${fromCache ? 'from the cache' : 'parsed'}`);
        assert.deepEqual(s.problems.filter(p => /undefined macro|crossref `[^`]*` names no entry/.test(p.message)).map(p => `${path.basename(p.file)}:${p.line}: ${p.message}`), []);
      }
      const ase = sources[1]!.papers.find(p => p.id === 'ASE2003')!;
      assert.equal(ase['publisher-place'] ?? ase.custom.address ?? ase.address, 'Montreal, Canada');
      // Each field that named an undefined macro alone now holds the macro's text.
      for (const m of alone.problems.map(p => /entry (\S+): field `(\w+)` uses the undefined macro `([^`]+)`/.exec(p.message)!)) {
        const bib = sources[1]!.papers.find(p => p.id === m[1])!.custom.bibtex!;
        assert.doesNotMatch(bib, new RegExp(`\\b${m[2]}\\s*=\\s*(?:${m[3]}|\\{${m[3]}\\})\\s*[,}]`, 'i'), `${m[1]}: ${m[2]}`);
      }
      assert.deepEqual(sources.map(s => s.papers.length), [0, 750, 782]);
    }
  });

  it('changing the strings file re-reads the entries that use it with the new value', async () => {
    const s = path.join(tmp, 'strings.bib');
    const r = path.join(tmp, 'refs.bib');
    fs.writeFileSync(s, STRINGS);
    fs.writeFileSync(r, REFS.replace(', crossref = {vol6}', ''));
    const list = [s, r];
    const venue = async () => (await parser.parse(r, undefined, undefined, undefined, list)).papers[0]!['container-title'];
    assert.equal(await venue(), 'Information Processing Letters');
    // The entry's BibTeX (what export and Copy BibTeX write) has the macro expanded, not its name.
    assert.match((await parser.parse(r, undefined, undefined, undefined, list)).papers[0]!.custom.bibtex!, /journal = \{Information Processing Letters\}/);
    fs.writeFileSync(s, STRINGS.replace('Information Processing Letters', 'Inform. Process. Lett.'));
    assert.equal(await venue(), 'Inform. Process. Lett.');
    assert.equal(undefinedMacros(await parser.parse(r)).length, 1, 'read alone, the macro is undefined');
  });

  it('a small file after a big one in its list is read in the worker, not on the editor\'s thread', async () => {
    const small = new SourceParser({ workerFile: path.join(tmp, 'worker.js'), cacheDir: path.join(tmp, 'cache-small'), inlineBelowBytes: 1024 });
    try {
      const big = path.join(tmp, 'big.bib');
      const r = path.join(tmp, 'after-big.bib');
      fs.writeFileSync(big, `${STRINGS}${VOLUMES.repeat(40)}`);
      fs.writeFileSync(r, REFS);
      const alone = await small.parse(r);
      assert.equal(alone.timing, undefined, 'alone, the small file is parsed inline');
      const inList = await small.parse(r, undefined, undefined, undefined, [big, r]);
      assert.ok(inList.timing, 'with the big file before it, in the worker');
      assert.equal(inList.papers[0]!['container-title'], 'Information Processing Letters');
      fs.appendFileSync(r, '\n');
      assert.ok((await small.parse(r, undefined, undefined, undefined, [big, r])).timing, 'its macros are needed: in the worker again');
      // A big file before it that defines no macro (the Anthology before refs.bib): once known, the small file is read here.
      const s = path.join(tmp, 'small-strings.bib');
      const plain = path.join(tmp, 'big-plain.bib');
      const r2 = path.join(tmp, 'after-plain.bib');
      fs.writeFileSync(s, STRINGS);
      fs.writeFileSync(plain, VOLUMES.repeat(40));
      fs.writeFileSync(r2, REFS.replace(', crossref = {vol6}', ''));
      const list = [s, plain, r2];
      assert.ok((await small.parse(r2, undefined, undefined, undefined, list)).timing, 'first reading: in the worker');
      fs.appendFileSync(r2, '\n');
      const again = await small.parse(r2, undefined, undefined, undefined, list);
      assert.equal(again.timing, undefined, 'then inline');
      assert.equal(again.papers[0]!['container-title'], 'Information Processing Letters');
      // The big file changes: not known any more, so the worker again.
      fs.appendFileSync(plain, '\n');
      fs.appendFileSync(r2, '\n');
      assert.ok((await small.parse(r2, undefined, undefined, undefined, list)).timing);
    } finally {
      small.dispose();
    }
  });
});
