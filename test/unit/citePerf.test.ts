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
});
