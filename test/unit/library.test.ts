import * as assert from 'node:assert/strict';
import { sharedFile } from '../support/shared';
import * as path from 'node:path';
import { Library, PreparedSource } from '../../src/core/library';
import { buildIndexData, SearchIndex } from '../../src/core/search';
import type { Paper } from '../../src/core/model';
import { readSourceFile } from '../../src/core/sources/read';
import { sourceOrders } from '../../src/core/sources/orders';
import { parseSourceText } from '../../src/core/sources/fromText';
import { encodeRows, RecordRows } from '../../src/core/sources/transfer';
import { BERT_BIB } from './library.fixtures';

// Real records: the ACL Anthology export (../shared/testdata/bib, CC BY 4.0) and a corpus paper.
const BERT_CSL = JSON.stringify([{
  id: 'Devlin2019BERT', type: 'paper-conference',
  title: 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding',
  author: [{ family: 'Devlin', given: 'Jacob' }, { family: 'Chang', given: 'Ming-Wei' }],
  issued: { 'date-parts': [[2019, 6]] }, DOI: '10.18653/V1/N19-1423',
  abstract: 'We introduce a new language representation model called BERT, which stands for Bidirectional Encoder Representations from Transformers.',
}], null, 2);

const ABSOLUTE_ZERO: Paper = {
  id: 'zhao2025absolute', type: 'article',
  title: 'Absolute Zero: Reinforced Self-play Reasoning with Zero Data',
  author: [{ family: 'Zhao', given: 'Andrew' }, { family: 'Wu', given: 'Yiran' }, { family: 'Yue', given: 'Yang' }],
  issued: { 'date-parts': [[2025, 5, 6]] },
  abstract: 'Reinforcement learning with verifiable rewards (RLVR) has shown promise in enhancing the reasoning capabilities of large language models by learning directly from outcome-based rewards.',
  custom: { arxiv: '2505.03335', category: 'cs.LG', sources: [{ page: '000_61405a7480b77c87.txt', index: 0 }], profiles: ['Yue Yang'] },
};
const HIGH_ENTROPY: Paper = {
  id: 'wang2025beyond', type: 'article',
  title: 'Beyond the 80/20 Rule: High-Entropy Minority Tokens Drive Effective Reinforcement Learning for LLM Reasoning',
  author: [{ family: 'Wang', given: 'Shenzhi' }, { family: 'Yu', given: 'Le' }, { family: 'Gao', given: 'Chang' }],
  issued: { 'date-parts': [[2025, 6, 2]] },
  custom: { authorsTruncated: true, category: 'cs.CL', sources: [{ page: '001_e65ff691a41d52b8.txt', index: 0 }] },
};
const corpus = () => [structuredClone(ABSOLUTE_ZERO), structuredClone(HIGH_ENTROPY)];

