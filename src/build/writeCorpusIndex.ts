// Build step (run by esbuild.config.mjs after bundling): corpus/papers.json -> dist/corpus.index.
import * as fs from 'node:fs';
import { writeCorpusIndex } from '../core/corpusIndex';

const [from = 'corpus/papers.json', to = 'dist/corpus.index'] = process.argv.slice(2);
const t0 = performance.now();
const err = writeCorpusIndex(fs.readFileSync(from, 'utf8'), to);
if (err) {
  console.error(`corpus index: could not write ${to}: ${err}`);
  process.exitCode = 1;
} else console.log(`  ${to.padEnd(24)} ${(fs.statSync(to).size / 1024).toFixed(0).padStart(6)} KiB (search index of ${from}, ${Math.round(performance.now() - t0)} ms)`);
