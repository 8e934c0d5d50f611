// Citing in a real VS Code, as a user does it: completion in \citep and [@…], the Insert Citation
// quick pick (multi-select), hover, the unknown-key diagnostic and its fix, and the project's .bib
// kept right (entries added once, unsaved edits in an open .bib kept).
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { hostHooks, type QuickInput, requireHost, ROOT, VsCodeHost, waitFor } from './harness';

const KEY = /^[A-Za-z][\w:.-]*\d{4}[\w:.-]*$/;

describe('PaperCite in VS Code: cite', function () {
  let vs: VsCodeHost;
  let azr = '';

  before(async function () {
    requireHost();
    vs = await VsCodeHost.start({ name: process.env.CITE_E2E_NAME ?? 'cite', workspace: path.join(ROOT, 'test/fixtures/ws-cite') });
  });
  // Completion timings the provider measured in the host.
  hostHooks(() => vs, async host => {
    const { recentMs, ...completion } = ((await host.state())?.completion ?? {}) as { recentMs?: number[] };
    console.log(`      in the host: completion ${JSON.stringify(completion)} (${recentMs?.length ?? 0} timings kept)`);
  });

  const goto = (line: number, column = 1): Promise<void> => vs.editor.goto(line, column);

  /** Opens Insert Citation (Ctrl+Alt+C), searches `query` and waits until its answer (`rows` papers at least) is on screen. */
  async function openInsertCitation(query: string, rows = 1): Promise<QuickInput> {
    await vs.page.keyboard.press('Control+Alt+C');
    const q = vs.quickInput;
    await q.input.waitFor({ state: 'visible' });
    await q.input.fill(query);
    await vs.waitForPick(query, rows);
    return q;
  }

  const gotoLineEnd = (line: number): Promise<void> => vs.editor.gotoLineEnd(line);

  /** Brings an open file's tab to the front (or opens it). */
  async function switchTo(name: string) {
    const tab = vs.page.locator('.tab', { hasText: name }).first();
    if (await tab.count()) {
      await tab.click();
      await vs.page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 10_000 });
      await vs.editor.root.click({ position: { x: 300, y: 10 } }).catch(() => undefined);
      return vs.editor;
    }
    return vs.openFile(name);
  }

  /** Entries of a .bib with this key (counted, so duplicates show). */
  const count = (text: string, key: string) => text.split(new RegExp(`@\\w+\\{${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`)).length - 1;

  const rowAt = (i: number) => vs.quickInput.widget.locator(`.quick-input-list .monaco-list-row[data-index="${i}"]`);

  /** The citation keys of the quick pick's rows (each row's detail starts with the key). */
  async function rowKeys(n: number): Promise<string[]> {
    const keys: string[] = [];
    for (let i = 0; i < n; i++) {
      // Rows are recycled DOM nodes: their data-index is the order on screen.
      const text = (await rowAt(i).innerText({ timeout: 10_000 }).catch(async e => {
        const dom = await vs.quickInput.widget.locator('.quick-input-list').innerHTML().catch(() => '');
        throw new Error(`${String(e)}\nquick pick list: ${dom.slice(0, 3000)}`);
      })).replace(/\s+/g, ' ');
      const m = /(?:^| )([A-Za-z][\w:.-]*\d{4}[\w:.-]*)(?: ·|$)/.exec(text);
      assert.ok(m, `row ${i} shows no key: ${text}`);
      keys.push(m[1]!);
    }
    return keys;
  }

  it('offers the Absolute Zero paper first for \\citep[see][]{abs and writes the key and its .bib entry', async () => {
    const ed = await vs.openFile('main.tex');
    await gotoLineEnd(8);
    await ed.type(' \\citep[see][]{abs');
    await vs.suggest.waitFor(/Absolute Zero/);
    await vs.suggest.waitForFirst(/Absolute Zero/);
    await vs.page.keyboard.press('Control+Space'); // show the focused item's details
    const detailsBox = vs.page.locator('.suggest-details-container .suggest-details');
    const details = await waitFor(async () => { const t = await detailsBox.innerText(); return /Reinforcement learning with verifiable rewards/.test(t) && t; },
      'the details of Absolute Zero showing its abstract', 10_000, async () => `they show: ${await detailsBox.innerText().catch(() => 'nothing')}`);
    await vs.shot('completion-latex');
    assert.match(details, /Zhao et al\. · 2025 · cs\.LG/, `detail line: ${details}`);
    assert.match(details, /Reinforcement learning with verifiable rewards/, 'abstract excerpt');
    const firstText = await vs.page.locator('.suggest-widget.visible .monaco-list-row[data-index="0"]').innerText();
    assert.match(firstText, /Absolute Zero/, `first suggestion is not Absolute Zero: ${firstText}`);
    const labels = await vs.suggest.labels();
    azr = labels[0]!;
    assert.match(azr, KEY);
    await vs.page.keyboard.press('Enter');
    await ed.type('}');
    await ed.waitForText(`\\citep[see][]{${azr}}`);
    const bib = await vs.waitForFile('references.bib', t => count(t, azr) === 1);
    assert.equal(count(bib, 'zhang2025survey'), 1, 'the existing entry is kept once');
    assert.ok(bib.startsWith('% The project\'s own bibliography.'), 'the head of the file is untouched');
  });

  it('does not re-suggest a key already in the citation', async () => {
    const ed = vs.editor;
    await gotoLineEnd(8);
    await vs.page.keyboard.press('ArrowLeft'); // before the closing brace
    await ed.type(',abs');
    await vs.suggest.rows.first().waitFor({ timeout: 15_000 });
    const labels = await vs.suggest.answer();
    await vs.shot('completion-multikey');
    assert.ok(labels.length > 0, 'suggestions appear after the comma');
    assert.ok(!labels.includes(azr), `${azr} is suggested again: ${labels.join(', ')}`);
    await vs.page.keyboard.press('Escape');
    for (let i = 0; i < 4; i++) await vs.page.keyboard.press('Backspace');
    await ed.waitForText(`\\citep[see][]{${azr}}`);
  });

  it('warns about an unknown key and fixes it with the closest key', async () => {
    const ed = vs.editor;
    const rows = await vs.problems();
    await vs.shot('problems');
    assert.ok(rows.some(r => /Unknown citation key zhang2025survy/.test(r)), `Problems: ${rows.join(' | ')}`);
    const line6 = 'A survey is \\citep{zhang2025survey}; a misspelt key is \\citet{';
    await goto(6, line6.length + 3);
    await vs.openCodeActions('Change to zhang2025survey');
    await vs.shot('quick-fix');
    await vs.chooseCodeAction('Change to zhang2025survey');
    await ed.waitForText('\\citet{zhang2025survey}');
  });

  it('shows title, authors, abstract and the two command links on hover', async () => {
    await goto(8, 'Multi-key line. \\citep[see][]{'.length + 3);
    await vs.page.keyboard.press('Control+K');
    await vs.page.keyboard.press('Control+I');
    const hover = vs.hover();
    await hover.waitFor({ timeout: 15_000 });
    await hover.getByText('Open paper').waitFor({ timeout: 10_000 });
    const text = await hover.innerText();
    await vs.shot('hover');
    assert.match(text, /Absolute Zero/);
    assert.match(text, /Zhao/);
    assert.match(text, /2025/);
    assert.match(text, /Copy BibTeX/);
    assert.ok(text.length > 200, 'the abstract excerpt is shown');
    await vs.page.keyboard.press('Escape');
  });

  it('inserts several ticked papers from the quick pick in LaTeX, and the highlighted one with a plain Enter', async () => {
    const ed = vs.editor;
    await gotoLineEnd(10);
    await vs.page.keyboard.type(' ');
    const q = await openInsertCitation('reasoning', 3);
    const shown = await rowKeys(3);
    const picks = [0, 1, 2].filter(i => shown[i] !== azr).slice(0, 2);
    const keys = picks.map(i => shown[i]!);
    // A click on a row ticks it.
    for (const i of picks) await rowAt(i).locator('label.quick-input-list-label').first().click();
    await vs.waitForState(s => JSON.stringify((s.pick as { ticked?: string[] } | undefined)?.ticked) === JSON.stringify(keys), `the pick ticking ${keys.join(', ')}`, 10_000);
    await vs.shot('quickpick-multiselect');
    await q.input.press('Enter');
    await q.waitClosed();
    await ed.waitForText(`\\cite{${keys.join(',')}}`);
    await vs.waitForFile('references.bib', t => keys.every(k => count(t, k) === 1));

    // Enter without ticking: the highlighted paper.
    await vs.page.keyboard.type(' and ');
    await openInsertCitation('absolute zero self-play');
    await q.active.filter({ hasText: /Absolute Zero/ }).waitFor({ timeout: 10_000 });
    await vs.shot('quickpick');
    await q.input.press('Enter');
    await q.waitClosed();
    await ed.waitForText(`and \\cite{${azr}}`);
    const bib = vs.read('references.bib');
    assert.equal(count(bib, azr), 1, 'no duplicate entry');
  });

  it('completes pandoc citations after [@ in Markdown and inserts [@k1; @k2] from the quick pick', async () => {
    const ed = await vs.openFile('notes.md');
    await gotoLineEnd(8);
    await ed.type(' [@');
    await vs.suggest.rows.first().waitFor({ timeout: 15_000 });
    await ed.type('abs');
    await vs.suggest.waitFor(/Absolute Zero/);
    await vs.suggest.waitForFirst(/Absolute Zero/);
    await vs.shot('completion-pandoc');
    const labels = await vs.suggest.labels();
    assert.equal(labels[0], azr);
    await vs.page.keyboard.press('Enter');
    await ed.type(']');
    await ed.waitForText(`Pandoc line. [@${azr}]`);

    await gotoLineEnd(10);
    await vs.page.keyboard.type(' ');
    const q = await openInsertCitation('reinforcement learning', 3);
    const keys = await rowKeys(2);
    for (const i of [0, 1]) await rowAt(i).locator('label.quick-input-list-label').first().click();
    await q.input.press('Enter');
    await q.waitClosed();
    await ed.waitForText(`Quick pick line. [@${keys.join('; @')}]`);
    await vs.waitForFile('references.bib', t => keys.every(k => count(t, k) === 1));
  });

  it('keeps unsaved edits of an open .bib and adds the entry without saving it', async () => {
    const before = vs.read('references.bib');
    await vs.openFile('references.bib');
    await goto(1, 1);
    await vs.page.keyboard.type('% my unsaved note\n');
    await vs.page.locator('.tab.active.dirty').waitFor({ timeout: 10_000 });

    const ed = await switchTo('main.tex');
    await gotoLineEnd(12);
    await vs.page.keyboard.type(' ');
    const q = await openInsertCitation('language models', 5);
    // The first hit not yet in the .bib; the arrow keys move the highlight, Enter takes it.
    const shown = await rowKeys(5);
    const idx = shown.findIndex(k => count(before, k) === 0);
    assert.ok(idx >= 0, `every hit is already in the .bib: ${shown.join(', ')}`);
    const key = shown[idx];
    for (let i = 0; i < idx; i++) await q.input.press('ArrowDown');
    await q.input.press('Enter');
    await q.waitClosed();
    await ed.waitForText(`\\cite{${key}}`);
    // The entry went into the open editor of the .bib (its addition settled), not to the disk.
    await vs.waitForMilestone('bib.entries', m => (m.added as string[]).includes(key!), 15_000, `the addition of ${key} settling`);
    const bib = await switchTo('references.bib');
    await bib.waitForText('% my unsaved note');
    await vs.page.keyboard.press('Control+End');
    await bib.waitForText(key!);
    assert.equal(vs.read('references.bib'), before, 'the .bib on disk is untouched until the user saves');
    await bib.save();
    const saved = await vs.waitForFile('references.bib', t => t.startsWith('% my unsaved note\n') && count(t, key!) === 1);
    assert.ok(saved.includes(before.trimEnd()), 'every earlier byte is kept');
    assert.equal(count(saved, azr), 1);
  });

  it('adds picked keys to the citation under the cursor', async () => {
    const ed = await switchTo('main.tex');
    await goto(6, 'A survey is \\citep{zhang2025survey'.length + 1);
    const q = await openInsertCitation('absolute zero');
    await q.active.filter({ hasText: /Absolute Zero/ }).waitFor({ timeout: 10_000 });
    await q.input.press('Enter');
    await q.waitClosed();
    await ed.waitForText(`\\citep{zhang2025survey,${azr}}`);
  });

  it('goes to the .bib entry of a cited key', async () => {
    await switchTo('main.tex');
    await goto(6, 'A survey is \\citep{'.length + 3);
    await vs.page.keyboard.press('F12');
    await vs.page.locator('.tab.active', { hasText: 'references.bib' }).waitFor({ timeout: 15_000 });
    const want = vs.read('references.bib').split('\n').findIndex(l => l.startsWith('@misc{zhang2025survey,')) + 1;
    await vs.page.locator('.statusbar-item', { hasText: `Ln ${want},` }).first().waitFor({ timeout: 10_000 });
  });

  it('searches papers and copies a key from the chosen paper', async () => {
    await switchTo('main.tex');
    await vs.runCommand('PaperCite: Search Papers');
    const q = vs.quickInput;
    await q.input.waitFor({ state: 'visible' });
    await q.input.fill('absolute zero');
    await vs.waitForPick('absolute zero');
    await q.active.filter({ hasText: /Absolute Zero/ }).waitFor({ timeout: 10_000 });
    await q.input.press('Enter');
    await q.row('Copy citation key').waitFor({ timeout: 10_000 });
    await vs.shot('search-actions');
    await q.input.fill('Copy citation key');
    await q.active.filter({ hasText: 'Copy citation key' }).waitFor({ timeout: 10_000 });
    await q.input.press('Enter');
    await q.waitClosed();
    await vs.waitForClipboard(t => t === azr);
  });

  it('answers each keystroke quickly (timings measured in the host, printed after the run)', async () => {
    const ed = await switchTo('main.tex');
    await gotoLineEnd(4);
    await ed.type(' \\citep{');
    // About 110 keystrokes: words of titles, authors, years, keys and typos, typed and erased.
    for (const word of ['absolute', 'zhao', 'reasoning', '2025', 'reinforcment', 'entropy', 'survey', 'selfplay', 'wei2022', 'llm']) {
      await ed.type(word);
      await vs.suggest.rows.first().waitFor({ timeout: 15_000 }).catch(() => undefined);
      for (let i = 0; i < word.length; i++) await vs.page.keyboard.press('Backspace');
    }
    await vs.page.keyboard.press('Escape');
  });
});
