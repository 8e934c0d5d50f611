// Untrusted text stays text: a CSL-JSON library whose title, authors and abstract carry HTML,
// <script>, javascript: and command: links, Markdown and LaTeX. In the tree tooltip and the abstract
// panel nothing runs, nothing is injected, and the text shows as typed.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostHooks, requireHost, ROOT, VsCodeHost } from './harness';

const FIXTURE = path.join(ROOT, 'test/fixtures/ws-browse-poison');
const [poison] = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'library.json'), 'utf8')) as { title: string; abstract: string }[];
const AUTHOR = "<b>Mallory</b> O'Hara";

describe('PaperCite in VS Code: browse with a poisoned library', function () {
  let vs: VsCodeHost;
  const dialogs: string[] = [];

  before(async function () {
    requireHost();
    vs = await VsCodeHost.start({
      name: 'browse-poison',
      workspace: FIXTURE,
      settings: { 'papercite.includeBundledCorpus': false, 'papercite.libraries': ['library.json'] },
    });
    vs.page.on('dialog', d => { dialogs.push(d.message()); void d.dismiss(); });
    await vs.openFile('main.tex');
    await vs.openPaperCiteView();
  });
  hostHooks(() => vs);

  it('shows poisoned names and titles in the tree as typed', async () => {
    const author = vs.treeRow(AUTHOR).first();
    await author.waitFor({ timeout: 60_000 });
    await author.click();
    const row = vs.treeRow("<script>window.__pwned='title'</script>").first();
    await row.waitFor({ timeout: 20_000 });
    assert.ok((await row.innerText()).includes(`<img src=x onerror="window.__pwned='img'"> "Quoted" & 'single' [click](command:workbench.action.quit) $(alert)`));
    assert.equal(await vs.page.locator('.pane-body img[src="x"]').count(), 0);
    await vs.shot('tree');
  });

  it('shows the tooltip as text: no HTML, no links, no icons', async () => {
    const hover = await vs.tooltipOf(vs.treeRow("<script>window.__pwned='title'</script>").first(), 'Mallory');
    const text = await hover.innerText();
    assert.ok(text.includes("<script>window.__pwned='title'</script>"), text);
    assert.ok(text.includes('[click](command:workbench.action.quit)'), text);
    assert.ok(text.includes('$(alert)'), text);
    assert.ok(text.includes('[Eve](command:workbench.action.terminal.new)'), text);
    assert.ok(text.includes('<b>Mallory</b>'), text);
    assert.equal(await hover.locator('a').count(), 0, 'a link was rendered in the tooltip');
    assert.equal(await hover.locator('img, script, b').count(), 0, 'HTML was rendered in the tooltip');
    await vs.shot('tooltip');
    await vs.page.mouse.move(700, 500);
  });

  it('shows the poisoned paper in the panel as typed, and nothing runs', async () => {
    await vs.treeRow("<script>window.__pwned='title'</script>").first().click();
    const web = vs.webview();
    const h1 = web.locator('h1#title');
    await h1.waitFor({ timeout: 30_000 });
    assert.equal((await h1.textContent())?.trim(), poison!.title.trim());
    const authors = await web.locator('ul.authors button.author').allTextContents();
    assert.deepEqual(authors, [AUTHOR, '[Eve](command:workbench.action.terminal.new)', 'Trent <img src=x onerror=alert(1)>']);
    const abstract = (await web.locator('.abstract').textContent()) ?? '';
    for (const typed of ["<script>window.__pwned='abstract'</script>", `<img src=x onerror="window.__pwned='abstract-img'">`,
      "\\href{javascript:window.__pwned='href'}{a javascript link}", '[a command link](command:workbench.action.terminal.new)',
      '[js](javascript:alert(1))', '<a href="javascript:alert(1)">html link</a>', '&amp; &lt;b&gt; entities', '$(zap)']) {
      assert.ok(abstract.includes(typed), `abstract lacks ${typed}:\n${abstract}`);
    }
    // Math renders (KaTeX), untrusted commands inside math do not make links.
    assert.ok(await web.locator('.abstract .katex').count() >= 2);
    const doc = web.locator('body');
    const found = await doc.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: string }).__pwned ?? null,
      scripts: document.querySelectorAll('main script').length,
      imgs: document.querySelectorAll('main img').length,
      badLinks: [...document.querySelectorAll('a')].map(a => a.getAttribute('href') ?? '').filter(h => !/^https?:/.test(h)),
      inlineHandlers: [...document.querySelectorAll('main *')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
    }));
    assert.deepEqual(found, { pwned: null, scripts: 0, imgs: 0, badLinks: [], inlineHandlers: 0 });
    // The javascript: URL field is not offered as a link.
    assert.ok(!((await web.locator('dl.meta').textContent()) ?? '').includes('javascript:'));
    await vs.shot('panel');
  });

  it('ran nothing in the workbench either', async () => {
    const pwned = await vs.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null);
    assert.equal(pwned, null);
    assert.deepEqual(dialogs, []);
    assert.equal(await vs.page.locator('.terminal-outer-container, .integrated-terminal').count(), 0, 'a terminal was opened');
    assert.deepEqual(vs.pageErrors.filter(e => /pwned/.test(e)), []);
    // KaTeX styles its output through the CSSOM, which the strict CSP allows: no violation was reported.
    const violations = (await vs.state())!.milestones.filter(m => m.name === 'panel.cspViolation');
    assert.deepEqual(violations, []);
  });

  it('reports what the CSP blocks (so the check above can fail)', async () => {
    // An inline script added by the test itself: the CSP blocks it and the page reports it.
    await vs.webview().locator('body').evaluate(() => {
      const s = document.createElement('script');
      s.textContent = "window.__pwned = 'inline'";
      document.body.append(s);
    });
    const blocked = await vs.waitForMilestone('panel.cspViolation', undefined, 10_000, 'the page reporting the blocked inline script');
    assert.match(String(blocked.directive), /script-src/, JSON.stringify(blocked));
    assert.equal(await vs.webview().locator('body').evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null), null);
  });
});
