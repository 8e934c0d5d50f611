// The papercite CLI on a big library in fresh processes, as a user runs it: a first search (parses
// the file, builds the index, fills the cache), then second searches on the unchanged file, which
// answer from the cache. `papercite --version` is the floor: starting Node and loading the bundle.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from './data';

export interface CliResult {
  entries: number;
  query: string;
  firstHit: string;
  coldMs: number;
  /** The first search's answer on stdout (the cache is written after it). */
  coldAnswerMs: number;
  /** Second searches: wall and CPU (user + system) ms of the process. */
  warm: { wallMs: number[]; cpuMs: number[]; fromCache: boolean };
  versionMs: number[];
  targetMs: 500;
}

/** CPU ms of this process's waited-for children so far (Linux; NaN elsewhere). */
function childrenCpuMs(): number {
  try {
    const f = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    // cutime and cstime are fields 16 and 17 of the whole line (13 and 14 after the name), in ticks.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
}

/** Runs a command; resolves with when its stdout first got output and when it exited (ms from the start). */
function timeFirstOutput(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ answerMs: number; exitMs: number; err: string }> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    let answerMs = NaN;
    let err = '';
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', () => { if (Number.isNaN(answerMs)) answerMs = performance.now() - t; });
    child.stderr.on('data', (d: Buffer) => { err += d.toString('utf8'); });
    child.on('error', reject);
    child.on('close', code => (code === 0 || code === 1 ? resolve({ answerMs, exitMs: performance.now() - t, err }) : reject(new Error(`${args.join(' ')} exited ${code}: ${err}`))));
  });
}

export async function benchCli(root: string, bib: string, runs: number): Promise<CliResult> {
  // Today's sources: the cache is keyed by the bundle, so a stale dist/cli.js would measure old code.
  execFileSync(process.execPath, [path.join(root, 'esbuild.config.mjs')], { cwd: root, stdio: 'ignore' });
  const cli = path.join(root, 'dist/cli.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-cli-bench-'));
  const query = 'devlin bidirectional transformers';
  const env = { ...process.env, PAPERCITE_CACHE_DIR: path.join(dir, 'cache') };
  const run = (args: string[]) => {
    const cpu0 = childrenCpuMs();
    const t = performance.now();
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
    const wallMs = performance.now() - t;
    if (r.status !== 0 && r.status !== 1) throw new Error(`papercite ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return { wallMs, cpuMs: childrenCpuMs() - cpu0, out: r.stdout, err: r.stderr };
  };
  try {
    const search = ['search', '--library', bib, '--verbose', '--json', query];
    const cold = await timeFirstOutput(process.execPath, [cli, ...search], env);
    const result: CliResult = {
      entries: Number(/(\d+) entries/.exec(cold.err)?.[1] ?? NaN), query, firstHit: '', coldMs: cold.exitMs, coldAnswerMs: cold.answerMs,
      warm: { wallMs: [], cpuMs: [], fromCache: true }, versionMs: [], targetMs: 500,
    };
    for (let i = 0; i < runs; i++) {
      const w = run(search);
      result.warm.wallMs.push(w.wallMs);
      result.warm.cpuMs.push(w.cpuMs);
      result.warm.fromCache &&= /search index from the cache, entries read as shown/.test(w.err);
      result.firstHit = (JSON.parse(w.out) as { id: string }[])[0]?.id ?? '';
      result.versionMs.push(run(['--version']).wallMs);
    }
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function describeCli(c: CliResult): string[] {
  const f = (xs: number[]) => `${median(xs).toFixed(0)} ms (median of ${xs.length}; ${xs.map(x => x.toFixed(0)).join(', ')})`;
  return [
    `CLI, fresh processes, \`papercite search --library <${c.entries} entries> "${c.query}"\` (top hit ${c.firstHit}):`,
    `  first search: answered in ${(c.coldAnswerMs / 1000).toFixed(1)} s (parse, index), exits at ${(c.coldMs / 1000).toFixed(1)} s (the cache written); second search, warm cache: ${f(c.warm.wallMs)} wall, CPU ${f(c.warm.cpuMs)} (target <= ${c.targetMs} ms)${c.warm.fromCache ? '' : ' (NOT from the cache)'}; \`papercite --version\` ${f(c.versionMs)}`,
  ];
}
