import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Paper } from '../../src/core/model';
import { bibEntryToPaper } from '../../src/core/bibtex/toCsl';
import { parseBibtex } from '../../src/core/bibtex/parse';
import { type BuiltIndex, buildIndex, IndexBuilder } from '../../src/core/search/build';
import { INDEX_ARRAYS, SearchIndex, sharedIndexData } from '../../src/core/search';
import { rng, synthesize } from '../../bench/data';
import { loadCorpus } from '../../bench/fixture';

const ROOT = path.resolve(__dirname, '../..');
const BIB = path.join(ROOT, 'test/fixtures/bib');

function bibPapers(file: string): Paper[] {
  const text = fs.readFileSync(path.join(BIB, file), 'utf8');
  return parseBibtex(text, file).entries.map(e => bibEntryToPaper(e, file));
}

/** Records as they may come from a damaged or hostile source: wrong types, holes, odd text. */
function oddPapers(): Paper[] {
  const long = 'Proceedings of the Workshop on Very Long Venue Names '.repeat(12);
  return [
    null, 42, 'paper', {},
    { id: 'x', type: 'article', title: 17, author: 'Smith', abstract: ['a'] },
    { id: 'muller2020', type: 'article', title: 'Müller–Lüdenscheidt über Sørensen: ÆON ﬁne-tuning 🙂 of Straße', author: [{ family: 'Müller', given: 'Jürgen' }, null, 7, { literal: 'The ŁÓDŹ Group' }] },
    { id: 'ed-1999', type: 'book', title: 'Edited Volume', editor: [{ family: 'Ed', given: 'A.' }], issued: { 'date-parts': [[1999]] }, 'original-date': { 'date-parts': [[1887]] } },
    { id: 'v', type: 'paper-conference', title: 'MedDialog: BERT4Rec self-play Self-Play X-Ray', 'container-title': long, custom: { venue: long, arxiv: '2505.03335v2', originalId: 'doi:10.1000/XYZ-Abc_9' } },
    { id: 'w', type: 'paper-conference', abstract: `${'a'.repeat(70)} ${'b1'.repeat(40)} short ab abc the THE The theory 中文分词 Ελληνικά ×÷ — ok`, 'container-title': 'ACL' },
    { id: 'y', type: 'article', title: '', abstract: '', author: [] },
  ] as unknown as Paper[];
}

function arrays(b: BuiltIndex): Record<string, unknown> {
  const { stats, ...rest } = b;
  return { ...rest, papers: stats.papers, vocabulary: stats.vocabulary, postings: stats.postings };
}

/** A builder fed `papers` in chunks of the given sizes (the last one takes the rest). */
function chunked(papers: readonly Paper[], sizes: readonly number[], hint?: boolean): BuiltIndex {
  const b = new IndexBuilder(hint ? { papers: papers.length } : undefined);
  let at = 0;
  for (const n of sizes) {
    b.add(papers.slice(at, Math.min(papers.length, at + n)));
    at = Math.min(papers.length, at + n);
  }
  b.add(papers.slice(at));
  assert.equal(b.papers, papers.length);
  return b.finish();
}

