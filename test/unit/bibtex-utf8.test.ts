// The BibTeX reader over a file's bytes (parseBibtexUtf8, one char per byte) against the reader over
// the decoded text (parseBibtex): the same entries, fields, texts, lines, problems and macros, with
// offsets in bytes rather than chars.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseBibtex, parseBibtexUtf8, VIEW_WS_ALL, type BibParseResult } from '../../src/core/bibtex/parse';
import * as os from 'node:os';
import { readSourceFile, toByteOffsets } from '../../src/core/sources/read';
import type { ParsedSource } from '../../src/core/sources/types';
import { bestCpuMs } from '../support/cpuTime';
import { sharedFile } from '../support/shared';
import { allCases, REAL } from './hostile.gen';

const FIXTURES = path.resolve(__dirname, '../fixtures/bib');

/** Asserts the two readings of `text` agree; returns the reading of its bytes. */
function same(text: string, what: string): BibParseResult {
  const bytes = Buffer.from(text, 'utf8');
  const a = parseBibtex(text, 'x.bib');
  const b = parseBibtexUtf8(bytes, 'x.bib');
  assert.equal(b.entries.length, a.entries.length, `${what}: entries`);
  const bytesAt = toByteOffsets(text, a.entries.flatMap(e => [e.start, e.end]));
  a.entries.forEach((e, i) => {
    const f = b.entries[i]!;
    const where = `${what}: entry ${i} (${e.key})`;
    assert.deepEqual({ ...f, fields: { ...f.fields } }, { ...e, fields: { ...e.fields }, start: bytesAt[2 * i], end: bytesAt[2 * i + 1] }, where);
    assert.deepEqual(Object.keys(f.fields), Object.keys(e.fields), `${where}: field order`);
    assert.equal(b.written[i], e.raw !== undefined && text.startsWith(e.raw, e.start) && e.raw.length === e.end - e.start, `${where}: written`);
  });
  assert.deepEqual(b.problems, a.problems, `${what}: problems`);
  assert.deepEqual({ ...b.strings }, { ...a.strings }, `${what}: macros`);
  assert.deepEqual(b.preambles, a.preambles, `${what}: preambles`);
  assert.equal(b.binary, a.binary, `${what}: binary`);
  return b;
}

/** Asserts a file reads to the same source from its bytes as decoded whole; returns the former. */
function sameSource(file: string, fromBytes = true): ParsedSource {
  const a = readSourceFile(file, { bytesReader: false });
  const b = readSourceFile(file);
  const plain = (p: ParsedSource) => {
    const { parseMs: _p, charSpans: _c, ...rest } = p;
    return { ...rest, papers: p.papers.map(x => ({ json: JSON.stringify(x), bibtex: x.custom.bibtex })) };
  };
  assert.deepEqual(plain(b), plain(a), file);
  // Read from its bytes: no char offsets (nor the decoded text they count in).
  assert.equal(b.charSpans === undefined, fromBytes, `${file}: read from its bytes`);
  return b;
}

