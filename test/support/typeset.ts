// Typesets a refs.bib with pdflatex + bibtex (natbib, plainnat) and pdflatex + biber (biblatex), and
// asserts that no step reports an error or a warning. Shared by the export and online tests.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export function have(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Skips (fails under CI) when `cmd` is not installed. */
export function requireTool(ctx: Mocha.Context, cmd: string, install: string): void {
  if (have(cmd)) return;
  const msg = `${cmd} not found (${install})`;
  if (process.env.CI === 'true') throw new Error(msg);
  console.log(`      skipped: ${msg}`);
  ctx.skip();
}

export function run(cwd: string, cmd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TEXMFOUTPUT: cwd } });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** LaTeX log lines that are errors or warnings (box badness is layout, not a problem of the data). */
export function logProblems(log: string): string[] {
  const lines = log.split('\n');
  const bad: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^! /.test(l) || /Warning/.test(l) || /Missing character/.test(l) || /not set up for use with LaTeX/.test(l)) {
      bad.push([l, lines[i + 1] ?? '', lines[i + 2] ?? ''].join(' | '));
    }
  }
  return bad;
}

function citeCommands(keys: string[], cmd: string): string {
  const out: string[] = [];
  for (let i = 0; i < keys.length; i += 20) out.push(`\\${cmd}{${keys.slice(i, i + 20).join(',')}}`);
  return out.join('\n');
}

/**
 * Writes `name.tex`, runs pdflatex, the bibliography tool, and pdflatex until stable; asserts that the
 * tool's log (.blg) and the last LaTeX log have no error or warning.
 */
function typeset(dir: string, name: string, preamble: string[], body: string, tool: { cmd: string; bad: (line: string) => boolean }, reruns: number): void {
  writeFileSync(path.join(dir, `${name}.tex`), ['\\documentclass{article}', '\\usepackage[T1]{fontenc}', '\\usepackage[utf8]{inputenc}', ...preamble, '\\begin{document}', body, '\\end{document}', ''].join('\n'));
  const latex = ['-interaction=nonstopmode', '-halt-on-error', `${name}.tex`];
  const first = run(dir, 'pdflatex', latex);
  assert.equal(first.status, 0, `pdflatex (1st) failed:\n${first.out.slice(-3000)}`);
  const b = run(dir, tool.cmd, [name]);
  const blgBad = readFileSync(path.join(dir, `${name}.blg`), 'utf8').split('\n').filter(tool.bad);
  assert.deepEqual(blgBad, [], `${tool.cmd} reported problems (exit ${b.status}):\n${blgBad.join('\n')}`);
  assert.equal(b.status, 0, `${tool.cmd} failed:\n${b.out.slice(-3000)}`);
  for (let i = 1; i < reruns; i++) run(dir, 'pdflatex', latex);
  const last = run(dir, 'pdflatex', latex);
  assert.equal(last.status, 0, `pdflatex (last) failed:\n${last.out.slice(-3000)}`);
  const bad = logProblems(readFileSync(path.join(dir, `${name}.log`), 'latin1'));
  assert.deepEqual(bad, [], `LaTeX log has errors or warnings:\n${bad.join('\n')}`);
}

/** pdflatex + bibtex with natbib/plainnat over `dir/refs.bib`; `counts(line)` says whether a .blg warning line counts. */
export function typesetNatbib(dir: string, keys: string[], counts: (line: string) => boolean = () => true): void {
  typeset(dir, 'natbib', ['\\usepackage{natbib}', '\\usepackage{url}'], `${citeCommands(keys, 'citet')}\n\\bibliographystyle{plainnat}\n\\bibliography{refs}`, {
    cmd: 'bibtex', bad: l => /error message|I couldn't|I was expecting|---line \d+ of file/i.test(l) || (/Warning--/.test(l) && counts(l)),
  }, 2);
}

/** pdflatex + biber with biblatex (authoryear) over `dir/refs.bib`; biblatex asks for one more run when page breaks change. */
export function typesetBiblatex(dir: string, keys: string[], counts: (line: string) => boolean = () => true): void {
  typeset(dir, 'biblatex', ['\\usepackage[backend=biber,style=authoryear]{biblatex}', '\\addbibresource{refs.bib}'], `${citeCommands(keys, 'textcite')}\n\\printbibliography`, {
    cmd: 'biber', bad: l => /> ERROR - /.test(l) || (/> WARN - /.test(l) && counts(l)),
  }, 2);
}
