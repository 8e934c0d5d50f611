import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Paper } from '../../src/core/model';
import { mergeOnline, sameWork, titleSimilarity, TITLE_MIN } from '../../src/core/online/match';
import { parseOpenAlexSearch } from '../../src/core/online/openalex';
import { parseS2Search } from '../../src/core/online/semanticScholar';
import { bestCpuMs } from '../support/cpuTime';
import { requireTestdata } from '../support/shared';

const paper = (id: string, title: string, family: string[], year?: number, extra: Partial<Paper> = {}): Paper => ({
  id, type: 'paper-conference', title, author: family.map(f => ({ family: f, given: 'A.' })), ...(year ? { issued: { 'date-parts': [[year]] } } : {}), custom: {}, ...extra,
});

// Real titles: the famous paper and the papers a title search returns for it.
const VASWANI = paper('vaswani2017attention', 'Attention Is All You Need', ['Vaswani', 'Shazeer', 'Parmar'], 2017);

describe('online: same work', () => {
  it(`states its threshold: Dice on word tokens ≥ ${TITLE_MIN}`, () => {
    assert.equal(TITLE_MIN, 0.9);
    assert.equal(titleSimilarity('Attention Is All You Need', 'attention is all you need.'), 1);
  });

  it('a near miss is not a match, whatever the search engine ranked first', () => {
    const nearMisses = [
      paper('subakan2021attention', 'Attention Is All You Need In Speech Separation', ['Subakan', 'Ravanelli'], 2021),
      paper('dong2021attention', 'Attention is not all you need: pure attention loses rank doubly exponentially with depth', ['Dong', 'Cordonnier'], 2021),
      paper('niu2021review', 'A review on the attention mechanism of deep learning', ['Niu', 'Zhong', 'Yu'], 2021),
      // Same surname and year do not rescue a different title.
      paper('vaswani2017other', 'Attention Is Most of What You Need for Translation', ['Vaswani'], 2017),
    ];
    for (const p of nearMisses) {
      const r = sameWork(VASWANI, p);
      assert.equal(r.same, false, `${p.title}: ${r.why}`);
      assert.match(r.why, /titles differ|too short/);
    }
  });

  it('a similar title with neither author nor year is not a match', () => {
    const r = sameWork(VASWANI, paper('x', 'Attention is all you need', ['Nobody'], 2009));
    assert.equal(r.same, false);
    assert.match(r.why, /neither an author nor the year/);
  });

  it('matches by identifier (DOI case-insensitive, arXiv version ignored), or title + author, or title + year', () => {
    assert.deepEqual(sameWork(paper('a', 'X', [], undefined, { DOI: '10.18653/V1/N19-1423' }), paper('b', 'Y', [], undefined, { DOI: '10.18653/v1/n19-1423' })), { same: true, why: 'same DOI 10.18653/V1/N19-1423' });
    assert.equal(sameWork(paper('a', 'X', [], undefined, { custom: { arxiv: '1706.03762' } }), paper('b', 'Y', [], undefined, { custom: { arxiv: '1706.03762v5' } })).same, true);
    assert.equal(sameWork(VASWANI, paper('b', 'Attention is All you Need', ['Vaswani'], 2023)).same, true);
    assert.equal(sameWork(VASWANI, paper('b', 'Attention Is All You Need', ['Other'], 2018)).same, true);
  });

  it('different arXiv ids are different works even with one title', () => {
    const a = paper('a', 'Attention Is All You Need', ['Vaswani'], 2017, { custom: { arxiv: '1706.03762' } });
    const b = paper('b', 'Attention Is All You Need', ['Vaswani'], 2017, { custom: { arxiv: '2401.00001' } });
    assert.equal(sameWork(a, b).same, false);
  });

  describe('on recorded answers', () => {
    let dir = '';
    before(function () { dir = requireTestdata(this, 'api'); });

    it('a preprint and its published version are one work (OpenAlex: ChemCrow)', () => {
      const [pub, pre] = parseOpenAlexSearch(fs.readFileSync(path.join(dir, 'openalex/works_filter_title_search_llm_chemistry_tools.json'), 'utf8'));
      const r = sameWork(pub!.paper, pre!.paper);
      assert.equal(r.same, true);
      assert.match(r.why, /title similarity 0\.93 and author bran/);
    });

    it('two Semantic Scholar records with one title but nothing else are not merged', () => {
      const recs = parseS2Search(fs.readFileSync(path.join(dir, 'semanticscholar/paper_search_sublinear_edit_distance.json'), 'utf8'));
      const same = recs.filter(r => r.paper.title === 'A Comparative Performance Analysis of Approximate String Matching');
      assert.equal(same.length, 2);
      assert.equal(sameWork(same[0]!.paper, same[1]!.paper).same, false);
      assert.equal(mergeOnline([], recs).length, recs.length);
    });
  });
});