describe('IndexBuilder', () => {
  const corpus = loadCorpus(ROOT).papers;
  const anthology = bibPapers('anthology-excerpt.bib');
  const libraries: [string, Paper[]][] = [
    ['the bundled corpus', corpus],
    ['the Anthology excerpt', anthology],
    ['the proof-engineering excerpt', bibPapers('proof-engineering-excerpt.bib')],
    ['the damaged .bib', bibPapers('damaged.bib')],
    ['odd records', oddPapers()],
    ['all of them and synthetic records', [...corpus, ...anthology, ...oddPapers(), ...synthesize([...corpus, ...anthology], 300, 3)]],
  ];

  for (const [name, papers] of libraries) {
    it(`builds ${name} in chunks exactly as at once`, () => {
      const whole = arrays(buildIndex(papers));
      assert.deepEqual(arrays(chunked(papers, [])), whole, 'one chunk, no hint');
      assert.deepEqual(arrays(chunked(papers, [], true)), whole, 'one chunk, with hint');
      assert.deepEqual(arrays(chunked(papers, Array.from({ length: papers.length }, () => 1))), whole, 'one paper at a time');
      assert.deepEqual(arrays(chunked(papers, [0, 2, 0, 3])), whole, 'empty chunks among others');
      const r = rng(papers.length);
      assert.deepEqual(arrays(chunked(papers, Array.from({ length: 20 }, () => Math.floor(r() * 40)))), whole, 'random chunk sizes');
    });
  }

  it('builds the same index in shared memory, which posting to a thread then does not copy', () => {
    const papers = [...corpus, ...anthology, ...oddPapers()];
    const shared = buildIndex(papers, true);
    assert.deepEqual(arrays(shared), arrays(buildIndex(papers)));
    const data = SearchIndex.fromBuilt(papers, shared).exportData();
    for (const n of INDEX_ARRAYS) assert.ok(data[n].buffer instanceof SharedArrayBuffer, n);
    const posted = sharedIndexData(data);
    for (const n of INDEX_ARRAYS) assert.equal(posted[n], data[n], `${n} not copied`);
    // A builder that grew its buffers keeps them shared.
    const b = new IndexBuilder({ papers: 1, shared: true });
    for (const p of papers) b.add([p]);
    const grown = b.finish();
    assert.deepEqual(arrays(grown), arrays(buildIndex(papers)));
    assert.ok(grown.fwd.buffer instanceof SharedArrayBuffer && grown.fwdStart.buffer instanceof SharedArrayBuffer);
  });

  it('indexes what a search needs from odd records, and nothing from non-objects', () => {
    const b = buildIndex(oddPapers());
    assert.equal(b.stats.papers, 10);
    for (const w of ['muller', 'ludenscheidt', 'sorensen', 'strasse', 'meddialog', 'dialog', 'selfplay', 'xray', '1999', '1887', 'theory', 'abc', '2505']) {
      assert.ok(b.vocab.includes(w), w);
    }
    for (const w of ['the', 'ab', 'a'.repeat(70)]) assert.ok(!b.vocab.includes(w), w);
    for (let d = 0; d < 4; d++) assert.equal(b.fwdStart[d + 1] - b.fwdStart[d], 0, `record ${d}`);
  });

  it('an empty builder gives the empty index', () => {
    assert.deepEqual(arrays(new IndexBuilder().finish()), arrays(buildIndex([])));
  });

  it('refuses papers after finish, and a second finish', () => {
    const b = new IndexBuilder();
    b.add(anthology.slice(0, 3));
    b.finish();
    assert.throws(() => b.add(anthology.slice(3, 4)), /after finish/);
    assert.throws(() => b.finish(), /twice/);
  });

  it('keeps forward lists no larger than needed when it grew its buffer', () => {
    const b = new IndexBuilder();
    for (const p of corpus) b.add([p]);
    const built = b.finish();
    assert.ok(built.fwd.buffer.byteLength <= 4 * (built.fwd.length * 1.5 + 1024));
  });

  it('gives a SearchIndex that finds what the index built at once finds', () => {
    const papers = [...corpus, ...anthology];
    const b = new IndexBuilder();
    for (let i = 0; i < papers.length; i += 7) b.add(papers.slice(i, i + 7));
    const chunkedIndex = SearchIndex.fromBuilt(papers, b.finish());
    const whole = SearchIndex.build(papers);
    for (const q of ['absolute zero', 'zhao', 'grokking', 'translation', 'med dialog', 'reinforcment', 'acl 2023']) {
      assert.deepEqual(chunkedIndex.search(q, { limit: 10 }).map(h => h.paper.id), whole.search(q, { limit: 10 }).map(h => h.paper.id), q);
    }
    assert.ok(whole.search('grokking', { limit: 10 }).length > 0);
    assert.throws(() => SearchIndex.fromBuilt(papers.slice(1), buildIndex(papers)), /built for/);
  });
});

