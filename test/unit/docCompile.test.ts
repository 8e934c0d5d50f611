// Proof by the real tools: pandoc --citeproc renders a Quarto/Markdown document and Sphinx builds a
// reStructuredText project whose citations PaperCite wrote (Insert Citation text, completion) and
// whose .bib PaperCite's writer filled; every citation resolves and nothing warns.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateBib } from '../../src/core/bibLocate';
import { planBibInsert } from '../../src/core/bibWrite';
import { paperToBibtex } from '../../src/core/bibtex/export';
import { citeContextAt, findCitations } from '../../src/core/citeContext';
import type { Paper } from '../../src/core/model';
import { hasTool, requireTool, run } from '../support/tools';

const corpus = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../corpus/papers.json'), 'utf8')) as Paper[];
const picks = corpus.filter(p => p.title && p.author?.length).slice(5, 9);

/** The .bib PaperCite writes: the user's entry kept, the cited papers appended once. */
function writeBib(file: string): void {
  let bib = '@book{knuth84, author = {Donald E. Knuth}, title = {The {\\TeX}book}, publisher = {Addison-Wesley}, year = 1984}\n';
  const entries = picks.map(p => ({ key: p.id, bibtex: paperToBibtex(p) }));
  const plan = planBibInsert(bib, entries, 'refs.bib');
  assert.ok(plan.ok);
  for (const e of [...plan.edits].sort((a, b) => b.offset - a.offset)) bib = bib.slice(0, e.offset) + e.text + bib.slice(e.offset);
  const again = planBibInsert(bib, entries, 'refs.bib');
  assert.ok(again.ok && again.edits.length === 0, 'entries are appended once');
  fs.writeFileSync(file, bib);
}

/** Types `typed` and accepts completion of `key` (the editor replaces the query with the key). */
function complete(doc: string, typed: string, key: string, syntax: 'both' | 'rst'): string {
  const text = doc + typed;
  const ctx = citeContextAt(text, text.length, { syntax });
  assert.ok(ctx, `no citation context after ${JSON.stringify(typed)}`);
  return text.slice(0, ctx.start) + key + text.slice(ctx.keyEnd);
}

describe('pandoc and Sphinx accept what PaperCite writes', function () {
  this.timeout(300_000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-doc-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pandoc --citeproc resolves every citation of a Quarto document with its _quarto.yml bibliography', function () {
    requireTool(this, hasTool('pandoc'), 'pandoc');
    const quarto = 'project:\n  type: default\nbibliography: refs.bib\n';
    let body = '---\ntitle: Study\n---\n\nAs shown ';
    body += `[@${picks[0]!.id}; @${picks[1]!.id}]`; // Insert Citation's text
    body = complete(body + ' and ', `[@${picks[2]!.id.slice(0, 4)}`, picks[2]!.id, 'both') + ', p. 7]';
    body = complete(body + ', as @', picks[3]!.id.slice(0, 3), picks[3]!.id, 'both') + ' says. See also @knuth84.\n\n```\n@notacitation\n```\n';
    assert.deepEqual(findCitations(body, { syntax: 'both' }).map(c => c.key), [...picks.map(p => p.id), 'knuth84']);
    const target = locateBib({ docPath: path.join(dir, 'doc.qmd'), docText: body, project: [{ path: path.join(dir, '_quarto.yml'), text: quarto }] });
    assert.equal(target.path, path.join(dir, 'refs.bib'));
    writeBib(target.path);
    fs.writeFileSync(path.join(dir, 'doc.qmd'), body);
    // pandoc reads Quarto's markdown; the project bibliography is passed as Quarto would.
    const { stdout, stderr } = run('pandoc', ['--from', 'markdown', '--to', 'plain', '--citeproc', '--bibliography', 'refs.bib', 'doc.qmd'], dir);
    assert.doesNotMatch(stderr, /not found|warning/i, stderr);
    const flat = stdout.replace(/\s+/g, ' ');
    for (const p of picks) assert.ok(flat.includes(p.title!.split(/\s+/).slice(0, 3).join(' ')), `pandoc's bibliography lacks "${p.title}"\n${stdout}`);
  });

  it('Sphinx with sphinxcontrib-bibtex builds a project citing with :cite:p:, :cite:t: and :footcite: without warnings', function () {
    // Debian's python3 has the packages; a python3 earlier on PATH (pyenv) may not.
    const py = ['python3', '/usr/bin/python3'].find(p => hasTool(p, ['-c', 'import sphinx, sphinxcontrib.bibtex']));
    requireTool(this, !!py, 'Sphinx with sphinxcontrib-bibtex (python3-sphinx, python3-sphinxcontrib.bibtex)');
    const conf = "project = 'Study'\nextensions = ['sphinxcontrib.bibtex']\nbibtex_bibfiles = ['refs.bib']\n";
    let rst = 'Study\n=====\n\nAs shown ';
    rst += `:cite:p:\`${picks[0]!.id}, ${picks[1]!.id}\``; // Insert Citation's text, two keys
    rst = complete(rst + ' and :cite:t:`', picks[2]!.id.slice(0, 4), picks[2]!.id, 'rst') + '`';
    rst = complete(rst + ', also :footcite:`', picks[3]!.id.slice(0, 4), picks[3]!.id, 'rst') + '`.\n\n::\n\n    :cite:p:`notacitation`\n\n.. footbibliography::\n\n.. bibliography::\n';
    assert.deepEqual(findCitations(rst, { syntax: 'rst' }).map(c => c.key), picks.map(p => p.id));
    const target = locateBib({ docPath: path.join(dir, 'index.rst'), docText: rst, project: [{ path: path.join(dir, 'conf.py'), text: conf }] });
    assert.equal(target.path, path.join(dir, 'refs.bib'));
    writeBib(target.path);
    fs.writeFileSync(path.join(dir, 'conf.py'), conf);
    fs.writeFileSync(path.join(dir, 'index.rst'), rst);
    const { stderr } = run(py!, ['-m', 'sphinx', '-W', '--keep-going', '-q', '-b', 'text', '.', '_build'], dir);
    assert.equal(stderr.trim(), '', stderr);
    // pybtex's style changes the title's case: compare words.
    const words = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const out = words(fs.readFileSync(path.join(dir, '_build/index.txt'), 'utf8'));
    for (const p of picks) assert.ok(out.includes(words(p.title!).split(' ').slice(0, 4).join(' ')), `Sphinx's bibliography lacks "${p.title}"\n${out}`);
  });
});
