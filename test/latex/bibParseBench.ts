// Measures PaperCite's BibTeX reader (parse + conversion to papers) on a .bib file against
// JSON.parse of the same records and, with --peers, against citation-js. Each measurement runs in a
// fresh Node process (no heap left over from another), runs are interleaved, best and median kept.
// Usage: npx tsx test/latex/bibParseBench.ts FILE.bib [--runs N] [--peers] [--json OUT]

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { plugins } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import { parseBibtex } from '../../src/core/bibtex/parse';
import { bibEntryToPaper } from '../../src/core/bibtex/toCsl';

type Mode = 'papercite-parse' | 'papercite' | 'json-entries' | 'json-papers' | 'json-papers-bibtex' | 'citation-js';

/** `ms`: wall time; `cpuMs`: CPU time of the process (user + system), less disturbed by other load. */
interface Sample { mode: Mode; ms: number; cpuMs: number; count: number; note?: string }

function timed<T>(f: () => T): { value: T; ms: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, ms, cpuMs: (c.user + c.system) / 1000 };
}

const here = __dirname;
const root = path.resolve(here, '../..');

function child(mode: Mode, file: string, jsonDir: string): Sample {
  if (mode.startsWith('json-')) {
    const json = readFileSync(path.join(jsonDir, `${mode}.json`), 'utf8');
    const r = timed(() => JSON.parse(json) as unknown[]);
    return { mode, ms: r.ms, cpuMs: r.cpuMs, count: r.value.length };
  }
  const text = readFileSync(file, 'utf8');
  if (mode === 'citation-js') {
    let note: string | undefined;
    const r = timed(() => {
      try {
        return plugins.input.chain(text, { forceType: '@biblatex/text', generateGraph: false }) as unknown[];
      } catch (err) {
        note = `threw: ${String((err as Error).message).split('\n')[0]!.slice(0, 200)}`;
        return [];
      }
    });
    return { mode, ms: r.ms, cpuMs: r.cpuMs, count: r.value.length, note };
  }
  if (mode === 'papercite-parse') {
    const r = timed(() => parseBibtex(text, file));
    return { mode, ms: r.ms, cpuMs: r.cpuMs, count: r.value.entries.length };
  }
  const r = timed(() => parseBibtex(text, file).entries.map(e => bibEntryToPaper(e, file)));
  return { mode, ms: r.ms, cpuMs: r.cpuMs, count: r.value.length };
}

function prepare(file: string, dir: string): void {
  const r = parseBibtex(readFileSync(file, 'utf8'), file);
  writeFileSync(path.join(dir, 'json-entries.json'), JSON.stringify(r.entries.map(e => ({ type: e.type, key: e.key, fields: e.fields }))));
  const papers = r.entries.map(e => bibEntryToPaper(e, file));
  writeFileSync(path.join(dir, 'json-papers-bibtex.json'), JSON.stringify(papers));
  writeFileSync(path.join(dir, 'json-papers.json'), JSON.stringify(papers.map(p => ({ ...p, custom: { ...p.custom, bibtex: undefined } }))));
}

function stats(xs: number[]): { best: number; median: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { best: Math.round(s[0]!), median: Math.round(s[Math.floor(s.length / 2)]!) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const sample = child(args[1] as Mode, args[2]!, args[3]!);
    process.stdout.write(JSON.stringify(sample));
    return;
  }
  const file = args.find(a => !a.startsWith('--'));
  if (!file) { console.error('usage: bibParseBench.ts FILE.bib [--runs N] [--peers] [--json OUT]'); process.exit(2); }
  const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
  const dir = mkdtempSync(path.join(tmpdir(), 'papercite-bench-'));
  prepare(file, dir);
  const modes: Mode[] = ['json-entries', 'json-papers', 'json-papers-bibtex', 'papercite-parse', 'papercite'];
  if (args.includes('--peers')) modes.push('citation-js');
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    for (const mode of modes) {
      if (mode === 'citation-js' && i > 0) continue; // minutes per run on a large file: once
      const out = execFileSync(process.execPath, [...process.execArgv, __filename, '--child', mode, file, dir], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20, timeout: 900_000 });
      const s = JSON.parse(out) as Sample;
      samples.push(s);
      console.error(`${mode.padEnd(20)} ${String(Math.round(s.ms)).padStart(7)} ms wall ${String(Math.round(s.cpuMs)).padStart(7)} ms cpu  ${s.count} records ${s.note ?? ''}`);
    }
  }
  const table = modes.map(mode => {
    const mine = samples.filter(s => s.mode === mode);
    return { mode, count: mine[0]!.count, note: mine[0]!.note, wall: stats(mine.map(s => s.ms)), cpu: stats(mine.map(s => s.cpuMs)) };
  });
  const base = table.find(t => t.mode === 'json-papers')!;
  for (const t of table) {
    console.log(`${t.mode.padEnd(20)} wall best ${String(t.wall.best).padStart(6)} median ${String(t.wall.median).padStart(6)} ms | cpu best ${String(t.cpu.best).padStart(6)} median ${String(t.cpu.median).padStart(6)} ms | ${(t.wall.median / base.wall.median).toFixed(2)}× (cpu ${(t.cpu.median / base.cpu.median).toFixed(2)}×) JSON.parse(papers) | ${t.count} records ${t.note ?? ''}`);
  }
  const out = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
  if (out) writeFileSync(out, JSON.stringify({ file, runs, table, samples }, null, 2));
}

void main();
