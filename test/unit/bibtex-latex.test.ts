// Every exported entry must typeset: pdflatex+bibtex (natbib, plainnat) and biblatex+biber, with no
// error and no warning. Runs on the whole bundled corpus, nasty synthetic papers, random titles and
// names (fast-check, fixed seed) and user entries exported as written.
//
// CJK, emoji and other scripts stay UTF-8 in the export (never `?`); pdflatex has no glyphs for
// them, so these documents print each as `[U+XXXX]` (tex.ts), which proves the rest compiles.

import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { CslName, Paper } from '../../src/core/model';
import { toBibtex } from '../../src/core/bibtex/export';
import { parseBibtex } from '../../src/core/bibtex/parse';
import { bibEntryToPaper } from '../../src/core/bibtex/toCsl';
import { citeCommands, codePointMarkers, logProblems, runTex as run } from '../support/tex';
import { needTools } from '../support/tools';

const root = path.resolve(__dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/bib');

/** Papers no real corpus has yet: every LaTeX special, markup, broken braces, many scripts. */
export function nastyPapers(): Paper[] {
  const base: Pick<Paper, 'type' | 'issued' | 'custom'> = { type: 'article', issued: { 'date-parts': [[2025, 5, 6]] }, custom: {} };
  const titles = [
    'All the specials: & % $ # _ { } ~ ^ \\ and 100% of $5 #1 a_b',
    '<script>alert("x")</script> & <b>bold</b> javascript:alert(1)',
    'Unbalanced { brace',
    'Unbalanced } brace }{ twice {{',
    'Trailing backslash \\',
    'Ångström Straße Łódź naïve façade Dvořák Erdős Þór ĳ ﬁnal Øresund',
    'CJK 大規模言語モデル 中文标题 한국어 and emoji 🚀',
    'Greek α-β pruning with ε ≤ δ → ∞ and ×2 ± 1',
    'Quotes "double" \'single\' “curly” ‘curly’ «guillemets» — dashes – here…',
    'Acronyms LLMs RLVR GFlowNets CRaSh GPT-4o T5 BERT: a study',
    'Tabs\tand\nnewlines  and   spaces',
    'Control \u0000 \u0007 characters \u001b here',
    'Math $x^2$ and \\emph{emphasis} written by hand',
    'Percent at end %',
    '@ at sign and email a@b.c',
  ];
  const papers: Paper[] = titles.map((title, i) => ({ ...base, id: `nasty${i}`, title, author: [{ family: 'Doe', given: 'Jane' }] }));
  papers.push(
    { ...base, id: 'nastyAuthors', title: 'Names', author: [
      { family: 'Žídek', given: 'Augustin' }, { family: 'van der Berg', given: 'Jan' }, { literal: 'Coq Development Team' },
      { family: 'Smith and Sons', given: 'Ltd' }, { family: 'O\'Brien', given: 'Conan' }, { family: '王', given: '小明' },
      { family: 'Comma, Inc', given: 'X' }, { family: 'others' }, { family: '& % $ # _ { } ~ ^ \\', given: '<script>' },
      { family: 'King', given: 'Martin Luther', suffix: 'Jr.' } as CslName,
    ], custom: { authorsTruncated: true } },
    { ...base, id: 'nastyVenue', type: 'paper-conference', title: 'Venue & things', author: [{ family: 'Roe', given: 'R' }],
      'container-title': 'Proceedings of the 1st Workshop on {NLP} & #hash_tags 100%', publisher: 'ACL & Co', 'publisher-place': 'Montréal',
      page: '1--10', DOI: '10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0', URL: 'https://example.org/a_b%20c#frag~x' },
    { ...base, id: 'nastyArxiv', title: 'An arXiv preprint', author: [{ family: 'Poe', given: 'P' }],
      custom: { arxiv: '2505.03335', category: 'cs.CL', authorsTruncated: true } },
    { ...base, id: 'nastyOldArxiv', title: 'Old-style id', author: [{ family: 'Poe', given: 'P' }], custom: { arxiv: 'hep-th/9901001' } },
    { id: 'nastyMinimal', type: 'article', title: 'Only a title and a year', issued: { 'date-parts': [[2020]] }, custom: {} },
    { ...base, id: 'nastyEmptyTitle', title: '', author: [{ family: 'Doe', given: 'J' }] },
  );
  return papers;
}

/** Random titles and names from a fixed seed: any text must export to something that compiles. */
function randomPapers(): Paper[] {
  const text = fc.string({ unit: fc.oneof(
    fc.constantFrom('&', '%', '$', '#', '_', '{', '}', '~', '^', '\\', '"', "'", '`', '<', '>', '@', ',', ' ', '-', '\n'),
    fc.constantFrom('é', 'ß', 'ø', 'ł', 'ı', 'Ž', '中', '🚀', 'α', '∞', '\u0301', 'ﬁ'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ), maxLength: 40 });
  // More, or other, samples for a one-off hunt: PAPERCITE_LATEX_RANDOM=500 PAPERCITE_LATEX_SEED=7.
  const numRuns = Number(process.env.PAPERCITE_LATEX_RANDOM) || 40;
  const seed = Number(process.env.PAPERCITE_LATEX_SEED) || 42;
  const samples = fc.sample(fc.record({ title: text, family: text, given: text }), { seed, numRuns });
  return samples.map((s, i) => ({ id: `random${i}`, type: 'article', title: s.title, author: [{ family: s.family, given: s.given }],
    issued: { 'date-parts': [[2024]] }, custom: {} }));
}

/**
 * Entries from real user files, which export as written. Not bibdesk.bib: its `{\'\i}` (as the user
 * wrote it) makes biber 2.18 write ı + U+0301 into the .bbl, which pdflatex rejects; PaperCite's own
 * export writes `{\'i}` for that reason.
 */
function userPapers(): Paper[] {
  const out: Paper[] = [];
  for (const f of ['anthology-excerpt.bib', 'proof-engineering-excerpt.bib']) {
    const file = path.join(fixtures, f);
    for (const e of parseBibtex(readFileSync(file, 'utf8'), file).entries) out.push(bibEntryToPaper(e, file));
  }
  return out;
}

function corpusPapers(): { papers: Paper[]; from: string } {
  const file = path.join(root, 'corpus/papers.json');
  if (existsSync(file)) return { papers: JSON.parse(readFileSync(file, 'utf8')) as Paper[], from: 'corpus/papers.json' };
  return { papers: [], from: '(no corpus/papers.json yet)' };
}

describe('bibtex export compiles with LaTeX', function () {
  this.timeout(120_000);
  let dir = '';
  let keys: string[] = [];
  /** Keys of user entries, exported as written: their own data quirks (`month = "November 14"`) may warn. */
  let userKeys = new Set<string>();
  let markers: string[] = [];
  const notUser = (line: string) => ![...userKeys].some(k => line.includes(`'${k}'`) || line.includes(` ${k}`));

  before(function () {
    needTools(this, ['pdflatex', 'bibtex']);
    dir = mkdtempSync(path.join(tmpdir(), 'papercite-latex-'));
    const corpus = corpusPapers();
    const users = userPapers();
    userKeys = new Set(users.map(p => p.id));
    const papers = [...corpus.papers, ...nastyPapers(), ...randomPapers(), ...users];
    keys = papers.map(p => p.id);
    const bib = toBibtex(papers);
    writeFileSync(path.join(dir, 'refs.bib'), bib);
    markers = codePointMarkers(new Set([...bib].filter(c => c.codePointAt(0)! > 0x17f)));
    console.log(`      ${papers.length} papers: ${corpus.papers.length} from ${corpus.from}, the rest synthetic, random and user entries; in ${dir}`);
  });

  after(() => {
    if (dir && !process.env.PAPERCITE_KEEP_LATEX) rmSync(dir, { recursive: true, force: true });
  });

  it('pdflatex + bibtex (natbib, plainnat): no error, no warning', function () {
    writeFileSync(path.join(dir, 'natbib.tex'), [
      '\\documentclass{article}', '\\usepackage[T1]{fontenc}', '\\usepackage[utf8]{inputenc}', '\\usepackage{natbib}',
      '\\usepackage{url}', ...markers, '\\begin{document}', citeCommands(keys, 'citet'), '\\bibliographystyle{plainnat}', '\\bibliography{refs}', '\\end{document}', '',
    ].join('\n'));
    const latex = ['-interaction=nonstopmode', '-halt-on-error', 'natbib.tex'];
    const first = run(dir, 'pdflatex', latex);
    assert.equal(first.status, 0, `pdflatex (1st) failed:\n${first.out.slice(-3000)}`);
    const bib = run(dir, 'bibtex', ['natbib']);
    const blg = readFileSync(path.join(dir, 'natbib.blg'), 'utf8');
    const blgBad = blg.split('\n').filter(l => /error message|I couldn't|I was expecting|---line \d+ of file/i.test(l) || (/Warning--/.test(l) && notUser(l)));
    assert.deepEqual(blgBad, [], `bibtex reported problems (exit ${bib.status}):\n${blgBad.join('\n')}`);
    assert.equal(bib.status, 0, `bibtex failed:\n${bib.out}`);
    run(dir, 'pdflatex', latex);
    const last = run(dir, 'pdflatex', latex);
    assert.equal(last.status, 0, `pdflatex (3rd) failed:\n${last.out.slice(-3000)}`);
    const bad = logProblems(readFileSync(path.join(dir, 'natbib.log'), 'latin1'));
    assert.deepEqual(bad, [], `LaTeX log has errors or warnings:\n${bad.join('\n')}`);
  });

  it('pdflatex + biber (biblatex): no error, no warning', function () {
    needTools(this, ['biber']);
    writeFileSync(path.join(dir, 'biblatex.tex'), [
      '\\documentclass{article}', '\\usepackage[T1]{fontenc}', '\\usepackage[utf8]{inputenc}',
      '\\usepackage[backend=biber,style=authoryear]{biblatex}', '\\addbibresource{refs.bib}', ...markers,
      '\\begin{document}', citeCommands(keys, 'textcite'), '\\printbibliography', '\\end{document}', '',
    ].join('\n'));
    const latex = ['-interaction=nonstopmode', '-halt-on-error', 'biblatex.tex'];
    const first = run(dir, 'pdflatex', latex);
    assert.equal(first.status, 0, `pdflatex (1st) failed:\n${first.out.slice(-3000)}`);
    const b = run(dir, 'biber', ['biblatex']);
    const blg = readFileSync(path.join(dir, 'biblatex.blg'), 'utf8');
    const blgBad = blg.split('\n').filter(l => /> ERROR - /.test(l) || (/> WARN - /.test(l) && notUser(l)));
    assert.deepEqual(blgBad, [], `biber reported problems (exit ${b.status}):\n${blgBad.join('\n')}`);
    assert.equal(b.status, 0, `biber failed:\n${b.out.slice(-3000)}`);
    run(dir, 'pdflatex', latex); // biblatex asks for one more run when page breaks change
    const last = run(dir, 'pdflatex', latex);
    assert.equal(last.status, 0, `pdflatex (2nd) failed:\n${last.out.slice(-3000)}`);
    const bad = logProblems(readFileSync(path.join(dir, 'biblatex.log'), 'latin1'));
    assert.deepEqual(bad, [], `LaTeX log has errors or warnings:\n${bad.join('\n')}`);
  });
});
