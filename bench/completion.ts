// Completion work per keystroke on a large library: citation context + ranking + item text, as the
// provider does them, on copies of the bundled corpus (distinct keys, a word of noise per title).
//   npm run bench:completion [-- 100000]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { citeContextAt } from '../src/core/citeContext';
import type { Paper } from '../src/core/model';
import { SearchIndex } from '../src/core/search';
import { paperDetail } from '../src/extension/cite/format';
import { rankPapers } from '../src/extension/cite/rank';

const n = Number(process.argv[2] ?? 100_000);
const base = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../corpus/papers.json'), 'utf8')) as Paper[];
const papers: Paper[] = [];
for (let i = 0; papers.length < n; i++) for (const p of base) { if (papers.length >= n) break; papers.push({ ...p, id: `${p.id}${i}`, title: `${p.title} v${i}` }); }
const t0 = performance.now();
const index = SearchIndex.build(papers);
const buildMs = performance.now() - t0;
const lib = { papers, search: (q: string, limit?: number) => index.search(q, { limit: limit ?? 50 }) };
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
let times: number[] = [];
for (let pass = 0; pass < 2; pass++) {
  times = []; // the first pass warms the JIT
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
console.log(`completion on ${papers.length} papers (index built in ${buildMs.toFixed(0)} ms): ${times.length} keystrokes, ` +
  `p50 ${pct(times, 50).toFixed(2)} ms, p95 ${pct(times, 95).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`);