describe('library: combining sources', () => {
  it('shows a paper from a .bib and a CSL-JSON file once, with both origins and keys', () => {
    const lib = new Library();
    lib.loadSource('/w/anthology.bib', BERT_BIB);
    lib.loadSource('/w/zotero.json', BERT_CSL);
    assert.equal(lib.papers.length, 1);
    const p = lib.papers[0]!;
    assert.equal(p.id, 'devlin-etal-2019-bert', 'the first source keeps its key');
    assert.deepEqual(p.custom.origins, [{ path: '/w/anthology.bib', line: 1 }, { path: '/w/zotero.json', line: 2 }]);
    assert.deepEqual(p.custom.aliases, ['Devlin2019BERT']);
    assert.equal(lib.byKey('Devlin2019BERT'), p, 'the other key finds it too');
    assert.match(p.abstract!, /^We introduce a new language representation model/, 'a field the .bib lacks is filled');
    assert.equal(lib.sourceStatus('/w/zotero.json')!.merged, 1);
    assert.equal(lib.stats.merged, 1);
  });

  it('gives a loaded file as read: its own keys and lines, even when another source holds the same paper', () => {
    const lib = new Library();
    lib.loadSource('/w/zotero.json', BERT_CSL);
    lib.loadSource('/w/anthology.bib', `${BERT_BIB}\n@misc{second,\n  title = {A second entry}\n}\n`);
    assert.equal(lib.byKey('second')?.title, 'A second entry');
    const own = lib.userSource('/w/anthology.bib')!;
    assert.deepEqual(own.papers.map(p => [p.id, p.custom?.origins?.[0]?.line]), [['devlin-etal-2019-bert', 1], ['second', BERT_BIB.split('\n').length + 1]]);
    assert.equal(lib.papers.find(p => p.title?.startsWith('BERT'))!.id, 'Devlin2019BERT', 'the merged paper shows the first source\'s key');
    assert.equal(lib.userSource('/w/other.bib'), undefined);
    lib.remove('/w/anthology.bib');
    assert.equal(lib.userSource('/w/anthology.bib'), undefined);
  });

  it('never mutates the parsed papers of a source', () => {
    const lib = new Library({ corpus: corpus() });
    const cited: Paper = { ...structuredClone(ABSOLUTE_ZERO), id: 'AbsoluteZero', custom: { arxiv: '2505.03335v1', origins: [{ path: '/w/mine.json', line: 2 }] } };
    const parsed = { path: '/w/mine.json', kind: 'csl-json' as const, papers: [cited], problems: [], entries: 1, parseMs: 1 };
    const snapshot = JSON.stringify(parsed);
    lib.put(parsed);
    assert.equal(lib.papers.length, 2);
    const merged = lib.byKey('zhao2025absolute')!;
    assert.equal(merged.id, 'AbsoluteZero', 'the user key wins: it is what their document cites');
    assert.equal(merged.custom.profiles?.[0], 'Yue Yang', 'corpus-only fields fill in');
    assert.deepEqual(merged.custom.sources, ABSOLUTE_ZERO.custom.sources);
    assert.equal(JSON.stringify(parsed), snapshot);
    assert.notEqual(merged, cited);
  });

  it('merges by normalized title + year when the first authors agree, not otherwise', () => {
    const lib = new Library({ corpus: corpus() });
    lib.loadSource('/w/a.json', JSON.stringify([
      { id: 'wang80-20', type: 'article', title: 'Beyond the 80/20 rule: high-entropy minority tokens drive effective reinforcement learning for LLM reasoning', author: [{ family: 'Wang', given: 'S.' }], issued: { 'date-parts': [[2025]] } },
      { id: 'other80-20', type: 'article', title: 'Beyond the 80/20 Rule: High-Entropy Minority Tokens Drive Effective Reinforcement Learning for LLM Reasoning', author: [{ family: 'Someone', given: 'Else' }], issued: { 'date-parts': [[2025]] } },
      { id: 'later80-20', type: 'article', title: 'Beyond the 80/20 Rule: High-Entropy Minority Tokens Drive Effective Reinforcement Learning for LLM Reasoning', author: [{ family: 'Wang', given: 'S.' }], issued: { 'date-parts': [[2027]] } },
    ]));
    const ids = lib.papers.map(p => p.id).sort();
    assert.deepEqual(ids, ['later80-20', 'other80-20', 'wang80-20', 'zhao2025absolute']);
    assert.equal(lib.byKey('wang2025beyond')!.id, 'wang80-20');
  });

  it('keeps two keys of one .bib citable even when they are the same paper', () => {
    const lib = new Library();
    lib.loadSource('/w/refs.bib', BERT_BIB + BERT_BIB.replace('devlin-etal-2019-bert', 'bert'));
    assert.deepEqual(lib.papers.map(p => p.id), ['devlin-etal-2019-bert', 'bert']);
  });

  it('reports a key clash between different papers with file and line, keeping the first', () => {
    const lib = new Library();
    lib.loadSource('/w/a.json', JSON.stringify([{ ...ABSOLUTE_ZERO, custom: {} }]));
    lib.loadSource('/w/b.json', `[\n${JSON.stringify({ ...HIGH_ENTROPY, id: 'zhao2025absolute', custom: {} })}\n]`);
    assert.equal(lib.papers.length, 1);
    assert.equal(lib.byKey('zhao2025absolute')!.title, ABSOLUTE_ZERO.title);
    const problems = lib.sourceStatus('/w/b.json')!.problems;
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.file, '/w/b.json');
    assert.equal(problems[0]!.line, 2);
    assert.match(problems[0]!.message, /key "zhao2025absolute" already names a different paper, "Absolute Zero.*" in a\.json:1.*left out/);
    assert.equal(lib.stats.clashes, 1);
  });

  it('reports a user key that hides a different bundled paper on the user source', () => {
    const lib = new Library({ corpus: corpus() });
    lib.loadSource('/w/mine.json', `[\n\n${JSON.stringify({ id: 'wang2025beyond', type: 'book', title: 'A Different Book Entirely About Gardening', issued: { 'date-parts': [[2025]] } })}]`);
    assert.equal(lib.byKey('wang2025beyond')!.type, 'book');
    const [p] = lib.sourceStatus('/w/mine.json')!.problems;
    assert.equal(p!.line, 3);
    assert.match(p!.message, /also the bundled corpus paper "Beyond the 80\/20 Rule/);
  });

  it('reports a duplicate key within one file', () => {
    const lib = new Library();
    lib.loadSource('/w/dup.json', `[\n{"id": "a", "type": "book", "title": "First book on a topic"},\n{"id": "a", "type": "book", "title": "Second, unrelated book"}\n]`);
    assert.equal(lib.papers.length, 1);
    const [p] = lib.sourceStatus('/w/dup.json')!.problems;
    assert.equal(p!.line, 3);
    assert.match(p!.message, /duplicate key "a"/);
  });

  it('replaces a changed source alone and forgets a removed one', () => {
    const lib = new Library({ corpus: corpus() });
    lib.loadSource('/w/refs.bib', BERT_BIB);
    const v = lib.version;
    assert.equal(lib.papers.length, 3);
    lib.loadSource('/w/refs.bib', BERT_BIB.replace('devlin-etal-2019-bert', 'devlin2019'));
    assert.ok(lib.version > v);
    assert.ok(lib.byKey('devlin2019'));
    assert.equal(lib.byKey('devlin-etal-2019-bert'), undefined);
    assert.ok(lib.remove('/w/refs.bib'));
    assert.equal(lib.papers.length, 2);
    assert.deepEqual(lib.sources.map(s => s.id), ['bundled:corpus']);
  });

  it('lists the user sources first, then the bundled corpus, with counts and problems', () => {
    const lib = new Library({ corpus: corpus(), corpusParseMs: 3 });
    lib.loadSource('/w/refs.bib', BERT_BIB);
    lib.loadSource('/w/broken.json', '[{"id": ');
    const s = lib.sources;
    assert.deepEqual(s.map(x => [x.id, x.kind, x.entries]), [['/w/refs.bib', 'bibtex', 1], ['/w/broken.json', 'csl-json', 0], ['bundled:corpus', 'corpus', 2]]);
    assert.equal(s[2]!.label, 'Bundled corpus');
    assert.match(s[1]!.error!, /not valid JSON/);
    assert.equal(s[1]!.problems.length, 1);
    assert.equal(lib.papers.length, 3, 'the rest of the library loads');
  });

  it('searches user sources and the corpus together, rebuilding the index on change', () => {
    const lib = new Library({ corpus: corpus() });
    assert.equal(lib.search('bidirectional transformers', 5).length, 0);
    lib.loadSource('/w/refs.bib', BERT_BIB);
    assert.equal(lib.search('bidirectional transformers', 5)[0]?.paper.id, 'devlin-etal-2019-bert');
    assert.equal(lib.search('absolute zero', 5)[0]?.paper.id, 'zhao2025absolute');
  });

  it('follows the priority it is given, not the order files finished parsing', () => {
    const lib = new Library();
    lib.loadSource('/w/zotero.json', BERT_CSL);
    lib.loadSource('/w/anthology.bib', BERT_BIB);
    assert.equal(lib.papers[0]!.id, 'Devlin2019BERT');
    lib.setOrder(['/w/anthology.bib', '/w/zotero.json']);
    assert.equal(lib.papers[0]!.id, 'devlin-etal-2019-bert');
    assert.deepEqual(lib.sources.map(s => s.id), ['/w/anthology.bib', '/w/zotero.json']);
  });

  it('places a source added later by the priority set before it arrived', () => {
    const lib = new Library();
    lib.setOrder(['/w/anthology.bib', '/w/zotero.json']);
    lib.loadSource('/w/zotero.json', BERT_CSL);
    lib.loadSource('/w/other.json', '[]');
    lib.loadSource('/w/anthology.bib', BERT_BIB);
    assert.deepEqual(lib.sources.map(s => s.id), ['/w/anthology.bib', '/w/zotero.json', '/w/other.json']);
    assert.equal(lib.papers[0]!.id, 'devlin-etal-2019-bert');
  });

  it('drops the bundled corpus on request (--no-corpus, includeBundledCorpus: false)', () => {
    const lib = new Library({ corpus: corpus() });
    lib.remove('bundled:corpus');
    assert.equal(lib.papers.length, 0);
    assert.equal(lib.sources.length, 0);
  });
});

