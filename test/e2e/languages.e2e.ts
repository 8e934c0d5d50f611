// Citing beyond LaTeX and Markdown, in a real VS Code: Typst (a chapter included by the main file,
// which names the .bib), Quarto (bibliography from _quarto.yml), reStructuredText (conf.py's
// bibtex_bibfiles) and a Jupyter notebook's Markdown cell (bibliography from the notebook's metadata). Type, pick, see the key and the entry, once.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { hostHooks, requireHost, ROOT, VsCodeHost } from './harness';

describe('PaperCite in VS Code: Typst, Quarto, notebooks', function () {
  let vs: VsCodeHost;
  const glove = 'pennington-etal-2014-glove';
  const lee = 'lee/1989+acoustic';

  before(async function () {
    requireHost();
    vs = await VsCodeHost.start({ name: 'languages', workspace: path.join(ROOT, 'test/fixtures/ws-languages') });
  });
  hostHooks(() => vs);

  /** Entries of a .bib with this key (counted, so duplicates show). */
  const count = (text: string, key: string) => text.split(new RegExp(`@\\w+\\{${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`)).length - 1;

  /**
   * At the end of `line`, types `typed`, picks `key` (a screenshot first when `shot` is given),
   * types `close`, then waits for `shows` in the editor and the entry, once, in `bib`.
   */
  async function cite(o: { line: number; typed: string; key: string; close: string; shows: string; bib: string; shot?: string }): Promise<string> {
    await vs.editor.gotoLineEnd(o.line);
    await vs.editor.type(o.typed);
    await vs.suggest.waitFor(o.key);
    if (o.shot) await vs.shot(o.shot);
    await vs.suggest.row(o.key).click();
    if (o.close) await vs.editor.type(o.close);
    await vs.editor.waitForText(o.shows);
    return vs.waitForFile(o.bib, t => count(t, o.key) === 1);
  }

  it('Typst: @ completes in an included chapter and the entry goes to the .bib the main file names', async () => {
    await vs.openFile('chapters/vectors.typ');
    const bib = await cite({ line: 3, typed: ' @penning', key: glove, close: '', shows: `Word vectors. @${glove}`, bib: 'refs.bib', shot: 'typst-at-completion' });
    assert.equal(count(bib, 'knuth84'), 1, 'the user\'s entry stays');
  });

  it('Typst: a phrase inside #cite(<… finds the paper and closes the label', async () => {
    await cite({ line: 5, typed: ' #cite(<deep contextualized', key: 'peters-etal-2018-deep', close: ')', shows: 'Contextual embeddings. #cite(<peters-etal-2018-deep>)', bib: 'refs.bib' });
  });

  it('Typst: a key outside the <label> characters is written label("…")', async () => {
    await cite({ line: 7, typed: ' #cite(<acoustic modeling', key: lee, close: ')', shows: `Speech. #cite(label("${lee}"))`, bib: 'refs.bib', shot: 'typst-label-key' });
  });

  it('Typst: Insert Citation writes @key, and accepting again adds no second entry', async () => {
    await vs.editor.gotoLineEnd(9);
    await vs.editor.type(' ');
    await vs.page.keyboard.press('Control+Alt+C');
    const q = vs.quickInput;
    await q.input.waitFor({ state: 'visible' });
    await q.input.fill('global vectors');
    await vs.waitForPick('global vectors');
    await q.active.filter({ hasText: /GloVe/ }).waitFor({ timeout: 10_000 });
    await q.input.press('Enter');
    await q.waitClosed();
    await vs.editor.waitForText(`Inserted. @${glove}`);
    await vs.editor.save();
    // The entry is already there: the addition settles finding it present, and nothing is appended.
    await vs.waitForMilestone('bib.entries', m => (m.present as string[]).includes(glove), 15_000, `the .bib addition finding ${glove} present`);
    assert.equal(count(vs.read('refs.bib'), glove), 1);
  });

  it('Typst: an @label naming a heading (of this file or another) is no unknown key; an unknown key is', async () => {
    await vs.openFile('main.typ');
    const rows = await vs.problems();
    await vs.shot('typst-problems');
    assert.ok(rows.some(r => /Unknown citation key nosuchkey2024/.test(r)), `Problems: ${rows.join(' | ')}`);
    assert.ok(!rows.some(r => /\bintro\b/.test(r)), `Problems: ${rows.join(' | ')}`);
  });

  it('Quarto: [@phrase completes and the entry goes to the bibliography of _quarto.yml', async () => {
    await vs.openFile('report.qmd');
    const bib = await cite({ line: 5, typed: ' [@global vect', key: glove, close: ']', shows: `Word vectors. [@${glove}]`, bib: 'quarto-refs.bib', shot: 'quarto-completion' });
    assert.ok(bib.startsWith('% Quarto project bibliography'));
  });

  it('reStructuredText: :cite:p:`phrase completes and the entry goes to the bibtex_bibfiles of conf.py', async () => {
    await vs.openFile('docs/index.rst');
    await cite({ line: 4, typed: ' :cite:p:`global vect', key: glove, close: '`', shows: `Word vectors. :cite:p:\`${glove}\``, bib: 'docs/sphinx-refs.bib', shot: 'rst-completion' });
  });

  it('Notebook: a Markdown cell completes, Insert Citation writes, and the entries go to the bibliography of the notebook\'s metadata', async () => {
    // The built-in ipynb serializer opens it as a notebook (no Jupyter extension): Quick Open, no text editor.
    await vs.page.keyboard.press('Control+P');
    await vs.quickInput.input.waitFor({ state: 'visible' });
    await vs.page.keyboard.type('analysis.ipynb');
    await vs.quickInput.row('analysis.ipynb').click();
    const cell = vs.page.locator('.notebook-editor .markdown-cell-row').first();
    await cell.waitFor({ state: 'attached', timeout: 30_000 });
    await vs.page.locator('.statusbar-item', { hasText: 'Cell 1 of 2' }).waitFor({ timeout: 30_000 });
    // The first cell is selected: Enter edits it.
    await vs.page.keyboard.press('Enter');
    await vs.page.locator('.notebook-editor .cell-editor-container .monaco-editor.focused').waitFor({ state: 'attached', timeout: 15_000 });
    await vs.page.keyboard.press('Control+End');
    await vs.editor.type(' [@global vect');
    await vs.suggest.waitFor(glove);
    await vs.shot('notebook-completion');
    await vs.page.keyboard.press('Enter');
    await vs.editor.type('] and ');
    // Insert Citation in the cell editor.
    await vs.page.keyboard.press('Control+Alt+C');
    const q = vs.quickInput;
    await q.input.waitFor({ state: 'visible' });
    await q.input.fill('deep contextualized');
    await vs.waitForPick('deep contextualized');
    await q.active.filter({ hasText: /Deep Contextualized/ }).waitFor({ timeout: 10_000 });
    await q.input.press('Enter');
    await q.waitClosed();
    await vs.waitForFile('nb-refs.bib', t => count(t, 'peters-etal-2018-deep') === 1);
    await vs.page.keyboard.press('Escape');
    await vs.page.keyboard.press('Control+S');
    await vs.waitForFile('analysis.ipynb', t => t.includes(`Word vectors. [@${glove}] and [@peters-etal-2018-deep]`));
    await vs.waitForFile('nb-refs.bib', t => count(t, glove) === 1);
  });
});
