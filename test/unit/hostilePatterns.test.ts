// Patterns that backtracked: each was quadratic (or cubic) on some crafted text. For each, the new
// code gives what the old regex gave on random text from the characters that matter, and takes
// time linear in the input (CPU time against a benign input of the same size, same run).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { documentEncoding, exportBibtex } from '../../src/core/bibtex/export';
import { latexToUnicode } from '../../src/core/bibtex/latex';
import { arxivId, bibEntryToPaper, urlArgument } from '../../src/core/bibtex/toCsl';
import { etAl } from '../../src/core/csl';
import type { Paper } from '../../src/core/model';
import { parseHayagriva, unquote } from '../../src/core/projectBibNames';
import { preambleUses, stringsUsed } from '../../src/core/sources/bibtex';
import { normalizeArxiv, normalizeDoi } from '../../src/core/sources/identity';
import { lastLine, trimEndOf } from '../../src/core/strings';
import { assertRelative, bestCpuMs } from '../support/cpuTime';

/** Random text made of `parts`. */
function textOf(parts: readonly string[], maxLength = 24): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...parts), { maxLength }).map(a => a.join(''));
}

const RUNS = { numRuns: 3000, seed: 7 };

/** `fn` on `hostile` takes at most `factor` times `fn` on `benign` (CPU, best of 3). */
function linear(what: string, fn: (s: string) => unknown, hostile: string, benign: string, factor = 10): void {
  fn(hostile.slice(0, 2000));
  fn(benign.slice(0, 2000));
  const tb = bestCpuMs(() => fn(benign));
  const th = bestCpuMs(() => fn(hostile));
  assertRelative(th, Math.max(tb, 1), factor, what);
}

const N = 200_000;
const fill = (unit: string, n = N) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