/** Each of JavaScript's whitespace chars, and some that are not. */
const SPACES = ['\u00a0', '\u1680', '\u2000', '\u2005', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u000b', '\f'];
const NOT_SPACES = ['\u0085', '\u200b', '\u180e', 'à', 'Ġ', 'Â', '\u2030', 'ʼ', '🙂', '中'];

describe('BibTeX reader over UTF-8 bytes', () => {
  it('treats as whitespace exactly the chars JavaScript does (every char of the BMP)', () => {
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCharCode(c);
      const view = Buffer.from(`a${ch}b`, 'utf8').toString('latin1');
      const inView = view.replace(VIEW_WS_ALL, ' ') === 'a b';
      assert.equal(inView, /\s/.test(ch), `U+${c.toString(16).padStart(4, '0')}`);
    }
  });

  it('reads non-ASCII text in every place of an entry as the decoded text reads it', () => {
    const texts: string[] = [];
    for (const ch of [...SPACES, ...NOT_SPACES]) {
      texts.push(
        `@article{k${ch}ey, title = {${ch}Title ${ch}}, author = "Ünal${ch}, Ö.${ch}" # { ${ch}x${ch} }, note = { ${ch} }, month = jan # { ${ch}}}\n`,
        `@article{${ch}, title = {T}}\n@misc{${ch}a , title=x${ch}}\n`,
        `@Misc${ch}{k1, Tí${ch}tle = {a\n\t${ch}b}, NÖTE${ch} = {c}}\n`,
        `@misc{k2, title = {x}} ${ch}\n  author${ch} = {lost}\n@misc{k3,\n title = {y},\n note = {z\n@misc{k4, title={w}}\n`,
        `@misc{k5, title = ${ch}\n}\n@misc{k6, title = {a}, ${ch}x${ch}y = {b}}\n@misc{k7 title = {c}}`,
        `@string{ä${ch} = {Ünïcode ${ch}}}\n@string{Ä = "Big ${ch}"}\n@misc{k8, title = ä${ch} # Ä # { ${ch}}, note = Ö${ch}}\n@misc{k9, note = ö}\n@string{ö = {later ${ch}}}\n`,
        `@misc{P${ch}, title = {p}}\n@misc{c1, crossref = {p${ch}}, author = {A}}\n@misc{c2, crossref = {nope${ch}}}\n@misc{p${ch}, title = {dup}}\n@misc{P${ch}, title = {dup2}}\n`,
        `@preamble{ "\\newcommand{\\x${ch}}{${ch}}" }\n@comment{${ch}}\n% ${ch} @misc{gone, title={x}}\n@misc{k10, title = {a \\} b ${ch}}, abstract = "q } ${ch}"}\n`,
        `@misc{k11, title = {${'é'.repeat(5)}${ch}🙂${ch}}, x = 🙂${ch}${'é'.repeat(20)}}\n@misc{k12, title = "${'中'.repeat(11)}🙂"}\n@misc{k13, title = "${'a'.repeat(11)}🙂"`,
      );
    }
    for (const [i, t] of texts.entries()) same(t, `crafted ${i}`);
  });

  it('reads byte-order marks, CR-only and CRLF files, and a file that is all one line', () => {
    const base = REAL.map(e => e.text).join('\n\n');
    same(`\ufeff${base}`, 'BOM');
    same(base.replace(/\n/g, '\r'), 'CR only');
    same(base.replace(/\n/g, '\r\n'), 'CRLF');
    same(base.replace(/\n/g, ' '), 'one line');
    same('', 'empty');
    same('@', 'an @');
  });

  it('reads every fixture .bib as the decoded text reads it, to the same source', () => {
    for (const f of fs.readdirSync(FIXTURES).filter(f => f.endsWith('.bib'))) {
      same(fs.readFileSync(path.join(FIXTURES, f), 'utf8'), f);
      sameSource(path.join(FIXTURES, f));
    }
  });

  it('reads a file to the same source from its bytes as decoded whole: marks, CR-only lines, non-ASCII, bad bytes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-utf8-'));
    try {
      const base = REAL.map(e => e.text).join('\n\n') + '\n@misc{ü, title = {Ünïcödé 🙂\u00a0}, author = {Øster,\u2009Å.}}\n@misc{cr, crossref = {ü}, note = {x}}\n';
      const files: [string, Buffer][] = [
        ['plain.bib', Buffer.from(base)],
        ['bom.bib', Buffer.from(`\ufeff${base}`)],
        ['two-boms.bib', Buffer.from(`\ufeff\ufeff${base}`)],
        ['cr.bib', Buffer.from(base.replace(/\n/g, '\r'))],
        ['crlf.bib', Buffer.from(base.replace(/\n/g, '\r\n'))],
        ['latin1.bib', Buffer.from(base, 'latin1')],
        ['utf16.bib', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(base, 'utf16le')])],
        ['nul-late.bib', Buffer.from(`${base}${' '.repeat(70_000)}@misc{n, title = {a\u0000b}}\n`)],
        ['fffd.bib', Buffer.from(`${base}@misc{f, title = {a\ufffdb}}\n`)],
        ['refs.txt', Buffer.from(base)],
      ];
      for (const [name, bytes] of files) {
        fs.writeFileSync(path.join(dir, name), bytes);
        sameSource(path.join(dir, name), !['latin1.bib', 'utf16.bib', 'refs.txt'].includes(name));
      }
      const b = readSourceFile(path.join(dir, 'bom.bib'));
      const u = b.papers.findIndex(p => p.id === 'ü');
      assert.equal(fs.readFileSync(path.join(dir, 'bom.bib')).toString('utf8', b.byteSpans![2 * u], b.byteSpans![2 * u + 1]), b.papers[u]!.custom.bibtex);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the hostile inputs (seeded) as the decoded text reads them', () => {
    for (const seed of [1, 2, 3]) for (const c of allCases(seed)) same(c.text, `hostile ${seed}`);
  });

  it('caps macro expansion in chars, counting each part once: crafted multi-byte values read in time linear with the decoded text', function () {
    this.timeout(120_000);
    // A value past the cap in bytes but not in chars, then thousands of small multi-byte parts.
    const grown = `@string{m = {x}}\n@misc{a, title = m # {${'é'.repeat(600_000)}}${' # {é}'.repeat(4000)}}\n@misc{b, title = {B}}\n`;
    // A multi-byte macro used tens of thousands of times after the file's cap was reached.
    let used = `@string{m = {${'é'.repeat(100_000)}}}\n`;
    for (let i = 0; i < 30_000; i++) used += `@misc{u${i}, title = m}\n`;
    for (const [what, text, check] of [
      // Under the cap in chars (over it in bytes): read whole.
      ['value grown by parts', grown, (r: BibParseResult) => r.entries[0]!.fields.title!.length === 604_001],
      ['macro used past the file cap', used, (r: BibParseResult) => r.problems.some(p => /in all/.test(p.message)) && r.entries.at(-1)!.fields.title === ''],
    ] as const) {
      const b = same(text, what);
      assert.ok(check(b), `${what}: read as the cap says`);
      const bytes = Buffer.from(text, 'utf8');
      const tText = bestCpuMs(() => parseBibtex(text, 'x.bib'), 2);
      const tBytes = bestCpuMs(() => parseBibtexUtf8(bytes, 'x.bib'), 2);
      assert.ok(tBytes <= 25 * Math.max(tText, 5), `${what}: ${tBytes.toFixed(0)} ms from the bytes, ${tText.toFixed(0)} ms from the decoded text`);
    }
  });

  it('reads the shared .bib files and the whole Anthology (../shared) as the decoded text reads them', function () {
    this.timeout(120_000);
    for (const f of ['testdata/bib/proofengineering/proof-engineering.bib', 'testdata/bib/proofengineering/crossrefs.bib', 'testdata/bib/bbt-fixtures/bibdesk.bib', 'testdata/bib/bbt-fixtures/crossref.bib', 'testdata/bib/bbt-fixtures/preamble-def-732.bib', 'testdata/bib/bbt-fixtures/preamble-percent-95-96.bib']) {
      same(fs.readFileSync(sharedFile(this, f), 'utf8'), f);
    }
    const anthology = same(gunzipSync(fs.readFileSync(sharedFile(this, 'testdata/bib/anthology+abstracts.bib.gz'))).toString('utf8'), 'Anthology');
    assert.ok(anthology.entries.length > 70_000);
    for (const f of ['testdata/bib/proofengineering/proof-engineering.bib', 'testdata/bib/proofengineering/crossrefs.bib', 'testdata/bib/bbt-fixtures/bibdesk.bib']) sameSource(sharedFile(this, f));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-utf8-'));
    try {
      fs.writeFileSync(path.join(dir, 'anthology.bib'), gunzipSync(fs.readFileSync(sharedFile(this, 'testdata/bib/anthology+abstracts.bib.gz'))));
      assert.equal(sameSource(path.join(dir, 'anthology.bib')).papers.length, anthology.entries.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
