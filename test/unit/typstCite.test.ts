import { strict as assert } from 'node:assert';
import { bestCpuMs } from '../support/cpuTime';
import fc from 'fast-check';
import { locateBib } from '../../src/core/bibLocate';
import { citeContextAt, citedKeyAt, citeSyntaxFor, findCitations } from '../../src/core/citeContext';
import { parseHayagriva, projectBibNames, sphinxBibfiles } from '../../src/core/projectBibNames';
import { isTypstLabel, isTypstRef, scanTypst, typstBibliographyPaths, typstCitationText, typstInsertEdits, typstKeyEdit, typstKeyEndingNear, typstReplaceKey } from '../../src/core/typstCite';

const typst = { syntax: 'typst' as const };
/** `|` marks the cursor. */
function at(marked: string) {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { text, offset, ctx: citeContextAt(text, offset, typst) };
}

describe('Typst citations', () => {
  it('completes after @, inside #cite(<…>), #cite(label("…")) and #cite(<…>, form: …)', () => {
    assert.equal(at('see @knu|').ctx?.prefix, 'knu');
    assert.equal(at('see @|').ctx?.prefix, '');
    assert.equal(at('#cite(<knu|').ctx?.typst?.form, 'angle');
    assert.equal(at('#cite(<knu|>)').ctx?.typst?.closed, true);
    assert.equal(at('#cite(label("knu|"))').ctx?.typst?.form, 'string');
    assert.equal(at('#cite(<kn|>, form: "prose")').ctx?.prefix, 'kn');
    assert.equal(at('#{ let c = cite(<kn|>) }').ctx?.prefix, 'kn');
    assert.equal(at('#figure([x], caption: [see @kn|])').ctx?.prefix, 'kn');
  });
  it('takes a phrase inside #cite(<… and label("…, but a space ends an @reference', () => {
    assert.equal(at('#cite(<global vect|').ctx?.prefix, 'global vect');
    assert.equal(at('#cite(label("global vect|').ctx?.prefix, 'global vect');
    assert.equal(at('see @global vect|').ctx, undefined);
  });
  it('reads the key of a supplemented reference and not the supplement', () => {
    assert.equal(at('@knuth84|[p. 7]').ctx?.prefix, 'knuth84');
    assert.equal(at('@knuth84[p. 7|]').ctx, undefined);
    assert.deepEqual(findCitations('see @knuth84[p. 7] and @doe:2020.', typst).map(c => c.key), ['knuth84', 'doe:2020']);
  });
  it('never offers in raw text, comments, code strings or math', () => {
    for (const s of ['`@raw|`', '```\n@raw|\n```', '// @c|', '/* @c| */', '/* a /* b */ @c| */', '#let x = "@a|"', '$ @b| $', 'see @a.|', 'https://x.org/@a|'])
      assert.equal(at(s).ctx, undefined, s);
  });
  it('reads a document in the shape pandoc and Quarto emit (templates with code, regex strings, labels on their own line)', () => {
    const doc = [
      '#let empty(v) = {', '  if type(v) == "string" {', '    // a dollar sign inside a string: $', '    v.matches(regex("^\\\\s*$")).at(0, default: none) != none', '  }', '}',
      '#show ref: it => locate(loc => {', '  let target = query(it.target, loc).first()', '  link(target.location(), [#it.supplement @notakey])', '})',
      '#show: doc => article(title: [A study of @handles], doc)',
      '== Introduction', '<introduction>', 'As @introduction says, see #cite(<smith2024>);. and @doe:2020[ch. 2].',
      '$ U_i = U_i (a_i, a_(-i)) $ then @after.',
      '#set bibliography(style: "harvard-cite-them-right")', '#bibliography("refs.bib")', '',
    ].join('\n');
    // `@notakey` and `@handles` sit in content blocks, which are markup: Typst reads them as references too.
    assert.deepEqual(findCitations(doc, typst).map(c => c.key), ['notakey', 'handles', 'smith2024', 'doe:2020', 'after']);
    assert.deepEqual(typstBibliographyPaths(doc), ['refs.bib']);
    assert.ok(scanTypst(doc).labels.has('introduction'));
  });
  it('hover names the whole key', () => {
    const text = 'see #cite(<knuth84>) and @doe:2020.';
    assert.equal(citedKeyAt(text, text.indexOf('uth'), typst)?.key, 'knuth84');
    assert.equal(citedKeyAt(text, text.indexOf('2020'), typst)?.key, 'doe:2020');
  });
  it('a @label naming a heading or figure label is a cross-reference, not a citation', () => {
    const doc = '= Intro <intro>\n#figure(image("a.png"), caption: [x]) <fig:a>\nAs @intro and @fig:a show, @knuth84 #cite(label("a/b")) #cite(<c-d>).\n';
    assert.deepEqual(findCitations(doc, typst).map(c => c.key), ['knuth84', 'a/b', 'c-d']);
    assert.deepEqual([...scanTypst(doc).labels], ['intro', 'fig:a']);
  });
  it('writes @key, #cite(<key>) or label("…") by Typst\'s label characters (checked against the compiler)', () => {
    // The compiler accepts letters of any script, digits, _ and - anywhere, : and . after the first character.
    for (const k of ['knuth84', 'doe:2020', 'smith-2', '1abc', '_a', 'xéy', 'x中y']) assert.ok(isTypstLabel(k), k);
    for (const k of ['a+b', 'a/b', "o'neil", 'a b', ':a', '.a', 'a#b', '']) assert.ok(!isTypstLabel(k), k);
    assert.ok(isTypstLabel('a.') && !isTypstRef('a.'));
    assert.equal(typstCitationText(['a', 'b/c', 'd.']), '@a #cite(label("b/c")) #cite(<d.>)');
    assert.equal(typstCitationText(['a', 'b"c'], 'cite'), '#cite(<a>)#cite(label("b\\"c"))');
  });
  it('completion turns a key outside the label characters into label("…")', () => {
    const ref = at('see @kn|');
    assert.deepEqual(typstKeyEdit(ref.ctx!.typst!, ref.ctx!.start, ref.ctx!.keyEnd, 'a/b'), { start: 4, end: 7, text: '#cite(label("a/b"))' });
    const angle = at('#cite(<kn|');
    assert.deepEqual(typstKeyEdit(angle.ctx!.typst!, angle.ctx!.start, angle.ctx!.keyEnd, 'knuth84'), { start: 7, end: 9, text: 'knuth84>' });
    assert.deepEqual(typstKeyEdit(angle.ctx!.typst!, angle.ctx!.start, angle.ctx!.keyEnd, 'a+b'), { start: 6, end: 9, text: 'label("a+b")' });
    const closed = at('#cite(<kn|>)');
    assert.deepEqual(typstKeyEdit(closed.ctx!.typst!, closed.ctx!.start, closed.ctx!.keyEnd, 'a+b'), { start: 6, end: 10, text: 'label("a+b")' });
    const text = '#cite(<kn>, form: "prose") x';
    const c = citeContextAt(text, 9, typst)!;
    assert.deepEqual(typstInsertEdits(text, c.typst!, c.start, c.keyEnd, ['a', 'b'], true), [{ start: 7, end: 9, text: 'a' }, { start: 26, end: 26, text: ' @b' }]);
    assert.equal(typstKeyEndingNear('see #cite(label("a/b"))', 23), 'a/b');
    // Quick fixes on an unknown key keep the citation valid.
    assert.deepEqual(typstReplaceKey('see @ab.', 5, 7, 'a/b'), { start: 4, end: 7, text: '#cite(label("a/b"))' });
    assert.deepEqual(typstReplaceKey('see @ab.', 5, 7, 'abc'), { start: 5, end: 7, text: 'abc' });
    assert.deepEqual(typstReplaceKey('#cite(<ab>)', 7, 9, 'a+b'), { start: 6, end: 10, text: 'label("a+b")' });
    assert.deepEqual(typstReplaceKey('#cite(label("ab"))', 13, 15, 'a"b'), { start: 13, end: 15, text: 'a\\"b' });
    assert.equal(typstKeyEndingNear('see #cite(<ab>)', 14), 'ab');
  });
  it('finds #bibliography paths (a string or an array) in any .typ, relative to that file; .bib written, .yml read', () => {
    assert.deepEqual(typstBibliographyPaths('#bibliography(("a.bib", "lit/b.yml"), style: "apa")\n// #bibliography("old.bib")\n`#bibliography("raw.bib")`'), ['a.bib', 'lit/b.yml']);
    assert.deepEqual(locateBib({ docPath: '/p/main.typ', docText: '#bibliography("refs.bib")' }), { path: '/p/refs.bib', all: ['/p/refs.bib'], from: 'document' });
    assert.deepEqual(locateBib({ docPath: '/p/ch/a.typ', docText: '= A', project: [{ path: '/p/main.typ', text: '#bibliography(("hay.yml", "bib/x.bib"))' }] }),
      { path: '/p/bib/x.bib', all: ['/p/hay.yml', '/p/bib/x.bib'], from: 'project' });
    // Only Hayagriva named: a new refs.bib beside the main file for PaperCite's entries.
    assert.deepEqual(locateBib({ docPath: '/p/main.typ', docText: '#bibliography("hay.yml")' }), { path: '/p/refs.bib', all: ['/p/hay.yml', '/p/refs.bib'], from: 'document' });
    assert.deepEqual(locateBib({ docPath: '/p/a.typ', docText: 'x' }), { path: '/p/refs.bib', all: ['/p/refs.bib'], from: 'default' });
    assert.equal(locateBib({ docPath: '/p/ch/a.typ', docText: '#bibliography("/refs.bib")', workspaceFolder: '/p' }).path, '/p/refs.bib');
  });
  it('reads Hayagriva entries, _quarto.yml and conf.py bibliographies without running anything', () => {
    const hay = 'harry:\n  type: Book\n  title: "Harry Potter and the Order of the Phoenix"\n  author: Rowling, J. K.\n  date: 2003\n# note\nelsewhere:\n    type: article\n    title: Elsewhere\n';
    const e = parseHayagriva(hay);
    assert.deepEqual(e.map(x => [x.key, x.type, x.fields.title, x.fields.year, x.line]), [['harry', 'book', 'Harry Potter and the Order of the Phoenix', '2003', 1], ['elsewhere', 'article', 'Elsewhere', undefined, 7]]);
    assert.deepEqual(projectBibNames('/p/_quarto.yml', 'project:\n  type: book\nbibliography:\n  - refs.bib\n  - "more.bib"\n'), ['refs.bib', 'more.bib']);
    assert.deepEqual(projectBibNames('/p/_quarto.yml', 'bibliography: refs.bib # main\n'), ['refs.bib']);
    assert.deepEqual(sphinxBibfiles("extensions = ['sphinxcontrib.bibtex']\nbibtex_bibfiles = [\n  'refs.bib',  # main\n  \"extra/b.bib\",\n]\n"), ['refs.bib', 'extra/b.bib']);
    assert.deepEqual(sphinxBibfiles("bibtex_bibfiles = ('a.bib',)\nos.system('rm -rf /')"), ['a.bib']);
    assert.deepEqual(sphinxBibfiles('x = 1'), []);
    assert.deepEqual(projectBibNames('/p/n.ipynb', JSON.stringify({ metadata: { bibliography: ['a.bib', 'b.bib'] }, cells: [] })), ['a.bib', 'b.bib']);
    assert.deepEqual(projectBibNames('/p/n.ipynb', JSON.stringify({ metadata: {}, cells: [{ cell_type: 'raw', source: ['---\n', 'title: T\n', 'bibliography: refs.bib\n', '---\n'] }] })), ['refs.bib']);
    assert.deepEqual(projectBibNames('/p/n.ipynb', '{not json'), []);
    assert.equal(locateBib({ docPath: '/p/docs/index.rst', docText: '', project: [{ path: '/p/docs/conf.py', text: "bibtex_bibfiles = ['refs.bib']" }] }).path, '/p/docs/refs.bib');
  });
  it('maps .typ and the typst language to the Typst syntax; LaTeX and Markdown unchanged', () => {
    assert.equal(citeSyntaxFor('typst', '/a/b.typ'), 'typst');
    assert.equal(citeSyntaxFor('plaintext', '/a/b.typ'), 'typst');
    assert.equal(citeSyntaxFor('quarto', '/a/b.qmd'), 'both');
    assert.equal(citeSyntaxFor('rmarkdown', '/a/b.Rmd'), 'both');
    assert.equal(citeSyntaxFor('latex', '/a/b.tex'), 'latex');
  });

  const pieces = fc.constantFrom('@', '#cite(', '<', '>', '(', ')', '[', ']', '{', '}', 'label("', '"', '`', '```', '//', '/*', '*/', '$', '\\', '\n', ' ', 'ab', 'k:1', '-', '.', '#let x = ', 'é', '= H <h>', '#bibliography(');
  const doc = fc.array(fc.oneof(pieces, fc.string({ maxLength: 4 })), { maxLength: 80 }).map(a => a.join(''));
  it('never throws, stays in bounds, and finds keys only in citation syntax (property)', () => {
    fc.assert(fc.property(doc, fc.nat(), (text, n) => {
      const offset = n % (text.length + 1);
      const ctx = citeContextAt(text, offset, typst);
      if (ctx) {
        assert.ok(ctx.start <= ctx.end && ctx.end === offset && ctx.keyEnd >= ctx.keyStart && ctx.keyStart >= ctx.start);
        const open = text[ctx.typst!.open];
        assert.ok(open === '@' || open === '<' || open === '"');
      }
      for (const c of findCitations(text, typst)) assert.ok(c.start < c.end && c.end <= text.length && c.key.length > 0);
      typstBibliographyPaths(text);
      parseHayagriva(text);
      sphinxBibfiles('bibtex_bibfiles = [' + text);
    }), { numRuns: 1500 });
  });
  it('never offers inside raw blocks, comments or strings (property)', () => {
    const inner = fc.stringMatching(/^[a-z @<>#()"\[\]:.-]{0,30}$/);
    fc.assert(fc.property(inner, fc.constantFrom(['```\n', '\n```'], ['`', '`'], ['/* ', ' */'], ['#let s = "', '"'], ['$', '$']), fc.nat(), (body, [open, close], n) => {
      const safe = body.replace(/[`"$*\/]/g, '');
      const text = `text ${open}${safe}${close} more`;
      const offset = 5 + open.length + (n % (safe.length + 1));
      assert.equal(citeContextAt(text, offset, typst), undefined, text);
      assert.deepEqual(findCitations(text, typst), [], text);
    }), { numRuns: 1500 });
  });
  it('scans a hostile document in linear time', () => {
    for (const unit of ['#cite(<', '@', '#f(', '[', '/*', '#cite(label("', '`', '<a', '#{']) {
      const text = unit.repeat(200_000 / unit.length);
      // CPU time: a loaded machine stretches the wall clock, not the work.
      const ms = bestCpuMs(() => {
        findCitations(text, typst);
        citeContextAt(text, text.length, typst);
        typstBibliographyPaths(text);
      }, 2);
      assert.ok(ms < 1500, `${unit}: ${ms.toFixed(0)} ms of CPU`);
    }
  });
});
