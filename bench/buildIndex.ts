// Index build alone: the Anthology (73k, with abstracts) and the Anthology + synthetic 100k, as
// `npm run bench` loads them; several builds each, the minimum wall and CPU time printed.
//
//   npx tsx bench/buildIndex.ts [runs]          (default 7 runs per library)
//   REF=/path/to/other/src/core/search/build.ts npx tsx bench/buildIndex.ts
//     also builds with that build.ts, checks that every array and the vocabulary are identical, and
//     times both, alternating.
//   BUILD=/path/to/other/build.ts npx tsx bench/buildIndex.ts
//     times that build.ts instead.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { Paper } from '../src/core/model';
import { type BuiltIndex, buildIndex as thisBuild } from '../src/core/search/build';
import { parseBibtex } from '../src/core/bibtex/parse';
import { bibEntryToPaper } from '../src/core/bibtex/toCsl';
import { synthesize, unpackAnthology } from './data';
import * as fs from 'node:fs';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** First difference between two builds, or undefined when identical. */
export function diffBuilt(a: BuiltIndex, b: BuiltIndex): string | undefined {
  if (a.vocab.length !== b.vocab.length) return `vocab length ${a.vocab.length} vs ${b.vocab.length}`;
  for (let i = 0; i < a.vocab.length; i++) if (a.vocab[i] !== b.vocab[i]) return `vocab[${i}] ${a.vocab[i]} vs ${b.vocab[i]}`;
  for (const k of ['idf', 'postStart', 'postPrimary', 'postings', 'fwdStart', 'fwdPrimaryEnd', 'fwd', 'byLength', 'lengthStart', 'signature', 'titleWords'] as const) {
    const x = a[k], y = b[k];
    if (x.constructor !== y.constructor) return `${k}: ${x.constructor.name} vs ${y.constructor.name}`;
    if (x.length !== y.length) return `${k} length ${x.length} vs ${y.length}`;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) return `${k}[${i}] ${x[i]} vs ${y[i]}`;
  }
  if (a.stats.papers !== b.stats.papers || a.stats.vocabulary !== b.stats.vocabulary || a.stats.postings !== b.stats.postings) return 'stats differ';
  return undefined;
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 7);
  const bib = unpackAnthology();
  if (!bib) throw new Error('the Anthology test file is absent');
  const text = fs.readFileSync(bib, 'utf8');
  const real = parseBibtex(text, bib).entries.map(e => bibEntryToPaper(e, bib));
  const libs: [string, Paper[]][] = [
    [`anthology ${real.length}`, real],
    ['anthology + synthetic 100k', real.concat(synthesize(real, 100_000 - real.length))],
  ];
  // BUILD=other/build.ts times that one instead (to compare two versions in separate processes).
  const buildIndex = process.env.BUILD ? ((await import(process.env.BUILD)) as { buildIndex: typeof thisBuild }).buildIndex : thisBuild;
  const ref = process.env.REF ? ((await import(process.env.REF)) as { buildIndex: typeof thisBuild }).buildIndex : undefined;
  for (const [name, papers] of libs) {
    if (ref) {
      const d = diffBuilt(ref(papers), buildIndex(papers));
      console.log(`${name}: ${d ? 'DIFFERENT: ' + d : 'identical to REF'}`);
      if (d) process.exitCode = 1;
    }
    const builds: [string, typeof thisBuild][] = ref ? [['this', buildIndex], ['REF', ref]] : [['this', buildIndex]];
    const times = builds.map(() => ({ wall: [] as number[], cpu: [] as number[], scan: [] as number[], sort: [] as number[], arrays: [] as number[] }));
    // With REF, the two builds alternate (the first one changing each round), so both see the same load.
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < builds.length; k++) {
        const which = (k + r) % builds.length;
        const m = times[which];
        gc();
        gc();
        const c0 = process.cpuUsage();
        const t = performance.now();
        const b = builds[which][1](papers);
        m.wall.push(performance.now() - t);
        const c = process.cpuUsage(c0);
        m.cpu.push((c.user + c.system) / 1000);
        m.scan.push(b.stats.scanMs);
        m.sort.push(b.stats.sortMs);
        m.arrays.push(b.stats.arraysMs);
      }
    }
    const min = (xs: number[]) => Math.min(...xs).toFixed(0);
    builds.forEach(([label], k) => {
      const m = times[k];
      console.log(`${name}, ${label}: build min ${min(m.wall)} ms wall, ${min(m.cpu)} ms CPU (of ${runs}; scan ${min(m.scan)} + sort ${min(m.sort)} + arrays ${min(m.arrays)}); wall: ${m.wall.map(x => x.toFixed(0)).join(' ')}; CPU: ${m.cpu.map(x => x.toFixed(0)).join(' ')}`);
    });
  }
}

if (require.main === module) void main();
