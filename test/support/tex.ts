// Shared by the tests that typeset BibTeX: run pdflatex with bibtex (natbib, plainnat) or biber
// (biblatex, authoryear), collect every error and warning, and read the PDF's text back.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Runs a TeX tool in `cwd`; its status and output, never a throw. */
export function runTex(cwd: string, cmd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TEXMFOUTPUT: cwd } });
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

/** bibtex's or biber's .blg lines that are errors or warnings. */
export function blgProblems(blg: string, backend: 'bibtex' | 'biber'): string[] {
  return blg.split('\n').filter(l => backend === 'biber'
    ? /> (ERROR|WARN) - /.test(l)
    : /error message|I couldn't|I was expecting|---line \d+ of file|Warning--/i.test(l))
    .map(l => l.replace(/^\[\d+\] /, '').replace(/biber_tmp_\w+\/\w+/g, 'biber_tmp'));
}

export interface Typeset {
  /** pdftotext's text, whitespace collapsed. */
  text: string;
  /** Problems of the bibliography tool and of LaTeX's last run. */
  bib: string[];
  latex: string[];
  status: number | null;
}

/**
 * Typesets `bibs` (names without `.bib`, in `dir`) with `\nocite{*}` or the given citations.
 * `preamble`: extra lines before `\begin{document}`. Hyphenation is off so words reach pdftotext whole.
 */
export function typeset(dir: string, name: string, bibs: string[], backend: 'bibtex' | 'biber', opts: { cites?: string; preamble?: string[]; style?: string; biber?: string[] } = {}): Typeset {
  // cmap (before fontenc) gives the T1 fonts a Unicode map, so pdftotext reads Ł as Ł.
  const head = ['\\documentclass{article}', '\\usepackage{cmap}', '\\usepackage[T1]{fontenc}', '\\usepackage[utf8]{inputenc}', '\\usepackage{url}',
    ...(backend === 'bibtex' ? ['\\usepackage{natbib}'] : ['\\usepackage[backend=biber,style=authoryear]{biblatex}', ...bibs.map(b => `\\addbibresource{${b}.bib}`)]),
    ...(opts.preamble ?? []), '\\hyphenpenalty=10000 \\exhyphenpenalty=10000 \\sloppy'];
  const body = [opts.cites ?? '\\nocite{*}',
    ...(backend === 'bibtex' ? [`\\bibliographystyle{${opts.style ?? 'plainnat'}}`, `\\bibliography{${bibs.join(',')}}`] : ['\\printbibliography'])];
  writeFileSync(path.join(dir, `${name}.tex`), [...head, '\\begin{document}', ...body, '\\end{document}', ''].join('\n'));
  const latex = ['-interaction=nonstopmode', '-halt-on-error', `${name}.tex`];
  const first = runTex(dir, 'pdflatex', latex);
  if (first.status !== 0) return { text: '', bib: [], latex: [first.out.slice(-2000)], status: first.status };
  const b = runTex(dir, backend, [...(backend === 'biber' ? opts.biber ?? [] : []), name]);
  const blgFile = path.join(dir, `${name}.blg`);
  const bib = existsSync(blgFile) ? blgProblems(readFileSync(blgFile, 'utf8'), backend) : [b.out];
  if (b.status !== 0 && !bib.length) bib.push(`${backend} exited ${b.status}: ${b.out.slice(-1000)}`);
  runTex(dir, 'pdflatex', latex);
  const last = runTex(dir, 'pdflatex', latex);
  const problems = logProblems(readFileSync(path.join(dir, `${name}.log`), 'latin1'));
  if (last.status !== 0) problems.push(last.out.slice(-2000));
  const t = runTex(dir, 'pdftotext', ['-enc', 'UTF-8', `${name}.pdf`, '-']);
  return { text: t.out.replace(/\s+/g, ' ').trim(), bib, latex: problems, status: last.status };
}

/** `\DeclareUnicodeCharacter` lines that print each character as `[U+XXXX]` (pdflatex has no glyph for CJK or emoji). */
export function codePointMarkers(chars: Iterable<string>): string[] {
  return [...chars].map(ch => {
    const hex = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `\\DeclareUnicodeCharacter{${hex}}{[U+${hex}]\\allowbreak{}}`;
  });
}

export function marker(ch: string): string {
  return `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`;
}

/** `\\cmd{k1,…}` lines of at most 20 keys. */
export function citeCommands(keys: string[], cmd: string): string {
  const out: string[] = [];
  for (let i = 0; i < keys.length; i += 20) out.push(`\\${cmd}{${keys.slice(i, i + 20).join(',')}}`);
  return out.join('\n');
}

/** Asserts a clean run: LaTeX ran, and no error, nor a warning that `counts`, in the tool's or LaTeX's log. */
function assertClean(r: Typeset, tool: string, counts: (line: string) => boolean): void {
  const bib = r.bib.filter(l => !/Warning--|WARN - /.test(l) || counts(l));
  assert.deepEqual(bib, [], `${tool} reported problems:\n${bib.join('\n')}`);
  assert.deepEqual(r.latex, [], `LaTeX reported errors or warnings:\n${r.latex.join('\n')}`);
  assert.equal(r.status, 0, 'pdflatex failed');
}

/** pdflatex + bibtex with natbib/plainnat citing `keys` of `dir/refs.bib`, asserted clean. */
export function typesetNatbib(dir: string, keys: string[], counts: (line: string) => boolean = () => true): Typeset {
  const r = typeset(dir, 'natbib', ['refs'], 'bibtex', { cites: citeCommands(keys, 'citet') });
  assertClean(r, 'bibtex', counts);
  return r;
}

/** pdflatex + biber with biblatex (authoryear) citing `keys` of `dir/refs.bib`, asserted clean. */
export function typesetBiblatex(dir: string, keys: string[], counts: (line: string) => boolean = () => true): Typeset {
  const r = typeset(dir, 'biblatex', ['refs'], 'biber', { cites: citeCommands(keys, 'textcite') });
  assertClean(r, 'biber', counts);
  return r;
}