describe('hostile input: patterns that backtracked', function () {
  this.timeout(60_000);

  it('trimEndOf and lastLine give what their regexes give', () => {
    fc.assert(fc.property(textOf(['.', ',', ';', 'a', ' ', '/']), s => {
      assert.equal(trimEndOf(s, '.,;'), s.replace(/[.,;]+$/, ''));
    }), RUNS);
    fc.assert(fc.property(textOf(['/abs/', 'x', '\n', '\r', '\u2028', '\u2029', ' ']), s => {
      assert.deepEqual(/\/abs\/(.+)$/.exec(lastLine(s))?.[1], /\/abs\/(.+)$/.exec(s)?.[1]);
    }), RUNS);
  });

  it('DOIs and old-style arXiv ids of a paper: same ids, linear time', () => {
    fc.assert(fc.property(textOf(['10.1234/', 'a', '.', ',', ';', ' ', 'x']), s => {
      const m = /10\.\d{4,9}\/\S+/i.exec(s.trim());
      assert.equal(normalizeDoi(s), m ? m[0].toLowerCase().replace(/[.,;]+$/, '') : undefined);
    }), RUNS);
    fc.assert(fc.property(textOf(['cs', 'math', '-', '.GT', '.g', '/', '0112017', '2505.03335', 'a', ' ', '1']), s => {
      const m = /(?:^|[^\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?!\d)/.exec(s) ?? /(?:^|[^a-z])([a-z-]+(?:\.[a-z]{2})?\/\d{7})/i.exec(s);
      assert.equal(normalizeArxiv(s), m ? m[1]!.toLowerCase() : undefined);
    }), RUNS);
    linear('normalizeArxiv on hyphens', normalizeArxiv, fill('-'), fill('a '));
    linear('normalizeDoi before commas', normalizeDoi, `10.1234/${fill(',')}x`, `10.1234/${fill('a')}`);
  });

  it('arXiv ids in a .bib note, and \\url{…} arguments: same values, linear time', () => {
    const old = /arxiv[:./\s]*(?:abs\/|pdf\/)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?/i;
    fc.assert(fc.property(textOf(['arxiv', 'arXiv', ':', '/', '.', ' ', 'abs/', 'pdf', 'cs', '-', '.GT', '2505.03335', '0112017', '1']), s => {
      assert.equal(arxivId({ note: s }), /arxiv/i.test(s) ? old.exec(s)?.[1] : undefined, JSON.stringify(s));
    }), RUNS);
    fc.assert(fc.property(textOf(['\\url', '\\urlx', ' ', '{', '}', 'a']), s => {
      const m = s.indexOf('\\url') < 0 ? null : /\\url\s*\{([^}]*)\}/.exec(s);
      assert.equal(urlArgument(s), m ? m[1] : undefined);
    }), RUNS);
    linear('arXiv id in a note of arxivarxiv…', s => arxivId({ note: s }), fill('arxiv'), fill('arxiv '));
    linear('\\url{ without a closing brace', urlArgument, fill('\\url{'), fill('\\url '));
  });

  it('page ranges: same CSL pages and BibTeX pages, linear time on runs of spaces', () => {
    fc.assert(fc.property(textOf([' ', '\u00a0', '–', '—', 'a', '1', '\t']), s => {
      const p = bibEntryToPaper({ type: 'article', key: 'k', fields: { title: 'T', pages: s } } as never, 'a.bib');
      assert.equal(p.page, latexToUnicode(s).replace(/\s*[–—]\s*/g, '-'));
    }), RUNS);
    const paper = (page: string): Paper => ({ id: 'k2020', type: 'article-journal', title: 'T', page, custom: {} } as Paper);
    fc.assert(fc.property(textOf([' ', '-', '–', '1', 'a', '\t']), s => {
      const got = /pages = \{(.*)\},/.exec(exportBibtex([paper(s)]).text)?.[1];
      // A run with an en or em dash, or of two hyphens or more, is the range; else one hyphen, or the middle one of an odd number.
      const explicit = /[-–—]*[–—][-–—]*|-{2,}/;
      const hyphens = s.split('-');
      const parts = explicit.test(s) ? s.split(explicit) : hyphens.length === 2 ? hyphens
        : hyphens.length % 2 === 0 ? [hyphens.slice(0, hyphens.length / 2).join('-'), hyphens.slice(hyphens.length / 2).join('-')] : [s];
      const want = parts.map(x => x.replace(/\s+/g, ' ').trim()).join('--');
      assert.equal(got ?? '', want);
    }), { numRuns: 300, seed: 7 });
    linear('BibTeX pages of spaces', s => exportBibtex([paper(s)]), `1${fill(' ')}x`, `1${fill('x ')}`);
    linear('BibTeX pages of hyphens and dashes', s => exportBibtex([paper(s)]), `1${fill('-')}x`, `1${fill('x ')}`);
    linear('BibTeX pages of single hyphens', s => exportBibtex([paper(s)]), `1${fill('1-')}x`, `1${fill('x ')}`);
  });

  it('a huge title of closing braces is written in linear time', () => {
    const paper = (title: string): Paper => ({ id: 'k2020', type: 'article-journal', title, custom: {} } as Paper);
    const n = 800_000;
    linear('title of `}`', s => exportBibtex([paper(s)]), fill('}', n), fill('a b', n), 10);
  });

  it('"et al." in formatted references: same text, linear time', () => {
    fc.assert(fc.property(textOf(['PaperCiteEtAl', '.', ',', ' ', 'and', '&amp;', '&#38;', '&', 'R', 'x']), s => {
      for (const style of ['apa', 'harvard1'] as const) {
        const want = s.replace(/(?:,?\s*(?:&amp;|&#38;|&|and))?,?\s*PaperCiteEtAl\.?/g, style === 'harvard1' ? ' et al.' : ', et al.');
        assert.equal(etAl(s, style), want, JSON.stringify(s));
      }
    }), RUNS);
    linear('et al. after spaces', s => etAl(s, 'apa'), `${fill(' ')}x PaperCiteEtAl.`, `${fill('x ')}x PaperCiteEtAl.`);
  });

  it('commands a .bib preamble defines: same names, linear time', () => {
    const old = /\\(?:(?:re|provide)?newcommand|providecommand|DeclareRobustCommand|def)\*?\s*\{?\s*\\([A-Za-z@]+)/g;
    fc.assert(fc.property(textOf(['\\def', '\\newcommand', '*', ' ', '{', '\\x', '\\y', 'a']), pre => {
      const names = new Set([...pre.matchAll(old)].map(m => m[1]!));
      const uses = preambleUses([pre]);
      assert.equal(uses === undefined, names.size === 0);
      for (const n of names) assert.deepEqual(uses!(`\\${n}`), [pre]);
    }), RUNS);
    linear('\\def before spaces', s => preambleUses([s]), `\\def${fill(' ')}`, `\\def${fill('x')}`);
  });

  it('@string names an entry with a crossref uses: the same names, linear time on a long word', () => {
    const old = /(?:[=#]\s*)([A-Za-z_][^\s"#%'(),={}]*)|([A-Za-z_][^\s"#%'(),={}]*)(?=\s*#)/g;
    const strings = { a: 'A', ab: 'AB', _x: 'X', b1: 'B1', ba: 'BA' };
    fc.assert(fc.property(textOf(['=', '#', ' ', 'a', 'b', '_x', '1', '{', '}', '"', ',', '\n']), own => {
      let want: Record<string, string> | undefined;
      for (const m of own.matchAll(old)) {
        const k = (m[1] ?? m[2]!).toLowerCase();
        if (k in strings) (want ??= {})[k] = strings[k as keyof typeof strings];
      }
      assert.deepEqual(stringsUsed(own, strings), want, JSON.stringify(own));
    }), RUNS);
    linear('a long word in an entry with a crossref', s => stringsUsed(s, strings), `title = {${fill('ab')} }`, `title = {${fill('ab ')} }`);
  });

  it('a Hayagriva line of spaces is read in linear time, with the same titles', () => {
    fc.assert(fc.property(textOf([' ', '\t', 'a', '"', ':', 'b']), v => {
      const m = /^\s{1,8}(title|author|date|type):\s*(.+?)\s*$/.exec(`  title:${v}`);
      const got = parseHayagriva(`key:\n  title:${v}\n`)[0]!.fields.title;
      // A value of spaces alone was a title of one space; it is none now.
      if (!m || !m[2]!.trim()) return assert.equal(got, undefined);
      assert.equal(got, unquote(m[2]!.replace(/^\[|\]$/g, '')));
    }), RUNS);
    linear('Hayagriva title of spaces', parseHayagriva, `key:\n  title: a${fill(' ', 100_000)}b\n`, `key:\n  title: a${fill('x ', 100_000)}b\n`);
  });

  it('the encoding of a document: same answer, linear time on crafted preambles', () => {
    const tex = /^[^%\n]*\\(?:usepackage|RequirePackage)(?:\[[^\]]*\])?\{[^}]*\b(?:fontspec|unicode-math|xeCJK|luatexja)\b/m;
    const rc = /^[^#\n]*(?:\$pdf_mode\s*=\s*[45]\b|\$(?:xe|lua)latex\b|-(?:xe|lua)latex\b|\b(?:xe|lua)latex\b)/m;
    fc.assert(fc.property(textOf(['\\usepackage', '\\RequirePackage', '[', ']', '{', '}', 'fontspec', 'xeCJK', '%', '\n', '\r', ' ', 'x', ',']), t => {
      assert.equal(documentEncoding({ tex: [t] }), tex.test(t) ? 'utf8' : 'ascii', JSON.stringify(t));
    }), RUNS);
    fc.assert(fc.property(textOf(['$pdf_mode', '=', '4', '1', ' ', '$xelatex', 'lualatex', '-', '#', '\n', '\u2028', 'x']), t => {
      assert.equal(documentEncoding({ latexmkrc: [t] }), rc.test(t) ? 'utf8' : 'ascii', JSON.stringify(t));
    }), RUNS);
    const n = 65_536;
    linear('preamble of \\usepackage{', s => documentEncoding({ tex: [s] }), fill('\\usepackage{', n), fill('x', n));
    linear('preamble of \\usepackage[', s => documentEncoding({ tex: [s] }), fill('\\usepackage[{', n), fill('x', n));
    // `^` with `m` starts a line after each CR as well.
    linear('preamble of \\usepackage{a CR', s => documentEncoding({ tex: [s] }), fill('\\usepackage{a\r', n), fill('x', n));
    linear('latexmkrc of CR', s => documentEncoding({ latexmkrc: [s] }), fill('a\r', n), fill('x', n));
  });
});
