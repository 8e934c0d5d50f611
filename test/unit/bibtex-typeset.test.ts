// Exports typeset exactly what the data says. A poisoned CSL-JSON library (keys biber rejects, every
// LaTeX special, acronyms, non-Latin capitals, CJK, emoji, "et al.") is exported and typeset with
// bibtex + plainnat and biber + authoryear: no error, no warning, every string in pdftotext's text.
// Real files (TeX Live's xampl.bib and biblatex-examples.bib, the proofengineering group, a slice
// of the Anthology) typeset to the same text from the original and from PaperCite's export.
//
// pdflatex has no glyphs for CJK or emoji: the documents here print each such character as
// `[U+XXXX]` (\DeclareUnicodeCharacter), which proves the character reached LaTeX unchanged.

import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { constants as zlib, gunzipSync, inflateSync } from 'node:zlib';
import type { Paper } from '../../src/core/model';
import { exportBibtex, type BibEncoding } from '../../src/core/bibtex/export';
import { latexOutsideMath } from '../../src/core/bibtex/latex';
import { readBibtex } from '../../src/core/sources/bibtex';
import { readCslJson } from '../../src/core/sources/cslJson';
import { requireTestdata } from '../support/shared';
import { codePointMarkers, marker, typeset } from '../support/tex';
import { needTools } from '../support/tools';

const root = path.resolve(__dirname, '../..');
const texlive = (rel: string) => path.join('/usr/share/texlive/texmf-dist/bibtex/bib', rel);

/** Characters pdflatex cannot set from UTF-8 input (beyond Latin-1 and Latin Extended-A). */
function exotic(text: string): string[] {
  return [...new Set([...text].filter(c => c.codePointAt(0)! > 0x17f))];
}

