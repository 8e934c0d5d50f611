// A bibliography list (`\bibliography{strings,refs}`, repeated --library) is read as BibTeX reads
// it: one macro table in order, crossrefs across the files.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseBibtex } from '../../src/core/bibtex/parse';
import { readBibtex, readBibtexGroup } from '../../src/core/sources/bibtex';
import { requireTestdata } from '../support/shared';

const STRINGS = '@string{acisp25 = "Proceedings of ACISP 2025"}\n@string{lncs = "Lecture Notes in Computer Science"}\n';
const REFS = [
  '@inproceedings{doe25, author = {Doe, Jane}, title = {Ciphers}, booktitle = acisp25, series = lncs, year = 2025}',
  '@inproceedings{roe25, author = {Roe, Rick}, title = {Hashes}, crossref = {acisp25proc}, pages = {1--10}}',
  '',
].join('\n');
const PROCS = '@proceedings{acisp25proc, title = acisp25, editor = {Poe, Pat}, publisher = {Springer}, year = 2025}\n';

describe('bibliography lists: one macro table, crossref across files', () => {
  it('parseBibtex: macros of earlier files seed the table, the final table comes back, a crossref may name another file', () => {
    const s = parseBibtex(STRINGS, 'strings.bib');
    const procs = parseBibtex(PROCS, 'procs.bib', { strings: s.strings });
    assert.equal(procs.entries[0]!.fields.title, 'Proceedings of ACISP 2025');
    const r = parseBibtex(REFS, 'refs.bib', { strings: procs.strings, crossref: k => procs.entries.find(e => e.key.toLowerCase() === k.toLowerCase()) });
    assert.deepEqual(r.problems, []);
    assert.equal(r.entries[0]!.fields.booktitle, 'Proceedings of ACISP 2025');
    assert.equal(r.entries[1]!.fields.booktitle, 'Proceedings of ACISP 2025', 'inherited from the other file');
    assert.equal(r.entries[1]!.fields.publisher, 'Springer');
    assert.deepEqual(Object.keys(r.strings).sort(), ['acisp25', 'lncs']);
    assert.match(r.entries[0]!.raw!, /booktitle = \{Proceedings of ACISP 2025\}/, 'the entry is written with the macro expanded');
    // Alone, the same file says what is missing.
    const alone = parseBibtex(REFS, 'refs.bib');
    assert.ok(alone.problems.some(p => /undefined macro `acisp25`/.test(p.message)));
    assert.ok(alone.problems.some(p => /crossref `acisp25proc` names no entry in this file;/.test(p.message)));
  });

  it('readBibtexGroup: every macro expands and every crossref resolves, whichever file holds the parent', () => {
    const [s, refs, procs] = readBibtexGroup([{ path: 'strings.bib', text: STRINGS }, { path: 'refs.bib', text: REFS }, { path: 'procs.bib', text: PROCS }]);
    assert.deepEqual([...s!.problems, ...refs!.problems, ...procs!.problems], []);
    assert.equal(refs!.papers[0]!['container-title'], 'Proceedings of ACISP 2025');
    assert.equal(refs!.papers[1]!['container-title'], 'Proceedings of ACISP 2025');
    assert.equal(procs!.papers[0]!.title, 'Proceedings of ACISP 2025');
    // A macro is undefined only when no earlier file defines it: order matters, as in BibTeX.
    const reversed = readBibtexGroup([{ path: 'refs.bib', text: REFS }, { path: 'strings.bib', text: STRINGS }]);
    assert.ok(reversed[0]!.problems.some(p => /undefined macro `acisp25`/.test(p.message)));
  });

  it('the proofengineering list (bibstring-master, crossrefs, proof-engineering): no undefined macro; alone, crossrefs.bib has 19', function () {
    const dir = path.dirname(requireTestdata(this, 'bib/proofengineering/proof-engineering.bib'));
    const files = ['bibstring-master.bib', 'crossrefs.bib', 'proof-engineering.bib'].map(f => ({ path: path.join(dir, f), text: readFileSync(path.join(dir, f), 'utf8') }));
    const undef = (ps: { message: string }[]) => ps.filter(p => /undefined macro/.test(p.message)).length;
    assert.equal(undef(readBibtex(files[1]!.text, files[1]!.path).problems), 19);
    const group = readBibtexGroup(files);
    assert.deepEqual(group.map(g => undef(g.problems)), [0, 0, 0]);
    const ase = group[1]!.papers.find(p => p.id === 'ASE2003')!;
    assert.equal(ase['publisher-place'] ?? ase.custom.address ?? ase.address, 'Montreal, Canada');
    assert.equal(group.reduce((n, g) => n + g.papers.length, 0), group.reduce((n, g) => n + g.entries, 0));
  });

  it('the CLI reads repeated --library .bib files as one list: export prints no undefined-macro warning', function () {
    const cli = path.resolve(__dirname, '../../dist/cli.js');
    const tmp = mkdtempSync(path.join(tmpdir(), 'papercite-group-'));
    try {
      writeFileSync(path.join(tmp, 'strings.bib'), STRINGS);
      writeFileSync(path.join(tmp, 'refs.bib'), REFS);
      writeFileSync(path.join(tmp, 'procs.bib'), PROCS);
      const run = (...libs: string[]) => spawnSync(process.execPath, [cli, 'export', '--no-corpus', ...libs.flatMap(l => ['--library', l])], { cwd: tmp, encoding: 'utf8', env: { ...process.env, PAPERCITE_CACHE_DIR: path.join(tmp, 'cache') } });
      const alone = run('refs.bib');
      assert.match(alone.stderr, /undefined macro `acisp25`/);
      const r = run('strings.bib', 'refs.bib', 'procs.bib');
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /undefined macro|names no entry/);
      assert.match(r.stdout, /booktitle = \{Proceedings of ACISP 2025\}/);
      assert.match(r.stdout, /crossref = \{acisp25proc\}/, 'the child keeps its crossref: its parent is exported too');
      // Read again: from the cache (written for this list), the same answer.
      assert.ok(readdirSync(path.join(tmp, 'cache')).length >= 3, 'the list is cached');
      const again = run('strings.bib', 'refs.bib', 'procs.bib');
      assert.equal(again.stdout, r.stdout);
      assert.equal(again.stderr, r.stderr);
      // A change to any file of the list (here the macro file) is seen at once.
      writeFileSync(path.join(tmp, 'strings.bib'), STRINGS.replace('ACISP 2025', 'ACISP 2025 (revised)'));
      const changed = run('strings.bib', 'refs.bib', 'procs.bib');
      assert.match(changed.stdout, /booktitle = \{Proceedings of ACISP 2025 \(revised\)\}/);
      assert.doesNotMatch(changed.stderr, /undefined macro/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
