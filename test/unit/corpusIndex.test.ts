import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCorpusIndex, writeCorpusIndex } from '../../src/core/corpusIndex';
import type { Paper } from '../../src/core/model';
import { SearchIndex, vocabStarts } from '../../src/core/search';

const ROOT = path.resolve(__dirname, '../..');
const PAPERS_JSON = fs.readFileSync(path.join(ROOT, 'corpus/papers.json'), 'utf8');

describe('corpus index: built ahead, read at activation', () => {
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-corpus-index-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads back an index that answers exactly as one built on the spot', () => {
    const file = path.join(tmp, 'corpus.index');
    assert.equal(writeCorpusIndex(PAPERS_JSON, file), undefined);
    const data = readCorpusIndex(PAPERS_JSON, file);
    assert.ok(data, 'the index matches the text it was built from');
    const papers = JSON.parse(PAPERS_JSON) as Paper[];
    const read = SearchIndex.fromData(papers, data);
    const built = SearchIndex.build(papers);
    for (const q of ['absolute zero', 'zhao', 'reinforcment lerning', 'yue yang', 'crash', 'self-play reasoning wit']) {
      assert.deepEqual(read.search(q, { limit: 10 }), built.search(q, { limit: 10 }), q);
    }
    assert.equal(read.search('absolute zero', { limit: 1 })[0]?.paper.id, 'zhao2025absolute');
    // The vocabulary's offsets found ahead (as the worker does) answer the same; wrong ones are not trusted.
    const ahead = SearchIndex.fromData(papers, { ...data, vocabStarts: vocabStarts(data.vocab) });
    const wrong = SearchIndex.fromData(papers, { ...data, vocabStarts: new Uint32Array([0, 3]) });
    for (const q of ['absolute zero', 'reinforcment lerning', 'zh']) {
      assert.deepEqual(ahead.search(q, { limit: 10 }), built.search(q, { limit: 10 }), q);
      assert.deepEqual(wrong.search(q, { limit: 10 }), built.search(q, { limit: 10 }), q);
    }
  });

  it('refuses an index built for other papers, or a damaged one', () => {
    const file = path.join(tmp, 'other.index');
    writeCorpusIndex(PAPERS_JSON, file);
    const edited = PAPERS_JSON.replace('Absolute Zero', 'Absolute Nil');
    assert.notEqual(edited, PAPERS_JSON);
    assert.equal(readCorpusIndex(edited, file), undefined);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 5));
    assert.equal(readCorpusIndex(PAPERS_JSON, file), undefined);
    assert.equal(readCorpusIndex(PAPERS_JSON, path.join(tmp, 'missing.index')), undefined);
  });

  it('the build wrote dist/corpus.index for today\'s corpus/papers.json', function () {
    const dist = path.join(ROOT, 'dist/corpus.index');
    if (!fs.existsSync(dist)) {
      console.log('      skipped: dist/corpus.index is absent (run `npm run build` first)');
      this.skip();
    }
    assert.ok(readCorpusIndex(PAPERS_JSON, dist), 'dist/corpus.index is stale: run `npm run build`');
  });
});