describe('online: merging with the library', () => {
  it('a local hit wins and is marked; duplicates across providers fold into the first, ids joined', () => {
    const local = [VASWANI, paper('devlin2019bert', 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding', ['Devlin'], 2019)];
    const rec = (p: Paper, provider: 'dblp' | 'openalex', ids: Record<string, string>) => ({ paper: p, provider, ids });
    const merged = mergeOnline(local, [
      rec(paper('vaswani2017attention', 'Attention is All you Need', ['Vaswani'], 2017), 'dblp', { dblp: 'conf/nips/VaswaniSPUJGKP17' }),
      rec(paper('subakan2021attention', 'Attention Is All You Need In Speech Separation', ['Subakan'], 2021), 'dblp', { dblp: 'conf/icassp/SubakanRCBZ21' }),
      rec(paper('subakan2021attention', 'Attention is all you need in speech separation', ['Subakan'], 2021), 'openalex', { openalex: 'W3160745530' }),
    ]);
    assert.equal(merged.length, 2);
    assert.equal(merged[0]!.local?.id, 'vaswani2017attention');
    assert.equal(merged[1]!.local, undefined);
    assert.deepEqual(merged[1]!.record.ids, { dblp: 'conf/icassp/SubakanRCBZ21', openalex: 'W3160745530' });
  });
});

describe('online: merging answers with megabyte titles', () => {
  // 50 records (5 services × 10) whose titles are 20 KB or 80 KB of distinct words, no ids: every
  // pair is compared. The cost must not grow with the titles' length (it took 1.7 s and 15 s).
  const records = (chars: number) => Array.from({ length: 50 }, (_, i) => ({
    paper: paper(`r${i}`, Array.from({ length: chars / 8 }, (_, k) => `w${i}x${k}`).join(' ').slice(0, chars), ['Vaswani'], 2017),
    provider: 'crossref' as const, ids: {},
  }));

  it('compares the first 256 words of a title, once per record', () => {
    const short = records(20_000), long = records(80_000);
    assert.equal(mergeOnline([], long).length, 50);
    const ts = bestCpuMs(() => mergeOnline([], short));
    const tl = bestCpuMs(() => mergeOnline([], long));
    assert.ok(tl <= 2 * Math.max(ts, 5), `80 KB titles: ${tl.toFixed(1)} ms against ${ts.toFixed(1)} ms for 20 KB titles`);
  });

  it('still tells long titles apart and together by their words', () => {
    const words = Array.from({ length: 200 }, (_, k) => `word${k}`);
    const a = paper('a', words.join(' '), ['Vaswani'], 2017);
    assert.equal(sameWork(a, paper('b', words.join(' '), ['Vaswani'], 2017)).same, true);
    assert.equal(sameWork(a, paper('c', words.map((w, k) => (k % 5 ? w : `other${k}`)).join(' '), ['Vaswani'], 2017)).same, false);
  });
});
