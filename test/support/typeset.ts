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

/** pdflatex + bibtex with natbib/plainnat over `dir/refs.bib`; `counts(line)` says whether a .blg warning line counts. */
export function typesetNatbib(dir: string, keys: string[], counts: (line: string) => boolean = () => true): void {
  writeFileSync(path.join(dir, 'natbib.tex'), [
    '\\documentclass{article}', '\\usepackage[T1]{fontenc}', '\\usepackage[utf8]{inputenc}', '\\usepackage{natbib}',
    '\\usepackage{url}', '\\begin{document}', citeCommands(keys, 'citet'), '\\bibliographystyle{plainnat}', '\\bibliography{refs}', '\\end{document}', '',
  ].join('\n'));
  const latex = ['-interaction=nonstopmode', '-halt-on-error', 'natbib.tex'];
  const first = run(dir, 'pdflatex', latex);
  assert.equal(first.status, 0, `pdflatex (1st) failed:\n${first.out.slice(-3000)}`);
  const bib = run(dir, 'bibtex', ['natbib']);
  const blg = readFileSync(path.join(dir, 'natbib.blg'), 'utf8');
  const blgBad = blg.split('\n').filter(l => /error message|I couldn't|I was expecting|---line \d+ of file/i.test(l) || (/Warning--/.test(l) && counts(l)));
  assert.deepEqual(blgBad, [], `bibtex reported problems (exit ${bib.status}):\n${blgBad.join('\n')}`);
  assert.equal(bib.status, 0, `bibtex failed:\n${bib.out}`);
  run(dir, 'pdflatex', latex);
  const last = run(dir, 'pdflatex', latex);
  assert.equal(last.status, 0, `pdflatex (3rd) failed:\n${last.out.slice(-3000)}`);
  const bad = logProblems(readFileSync(path.join(dir, 'natbib.log'), 'latin1'));
  assert.deepEqual(bad, [], `LaTeX log has errors or warnings:\n${bad.join('\n')}`);
}

/** pdflatex + biber with biblatex (authoryear) over `dir/refs.bib`. */
export function typesetBiblatex(dir: string, keys: string[], counts: (line: string) => boolean = () => true): void {
  writeFileSync(path.join(dir, 'biblatex.tex'), [
    '\\documentclass{article}', '\\usepackage[T1]{fontenc}', '\\usepackage[utf8]{inputenc}',
    '\\usepackage[backend=biber,style=authoryear]{biblatex}', '\\addbibresource{refs.bib}',
    '\\begin{document}', citeCommands(keys, 'textcite'), '\\printbibliography', '\\end{document}', '',
  ].join('\n'));
  const latex = ['-interaction=nonstopmode', '-halt-on-error', 'biblatex.tex'];
  const first = run(dir, 'pdflatex', latex);
  assert.equal(first.status, 0, `pdflatex (1st) failed:\n${first.out.slice(-3000)}`);
  const b = run(dir, 'biber', ['biblatex']);
  const blg = readFileSync(path.join(dir, 'biblatex.blg'), 'utf8');
  const blgBad = blg.split('\n').filter(l => /> ERROR - /.test(l) || (/> WARN - /.test(l) && counts(l)));
  assert.deepEqual(blgBad, [], `biber reported problems (exit ${b.status}):\n${blgBad.join('\n')}`);
  assert.equal(b.status, 0, `biber failed:\n${b.out.slice(-3000)}`);
  run(dir, 'pdflatex', latex); // biblatex asks for one more run when page breaks change
  const last = run(dir, 'pdflatex', latex);
  assert.equal(last.status, 0, `pdflatex (2nd) failed:\n${last.out.slice(-3000)}`);
  const bad = logProblems(readFileSync(path.join(dir, 'biblatex.log'), 'latin1'));
  assert.deepEqual(bad, [], `LaTeX log has errors or warnings:\n${bad.join('\n')}`);
}
