// Completion work per keystroke on the bundled corpus: the citation context of a real-sized
// document plus the ranking and the item text, as the provider does them. Prints the numbers;
// it asserts no timing (machines differ), only that completion returns what the user typed for.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { citeContextAt } from '../../src/core/citeContext';
import type { Paper } from '../../src/core/model';
import { SearchIndex } from '../../src/core/search';
import { paperDetail, paperMarkdown } from '../../src/extension/cite/format';
import { rankPapers } from '../../src/extension/cite/rank';

const CORPUS = path.resolve(__dirname, '../../corpus/papers.json');

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

describe('cite completion speed (reported, not asserted)', function () {
  this.timeout(120_000);
  it('measures context + ranking + items per keystroke on the bundled corpus', function () {
    if (!fs.existsSync(CORPUS)) {
      console.log('      (skipped: corpus/papers.json is not built yet; run `npm run corpus`)');
      this.skip();
    }
    const papers = JSON.parse(fs.readFileSync(CORPUS, 'utf8')) as Paper[];
    const index = SearchIndex.build(papers);
    const byId = new Map(papers.map(p => [p.id, p]));
    const lib = { papers, search: (q: string, limit?: number) => index.search(q, { limit: limit ?? 50 }), byKey: (k: string) => byId.get(k) };
    // A 60 kB LaTeX document; the user types at its end.
    const body = 'Reinforcement learning with verifiable rewards \\citep[see][p.~3]{a,b} has become standard. % note\n'.repeat(600);
    // Keys hold no spaces, so the user types one word: title word, author, year, key, or a typo.
    const typed = ['\\citep[see][]{', 'absolute', 'zhao', 'self-play', 'reinforcment', 'wei2022', 'entropy', '2025', 'reasonign'];
    let times: number[] = [];
    let firstForAbs = '';
    for (let pass = 0; pass < 2; pass++) {
    if (pass === 1) {
      console.log(`      cold (first pass, JIT warming): ${times.length} keystrokes: p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`);
      times = [];
    }
    for (const phrase of typed) {
      for (let n = 1; n <= phrase.length; n++) {
        const text = body + '\\citep[see][]{' + (phrase.startsWith('\\') ? '' : phrase.slice(0, n));
        const t0 = performance.now();
        const offset = text.length;
        const base = Math.max(0, offset - 3000);
        const ctx = citeContextAt(text.slice(base, offset + 3000), offset - base, { syntax: 'latex', window: 2000 });
        assert.ok(ctx, 'inside the citation');
        const hits = rankPapers(lib, ctx.prefix, { limit: 50, exclude: new Set(ctx.keys) });
        for (const p of hits) paperDetail(p);
        if (hits[0]) paperMarkdown(hits[0]); // documentation is resolved for the focused item only
        times.push(performance.now() - t0);
        if (phrase === 'absolute' && n === 3) firstForAbs = hits[0]?.title ?? '';
      }
    }
    }
    console.log(`      warm: corpus ${papers.length} papers; ${times.length} keystrokes: p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`);
    console.log(`      first item for "abs": ${firstForAbs}`);
    assert.match(firstForAbs, /Absolute Zero/);
  });

  it('measures the same on a large library (PAPERCITE_PERF_LARGE=100000; skipped otherwise)', function () {
    const n = Number(process.env.PAPERCITE_PERF_LARGE ?? 0);
    if (!n || !fs.existsSync(CORPUS)) {
      console.log('      (skipped: set PAPERCITE_PERF_LARGE=<papers> to measure a large library built from the corpus)');
      this.skip();
    }
    const base = JSON.parse(fs.readFileSync(CORPUS, 'utf8')) as Paper[];
    // Copies of the corpus with distinct keys and a word of noise in each title.
    const papers: Paper[] = [];
    for (let i = 0; papers.length < n; i++) for (const p of base) { if (papers.length >= n) break; papers.push({ ...p, id: `${p.id}${i}`, title: `${p.title} v${i}` }); }
    const t0 = performance.now();
    const index = SearchIndex.build(papers);
    const buildMs = performance.now() - t0;
    const lib = { papers, search: (q: string, limit?: number) => index.search(q, { limit: limit ?? 50 }) };
    const times: number[] = [];
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1) times.length = 0;
      for (const phrase of ['absolute', 'zhao', 'self-play', 'reinforcment', 'wei2022', 'entropy', '2025', 'reasonign']) {
        for (let k = 1; k <= phrase.length; k++) {
          const text = '\\citep[see][]{' + phrase.slice(0, k);
          const t1 = performance.now();
          const ctx = citeContextAt(text, text.length, { syntax: 'latex' })!;
          const hits = rankPapers(lib, ctx.prefix, { limit: 50, exclude: new Set(ctx.keys) });
          for (const p of hits) paperDetail(p);
          times.push(performance.now() - t1);
        }
      }
    }
    console.log(`      ${papers.length} papers (index built in ${buildMs.toFixed(0)} ms), warm: ${times.length} keystrokes: p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`);
  });
});
