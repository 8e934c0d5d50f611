// PaperCite starts in a real VS Code on the example paper: its commands, its view container and its
// log are there, and a first search answers.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { hostHooks, requireHost, ROOT, VsCodeHost } from './harness';

describe('PaperCite in VS Code: activation', function () {
  let vs: VsCodeHost;

  before(async function () {
    requireHost();
    vs = await VsCodeHost.start({ name: 'activation', workspace: path.join(ROOT, 'examples/paper') });
  });
  hostHooks(() => vs);

  it('activates on a LaTeX file and shows its view container in the activity bar', async () => {
    await vs.openFile('main.tex');
    await vs.page.locator('.statusbar-item', { hasText: 'LaTeX' }).first().waitFor({ timeout: 30_000 });
    const container = vs.page.locator('.activitybar .action-item .action-label[aria-label^="PaperCite"]');
    await container.waitFor({ timeout: 30_000 });
    await vs.openPaperCiteView();
    await vs.treeRow(/.+/).first().waitFor({ timeout: 30_000 });
    await vs.shot('view-container');
  });

  it('lists its commands under the PaperCite category in the command palette', async () => {
    const entries = await vs.paletteEntries('PaperCite:');
    await vs.shot('command-palette');
    await vs.page.keyboard.press('Escape');
    for (const title of ['PaperCite: Insert Citation', 'PaperCite: Search Papers', 'PaperCite: Reload Library', 'PaperCite: Show Log']) {
      assert.ok(entries.some(e => e.startsWith(title)), `palette lacks "${title}"; it shows:\n${entries.join('\n')}`);
    }
    // Internal commands stay out of the palette.
    assert.ok(!entries.some(e => e.startsWith('PaperCite: Open Problem Location')), 'internal command is visible');
  });

  // The log lines are what the user reads here (Show Log): this test asserts their wording.
  it('logs its activation in the PaperCite output channel', async () => {
    await vs.runCommand('PaperCite: Show Log');
    const output = vs.page.locator('.part.panel .monaco-editor .view-lines');
    await output.filter({ hasText: 'library ready' }).first().waitFor({ timeout: 30_000 });
    const end = (await output.first().innerText()).replace(/\u00a0/g, ' ');
    assert.match(end, /library ready: \d+ papers/);
    // The view follows the end of the log; its first lines say how activation went.
    await output.first().click();
    await vs.page.keyboard.press('Control+Home');
    await output.filter({ hasText: 'registered in' }).first().waitFor({ timeout: 10_000 });
    const start = (await output.first().innerText()).replace(/\u00a0/g, ' ');
    assert.match(start, /\[activate\] PaperCite \d+\.\d+\.\d+ registered in \d+ ms/);
    await vs.shot('log');
  });

  it('reads the bundled corpus with its prebuilt index (built with the extension, not in the host)', async () => {
    const corpus = await vs.waitForMilestone('library.corpus');
    console.log(`      in the host: bundled corpus ${JSON.stringify(corpus)}`);
    assert.equal(corpus.index, 'prebuilt', JSON.stringify(corpus));
    assert.ok(Number(corpus.papers) > 0, JSON.stringify(corpus));
    const state = await vs.waitForLibraryReady();
    assert.equal(state.library.state, 'ready');
    assert.ok(state.library.sources.some(s => s.kind === 'corpus' && s.entries === corpus.papers), JSON.stringify(state.library.sources));
  });
});
