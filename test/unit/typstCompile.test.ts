// Proof by the real compiler: a Typst document whose citations PaperCite wrote (Insert Citation,
// completion in `#cite(<…`) and whose .bib PaperCite's writer filled compiles without an error,
// and the PDF's text has every cited reference. Uses @myriaddreamin/typst-ts-node-compiler (npm).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateBib } from '../../src/core/bibLocate';
import { planBibInsert } from '../../src/core/bibWrite';
import { paperToBibtex } from '../../src/core/bibtex/export';
import { citeContextAt, findCitations } from '../../src/core/citeContext';
import type { Paper } from '../../src/core/model';
import { isTypstLabel, isTypstRef, typstCitationText, typstKeyEdit } from '../../src/core/typstCite';
import { hasTool, requireTool, run } from '../support/tools';

const corpus = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../corpus/papers.json'), 'utf8')) as Paper[];

type Compiler = { create(a: { workspace: string }): { compile(a: { mainFilePath: string }): { result: unknown; takeDiagnostics(): { shortDiagnostics: { message: string; severity?: unknown }[] } | null }; pdf(doc: unknown): Buffer } };
function loadCompiler(): Compiler | undefined {
  try { return (require('@myriaddreamin/typst-ts-node-compiler') as { NodeCompiler: Compiler }).NodeCompiler; } catch { return undefined; }
}

/** Applies offset edits (any order) to a text. */
function apply(text: string, edits: { start: number; end: number; text: string }[]): string {
  for (const e of [...edits].sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return text;
}

/** Types `typed` at the end of `doc` and accepts completion of `key`, as the editor does. */
function complete(doc: string, typed: string, key: string): string {
  const text = doc + typed;
  const ctx = citeContextAt(text, text.length, { syntax: 'typst' });
  assert.ok(ctx?.typst, `no Typst citation context after ${JSON.stringify(typed)}`);
  return apply(text, [typstKeyEdit(ctx.typst, ctx.start, ctx.keyEnd, key)]);
}

const words = (s: string) => s.toLowerCase().replace(/-\s*\n\s*/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

describe('Typst compiles what PaperCite writes', function () {
  this.timeout(120_000);

  it('cites with @key, #cite(<key>) and label("…") for keys outside the label characters; the PDF lists each reference', function () {
    const NodeCompiler = loadCompiler();
    requireTool(this, !!NodeCompiler, '@myriaddreamin/typst-ts-node-compiler (npm devDependency)');
    requireTool(this, hasTool('pdftotext', ['-v']), 'pdftotext (poppler-utils)');
    // Real corpus papers; two get keys Typst's <label> syntax cannot hold.
    const picks = corpus.filter(p => p.title && p.author?.length).slice(0, 5).map(p => ({ ...p }));
    assert.equal(picks.length, 5);
    picks[3]!.id = `${picks[3]!.id}/v2+x`;
    picks[4]!.id = `${picks[4]!.id}.`; // valid as <key.>, not as @key.
    assert.ok(!isTypstLabel(picks[3]!.id) && isTypstLabel(picks[4]!.id) && !isTypstRef(picks[4]!.id));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-typst-'));
    try {
      fs.mkdirSync(path.join(dir, 'chapters'));
      // The main file names the bibliography; the chapter cites (PaperCite finds the .bib through the project).
      const main = '#set page(width: 16cm, height: auto)\n#set heading(numbering: "1.")\n= Study\n#include "chapters/intro.typ"\n#bibliography("refs.bib")\n';
      let chapter = '== Intro <intro>\nAs @intro shows, ';
      chapter += typstCitationText([picks[0]!.id]) + ' and ';
      chapter = complete(chapter, '#cite(<', picks[1]!.id) + ') agree';
      chapter = complete(chapter, '; see also #cite(<', picks[3]!.id) + ')';
      chapter = complete(chapter, ', @', picks[4]!.id);
      chapter += ' and ' + typstCitationText([picks[2]!.id], 'cite') + '.\n';
      assert.match(chapter, /#cite\(label\("[^"]*\/v2\+x"\)\)/);

      const target = locateBib({ docPath: path.join(dir, 'chapters/intro.typ'), docText: chapter, project: [{ path: path.join(dir, 'main.typ'), text: main }], workspaceFolder: dir });
      assert.equal(target.path, path.join(dir, 'refs.bib'));
      assert.equal(target.from, 'project');
      // An existing .bib with an entry of the user's own; PaperCite appends the cited papers.
      let bib = '% my references\n@book{knuth84, author = {Donald E. Knuth}, title = {The {\\TeX}book}, publisher = {Addison-Wesley}, year = 1984}\n';
      const entries = picks.map(p => ({ key: p.id, bibtex: paperToBibtex(p) }));
      const plan = planBibInsert(bib, entries, 'refs.bib');
      assert.ok(plan.ok);
      bib = apply(bib, plan.edits.map(e => ({ start: e.offset, end: e.offset, text: e.text })));
      assert.deepEqual(plan.added, picks.map(p => p.id));
      // Appended once: a second pass adds nothing.
      const again = planBibInsert(bib, entries, 'refs.bib');
      assert.ok(again.ok && again.edits.length === 0);

      const cited = findCitations(chapter, { syntax: 'typst' }).map(c => c.key);
      assert.deepEqual(cited.sort(), picks.map(p => p.id).sort(), 'the heading label @intro is not a citation');

      fs.writeFileSync(path.join(dir, 'main.typ'), main);
      fs.writeFileSync(path.join(dir, 'chapters/intro.typ'), chapter);
      fs.writeFileSync(path.join(dir, 'refs.bib'), bib);
      const compiler = NodeCompiler!.create({ workspace: dir });
      const result = compiler.compile({ mainFilePath: path.join(dir, 'main.typ') });
      const diags = result.takeDiagnostics();
      assert.equal(diags, null, `Typst reported: ${JSON.stringify(diags?.shortDiagnostics.map(d => d.message))}`);
      fs.writeFileSync(path.join(dir, 'main.pdf'), compiler.pdf(result.result));
      run('pdftotext', ['-layout', 'main.pdf', 'main.txt'], dir);
      const pdfText = words(fs.readFileSync(path.join(dir, 'main.txt'), 'utf8'));
      for (const p of picks) {
        const head = words(p.title!).split(' ').slice(0, 4).join(' ');
        assert.ok(pdfText.includes(head), `the PDF lacks the reference "${p.title}" (${p.id})`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
