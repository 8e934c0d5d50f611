// Browse in a real VS Code: the Papers tree and the abstract panel, driven as a user would, on a
// fixture library of real entries from the bundled pages (abstracts with LaTeX math and \href).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { hostHooks, requireHost, ROOT, UI_TIMEOUT, VsCodeHost, waitFor } from './harness';

const GEO = 'Geometry Informed Tokenization of Molecules for Language Model Generation';
const GEO_KEY = 'li2024geometry';

async function panelTitle(web: FrameLocator, text: string): Promise<void> {
  await web.locator('h1#title', { hasText: text }).waitFor({ timeout: UI_TIMEOUT });
}

async function selectedRow(vs: VsCodeHost, text: string | RegExp): Promise<void> {
  await vs.page.locator('.pane-body .monaco-list-row[role="treeitem"][aria-selected="true"]', { hasText: text }).first().waitFor({ timeout: 20_000 });
}

/** Tree rows of one level as {label, description}. */
async function rows(vs: VsCodeHost, level: number): Promise<{ label: string; description: string }[]> {
  return vs.page.locator(`.pane-body .monaco-list-row[role="treeitem"][aria-level="${level}"]`).evaluateAll(rs => rs.map(r => ({
    label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
    description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
  })));
}

describe('PaperCite in VS Code: browse (tree and abstract panel)', function () {
  let vs: VsCodeHost;
  const dialogs: string[] = [];

  before(async function () {
    requireHost();
    vs = await VsCodeHost.start({
      name: 'browse',
      workspace: path.join(ROOT, 'test/fixtures/ws-browse'),
      settings: { 'papercite.includeBundledCorpus': false, 'papercite.libraries': ['library.json'], 'papercite.bibFile': 'references.bib' },
    });
    vs.page.on('dialog', d => { dialogs.push(d.message()); void d.dismiss(); });
    await vs.openFile('main.tex');
  });
  hostHooks(() => vs);

  it('lists authors by number of papers, with the count, and expands one to its papers', async () => {
    await vs.openPaperCiteView();
    const xiner = vs.treeRow(/^Xiner Li/).first();
    await xiner.waitFor({ timeout: 60_000 });
    const roots = await rows(vs, 1);
    assert.deepEqual(roots.find(r => r.label === 'Xiner Li'), { label: 'Xiner Li', description: '4' });
    // Most papers first (Shuiwang Ji and Xiner Li have 4), names then alphabetical.
    const counts = roots.map(r => Number(r.description));
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a), JSON.stringify(roots));
    assert.deepEqual(roots.slice(0, 2).map(r => r.label), ['Shuiwang Ji', 'Xiner Li']);
    // Two different people named "Yang Yue" on Absolute Zero: one node, the paper counted once.
    assert.deepEqual(roots.find(r => r.label === 'Yang Yue'), { label: 'Yang Yue', description: '2' });
    await xiner.click();
    await vs.treeRow(GEO).first().waitFor({ timeout: 20_000 });
    const papers = await rows(vs, 2);
    assert.equal(papers.length, 4, JSON.stringify(papers));
    assert.ok(papers.some(r => r.label === GEO && r.description === '2024'), JSON.stringify(papers));
    await vs.shot('tree-expanded-light');
  });

  it('shows a paper tooltip with authors and an abstract excerpt', async () => {
    const hover = await vs.tooltipOf(vs.treeRow(GEO).first(), 'Limei Wang');
    const text = await hover.innerText();
    assert.match(text, /Xiner Li, Limei Wang/);
    assert.match(text, /We consider molecule generation in 3D space/);
    await vs.page.mouse.move(700, 500);
  });

  it('opens the abstract panel with title, authors and rendered math', async () => {
    await vs.treeRow(GEO).first().click();
    const web = vs.webview();
    await panelTitle(web, GEO);
    const authors = await web.locator('ul.authors button.author').allInnerTexts();
    assert.deepEqual(authors.slice(0, 3), ['Xiner Li', 'Limei Wang', 'Youzhi Luo']);
    // $SE(3)$-invariant: KaTeX output, not the raw dollars.
    await web.locator('.abstract .katex').first().waitFor({ timeout: 20_000 });
    const abstract = await web.locator('.abstract').innerText();
    assert.ok(!abstract.includes('$SE(3)$'), 'math left as source');
    assert.equal(await web.locator('.abstract .katex-error').count(), 0);
    assert.match(await web.locator('pre').innerText(), /@\w+\{li2024geometry,/);
    assert.match(await web.locator('.related').innerText(), /Related papers/);
    await vs.shot('panel-light');
  });

  it('copies the BibTeX entry to the clipboard from the panel', async () => {
    const web = vs.webview();
    await vs.page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
    await web.getByRole('button', { name: 'Copy BibTeX' }).click();
    const clip = await vs.waitForClipboard(t => t.includes(GEO_KEY));
    assert.match(clip, new RegExp(`@\\w+\\{${GEO_KEY},`));
    assert.match(clip, /Geometry Informed Tokenization/);
  });

  it('works from the keyboard: a focused action button runs on Enter', async () => {
    const web = vs.webview();
    await vs.page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
    const copyKey = web.getByRole('button', { name: 'Copy key' });
    await copyKey.focus();
    await copyKey.press('Enter');
    await vs.waitForClipboard(t => t === GEO_KEY);
    // Headings give screen readers the panel's outline.
    assert.deepEqual(await web.locator('h2').allInnerTexts(), ['Abstract', 'Related papers', 'BibTeX']);
  });

  it('inserts a citation into the editor at its cursor from the panel', async () => {
    // Put the cursor in main.tex (left group), then press the panel's button.
    await vs.page.locator('.tab', { hasText: 'main.tex' }).first().click();
    await vs.editor.root.locator('.view-line', { hasText: 'Molecules as tokens.' }).click();
    await vs.page.keyboard.press('End');
    await vs.page.locator('.statusbar-item', { hasText: 'Ln 3, Col 21' }).first().waitFor({ timeout: 10_000 });
    const web = vs.webview();
    await web.getByRole('button', { name: 'Insert citation' }).click();
    await vs.editor.waitForText(GEO_KEY);
    const text = await vs.editor.text();
    assert.match(text.split('\n')[2]!, new RegExp(`Molecules as tokens\\..*${GEO_KEY}`));
  });

  it('reveals an author from the panel in the tree', async () => {
    const web = vs.webview();
    await web.getByRole('button', { name: 'Shurui Gui' }).first().click();
    await selectedRow(vs, /^Shurui Gui/);
  });

  it('opens a related paper in the same panel', async () => {
    const web = vs.webview();
    const first = web.locator('.related button.linklike').first();
    const title = await first.innerText();
    await first.click();
    await panelTitle(web, title);
    assert.equal(await vs.page.locator('.tab', { hasText: title.slice(0, 20) }).count() <= 1, true);
  });

  it('reveals the shown paper in the tree', async () => {
    const web = vs.webview();
    const title = (await web.locator('h1#title').innerText()).trim();
    await web.getByRole('button', { name: 'Reveal in tree' }).click();
    await selectedRow(vs, title.slice(0, 30));
  });

  it('switches grouping from commands and keeps it in the settings', async () => {
    await vs.runCommand('PaperCite: Group by Year');
    await vs.treeRow(/^2025/).first().waitFor({ timeout: 20_000 });
    assert.deepEqual((await rows(vs, 1)).map(r => r.label), ['2026', '2025', '2024']);
    await vs.page.locator('.pane-header', { hasText: 'by year' }).first().waitFor();
    const settingsFile = path.join(vs.tmp, 'udd/User/settings.json');
    await waitFor(() => /"papercite\.tree\.groupBy": "year"/.test(fs.readFileSync(settingsFile, 'utf8')), 'the user settings keeping "papercite.tree.groupBy": "year"', 10_000,
      () => fs.readFileSync(settingsFile, 'utf8'));
    await vs.shot('tree-by-year');
    await vs.runCommand('PaperCite: Group by Page Owner');
    await vs.treeRow('Not from a publication page').first().waitFor({ timeout: 20_000 });
    await vs.runCommand('PaperCite: Group by Author');
    await vs.treeRow(/^Xiner Li/).first().waitFor({ timeout: 20_000 });
  });

  it('filters the tree and clears the filter', async () => {
    await vs.runCommand('PaperCite: Filter Papers');
    const q = vs.quickInput;
    await q.input.waitFor({ state: 'visible' });
    await q.input.fill('flowrl');
    await vs.page.keyboard.press('Enter');
    await vs.page.locator('.pane-header', { hasText: '“flowrl” (1)' }).first().waitFor({ timeout: 20_000 });
    const roots = await waitFor(async () => { const r = await rows(vs, 1); return !r.some(x => x.label === 'Xiner Li') && r; },
      'the tree dropping the groups the filter hides (Xiner Li)', 10_000);
    assert.ok(roots.length > 0 && roots.every(r => r.description === '1'), JSON.stringify(roots));
    assert.ok(roots.some(r => r.label === 'Xuekai Zhu') && !roots.some(r => r.label === 'Xiner Li'), JSON.stringify(roots));
    await vs.runCommand('PaperCite: Clear Filter');
    await vs.treeRow(/^Xiner Li/).first().waitFor({ timeout: 20_000 });
  });

  it('looks native in a dark theme', async () => {
    await vs.treeRow(/^Xiner Li/).first().click();
    await vs.treeRow(GEO).first().click();
    await panelTitle(vs.webview(), GEO);
    await vs.setColorTheme('Dark Modern');
    await vs.shot('panel-and-tree-dark');
    const bg = await vs.webview().locator('body').evaluate(b => getComputedStyle(b).backgroundColor);
    const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
    assert.ok(r! + g! + b! < 150, `dark background expected, got ${bg}`);
    await vs.setColorTheme('Dark High Contrast');
    await vs.shot('panel-and-tree-high-contrast');
    await vs.setColorTheme('Light Modern');
    await vs.shot('panel-and-tree-light');
  });

  it('updates the changed paper in the tree and the panel when the library file changes', async () => {
    await vs.treeRow(GEO).first().waitFor({ timeout: 20_000 });
    const refreshes = (await vs.state())!.milestones.filter(m => m.name === 'tree.refreshed').length;
    const file = vs.file('library.json');
    const lib = JSON.parse(fs.readFileSync(file, 'utf8')) as { id: string; title: string }[];
    lib.find(p => p.id === GEO_KEY)!.title = `${GEO} (revised)`;
    fs.writeFileSync(file, JSON.stringify(lib, null, 2));
    await vs.treeRow(`${GEO} (revised)`).first().waitFor({ timeout: 30_000 });
    // Only the paper's groups (its 8 authors) were redrawn; Xiner Li stays expanded.
    assert.equal(await vs.treeRow(/^Xiner Li/).first().getAttribute('aria-expanded'), 'true');
    const refreshed = (await vs.state())!.milestones.filter(m => m.name === 'tree.refreshed').slice(refreshes);
    assert.ok(refreshed.some(m => m.whole === false && m.changed === 8), `tree refreshes: ${JSON.stringify(refreshed)}`);
    await panelTitle(vs.webview(), `${GEO} (revised)`);
    lib.find(p => p.id === GEO_KEY)!.title = GEO;
    fs.writeFileSync(file, JSON.stringify(lib, null, 2));
    await vs.webview().locator('h1#title').filter({ hasNotText: 'revised' }).waitFor({ timeout: 30_000 });
  });

  it('restores the panel after a window reload', async () => {
    await vs.runCommand('Developer: Reload Window');
    await vs.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await panelTitle(vs.webview(), GEO);
    assert.deepEqual(dialogs, []);
  });
});