describe('library: real libraries', function () {
  let shared = '';
  before(function () { shared = path.dirname(sharedFile(this, 'testdata')); });

  it('loads the proof-engineering bibliography and its crossref targets together', () => {
    const lib = new Library();
    const dir = path.join(shared, 'testdata/bib/proofengineering');
    for (const f of ['crossrefs.bib', 'proof-engineering.bib']) lib.put(readSourceFile(path.join(dir, f)));
    const [cross, pe] = [lib.sourceStatus(path.join(dir, 'crossrefs.bib'))!, lib.sourceStatus(path.join(dir, 'proof-engineering.bib'))!];
    assert.ok(cross.entries >= 700, `crossrefs.bib: ${cross.entries} entries`);
    assert.ok(pe.entries >= 700, `proof-engineering.bib: ${pe.entries} entries`);
    assert.ok(lib.papers.length >= 1400);
    for (const p of lib.papers) assert.ok(p.custom.origins?.length, `${p.id} has an origin`);
  });
});

describe('library: search across a big source and small ones', () => {
  // 9,000 entries recombined from real Anthology titles: big enough for an index of its own, in two slices.
  const words = ['Neural', 'Machine', 'Translation', 'Parsing', 'Dialogue', 'Summarization', 'Entity', 'Linking', 'Multilingual', 'Speech', 'Corpus', 'Evaluation'];
  const bigItems = Array.from({ length: 9000 }, (_, i) => ({
    id: `anth${i}`, type: 'paper-conference',
    title: `${words[i % 12]} ${words[(i * 7 + 3) % 12]} ${words[(i * 5 + 1) % 12]} study ${i}`,
    author: [{ family: `Author${i % 97}`, given: 'A.' }], issued: { 'date-parts': [[1990 + (i % 30)]] },
  }));
  bigItems.push({ id: 'devlin-etal-2019-bert', type: 'paper-conference', title: 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding',
    author: [{ family: 'Devlin', given: 'Jacob' }], issued: { 'date-parts': [[2019]] } });

  it('finds papers of both, shows a merged paper once, and re-indexes only the small source on change', () => {
    const builds: number[] = [];
    const original = SearchIndex.build;
    SearchIndex.build = (papers: readonly Paper[]) => { builds.push(papers.length); return original.call(SearchIndex, papers); };
    try {
      const lib = new Library({ corpus: corpus() });
      lib.loadSource('/w/refs.json', JSON.stringify([{ id: 'bert', type: 'article', title: 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding', author: [{ family: 'Devlin', given: 'J.' }], issued: { 'date-parts': [[2019]] } }]));
      lib.loadSource('/w/anthology.json', JSON.stringify(bigItems));
      const hits = lib.search('bidirectional transformers', 10);
      assert.equal(hits.filter(h => /^BERT/.test(h.paper.title ?? '')).length, 1, 'the merged paper is shown once');
      assert.equal(hits[0]!.paper.id, 'bert', 'under the key of the first source');
      assert.deepEqual(hits[0]!.paper.custom.aliases, ['devlin-etal-2019-bert']);
      assert.ok(lib.search('entity speech linking 4242', 5).some(h => h.paper.id === 'anth4242'));
      assert.equal(lib.search('absolute zero', 3)[0]?.paper.id, 'zhao2025absolute');
      assert.deepEqual(builds.sort((a, b) => a - b), [3, 1001, 8000], 'small sources share one index; the big one has its own, in slices');
      assert.ok(lib.search('entity speech linking 8500', 5).some(h => h.paper.id === 'anth8500'), 'the second slice answers too');
      builds.length = 0;
      lib.loadSource('/w/refs.json', JSON.stringify([{ id: 'mine2024', type: 'article', title: 'My own paper on parsing dialogue' }]));
      assert.ok(lib.search('own paper parsing', 5).some(h => h.paper.id === 'mine2024'));
      assert.deepEqual(builds, [3], 'only the small index is rebuilt');
      assert.ok(lib.search('bidirectional transformers', 5).some(h => h.paper.id === 'devlin-etal-2019-bert'), 'the big source shows its own key again');
    } finally {
      SearchIndex.build = original;
    }
  });
});

describe('library: indexing a big source ahead, in turns', () => {
  it('builds the slices before the source joins, so joining re-indexes nothing big', async () => {
    const items = Array.from({ length: 12000 }, (_, i) => ({ id: `k${i}`, type: 'article', title: `Paper ${i} on neural parsing` }));
    const parsed = { path: '/w/big.json', kind: 'csl-json' as const, papers: items.map(x => ({ ...x, custom: {} })), problems: [], entries: 12000, parseMs: 1 };
    const builds: number[] = [];
    const original = SearchIndex.build;
    SearchIndex.build = (papers: readonly Paper[]) => { builds.push(papers.length); return original.call(SearchIndex, papers); };
    try {
      let turns = 0;
      const ticking = setInterval(() => turns++, 0);
      const prepared = PreparedSource.ready(parsed);
      const spent = await prepared.prepareInTurns();
      clearInterval(ticking);
      assert.deepEqual(builds, [8000, 4000]);
      assert.ok(spent > 0 && turns >= 1, 'other work ran between the slices');
      builds.length = 0;
      const lib = new Library({ corpus: corpus() });
      lib.put(prepared);
      assert.equal(lib.search('paper 11999 neural', 3)[0]!.paper.id, 'k11999');
      assert.deepEqual(builds, [2], 'only the small index (the corpus) is built');
    } finally {
      SearchIndex.build = original;
    }
  });
});

describe('library: a big source searchable before its papers are decoded', () => {
  const bertRows = () => {
    const parsed = parseSourceText('/w/anthology.bib', `${BERT_BIB}\n${BERT_BIB.replace('devlin-etal-2019-bert', 'devlin-again').replace('{BERT}:', '{BERT} again:').replace('10.18653/v1/N19-1423', '10.18653/v1/N19-9999')}`);
    const { bytes } = encodeRows(parsed);
    return { parsed, rows: new RecordRows(bytes) };
  };

  it('answers search and byKey from the rows, maps a key the library already shows to that paper, and gives way to the ready source', async () => {
    const lib = new Library({ corpus: corpus() });
    lib.loadSource('/w/zotero.json', BERT_CSL);
    const { parsed, rows } = bertRows();
    lib.put(PreparedSource.searchable({ path: '/w/anthology.bib', rows, index: buildIndexData(parsed.papers), sinceRequestMs: 0, worker: { rowsArrivedMs: 0, readMs: 0 } }));
    assert.deepEqual(lib.sourcePaths, ['/w/zotero.json', '/w/anthology.bib']);
    assert.equal(rows.decodedCount, 0);
    const ids = lib.search('bidirectional transformers').map(h => h.paper.id);
    // Devlin2019BERT (zotero.json) and the two anthology entries, each once.
    assert.deepEqual([...ids].sort(), ['Devlin2019BERT', 'devlin-again', 'devlin-etal-2019-bert']);
    assert.ok(rows.decodedCount <= 2, 'only hits were decoded');
    assert.equal(lib.byKey('devlin-again')?.title, 'BERT again: Pre-training of Deep Bidirectional Transformers for Language Understanding');
    assert.equal(lib.byKey('no-such-key'), undefined);
    // Not part of the papers (the tree) until it joins; listed as a source being read, before the corpus.
    assert.ok(!lib.papers.some(p => p.id === 'devlin-again'));
    assert.deepEqual(lib.sources.map(s => [s.label, s.entries, s.state]), [['zotero.json', 1, 'ready'], ['anthology.bib', 2, 'searchable'], ['Bundled corpus', 2, 'ready']]);
    const hit = lib.byKey('devlin-again');
    const full = await rows.materialize(false);
    lib.put(full, 'anthology.bib');
    assert.ok(lib.sources.every(s => s.state === 'ready'));
    // The paper decoded while searchable is the one the library now holds.
    assert.equal(lib.papers.find(p => p.id === 'devlin-again'), hit);
    // Merged with zotero.json's copy by DOI now: the anthology entry is shown once, under zotero's key.
    assert.deepEqual(lib.search('bidirectional transformers').map(h => h.paper.id).sort(), ['Devlin2019BERT', 'devlin-again']);
  });

  it('names each source state once: searchable, ready, then replaced or removed', async () => {
    const lib = new Library();
    const { parsed, rows } = bertRows();
    const searchable = PreparedSource.searchable({ path: '/w/anthology.bib', rows, index: buildIndexData(parsed.papers), sinceRequestMs: 0, worker: { rowsArrivedMs: 0, readMs: 0 } });
    lib.put(searchable);
    assert.equal(searchable.state, 'searchable');
    const ready = PreparedSource.ready(await rows.materialize(false));
    lib.put(ready);
    assert.deepEqual([searchable.state, ready.state], ['replaced', 'ready']);
    const again = PreparedSource.ready(parseSourceText('/w/anthology.bib', BERT_BIB));
    await lib.add(again, 'anthology.bib');
    assert.deepEqual([ready.state, again.state], ['replaced', 'ready']);
    assert.equal(lib.userSource('/w/anthology.bib'), again.source);
    assert.ok(lib.remove('/w/anthology.bib'));
    assert.equal(again.state, 'removed');
    assert.deepEqual(lib.sources, []);
  });

  it('forgets a searchable source that is removed', () => {
    const lib = new Library();
    const { parsed, rows } = bertRows();
    lib.put(PreparedSource.searchable({ path: '/w/anthology.bib', rows, index: buildIndexData(parsed.papers), sinceRequestMs: 0, worker: { rowsArrivedMs: 0, readMs: 0 } }));
    assert.ok(lib.remove('/w/anthology.bib'));
    assert.deepEqual(lib.search('bidirectional'), []);
  });
});

describe('library: keys and newest papers across sources', () => {
  it('finds keys by prefix in every source, under the key the paper is shown by, shortest first', () => {
    const lib = new Library({ corpus: corpus() });
    lib.loadSource('/w/zotero.json', BERT_CSL);
    lib.loadSource('/w/anthology.bib', `${BERT_BIB}\n${BERT_BIB.replace('devlin-etal-2019-bert', 'devlin-etal-2019-bert-long').replace('10.18653/v1/N19-1423', '10.18653/v1/N19-9999').replace('{BERT}:', '{BERT} again:')}`);
    // devlin-etal-2019-bert is folded into zotero's Devlin2019BERT (same DOI): found, shown under that key.
    assert.deepEqual(lib.keysStartingWith('DEVLIN', 10).map(p => p.id), ['Devlin2019BERT', 'devlin-etal-2019-bert-long']);
    assert.deepEqual(lib.keysStartingWith('zhao2025', 10).map(p => p.id), ['zhao2025absolute']);
    assert.deepEqual(lib.keysStartingWith('nobody', 10), []);
  });

  it('lists the newest papers first across sources', () => {
    const lib = new Library({ corpus: corpus() });
    lib.loadSource('/w/anthology.bib', BERT_BIB);
    assert.deepEqual(lib.newest(3).map(p => p.id), ['wang2025beyond', 'zhao2025absolute', 'devlin-etal-2019-bert']);
    assert.deepEqual(lib.newest(1).map(p => p.id), ['wang2025beyond']);
  });

  it('uses the orders a big source brought from the worker, and ignores ones that do not fit', () => {
    const papers = Array.from({ length: 6 }, (_, i) => ({ ...structuredClone(ABSOLUTE_ZERO), id: `k${i}`, title: `Paper number ${i} of a set`, issued: { 'date-parts': [[2000 + i]] } })) as Paper[];
    const orders = sourceOrders(papers);
    assert.deepEqual([...orders.newest], [5, 4, 3, 2, 1, 0]);
    const lib = new Library();
    lib.put({ path: '/w/big.json', kind: 'csl-json', papers, problems: [], entries: 6, parseMs: 0, orders });
    assert.deepEqual(lib.keysStartingWith('k', 2).map(p => p.id), ['k0', 'k1']);
    assert.deepEqual(lib.newest(2).map(p => p.id), ['k5', 'k4']);
    const other = new Library();
    other.put({ path: '/w/big.json', kind: 'csl-json', papers, problems: [], entries: 6, parseMs: 0, orders: { byKey: new Uint32Array(2), newest: new Uint32Array(2) } });
    assert.deepEqual(other.newest(2).map(p => p.id), ['k5', 'k4']);
  });
});
