import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { applyEdits, detectEol, planBibInsert, NewEntry } from '../../src/core/bibWrite';
import { parseBibtex } from '../../src/core/bibtex/parse';

const AZR: NewEntry = {
  key: 'zhao2025absolute',
  bibtex: '@article{zhao2025absolute,\n  title = {Absolute Zero: Reinforced Self-play Reasoning with Zero Data},\n  author = {Zhao, Andrew and Wu, Yiran},\n  year = {2025}\n}',
};
const COT: NewEntry = { key: 'wei2022chain', bibtex: '@inproceedings{wei2022chain,\n  title = {Chain-of-Thought Prompting},\n  year = {2022}\n}\n' };

// Shapes of real user files: JabRef header, Zotero export, hand-written with @string and comments.
const JABREF = '% This file was created with JabRef 5.9.\n% Encoding: UTF-8\n\n@Article{Smith2020,\n  author  = {Smith, J.},\n  title   = {On {T}hings},\n  journal = JNL,\n  year    = {2020},\n}\n\n@Comment{jabref-meta: databaseType:bibtex;}\n';
const ZOTERO_CRLF = '\r\n@article{doe_title_2019,\r\n\ttitle = {A title},\r\n\tvolume = {3},\r\n\tjournal = {J},\r\n\tauthor = {Doe, Jane},\r\n\tyear = {2019},\r\n}\r\n';

function ok(plan: ReturnType<typeof planBibInsert>) {
  assert.ok(plan.ok, plan.ok ? '' : plan.reason);
  return plan;
}

