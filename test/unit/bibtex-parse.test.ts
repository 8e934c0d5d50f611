import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { parseBibtex, type BibEntry } from '../../src/core/bibtex/parse';
import { bibEntryToPaper, parseNames } from '../../src/core/bibtex/toCsl';
import { sharedFile } from '../support/shared';

const fixtures = path.resolve(__dirname, '../fixtures/bib');
const read = (f: string) => readFileSync(path.join(fixtures, f), 'utf8');
const byKey = (entries: BibEntry[]) => new Map(entries.map(e => [e.key, e]));

describe('bibtex parse: real files', () => {
  it('reads the Anthology excerpt: quoted values, bare month macros, offsets and lines', () => {
    const text = read('anthology-excerpt.bib');
    const r = parseBibtex(text, 'anthology-excerpt.bib');
    assert.equal(r.entries.length, 12);
    const e = byKey(r.entries).get('moore-1981-summary')!;
    assert.equal(e.type, 'inproceedings');
    assert.equal(e.fields.title, 'Summary of discussion: Aspects of Editing');
    assert.equal(e.fields.author, 'Moore, Fran{\\c{c}}oise');
    assert.equal(text.slice(e.start, e.start + 34), '@inproceedings{moore-1981-summary,');
    assert.equal(text[e.end - 1], '}');
    assert.equal(e.line, text.slice(0, e.start).split('\n').length);
    const eurotra = byKey(r.entries).get('perschke-1987-eurotra')!;
    assert.equal(eurotra.fields.title, '{EUROTRA}: The {EEC} {R}\\&{D} programme for the creation of a machine translation system of advanced design');
    assert.equal(bibEntryToPaper(eurotra, 'a.bib').title, 'EUROTRA: The EEC R&D programme for the creation of a machine translation system of advanced design');
    const mohri = byKey(r.entries).get('mohri-2001-language')!;
    assert.equal(mohri.fields.month, 'July', 'month = jul is the predefined macro');
    assert.equal(mohri.raw, text.slice(mohri.start, mohri.end), 'an entry without user macros keeps its text');
  });

  it('keeps the two Anthology entries with a lone \\} in a quoted abstract, and says where', () => {
    const r = parseBibtex(read('anthology-excerpt.bib'), 'a.bib');
    const keys = r.entries.map(e => e.key);
    assert.ok(keys.includes('santosh-etal-2020-detecting') && keys.includes('ferret-2014-compounds'));
    const lone = r.problems.filter(p => /without a matching/.test(p.message));
    // One line per value: ferret-2014-compounds has two on one line, said once with their count.
    assert.equal(lone.length, 2);
    assert.ok(lone.every(p => p.severity === 'warning' && p.file === 'a.bib' && p.line > 0));
    assert.match(lone[0]!.message, /entry santosh-etal-2020-detecting, field `abstract`: a `\}` without a matching/);
    assert.match(lone[1]!.message, /entry ferret-2014-compounds, field `abstract`: 2 `\}` without a matching `\{` inside a quoted value, the first here/);
    const e = byKey(r.entries).get('ferret-2014-compounds')!;
    assert.match(e.fields.abstract!, /Grefenstette, 1994\{\\textbraceright\} and/);
    assert.ok(!e.raw!.includes('1994\\}'), 'the exported text is rewritten so BibTeX can read it');
  });

  it('resolves @string macros (accented, bare names) and a crossref to a later parent', () => {
    const r = parseBibtex(read('strings-crossref.bib'), 's.bib');
    assert.equal(r.strings.montreal, 'Montreal, Canada');
    assert.equal(r.strings.jyvaskyla, 'Jyv{\\"{a}}skyl{\\"{a}}, Finland');
    const child = byKey(r.entries).get('SyntheticChild2003')!;
    assert.equal(child.fields.address, 'Montreal, Canada');
    assert.equal(child.fields.booktitle, 'ASE 2003: Proceedings of the 18th Annual International Conference on Automated Software Engineering');
    assert.equal(child.fields.year, '2003');
    assert.equal(child.fields.title, 'A Paper in the {ASE} Proceedings', 'the child keeps its own title');
    assert.ok(!child.raw!.includes('crossref') && child.raw!.includes('Montreal, Canada'), 'raw text stands alone');
    // The source file's own `@string{jan = "January" = "Jan."}` lines are malformed: reported, value kept.
    const extra = r.problems.filter(p => /@string (jan|feb|dec): expected `}`/.test(p.message));
    assert.equal(extra.length, 3);
    assert.equal(r.strings.jan, 'January');
  });

  it('reads mixed-case fields, accents and junk fields of proof-engineering.bib', () => {
    const r = parseBibtex(read('proof-engineering-excerpt.bib'), 'p.bib');
    assert.deepEqual(r.problems, []);
    const g = byKey(r.entries).get('Gordon1993b')!;
    assert.equal(g.type, 'inproceedings');
    assert.equal(g.fields.skipeditor, 'Joyce, Jeffrey J. and Seger, Carl-Johan H.');
    assert.equal(g.fields.doi, '10.1007/3-540-57826-9_152');
    const p = bibEntryToPaper(byKey(r.entries).get('Filman2004')!, 'p.bib');
    assert.deepEqual(p.author?.map(a => a.family), ['Filman', 'Elrad', 'Clarke', 'Akşit']);
    assert.equal(p.author?.[2]?.given, 'Siobhán');
    const coq = bibEntryToPaper(byKey(r.entries).get('coq-critical')!, 'p.bib');
    assert.deepEqual(coq.author, [{ literal: 'Coq Development Team' }]);
    assert.deepEqual(coq.issued?.['date-parts'], [[2018]]);
  });

  it('reads preambles with \\def and quotes inside braces, and an indented `@incollection {key`', () => {
    const r = parseBibtex(read('preamble-def-732.bib'), 'x.bib');
    assert.deepEqual(r.problems, []);
    assert.equal(r.preambles.length, 1);
    assert.match(r.preambles[0]!, /^\\def\\ocirc#1\{.*\{\\accent"17 #1\}\\fi\}$/);
    assert.equal(r.entries[0]!.key, 'MR1870153');
    assert.equal(r.entries[0]!.type, 'incollection');
    const p = parseBibtex(read('preamble-percent-95-96.bib'), 'y.bib');
    assert.equal(p.entries.length, 1);
    assert.match(p.entries[0]!.fields.abstract!, /400-500Ânm/);
    assert.match(p.preambles[0]!, /\\makeatletter/);
  });

  it('reads BibDesk exports: %% comments, {\\v Z}{\\\'\\i} accents, Date-Added fields', () => {
    const r = parseBibtex(read('bibdesk.bib'), 'b.bib');
    assert.equal(r.entries.length, 2);
    const p = bibEntryToPaper(r.entries[0]!, 'b.bib');
    assert.equal(p.author?.[7]?.family, 'Žídek');
    assert.equal(r.entries[0]!.fields['date-added'], '2020-01-30 16:19:59 +0100');
    assert.deepEqual(bibEntryToPaper(r.entries[1]!, 'b.bib').issued?.['date-parts'], [[2014, 8]]);
  });

  it('inherits from a crossref parent that comes later (Better BibTeX fixture)', () => {
    const r = parseBibtex(read('crossref.bib'), 'c.bib');
    const child = byKey(r.entries).get('El-HusseiniToeplerSalamon:2004')!;
    assert.equal(child.fields.publisher, 'Kumarian Press');
    assert.equal(child.fields.booktitle, 'Global Civil Society: Dimensions of the Nonprofit Sector');
    assert.equal(child.fields.title, 'Lebanon');
    const p = bibEntryToPaper(child, 'c.bib');
    assert.equal(p.type, 'chapter');
    assert.equal(p['container-title'], 'Global Civil Society: Dimensions of the Nonprofit Sector');
    assert.deepEqual(p.editor?.map(n => n.family), ['Salamon', 'Sokolowski']);
  });
});

describe('bibtex parse: damaged input', () => {
  const r = parseBibtex(read('damaged.bib'), 'damaged.bib');
  const problem = (re: RegExp) => r.problems.find(p => re.test(p.message));

  it('keeps every good entry around the damage', () => {
    assert.deepEqual(r.entries.map(e => e.key), ['good1', 'good2', 'odd1', 'usesloop', 'extra-close', 'good3']);
    assert.equal(byKey(r.entries).get('good1')!.fields.title, 'First Good Entry', 'the first of two duplicates is kept');
    assert.equal(bibEntryToPaper(byKey(r.entries).get('good3')!, 'd.bib').title, 'Third "Good" Entry');
  });

  it('reports an unbalanced brace with the line of the value and skips that entry', () => {
    const p = problem(/unbalanced braces in the value of `title`/)!;
    assert.equal(p.severity, 'error');
    assert.equal(p.line, 9);
    assert.match(p.message, /entry broken-open: .* up to the next entry at line 14/);
  });

  it('reports the second of two duplicate keys with its line and the first one\'s', () => {
    const p = problem(/duplicate key good1/)!;
    assert.equal(p.line, 19);
    assert.match(p.message, /already defined at line 2/);
  });

  it('keeps an unknown entry type with a warning', () => {
    const p = problem(/unknown type @weirdtype/)!;
    assert.equal(p.severity, 'warning');
    assert.equal(p.line, 23);
    assert.equal(bibEntryToPaper(byKey(r.entries).get('odd1')!, 'd.bib').type, 'document');
  });

  it('survives @string loops and undefined macros, naming them', () => {
    assert.ok(problem(/@string self refers to itself/));
    assert.ok(problem(/@string loopa uses the macro `loopb` before it is defined/));
    assert.equal(byKey(r.entries).get('usesloop')!.fields.title, 'loopb and selfx');
    const u = problem(/undefined macro `undefinedmacro`/)!;
    assert.equal(u.line, 33);
  });

  it('says when an extra } ended an entry early and fields were lost', () => {
    const p = problem(/entry extra-close ended early/)!;
    assert.equal(p.line, 38);
    assert.match(p.message, /field `author`/);
  });

  it('lists problems in file order, each with file and line', () => {
    const lines = r.problems.map(p => p.line);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
    assert.ok(r.problems.every(p => p.file === 'damaged.bib' && p.line >= 1));
  });

  it('reads past binary junk and reports a NUL and invalid UTF-8 once each', () => {
    const junk = Buffer.concat([Buffer.from('@article{a, title={A}}\n'), Buffer.from([0, 1, 2, 0xff, 0xfe, 0x40, 0x7b, 0, 0x7d, 10]),
      Buffer.from('@article{b, title={B\u0007 junk}}\n@misc{c, note = {C}}\n')]).toString('utf8');
    const j = parseBibtex(junk, 'junk.bib');
    assert.deepEqual(j.entries.map(e => e.key), ['a', 'b', 'c']);
    assert.equal(j.entries[1]!.fields.title, 'B junk');
    assert.ok(j.problems.some(p => /binary data \(NUL bytes\)/.test(p.message) && p.line === 2));
    assert.ok(j.problems.some(p => /not valid UTF-8/.test(p.message)));
  });

  it('lists at most MAX_PROBLEMS problems and says how many more there were', () => {
    const text = Array.from({ length: 700 }, (_, i) => `@misc{k${i}, note = undefined${i}}`).join('\n');
    const t = parseBibtex(text, 'many.bib');
    assert.equal(t.entries.length, 700);
    assert.equal(t.problems.length, 501);
    assert.match(t.problems[500]!.message, /^200 more problems not listed \(0 errors in all\)/);
    assert.equal(t.problems[500]!.line, 0);
  });

  it('reports a file that ends inside an entry and keeps the entries before', () => {
    const t = parseBibtex('@article{a, title={A}}\n@article{b, title={never closed\n', 'e.bib');
    assert.deepEqual(t.entries.map(e => e.key), ['a']);
    assert.match(t.problems[0]!.message, /not closed before the end of the file/);
    assert.equal(t.problems[0]!.line, 2);
  });

  it('keeps an entry whose closing brace is missing when every field was complete', () => {
    const t = parseBibtex('@article{a,\n  title = {A},\n\n@article{b, title={B}}\n', 'e.bib');
    assert.deepEqual(t.entries.map(e => e.key), ['a', 'b']);
    assert.match(t.problems[0]!.message, /entry a is not closed: expected `}` before the next entry at line 4/);
  });

  it('tolerates a missing comma between fields and after the key, with a warning', () => {
    const t = parseBibtex('@article{a title = {A}\n author = {B}}', 'e.bib');
    assert.deepEqual(t.entries[0]!.fields, { title: 'A', author: 'B' });
    assert.equal(t.problems.length, 2);
  });

  it('ignores commented-out entries, e-mail addresses and free text between entries', () => {
    const t = parseBibtex('% @article{x, title={no}}\nMail me@example.org\n@comment{@article{y, title={no}}}\n@article{z, title={yes}}', 'e.bib');
    assert.deepEqual(t.entries.map(e => e.key), ['z']);
    assert.deepEqual(t.problems, []);
  });

  it('warns about keys that differ only in case (BibTeX treats them as one)', () => {
    const t = parseBibtex('@misc{Key, title={a}}\n@misc{key, title={b}}', 'e.bib');
    assert.equal(t.entries.length, 2);
    assert.match(t.problems[0]!.message, /differs only in case/);
  });

  it('handles # concatenation, parentheses as delimiters and a __proto__ field', () => {
    const t = parseBibtex('@string(pre = "Proc. of ")\n@inproceedings(k, booktitle = pre # {ACL} # " 2020", __proto__ = {x}, month = dec)', 'e.bib');
    assert.equal(t.entries[0]!.fields.booktitle, 'Proc. of ACL 2020');
    assert.equal(t.entries[0]!.fields.month, 'December');
    assert.equal(Object.getPrototypeOf(t.entries[0]!.fields), Object.prototype);
    assert.ok(t.problems.some(p => /__proto__/.test(p.message)));
  });

  it('reads CRLF files with a byte order mark, counting lines as editors do', () => {
    const t = parseBibtex('\ufeff% lib\r\n@article{a,\r\n  title = {Two\r\n  lines},\r\n}\r\n\r\n@article{a, title={dup}}\r\n', 'crlf.bib');
    assert.equal(t.entries[0]!.fields.title, 'Two lines');
    assert.equal(t.entries[0]!.line, 2);
    assert.equal(t.problems[0]!.line, 7);
  });

  it('skips JabRef @Comment blocks with nested braces', () => {
    const t = parseBibtex('@Comment{jabref-meta: groupstree:\n0 AllEntriesGroup:;\n1 {x}{y};\n}\n@misc{k, title={T}}', 'j.bib');
    assert.deepEqual(t.entries.map(e => e.key), ['k']);
    assert.deepEqual(t.problems, []);
  });

  it('never throws, whatever the text (property)', () => {
    const piece = fc.oneof(fc.constantFrom('@', '{', '}', '(', ')', '"', '#', ',', '=', '%', '\n', ' ', '@article{', '@string{', 'title = ', '\\'), fc.string({ maxLength: 5 }));
    fc.assert(fc.property(fc.array(piece, { maxLength: 60 }), parts => {
      const text = parts.join('');
      const r = parseBibtex(text, 'f.bib');
      for (const e of r.entries) {
        assert.ok(e.start >= 0 && e.end <= text.length && e.start < e.end);
        bibEntryToPaper(e, 'f.bib');
      }
      for (const p of r.problems) assert.ok(p.line >= 0 && p.line <= text.split('\n').length);
    }), { numRuns: 500 });
  });
});

describe('bibtex names', () => {
  it('parses Last, First; First Last; von; Jr; organisations; and others', () => {
    const { names, truncated } = parseNames('Zhao, Andrew and Yiran Wu and van der Berg, Jan and Ludwig van Beethoven and King, Jr., Martin and {Coq Development Team} and {\\v Z}{\\\'\\i}dek, Augustin and others');
    assert.deepEqual(names, [
      { family: 'Zhao', given: 'Andrew' }, { family: 'Wu', given: 'Yiran' }, { family: 'van der Berg', given: 'Jan' },
      { family: 'van Beethoven', given: 'Ludwig' }, { family: 'King', given: 'Martin', suffix: 'Jr.' },
      { literal: 'Coq Development Team' }, { family: 'Žídek', given: 'Augustin' },
    ]);
    assert.equal(truncated, true);
  });

  it('splits at " and " only outside braces and across line breaks', () => {
    assert.deepEqual(parseNames('{Barnes and Noble} and Smith,\n   John AND Doe, J.').names.map(n => n.literal ?? n.family), ['Barnes and Noble', 'Smith', 'Doe']);
  });

  it('reads a list with nothing to decode as the general reader does: Last, First by offsets, the rest as before', () => {
    const { names, truncated } = parseNames('Loh, Shiu-Chang and Kong, Luan AND van der Berg, Jan and Ludwig van Beethoven and King, Jr., Martin and , Alone and Solo,  and Müller, Jörg and et al.');
    assert.deepEqual(names, [
      { family: 'Loh', given: 'Shiu-Chang' }, { family: 'Kong', given: 'Luan' }, { family: 'van der Berg', given: 'Jan' },
      { family: 'van Beethoven', given: 'Ludwig' }, { family: 'King', given: 'Martin', suffix: 'Jr.' }, { family: 'Alone' },
      { family: 'Solo' }, { family: 'Müller', given: 'Jörg' },
    ]);
    assert.equal(truncated, true);
    assert.deepEqual(parseNames(' and  and others').names, []);
  });

  it('gives a plain list the names of the same list read by the general reader (property)', () => {
    // A first name `{}` (which is no name) sends the list down the general path.
    const name = fc.constantFrom('Smith, John', ' Doe, J. ', 'John Smith', 'van Berg, Jan', 'Ab, ', ', Cd', 'A, B, C', 'others', 'et al', 'et al.', '',
      'Müller, Jörg', 'a,b', 'Ng, A and', 'ANDERSON, Ann', 'Sandy Andrews');
    const sep = fc.constantFrom(' and ', ' AND ', ' aNd ', ' and', 'and ', ' ', ', ');
    fc.assert(fc.property(fc.array(fc.tuple(name, sep), { minLength: 1, maxLength: 6 }), parts => {
      const v = parts.map(([n, s]) => n + s).join('');
      assert.deepEqual(parseNames(v), parseNames(`{} and ${v}`), JSON.stringify(v));
    }), { numRuns: 2000 });
  });

  it('gives each paper of a proceedings its own editor objects, though the value repeats', () => {
    const r = parseBibtex(['a', 'b', 'c'].map(k => `@inproceedings{${k}, title={T ${k}}, editor={Snell, Barbara M. and Knowles, F.}, booktitle={Translating and the {C}omputer}}`).join('\n'), 'e.bib');
    const [a, b, c] = r.entries.map(e => bibEntryToPaper(e, 'e.bib'));
    assert.deepEqual(a!.editor, [{ family: 'Snell', given: 'Barbara M.' }, { family: 'Knowles', given: 'F.' }]);
    assert.deepEqual(b!.editor, a!.editor);
    assert.notEqual(b!.editor, a!.editor);
    assert.notEqual(b!.editor![0], a!.editor![0]);
    b!.editor![0]!.family = 'changed';
    assert.equal(c!.editor![0]!.family, 'Snell');
    assert.equal(c!['container-title'], 'Translating and the Computer');
  });
});

describe('bibtex parse: the whole Anthology (../shared)', function () {
  this.timeout(120_000);
  it('loses no entry of anthology+abstracts.bib (73,215: 71,193 papers + 2,022 @proceedings)', function () {
    const gz = sharedFile(this, 'testdata/bib/anthology+abstracts.bib.gz');
    const text = gunzipSync(readFileSync(gz)).toString('utf8');
    const r = parseBibtex(text, 'anthology+abstracts.bib');
    assert.equal(r.entries.length, 73215);
    assert.equal(r.entries.filter(e => e.type === 'proceedings').length, 2022);
    assert.equal(r.entries.filter(e => e.fields.abstract !== undefined).length, 29905);
    assert.ok(r.problems.every(p => p.severity === 'warning'), r.problems.map(p => p.message).join('\n'));
    const papers = r.entries.map(e => bibEntryToPaper(e, 'a.bib'));
    assert.equal(papers.filter(p => !p.title).length, 0);
  });
});
