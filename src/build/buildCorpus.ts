// `npm run corpus`: rebuilds corpus/papers.json from corpus/raw/*, the curated records and the
// owners mapping, keeping the keys of the previous corpus/papers.json. `--check` only compares.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCorpus, serializeCorpus } from '../core/corpus';
import type { Paper } from '../core/model';
import type { MetadataRecord } from '../core/reconcile';

export const CORPUS_DIR = path.resolve(__dirname, '../../corpus');

export interface CorpusInputs {
  pages: { file: string; text: string }[];
  records: MetadataRecord[];
  owners: Record<string, string>;
  previous?: Paper[];
}

/** Reads the build's inputs from a corpus directory (raw/, metadata/records.json, owners.json, papers.json). */
export function readCorpusInputs(dir = CORPUS_DIR): CorpusInputs {
  const rawDir = path.join(dir, 'raw');
  const pages = fs.readdirSync(rawDir).filter(f => f.endsWith('.txt')).sort()
    .map(file => ({ file, text: fs.readFileSync(path.join(rawDir, file), 'utf8') }));
  const records = JSON.parse(fs.readFileSync(path.join(dir, 'metadata', 'records.json'), 'utf8')) as MetadataRecord[];
  const ownersFile = path.join(dir, 'owners.json');
  const owners = fs.existsSync(ownersFile) ? (JSON.parse(fs.readFileSync(ownersFile, 'utf8')) as { pages: Record<string, string> }).pages : {};
  const papersFile = path.join(dir, 'papers.json');
  const inputs: CorpusInputs = { pages, records, owners };
  if (fs.existsSync(papersFile)) inputs.previous = JSON.parse(fs.readFileSync(papersFile, 'utf8')) as Paper[];
  return inputs;
}

export function rebuild(inputs: CorpusInputs) {
  return buildCorpus(inputs.pages, inputs.records, inputs.previous, { owners: inputs.owners });
}

function main(): void {
  const t0 = Date.now();
  const inputs = readCorpusInputs();
  const { papers, report } = rebuild(inputs);
  for (const p of report.pages) console.log(`[corpus] ${p.file}: ${p.layout}, ${p.entries} entries, owner ${p.owner ?? '?'}${p.ownerFrom === 'mapping' ? ' (owners.json)' : ''}`);
  for (const line of report.log) console.log(`[corpus] ${line}`);
  console.log(`[corpus] ${report.rawEntries} raw entries → ${report.papers} papers (${report.merges.length} merged); `
    + `records: ${report.records.applied}/${report.records.total} applied, ${report.records.unmatched.length} unmatched, `
    + `${report.records.ambiguous.length} ambiguous; ${report.unrecorded.length} papers without a record`);
  const out = path.join(CORPUS_DIR, 'papers.json');
  const text = serializeCorpus(papers);
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
    if (current !== text) {
      console.error(`[corpus] ${path.relative(process.cwd(), out)} is stale: run \`npm run corpus\``);
      process.exitCode = 1;
    } else console.log(`[corpus] ${path.relative(process.cwd(), out)} is up to date`);
    return;
  }
  fs.writeFileSync(out, text);
  console.log(`[corpus] wrote ${path.relative(process.cwd(), out)} in ${Date.now() - t0} ms`);
}

if (require.main === module) main();
