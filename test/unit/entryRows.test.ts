import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isDeepStrictEqual } from 'node:util';
import { entryTextsOf, RowsFromEntriesThenMemory, type EntryTexts } from '../../src/core/sources/entryRows';
import { readSourceFile } from '../../src/core/sources/read';
import { encodeRows, metaOf, RecordRows, rowEncoder } from '../../src/core/sources/transfer';
import type { ParsedSource } from '../../src/core/sources/types';
import { sharedFile } from '../support/shared';
import { allCases, REAL } from './hostile.gen';

let tmp: string;

/** A file read as the worker reads it, and its entry texts (undefined: not standalone). */
function read(file: string): { parsed: ParsedSource; texts: EntryTexts | undefined } {
  let bytes: Buffer | undefined;
  const parsed = readSourceFile(file, { onBytes: b => { bytes = b; } });
  return { parsed, texts: bytes && entryTextsOf(parsed, new Uint8Array(bytes), metaOf(parsed), rowEncoder(parsed).row) };
}

/**
 * Every paper read from its entry alone against the same paper decoded from the rows: the same
 * JSON, the same original text, the same enumerable fields. Returns the papers left out.
 */
function compare(parsed: ParsedSource, texts: EntryTexts): number[] {
  const early = new RowsFromEntriesThenMemory(texts);
  const { bytes, starts } = encodeRows(parsed);
  const rows = new RecordRows(bytes, starts);
  assert.equal(early.length, rows.length);
  const missing: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const a = early.at(i), b = rows.at(i)!;
    if (!a) { missing.push(i); continue; }
    const what = `paper ${i} (${b.id}) of ${parsed.path}`;
    assert.ok(isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b))), `${what}:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);
    assert.equal(a.custom.bibtex, b.custom.bibtex, what);
    assert.deepEqual(Object.keys(a.custom), Object.keys(b.custom), what);
  }
  return missing;
}

function write(name: string, text: string | Buffer): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return f;
}

describe('sources: a big .bib searchable from its entries before its rows', function () {
  this.timeout(120_000);
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-entries-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads each paper from its entry alone as the rows have it: accents, a BOM, CRLF, comments, month macros, a rewritten entry, keys alike', () => {
    const real = REAL.slice(0, 6).map(e => e.text);
    const text = '\ufeff% exported\r\n' + [
      real[0],
      '@comment{ not an entry @article{x, title={no}} }',
      `@article{müller2020,\r\n  title = {Über {S}prachmodelle: Straße — ∂x},\r\n  author = {M{\\"u}ller, J{\\"o}rg and Ørsted, Åse},\r\n  month = jul,\r\n  year = 2020,\r\n}`,
      '% @article{commented, title = {Out}}',
      `@inproceedings{unbalanced,\n  title = "A } brace too many",\n  year = {2021}\n}`,
      real[1],
      `@misc{Case, title = {Upper}}`,
      `@misc{case, title = {Lower: a key alike but for case}}`,
      `@misc{Case, title = {A duplicate, ignored}}`,
      `@article{pct,\n  title = {100\\% sure}, % a comment inside\n  note = {50% off}\n}`,
      ...real.slice(2),
    ].join('\n\n') + '\n';
    const { parsed, texts } = read(write('mixed.bib', text));
    assert.ok(texts, 'standalone');
    assert.deepEqual(parsed.papers.map(p => p.id).slice(0, 3), [REAL[0]!.key, 'müller2020', 'unbalanced']);
    // The rewritten entry (a brace dropped) travels as its row.
    assert.deepEqual([...texts.rows.at].map(i => parsed.papers[i]!.id), ['unbalanced']);
    assert.deepEqual(compare(parsed, texts), []);
    const early = new RowsFromEntriesThenMemory(texts);
    assert.equal(early.at(1)!.title, 'Über Sprachmodelle: Straße — ∂x');
    assert.equal(early.at(1)!.custom.origins![0]!.line, parsed.papers[1]!.custom.origins![0]!.line);
    assert.ok(early.at(1)!.custom.origins![0]!.line > 1);
  });

  it('is not used when an entry could read otherwise alone: @string, @preamble, crossref, binary junk', () => {
    const base = REAL.slice(0, 3).map(e => e.text).join('\n');
    const cases: Record<string, string> = {
      string: `@string{acl = {Association for Computational Linguistics}}\n${base}\n@misc{m, publisher = acl}`,
      preamble: `@preamble{"\\newcommand{\\noopsort}[1]{}"}\n${base}`,
      crossref: `${base}\n@inproceedings{child, crossref = {parent}, title = {C}}\n@proceedings{parent, title = {P}, year = 2020}`,
      replacement: `${base}\n@misc{bad, title = {Not UTF-8 \ufffd here}}`,
    };
    for (const [name, text] of Object.entries(cases)) {
      const { parsed, texts } = read(write(`${name}.bib`, text));
      assert.ok(parsed.papers.length >= 3, name);
      assert.equal(texts, undefined, name);
    }
    // Not UTF-8: read as Latin-1, so no byte offsets to read entries at.
    const latin = write('latin1.bib', Buffer.concat([Buffer.from(base + '\n@misc{l, title = {Caf'), Buffer.from([0xe9]), Buffer.from('}}\n')]));
    assert.equal(read(latin).texts, undefined);
  });

  it('leaves out (never misreads) an entry that reads alone otherwise: a NUL past the file head', () => {
    const filler = REAL.map(e => e.text).join('\n\n');
    let head = '';
    while (head.length < 70_000) head += filler + '\n\n';
    const text = `${head}@misc{nul,\n  title = {Before\u0000after}\n}\n\n${REAL[0]!.text.replace(REAL[0]!.key, 'last')}\n`;
    const { parsed, texts } = read(write('nul.bib', text));
    assert.ok(texts);
    const at = parsed.papers.findIndex(p => p.id === 'nul');
    assert.ok(at > 0);
    assert.deepEqual(compare(parsed, texts), [at]);
  });

  it('reads the hostile inputs (seeded) alike, or not at all', () => {
    let compared = 0, refused = 0;
    for (const seed of [1, 2, 3]) {
      for (const c of allCases(seed)) {
        const { parsed, texts } = read(write(`hostile-${seed}.bib`, c.text));
        if (!texts) { refused++; continue; }
        compare(parsed, texts);
        compared++;
      }
    }
    // Refused: macro bombs, crossref chains and loops, control characters when a NUL is among them
    // (binary). Compared: deep braces, one-line and CR-only files, `%` inside entries, other controls.
    assert.deepEqual({ compared, refused }, { compared: 14, refused: 10 });
  });

  it('reads every paper of the shared .bib files and the whole Anthology (../shared) alike', function () {
    const files = ['testdata/bib/proofengineering/proof-engineering.bib', 'testdata/bib/proofengineering/crossrefs.bib', 'testdata/bib/bbt-fixtures/bibdesk.bib'].map(f => sharedFile(this, f));
    const anthology = write('anthology.bib', gunzipSync(fs.readFileSync(sharedFile(this, 'testdata/bib/anthology+abstracts.bib.gz'))).toString('utf8'));
    let papers = 0;
    for (const f of [...files, anthology]) {
      const { parsed, texts } = read(f);
      assert.ok(texts, `${f} is standalone`);
      assert.deepEqual(compare(parsed, texts), [], f);
      papers += parsed.papers.length;
    }
    // The Anthology's two entries with a brace too many in a quoted abstract travel as rows.
    assert.equal(read(anthology).texts!.rows.at.length, 2);
    assert.ok(papers > 73_215 + 1500, `${papers} papers compared`);
  });

  it('hands the papers read early to the rows once they arrive, and refuses spans that do not fit the papers', async () => {
    const { parsed, texts } = read(write('switch.bib', REAL.slice(0, 4).map(e => e.text).join('\n')));
    assert.ok(texts);
    const early = new RowsFromEntriesThenMemory(texts);
    const read2 = early.at(2)!;
    const { bytes, starts } = encodeRows(parsed);
    const rows = new RecordRows(bytes, starts);
    early.arrived(rows);
    // Paper 2 was read from its entry: the rows keep that very object; the others are decoded from the rows.
    assert.equal(rows.decodedCount, 1);
    assert.equal(rows.at(2), read2);
    assert.equal(early.at(2), read2);
    assert.equal(early.at(3), rows.at(3));
    assert.equal(rows.decodedCount, 2);
    const whole = await rows.materialize(false);
    assert.equal(whole.papers[2], read2);
    assert.equal(early.at(-1), undefined);
    assert.equal(early.at(4), undefined);
    assert.throws(() => new RowsFromEntriesThenMemory({ ...texts, lines: texts.lines.subarray(1) }), /entry spans/);
  });

  it('reads ahead in file order while the rows are on their way, holding off while asked to', async () => {
    const { parsed, texts } = read(write('ahead.bib', REAL.map(e => e.text).join('\n')));
    assert.ok(texts && parsed.papers.length === REAL.length);
    const early = new RowsFromEntriesThenMemory(texts);
    let holds = 2;
    await early.readAhead({ sliceMs: 0, wait: () => (holds-- > 0 ? 1 : 0) });
    assert.ok(holds < 0, 'asked whether to wait before reading');
    const { bytes, starts } = encodeRows(parsed);
    const rows = new RecordRows(bytes, starts);
    early.arrived(rows);
    assert.equal(rows.decodedCount, parsed.papers.length, 'every paper was read ahead and handed over');
    // Once the rows arrived, reading ahead stops at once.
    const late = new RowsFromEntriesThenMemory(texts);
    late.arrived(new RecordRows(bytes, starts));
    await late.readAhead();
  });
});
