import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { isPlainLatex, latexToUnicode, unicodeToLatex, unicodeToLatexUtf8 } from '../../src/core/bibtex/latex';

describe('bibtex latex: decoding for display', () => {
  const cases: [string, string][] = [
    ["{\\'e}", 'é'], ["\\'{e}", 'é'], ["\\'e", 'é'], ['{\\"o}', 'ö'], ['\\"{o}', 'ö'], ['\\c{s}', 'ş'], ['\\c s', 'ş'],
    ['{\\v Z}', 'Ž'], ["{\\'\\i}", 'í'], ['\\v{\\i}', 'ǐ'], ['\\ss', 'ß'], ['{\\ss}e', 'ße'], ['\\ss{}e', 'ße'],
    ['Stra\\ss e', 'Straße'], ['\\&', '&'], ['\\%', '%'], ['\\_', '_'], ['\\#', '#'], ['\\$', '$'],
    ['a--b', 'a–b'], ['a---b', 'a—b'], ['a~b', 'a b'], ['{EUROTRA}: The {EEC} {R}\\&{D}', 'EUROTRA: The EEC R&D'],
    ['Chairman{\'}s', 'Chairman\'s'], ['{`}internal{\'}', '‘internal\''], ['``quoted\'\'', '“quoted”'],
    ['{\\r{A}}str{\\"o}m', 'Åström'], ['Fran{\\c{c}}oise', 'Françoise'], ['{\\AA}arhus', 'Åarhus'],
    ['Jyv{\\"{a}}skyl{\\"{a}}', 'Jyväskylä'], ['\\L{}\\\'od\\\'z', 'Łódź'], ['{\\o}', 'ø'], ['\\H{o}', 'ő'], ['\\k{a}', 'ą'],
    ['\\emph{very} \\textbf{bold} {\\em old}', 'very bold old'], ['\\href{https://x.org}{the site}', 'the site'],
    ['see \\url{https://a.org/x_y}', 'see https://a.org/x_y'], ['\\LaTeX{} and \\TeX', 'LaTeX and TeX'],
    ['Using $\\lambda$-{DRT}', 'Using λ-DRT'], ['Refer360$^{\\circ}$', 'Refer360∘'], ['$0(n^6)$', '0(n6)'],
    ['  many \n  spaces\tand\ttabs  ', 'many spaces and tabs'], ['\\unknown{kept} \\gone x', 'kept x'],
    ['{\\textbraceleft}x{\\textbraceright}', '{x}'], ['{\\textasciitilde}{\\textasciicircum}{\\textbackslash}', '~^\\'],
    ['unbalanced } and { here', 'unbalanced and here'], ['trailing \\', 'trailing'], ['ctrl\u0000\u0007x', 'ctrlx'],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => assert.equal(latexToUnicode(input), want));
  }

  it('keeps $…$ math verbatim for abstracts, decoding the text around it', () => {
    assert.equal(latexToUnicode('An $O(n^2)$ {\\\'e}tude of $\\alpha$', { keepMath: true }), 'An $O(n^2)$ étude of $\\alpha$');
  });

  it('returns plain text unchanged and as fast as a test', () => {
    const s = 'A plain title with nothing to decode';
    assert.equal(latexToUnicode(s), s);
  });

  it('decodes whatever it does not call plain: `--`, `~`, `\\&`, braces, math, quotes, Unicode spaces, control characters', () => {
    for (const s of ['a--b', 'a~b', 'R\\&D', '{C}hinese', 'x}', '$x$', "``q''", 'a  b', 'a\u00a0b', 'a\u2009b', 'a\u3000b', '\ufeffa', 'a\tb', 'a\nb', 'a\u007fb', '`a']) {
      assert.equal(isPlainLatex(s), false, JSON.stringify(s));
    }
    for (const s of ['Türkçe über ł', 'a-b', "it's", 'a ^ b_c', 'x % y # z & w', ' edge ', 'a\u2028b', '😀']) {
      assert.equal(isPlainLatex(s), true, JSON.stringify(s));
      assert.equal(latexToUnicode(s), s.startsWith(' ') || s.endsWith(' ') ? s.trim() : s);
    }
  });

  it('plain text decodes to itself, trimmed (property)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('\\', '{', '}', '$', '~', "'", '`', '-', '^', '_', 'a', 'é', 'ł', ' ', '\n', '\u00a0', '\u2028', '😀') }), s => {
      if (!isPlainLatex(s)) return;
      assert.equal(latexToUnicode(s), s.startsWith(' ') || s.endsWith(' ') ? s.trim() : s);
      assert.equal(latexToUnicode(s, { keepMath: true }), latexToUnicode(s));
    }), { numRuns: 2000 });
  });

  it('never throws and always returns collapsed, trimmed text (property)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('\\', '{', '}', '$', '~', "'", '"', '`', '-', '^', '_', 'a', 'e', 'i', ' ', 'v', 'c', '\n') }), s => {
      const out = latexToUnicode(s);
      assert.equal(typeof out, 'string');
      assert.ok(!/\s{2}/.test(out) && out === out.trim());
    }), { numRuns: 1000 });
  });
});

describe('bibtex latex: encoding for export', () => {
  it('writes a Greek word as math letters only when each letter is one: never half math italic', () => {
    const kept = new Set<string>();
    assert.equal(unicodeToLatex('Περί α-β, ΔΣ and λόγος', kept), 'Περί {$\\alpha$}-{$\\beta$}, {$\\Delta$}{$\\Sigma$} and λόγος');
    assert.deepEqual([...kept].sort(), [...new Set('Περίλόγος')].sort());
  });
  it('escapes every LaTeX special so BibTeX still counts balanced braces', () => {
    assert.equal(unicodeToLatex('& % $ # _ { } ~ ^ \\'), '\\& \\% \\$ \\# \\_ {\\textbraceleft} {\\textbraceright} {\\textasciitilde} {\\textasciicircum} {\\textbackslash}');
    assert.equal(unicodeToLatex('<script>'), '{\\textless}script{\\textgreater}');
  });

  it('writes accented letters with commands pdflatex and biber both handle', () => {
    assert.equal(unicodeToLatex('Žídek Akşit Erdős Łódź Ørsted Straße'), '{\\v{Z}}{\\\'i}dek Ak{\\c{s}}it Erd{\\H{o}}s {\\L}{\\\'o}d{\\\'z} {\\O}rsted Stra{\\ss}e');
    assert.equal(unicodeToLatex('í'), "{\\'i}", 'not {\\\'\\i}: biber would write ı + U+0301');
  });

  it('keeps as UTF-8 what has no command pdflatex and biber both keep: a mark biber would decompose, T1-only letters', () => {
    const kept = new Set<string>();
    assert.equal(unicodeToLatex('ṣ ḍ ǘ', kept), 'ṣ ḍ ǘ');
    assert.equal(unicodeToLatex('Þór ð « »', kept), 'Þ{\\\'o}r ð {$\\ll$} {$\\gg$}');
    assert.deepEqual([...kept], ['ṣ', 'ḍ', 'ǘ', 'Þ', 'ð']);
  });

  it('keeps scripts pdflatex cannot set (CJK, emoji) as UTF-8, never `?`, and writes math for Greek', () => {
    const kept = new Set<string>();
    assert.equal(unicodeToLatex('中文 🚀', kept), '中文 🚀');
    assert.deepEqual([...kept], ['中', '文', '🚀']);
    assert.equal(unicodeToLatex('α ≤ ∞'), '{$\\alpha$} {$\\leq$} {$\\infty$}');
    assert.equal(unicodeToLatex('ﬁnal'), 'final');
  });

  it('utf8: only the ASCII specials are rewritten', () => {
    assert.equal(unicodeToLatexUtf8('Ørsted & 中文 🚀 {x} 50% ~'), 'Ørsted \\& 中文 🚀 {\\textbraceleft}x{\\textbraceright} 50\\% {\\textasciitilde}');
  });

  it('round-trips text through encode and decode (property)', () => {
    const unit = fc.constantFrom('&', '%', '$', '#', '_', '{', '}', '~', '^', '\\', '<', '>', '-', "'", '`', '"', 'é', 'ß', 'ø', 'Ž', 'a', 'Z', '1', ' ', '.', ':', 'α', '\n');
    fc.assert(fc.property(fc.string({ unit, maxLength: 50 }), s => {
      assert.equal(latexToUnicode(unicodeToLatex(s)), s.replace(/\s+/g, ' ').trim());
    }), { numRuns: 1000 });
  });
});
