import { strict as assert } from 'node:assert';
import { cpuMs } from '../support/cpuTime';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Paper } from '../../src/core/model';
import { queryTerms, rankRelated, RelatedIndex, tokenize } from '../../src/core/related';

// Real abstracts: every long line of the bundled raw pages ("Abstract:" prefixes dropped).
const rawDir = path.resolve(__dirname, '../../corpus/raw');
const abstracts: { page: string; text: string }[] = [];
for (const f of fs.readdirSync(rawDir).filter(f => f.endsWith('.txt')).sort()) {
  for (const line of fs.readFileSync(path.join(rawDir, f), 'utf8').split('\n')) {
    if (line.length > 300) abstracts.push({ page: f, text: line.replace(/^Abstract:/, '') });
  }
}
const papers: Paper[] = abstracts.map((a, i) => ({ id: `p${i}`, type: 'article', abstract: a.text, custom: { sources: [{ page: a.page, index: i }] } }));

describe('related', () => {
  it('tokenizes words of any script, drops stop words, numbers and single letters, folds plurals', () => {
    assert.deepEqual(tokenize('The Flexibility Trap: Why Arbitrary-Order Limits 89.1% of dLLMs, α and 量子 models'),
      ['flexibility', 'trap', 'why', 'arbitrary-order', 'limit', 'dllm', '量子']);
  });

  it('finds the same paper listed on another page as the most related, with cosine near 1', () => {
    assert.ok(abstracts.length > 40, `found ${abstracts.length} abstracts`);
    // CRaSh ("Instruction tuning has recently been recognized…") is on the Xuekai Zhu and the Biqing Qi pages.
    const copies = papers.filter(p => (p.abstract as string).startsWith('Instruction tuning has recently been recognized'));
    assert.equal(copies.length, 2);
    const idx = RelatedIndex.build(papers);
    const hits = idx.related(copies[0]!.id, 5);
    assert.equal(hits[0]!.paper.id, copies[1]!.id);
    assert.ok(hits[0]!.score > 0.95, `score ${hits[0]!.score}`);
  });

  it('ranks topically close abstracts first, never the paper itself, best first, k at most', () => {
    const idx = RelatedIndex.build(papers);
    const flex = papers.find(p => /arbitrary order generation/.test(p.abstract as string))!;
    const hits = idx.related(flex.id, 3);
    assert.equal(hits.length, 3);
    assert.ok(hits.every(h => h.paper.id !== flex.id));
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score >= hits[i]!.score);
    assert.ok(hits.some(h => /diffusion/i.test(h.paper.abstract as string)), hits.map(h => (h.paper.abstract as string).slice(0, 80)).join('\n'));
    // Cached per key: the same array content, a larger k recomputes.
    assert.deepEqual(idx.related(flex.id, 3), hits);
    assert.equal(idx.related(flex.id, 6).length, 6);
  });

  it('returns nothing for unknown keys and for papers without text, and survives odd input', () => {
    const odd: Paper[] = [
      { id: 'empty', type: 'article', custom: {} },
      { id: 'junk', type: 'article', title: '<script>alert(1)</script>', abstract: '$$$ \\href{javascript:x}{y} \u0000\uffff', custom: {} },
      { id: 'num', type: 'article', abstract: 42 as unknown as string, custom: {} },
      ...papers.slice(0, 5),
    ];
    const idx = RelatedIndex.build(odd);
    assert.deepEqual(idx.related('empty'), []);
    assert.deepEqual(idx.related('nope'), []);
    assert.deepEqual(idx.related('num'), []);
    assert.ok(Array.isArray(idx.related('junk')));
    assert.deepEqual(RelatedIndex.build([]).related('x'), []);
  });

  it('ranks a bounded candidate pool the same way for the clear cases (the large-library path)', () => {
    const copies = papers.filter(p => (p.abstract as string).startsWith('Instruction tuning has recently been recognized'));
    const terms = queryTerms(copies[0]!, 10);
    assert.equal(terms.length, 10);
    assert.ok(terms.includes('instruction') || terms.includes('tuning'), terms.join(' '));
    // A pool of 30 papers that contains the copy: it comes first.
    const pool = [...papers.filter(p => p !== copies[0]).slice(0, 29), copies[1]!];
    const hits = rankRelated(copies[0]!, pool, 3);
    assert.equal(hits[0]!.paper.id, copies[1]!.id);
    assert.ok(hits[0]!.score > 0.9, String(hits[0]!.score));
    assert.ok(hits.every(h => h.paper.id !== copies[0]!.id));
    assert.deepEqual(rankRelated(copies[0]!, [], 3), []);
  });

  it('builds for 10k papers and answers a query in bounded time', function () {
    this.timeout(120_000);
    // Synthetic abstracts from the real vocabulary with a Zipf-like word distribution.
    const vocab = [...new Set(abstracts.flatMap(a => a.text.split(/\s+/)))];
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const n = 10_000;
    const big: Paper[] = [];
    for (let i = 0; i < n; i++) {
      const words: string[] = [];
      for (let w = 0; w < 180; w++) words.push(vocab[Math.floor(vocab.length * rnd() ** 2.5)]!);
      big.push({ id: `s${i}`, type: 'article', title: words.slice(0, 10).join(' '), abstract: words.join(' '), custom: {} });
    }
    let idx!: RelatedIndex;
    const buildMs = cpuMs(() => { idx = RelatedIndex.build(big); });
    const qs: number[] = [];
    for (let q = 0; q < 50; q++) qs.push(cpuMs(() => idx.related(`s${q * 199}`, 5)));
    qs.sort((a, b) => a - b);
    const r0 = performance.now();
    for (let q = 0; q < 20; q++) rankRelated(big[q * 311]!, big.slice(q * 100, q * 100 + 100), 5);
    console.log(`      [related 10k] bounded path: 100 candidates ranked in ${((performance.now() - r0) / 20).toFixed(1)} ms per paper`);
    const p50 = qs[25]!, max = qs[qs.length - 1]!;
    console.log(`      [related 10k] build ${buildMs.toFixed(0)} ms CPU, vocabulary ${idx.vocabularySize} terms; query p50 ${p50.toFixed(1)} ms CPU, max ${max.toFixed(1)} ms`);
    assert.ok(buildMs < 20_000, `build ${buildMs} ms of CPU time`);
    assert.ok(p50 < 200, `query p50 ${p50} ms of CPU time`);
  });
});