describe('bibWrite', () => {
  it('appends after a blank line and touches no other byte', () => {
    const plan = ok(planBibInsert(JABREF, [AZR]));
    const out = applyEdits(JABREF, plan.edits);
    assert.ok(out.startsWith(JABREF), 'the original text is a prefix of the result');
    assert.equal(out.slice(JABREF.length, JABREF.length + 2), '\n@');
    assert.deepEqual(plan.added, ['zhao2025absolute']);
    assert.deepEqual(parseBibtex(out).entries.map(e => e.key), ['Smith2020', 'zhao2025absolute']);
  });
  it('keeps CRLF files CRLF', () => {
    const plan = ok(planBibInsert(ZOTERO_CRLF, [AZR, COT]));
    assert.equal(plan.eol, '\r\n');
    const out = applyEdits(ZOTERO_CRLF, plan.edits);
    assert.ok(out.startsWith(ZOTERO_CRLF));
    assert.equal(out.replace(/\r\n/g, '').includes('\n'), false, 'no bare LF');
    assert.equal(out.slice(ZOTERO_CRLF.length, ZOTERO_CRLF.length + 3), '\r\n@', 'a blank line (one CRLF more) before the new entry');
    assert.ok(out.includes('}\r\n\r\n@inproceedings{wei2022chain'), 'entries separated by a blank line');
    assert.deepEqual(parseBibtex(out).entries.map(e => e.key), ['doe_title_2019', 'zhao2025absolute', 'wei2022chain']);
  });
  it('adds a newline to a file without a trailing one', () => {
    const text = '@misc{a, title={A}}';
    const out = applyEdits(text, ok(planBibInsert(text, [AZR])).edits);
    assert.ok(out.startsWith('@misc{a, title={A}}\n\n@article{zhao2025absolute,'));
    assert.ok(out.endsWith('}\n'));
  });
  it('adds no extra blank line when the file already ends with one', () => {
    for (const text of ['@misc{a, title={A}}\n\n', '@misc{a, title={A}}\r\n\r\n', '@misc{a, title={A}}\n  \n\t']) {
      const out = applyEdits(text, ok(planBibInsert(text, [AZR])).edits);
      assert.equal(out.slice(text.length, text.length + 1), '@', JSON.stringify(text));
    }
    const ws = '  \n';
    assert.equal(applyEdits(ws, ok(planBibInsert(ws, [AZR])).edits), ws + AZR.bibtex + '\n', 'a blank file gets no separator');
  });
  it('writes nothing before the first entry of an empty file', () => {
    assert.equal(applyEdits('', ok(planBibInsert('', [AZR])).edits), AZR.bibtex + '\n');
  });
  it('never duplicates a key already in the file', () => {
    const text = applyEdits(JABREF, ok(planBibInsert(JABREF, [AZR])).edits);
    const again = ok(planBibInsert(text, [AZR, COT]));
    assert.deepEqual(again.present, ['zhao2025absolute']);
    assert.deepEqual(again.added, ['wei2022chain']);
    const none = ok(planBibInsert(text, [AZR]));
    assert.deepEqual(none.edits, []);
  });
  it('does not add a key that differs only in case, and says so', () => {
    const plan = ok(planBibInsert('@misc{Zhao2025Absolute, title={x}}\n', [AZR]));
    assert.deepEqual(plan.caseConflicts, [{ key: 'zhao2025absolute', existing: 'Zhao2025Absolute' }]);
    assert.deepEqual(plan.edits, []);
  });
  it('adds a key requested twice in one batch once', () => {
    const plan = ok(planBibInsert('', [AZR, AZR]));
    assert.deepEqual(plan.added, ['zhao2025absolute']);
    assert.deepEqual(plan.present, ['zhao2025absolute']);
  });
  it('lands both of two insertions planned one after the other against the updated text, each once', () => {
    // The extension plans each insertion against the text the previous one left (a queue).
    let text = ZOTERO_CRLF;
    for (const e of [AZR, COT, AZR, COT]) text = applyEdits(text, ok(planBibInsert(text, [e])).edits);
    assert.deepEqual(parseBibtex(text).entries.map(e => e.key), ['doe_title_2019', 'zhao2025absolute', 'wei2022chain']);
    // Two plans made against the same stale text would both append: only one of them is applicable.
    const a = ok(planBibInsert(ZOTERO_CRLF, [AZR]));
    const b = ok(planBibInsert(ZOTERO_CRLF, [AZR]));
    assert.deepEqual(a.edits, b.edits, 'plans are deterministic, so the queue re-plans instead of applying both');
  });
  it('refuses a file whose last entry is not closed', () => {
    const damaged = JABREF + '@article{broken,\n  title = {Unclosed {brace},\n  year = 2020\n';
    const plan = planBibInsert(damaged, [AZR], 'refs.bib');
    assert.equal(plan.ok, false);
    assert.match(plan.ok ? '' : plan.reason, /refs\.bib:12: .*not closed/);
  });
  it('still writes after damage earlier in the file, when the end is sound', () => {
    const text = '@article{bad, title = {x} year = 2020}\n@misc{bad, title={dup}}\n\n@misc{good, title={G}}\n';
    const plan = ok(planBibInsert(text, [AZR]));
    assert.ok(applyEdits(text, plan.edits).startsWith(text));
  });
  it('refuses an unbalanced brace earlier in the file, since BibTeX reads to its end', () => {
    const text = '@article{bad, title = {x, year = 2020}\n\n@misc{good, title={G}}\n';
    assert.equal(planBibInsert(text, [AZR]).ok, false);
  });
  it('keeps a byte order mark and reads the first key after it', () => {
    const text = '\uFEFF@misc{zhao2025absolute, title={Absolute zero: reinforced self-play reasoning with zero data}}\n';
    assert.deepEqual(ok(planBibInsert(text, [AZR])).present, ['zhao2025absolute']);
    const out = applyEdits(text, ok(planBibInsert(text, [COT])).edits);
    assert.equal(out.charCodeAt(0), 0xfeff);
    assert.ok(out.startsWith(text));
    assert.equal(applyEdits('\uFEFF', ok(planBibInsert('\uFEFF', [COT])).edits), '\uFEFF' + COT.bibtex);
  });
  it('refuses binary data and rejects an entry that is not one valid entry for its key', () => {
    assert.equal(planBibInsert('@misc{a,\u0000}', [AZR]).ok, false);
    const plan = ok(planBibInsert('', [{ key: 'x', bibtex: '@misc{y, title={T}}' }, { key: 'z', bibtex: '@misc{z, title={T}' }]));
    assert.deepEqual(plan.rejected.map(r => r.key), ['x', 'z']);
    assert.deepEqual(plan.edits, []);
  });
  it('detects the dominant line ending', () => {
    assert.equal(detectEol('a\r\nb\r\nc\n'), '\r\n');
    assert.equal(detectEol('a\nb'), '\n');
    assert.equal(detectEol('a\rb\rc'), '\r');
    assert.equal(detectEol(''), '\n');
  });
  it('property: the original text is always kept as a prefix, and every key ends up present exactly once', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
    const eol = fc.constantFrom('\n', '\r\n');
    fc.assert(fc.property(fc.array(key, { maxLength: 4 }), fc.array(key, { maxLength: 4 }), eol, fc.boolean(), (have, add, nl, trailing) => {
      const text = have.map(k => `@misc{${k},${nl}  title = {T ${k}}${nl}}`).join(nl) + (trailing ? nl : '');
      const plan = planBibInsert(text, add.map(k => ({ key: k, bibtex: `@misc{${k},\n  title = {N}\n}` })));
      assert.ok(plan.ok);
      const out = applyEdits(text, plan.edits);
      assert.ok(out.startsWith(text));
      const keys = parseBibtex(out).entries.map(e => e.key);
      for (const k of new Set([...have, ...add])) assert.ok(keys.includes(k));
      assert.equal(new Set(keys.slice(new Set(have).size)).size, keys.length - new Set(have).size);
      if (text.includes('\r\n')) assert.equal(out.replace(/\r\n/g, '').includes('\n'), false);
    }), { numRuns: 300 });
  });
});
