// Browse the bundled corpus in a real VS Code: the page-owner grouping (a page mixing people of one
// name stays under the page's name), math from the scraped pages, and the README screenshots of the
// tree and the panel in a light and a dark theme.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { hostHooks, requireHost, ROOT, VsCodeHost } from './harness';

const FLOWRL = 'FlowRL: Matching Reward Distributions for LLM Reasoning';

describe('PaperCite in VS Code: browse the bundled corpus', function () {
  let vs: VsCodeHost;

  before(async function () {
    requireHost();
    vs = await VsCodeHost.start({ name: 'browse-corpus', workspace: path.join(ROOT, 'test/fixtures/ws-browse'), settings: { 'papercite.includeBundledCorpus': true } });
    await vs.openFile('main.tex');
    await vs.openPaperCiteView();
  });
  hostHooks(() => vs);

  it('groups by page owner: the mixed "Yue Yang" page is one node apart from "Yang Yue"', async () => {
    await vs.runCommand('PaperCite: Group by Page Owner');
    const yueYang = vs.treeRow(/^Yue Yang/).first();
    await yueYang.waitFor({ timeout: 60_000 });
    await vs.treeRow(/^Yang Yue/).first().waitFor();
    await vs.tooltipOf(yueYang, 'several people');
    await vs.page.mouse.move(700, 500);
    await vs.runCommand('PaperCite: Group by Author');
    await vs.treeRow(/^Bowen Zhou/).first().waitFor({ timeout: 20_000 });
  });

  it('shows a corpus paper with its page math rendered (screenshots light and dark)', async () => {
    await vs.treeRow(/^Xuekai Zhu/).first().click();
    await vs.treeRow(FLOWRL).first().click();
    const web = vs.webview();
    await web.locator('h1#title', { hasText: 'FlowRL' }).waitFor({ timeout: 30_000 });
    await web.locator('.abstract .katex').first().waitFor({ timeout: 20_000 });
    assert.equal(await web.locator('.abstract .katex-error').count(), 0);
    const meta = await web.locator('dl.meta').innerText();
    assert.match(meta, /Listed on the page of/);
    await vs.page.mouse.move(700, 500);
    await vs.noHover();
    await vs.tooltipOf(vs.treeRow(FLOWRL).first(), 'Xuekai Zhu');
    await vs.shot('tree-tooltip-light');
    await vs.page.mouse.move(1100, 600);
    await vs.noHover();
    await vs.shot('tree-and-panel-light');
    await vs.setColorTheme('Dark Modern');
    await vs.noHover();
    await vs.shot('tree-and-panel-dark');
  });
});