describe('bibtex export typesets what the data says', function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  const tmp = () => { const d = mkdtempSync(path.join(tmpdir(), 'papercite-typeset-')); dirs.push(d); return d; };
  after(() => { if (!process.env.PAPERCITE_KEEP_LATEX) for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  beforeEach(function () { needTools(this, ['pdflatex', 'bibtex', 'biber', 'pdftotext']); });

  const file = path.join(root, 'test/fixtures/bib/poisoned.csl.json');
  // What the PDF must show, exactly (whitespace collapsed).
  const strings = [
    'R&D at Ørsted: 100% of $5 for #1 on a_b with ~ and ^ in {braces} and \\backslash',
    'The LLM Consortium & Co.', 'Łukasiewicz', 'Fine-tuning BERT and GPT-4 on the iPhone with Łukasiewicz logic',
    'A report on the Łódź and Þingvellir sites', 'ACME & Sons', 'Ørsted Press', 'in a mixed CASE title', 'Ågren',
    'A plain title in title case',
  ];
  const cjk = ['大規模言語モデル', '🚀', '王', '小明'];

  for (const encoding of ['ascii', 'utf8'] as BibEncoding[]) {
    for (const backend of ['bibtex', 'biber'] as const) {
      it(`a poisoned CSL-JSON library, ${encoding}, ${backend === 'bibtex' ? 'bibtex + plainnat' : 'biber + authoryear'}: no error, no warning, every character in the PDF`, function () {
        const r = readCslJson(readFileSync(file, 'utf8'), file);
        const e = exportBibtex(r.papers, { encoding });
        assert.deepEqual(r.papers.filter(p => p.custom.originalId !== undefined).map(p => p.custom.originalId), ['key with spaces', 'doi:10.1000/x,y', '', 'a{b}c#1%2']);
        assert.deepEqual(e.renamed, [], 'rekeyed when read, reported then');
        assert.ok(!e.text.includes('?'), 'nothing replaced by ?');
        for (const s of cjk) assert.ok(e.text.includes(s), `${s} kept as UTF-8 in the .bib`);
        const dir = tmp();
        writeFileSync(path.join(dir, 'refs.bib'), e.text);
        const t = typeset(dir, 'doc', ['refs'], backend, { preamble: codePointMarkers(exotic(e.text)), cites: `\\nocite{*}\\citet{${r.papers[1]!.id}}`.replace('citet', backend === 'bibtex' ? 'citet' : 'textcite') });
        assert.deepEqual(t.bib, [], `${backend} reported problems`);
        assert.deepEqual(t.latex, [], 'LaTeX reported problems');
        for (const s of strings) assert.ok(t.text.includes(s), `"${s}" missing from the PDF text:\n${t.text}`);
        const flat = t.text.replace(/\s+/g, '');
        for (const s of cjk) assert.ok(flat.includes([...s].map(marker).join('')), `${s} did not reach LaTeX unchanged`);
        // "et al." from `and others`, in the citation and the list.
        assert.match(t.text, backend === 'bibtex' ? /Doe et al\. \[2022\]/ : /Doe, Roe, Poe, et al\. \(2022\)/);
        assert.match(t.text, /Pat Poe, et al\./);
      });
    }
  }

  // Records whose BibTeX used to print something else than their data (found by typesetting them):
  // a `]` in plainnat's label, percent-encoded URLs, a chapter as @inbook, CSL particles, an
  // organisation in `family`, capitals bibtex lowers after `.`, `?`, `(` and a colon without a space,
  // CSL rich text (`<i>`, `<sub>`, small caps) printed as its tags.
  const faithful: Paper[] = [
    { id: 'brk', type: 'article', title: 'Algorit[h]ms - ESA 98: proceedings', issued: { 'date-parts': [[1998]] }, custom: {} },
    { id: 'url', type: 'webpage', title: 'A page', author: [{ family: 'Doe', given: 'Jane' }], issued: { 'date-parts': [[2020]] },
      URL: 'https://example.org/a_b%20c?x=1&y=2#frag', custom: {} },
    { id: 'chap', type: 'chapter', title: 'A chapter', author: [{ family: 'Roe', given: 'Rita' }], editor: [{ family: 'Ed', given: 'Edna' }],
      'container-title': 'The Big Book', publisher: 'Springer', page: '10-20', issued: { 'date-parts': [[2008]] }, custom: {} },
    { id: 'particle', type: 'article-journal', title: 'On particles', 'container-title': 'Journal of Names', issued: { 'date-parts': [[2001]] },
      author: [{ family: 'Berg', given: 'Jan', 'non-dropping-particle': 'van der' }, { family: 'Beethoven', given: 'Ludwig', 'dropping-particle': 'van' }], custom: {} },
    { id: 'who', type: 'report', title: 'World health statistics', author: [{ family: 'World Health Organization' }], publisher: 'WHO', issued: { 'date-parts': [[1978]] }, custom: {} },
    { id: 'caps', type: 'article-journal', 'container-title': 'Journal of Capitals', issued: { 'date-parts': [[2019]] }, author: [{ family: 'Poe', given: 'Pat' }],
      title: '(Mostly) harmless notes on St. Petersburg, e.g. German ones? A study:Paris and the U.S. compared: Real-Time rendering', custom: {} },
    { id: 'artno', type: 'article-journal', title: 'Article numbers', 'container-title': 'Physical Review B', volume: '82', page: '045301-1-045301-8',
      author: [{ family: 'Lee', given: 'Ann' }], issued: { 'date-parts': [[2010]] }, custom: {} },
    { id: 'trans', type: 'book', title: 'War and peace', author: [{ family: 'Tolstoy', given: 'Leo' }], translator: [{ family: 'Maude', given: 'Louise' }],
      publisher: 'Oxford University Press', issued: { 'date-parts': [[1922]] }, custom: {} },
    // arXiv's TeX `\$5 and \$10` reads `$5 and $10`: prices, not math.
    { id: 'price', type: 'article', title: latexOutsideMath('Pricing at \\$5 and \\$10 per query with $k$-means'), author: [{ family: 'Cho', given: 'Kim' }],
      issued: { 'date-parts': [[2024]] }, custom: { arxiv: '2406.00001' } },
  ];
  // Typeset apart: pdftotext reads raised and small-caps text out of line, and the lines around it.
  const rich: Paper[] = [
    { id: 'rich', type: 'article-journal', 'container-title': 'Journal of Markup', issued: { 'date-parts': [[2018]] }, author: [{ family: 'Moe', given: 'Max' }],
      title: 'Growth of <i>Escherichia coli</i> in H<sub>2</sub>O at 10<sup>5</sup> Pa on a <span style="font-variant:small-caps;">Lisp</span> machine, <b>not</b> <span class="nocase">iPhone</span>s', custom: {} },
  ];
  const faithfulText = [
    'Algorit[h]ms - ESA 98: proceedings', 'https://example.org/a_b%20c?x=1&y=2#frag', 'A chapter', 'The Big Book', 'Edna Ed',
    'Ludwig van Beethoven', 'World Health Organization',
    '(Mostly) harmless notes on St. Petersburg, e.g. German ones? A study:Paris and the U.S. compared: Real-Time rendering',
    // (pdftotext reads math's k as the italic 𝑘)
    'Pricing at $5 and $10 per query with 𝑘-means',
  ];
  for (const backend of ['bibtex', 'biber'] as const) {
    it(`prints what the data says: a \`]\` in a label, URLs, chapters, particles, organisations, capitals, rich text (${backend})`, function () {
      const e = exportBibtex(faithful, { encoding: 'utf8' });
      const dir = tmp();
      writeFileSync(path.join(dir, 'refs.bib'), e.text);
      const t = typeset(dir, 'doc', ['refs'], backend, { preamble: ['\\usepackage{hyperref}'], cites: `\\nocite{*}${['brk', 'who'].map(k => `\\${backend === 'bibtex' ? 'citet' : 'textcite'}{${k}}`).join(' ')}` });
      assert.deepEqual(t.bib.filter(l => !/Warning--empty (year|journal)|Warning--to sort, need/.test(l)), [], `${backend} reported problems`);
      assert.deepEqual(t.latex, [], `LaTeX reported problems:\n${e.text}`);
      // Lines break inside a URL: compared without spaces.
      const flat = t.text.replace(/\s+/g, '');
      for (const s of faithfulText) assert.ok(flat.includes(s.replace(/\s+/g, '')), `"${s}" missing from the PDF text:\n${t.text}\n${e.text}`);
      // The translator: biblatex prints it; bibtex's styles have no such field and stay silent.
      if (backend === 'biber') assert.match(t.text, /Trans\. by Louise Maude/);
      // An article-number range: biber prints it as written; plainnat's n.dashify turns every hyphen of pages into a dash.
      assert.ok(flat.includes(backend === 'biber' ? '045301-1–045301-8' : '045301–1–045301–8'), t.text);
      // biblatex sorts and prints "Berg, Jan van der" (its useprefix=false); bibtex "Jan van der Berg".
      assert.ok(t.text.includes(backend === 'bibtex' ? 'Jan van der Berg' : 'Berg, Jan van der'), t.text);
      // The label is the title's words (plainnat) and the organisation is one name, not "Organization".
      // (plainnat leaves the year out of a label that is the key.)
      assert.ok(t.text.startsWith(backend === 'bibtex' ? 'Algorit[h]ms - ESA 98: World Health Organization [1978]' : 'Algorit[h]ms - ESA 98: proceedings (1998) World Health Organization (1978)'), t.text);
      const pdf = readFileSync(path.join(dir, 'doc.pdf'));
      const uris = [...inflated(pdf).matchAll(/\/URI\s*\(([^)]*)\)/g)].map(m => m[1]);
      assert.ok(uris.includes('https://example.org/a_b%20c?x=1&y=2#frag'), `the link is the URL: ${uris.join(' ')}`);
      const dir2 = tmp();
      writeFileSync(path.join(dir2, 'refs.bib'), exportBibtex(rich, { encoding: 'utf8' }).text);
      const r = typeset(dir2, 'doc', ['refs'], backend);
      assert.deepEqual([...r.bib, ...r.latex], [], `${backend} or LaTeX reported problems`);
      const flatRich = r.text.replace(/\s+/g, '');
      for (const s of ['Growthof', 'EscherichiacoliinH2Oat105PaonaLispmachine,notiPhones']) assert.ok(flatRich.includes(s), `"${s}" missing from the PDF text:\n${r.text}`);
      assert.ok(!/[<>]/.test(r.text), `a tag printed: ${r.text}`);
    });
  }

  /** Typesets the originals and PaperCite's export of them (read as one group) and compares the text. */
  function roundTrip(files: string[], backend: 'bibtex' | 'biber', opts: { style?: string } = {}) {
    const dir = tmp();
    const names = files.map((f, i) => {
      const n = `orig${i}`;
      if (f.endsWith('.gz')) writeFileSync(path.join(dir, `${n}.bib`), sliceOf(f, 400));
      else copyFileSync(f, path.join(dir, `${n}.bib`));
      return n;
    });
    const text = names.map(n => readFileSync(path.join(dir, `${n}.bib`), 'utf8')).join('\n');
    const e = exportBibtex(readBibtex(text, 'group.bib').papers);
    writeFileSync(path.join(dir, 'export.bib'), e.text);
    // biber writes accents as combining marks that pdflatex cannot set; --output-safechars is how
    // pdflatex users run it.
    const o = typeset(dir, 'orig', names, backend, { style: opts.style, biber: ['--output-safechars'] });
    const x = typeset(dir, 'export', ['export'], backend, { style: opts.style, biber: ['--output-safechars'] });
    return { o, x };
  }

  function sliceOf(gz: string, entries: number): string {
    const t = gunzipSync(readFileSync(gz)).toString('utf8');
    let at = 0;
    for (let n = 0; n <= entries; n++) { at = t.indexOf('\n@', at + 1); if (at < 0) return t; }
    return t.slice(0, at + 1);
  }

  function same(r: ReturnType<typeof roundTrip>) {
    assert.equal(r.o.status, 0, `the original did not typeset: ${r.o.latex.join('\n')}`);
    assert.ok(r.o.text.length > 1000, 'the original typeset a bibliography');
    assert.equal(r.x.text, r.o.text);
    assert.deepEqual(r.x.bib.filter(l => !r.o.bib.includes(l)), [], 'problems the original does not have');
    assert.deepEqual(r.x.latex.filter(l => !r.o.latex.includes(l)), [], 'LaTeX problems the original does not have');
  }

  it('xampl.bib (TeX Live): the same PDF text, @preamble (\\noopsort) and crossrefs carried; bibtex + plain, biber + authoryear', () => {
    // xampl's `year = {\noopsort{1973a}}…` breaks natbib's labels, so bibtex runs with plain here.
    same(roundTrip([texlive('base/xampl.bib')], 'bibtex', { style: 'plain' }));
    same(roundTrip([texlive('base/xampl.bib')], 'biber'));
  });

  it('biblatex-examples.bib (TeX Live): the same PDF text with biber + authoryear', () => {
    // A biblatex file (\mkbibquote, \mkbibemph in its fields): bibtex cannot typeset the original.
    same(roundTrip([texlive('biblatex/biblatex/biblatex-examples.bib')], 'biber'));
  });

  it('proofengineering (bibstring-master + crossrefs + proof-engineering): the same PDF text with bibtex + plainnat', function () {
    const dir = path.dirname(requireTestdata(this, 'bib/proofengineering/proof-engineering.bib'));
    const files = ['bibstring-master.bib', 'crossrefs.bib', 'proof-engineering.bib'].map(f => path.join(dir, f));
    same(roundTrip(files, 'bibtex'));
  });

  it('proofengineering with biber: the original stops on `@string{jan = "January" = "Jan."}`; the export typesets without an error', function () {
    const dir = path.dirname(requireTestdata(this, 'bib/proofengineering/proof-engineering.bib'));
    const files = ['bibstring-master.bib', 'crossrefs.bib', 'proof-engineering.bib'].map(f => path.join(dir, f));
    const r = roundTrip(files, 'biber');
    assert.ok(r.o.bib.some(l => /ERROR - BibTeX subsystem: .*line 68, syntax error: found "="/.test(l)), r.o.bib.join('\n'));
    assert.deepEqual(r.x.bib.filter(l => /ERROR/.test(l)), []);
    assert.deepEqual(r.x.latex.filter(l => /^! /.test(l)), []);
    assert.ok(r.x.text.length > 100_000);
  });

  it('a slice of the Anthology (400 entries): the same PDF text, bibtex + plainnat and biber + authoryear', function () {
    const gz = requireTestdata(this, 'bib/anthology.bib.gz');
    same(roundTrip([gz], 'bibtex'));
    same(roundTrip([gz], 'biber'));
  });
});

/** A PDF's bytes with its Flate streams inflated (Latin-1), to read link targets. */
function inflated(pdf: Buffer): string {
  let out = pdf.toString('latin1');
  const re = /stream\r?\n/g;
  for (let m = re.exec(out); m; m = re.exec(out)) {
    const start = m.index + m[0].length;
    const end = out.indexOf('endstream', start);
    if (end < 0) break;
    try { out += inflateSync(pdf.subarray(start, end), { finishFlush: zlib.Z_SYNC_FLUSH }).toString('latin1'); } catch { /* not Flate */ }
    re.lastIndex = end + 'endstream'.length;
  }
  return out;
}
