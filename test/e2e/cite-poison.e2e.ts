// Untrusted text stays text while citing: a library whose title, authors and abstract carry HTML,
// <script>, javascript: and command: links and Markdown. Completion details, hover and quick pick
// show it as typed; nothing runs; the only links in the hover are PaperCite's two commands.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { hostHooks, requireHost, ROOT, VsCodeHost, waitFor } from './harness';

describe('PaperCite in VS Code: citing from a poisoned library', function () {
  let vs: VsCodeHost;
  const dialogs: string[] = [];

  before(async function () {
    requireHost();
    vs = await VsCodeHost.start({
      name: 'cite-poison',
      workspace: path.join(ROOT, 'test/fixtures/ws-cite-poison'),
      settings: { 'papercite.includeBundledCorpus': false, 'papercite.libraries': ['library.json'] },
    });
    vs.page.on('dialog', d => { dialogs.push(d.message()); void d.dismiss(); });
  });
  hostHooks(() => vs);

  const goto = (line: number, column = 1): Promise<void> => vs.editor.goto(line, column);

  const pwned = () => vs.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned);

  it('shows the poisoned paper as text in completion details', async () => {
    const ed = await vs.openFile('main.tex');
    await goto(3);
    await vs.page.keyboard.press('End');
    await ed.type(' \\cite{poison');
    await vs.suggest.waitFor('poison2026script');
    await vs.page.keyboard.press('Control+Space'); // details
    const details = vs.page.locator('.suggest-details-container .suggest-details');
    // The details render the paper's text: wait for its title before looking.
    const text = await waitFor(async () => { const t = await details.innerText(); return t.includes("<script>window.__pwned='title'</script>") && t; },
      'the completion details showing the poisoned title as text', 10_000, async () => `they show: ${await details.innerText().catch(() => '')}`);
    await vs.shot('completion-details');
    assert.ok(text.includes("<script>window.__pwned='title'</script>"), text);
    assert.ok(text.includes('[click](command:workbench.action.quit)'), text);
    assert.equal(await details.locator('img, script, a').count(), 0, 'no element was injected');
    assert.equal(await pwned(), undefined);
    await vs.page.keyboard.press('Enter');
    await ed.type('}');
    await ed.waitForText('\\cite{poison2026script}');
    // Accepting added its entry to the .bib, and the "not in references.bib" note went away.
    await vs.waitForFile('references.bib', t => t.includes('{poison2026script,'));
    await vs.page.locator('.monaco-editor .squiggly-info').first().waitFor({ state: 'hidden', timeout: 15_000 });
  });

  it('shows it as text in the hover, whose only links are Open paper and Copy BibTeX', async () => {
    await goto(3, 'Cite here. \\cite{'.length + 3);
    await vs.page.keyboard.press('Control+K');
    await vs.page.keyboard.press('Control+I');
    const hover = vs.hover();
    await hover.getByText('Open paper').waitFor({ timeout: 15_000 });
    await vs.shot('hover');
    const text = await hover.innerText();
    assert.ok(text.includes("<script>window.__pwned='title'</script>"), text);
    assert.ok(text.includes('<b>Mallory</b>'), text);
    const links = await hover.locator('a').evaluateAll(as => as.map(a => a.getAttribute('data-href') ?? a.getAttribute('href') ?? ''));
    assert.deepEqual(links.map(l => l.replace(/\?.*/, '')), ['command:papercite.openPaper', 'command:papercite.copyBibtex'], links.join(' '));
    assert.equal(await hover.locator('img, script').count(), 0);
    assert.equal(await pwned(), undefined);
    assert.deepEqual(dialogs, []);
    await vs.page.keyboard.press('Escape');
  });

  it('shows it as text in the Insert Citation quick pick, icons syntax included', async () => {
    await vs.page.keyboard.press('Control+Alt+C');
    const q = vs.quickInput;
    await q.input.waitFor({ state: 'visible' });
    await q.input.fill('mallory');
    const row = q.row(/poison2026script/);
    await row.waitFor({ timeout: 20_000 });
    await vs.shot('quickpick');
    const text = await row.innerText();
    assert.ok(text.includes('$'), text);
    assert.ok(/\$\u200b?\(alert\)/.test(text), `icon syntax rendered: ${text}`);
    await vs.page.keyboard.press('Escape');
    assert.equal(await pwned(), undefined);
  });
});
