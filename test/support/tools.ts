// External tools some tests need (pdftotext, pandoc, sphinx, the Typst compiler): a missing one
// skips the test with a clear message, but fails it under CI, which installs them (.ci/run).
import { spawnSync } from 'node:child_process';

/** Is `cmd args` runnable? (pdftotext has no --version that exits 0: it is asked -v.) */
export function hasTool(cmd: string, args: string[] = [cmd === 'pdftotext' ? '-v' : '--version']): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  return !r.error && r.status === 0;
}

/** Skips the test (fails under CI=true) when `ok` is false. */
export function requireTool(ctx: Mocha.Context, ok: boolean, what: string): void {
  if (ok) return;
  const why = `${what} is not installed`;
  if (process.env.CI === 'true') throw new Error(`${why}; CI must have it (.ci/run installs it)`);
  console.log(`      skipped: ${why}`);
  ctx.skip();
}

/** Skips the test (fails under CI=true) unless every command is installed. */
export function needTools(ctx: Mocha.Context, tools: string[], install = 'TeX Live (texlive-latex-base, -recommended, -extra, texlive-bibtex-extra), biber and poppler-utils'): void {
  const missing = tools.filter(t => !hasTool(t));
  requireTool(ctx, !missing.length, `${missing.join(', ')} (${install})`);
}

/** Runs a command; throws with its output when it fails. */
export function run(cmd: string, args: string[], cwd: string): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}
