// Online search in a real VS Code, against the replay server (recorded answers of arXiv, DBLP,
// Crossref, Semantic Scholar and OpenAlex on 127.0.0.1): the consent question, online rows under
// their services in Insert Citation, picking one, resolving a pasted DOI and arXiv URL, the
// "Search online" completion item, and what the user sees when the services are unreachable.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { hostHooks, reportMilestones, requireHost, ROOT, VsCodeHost, waitFor } from './harness';
import { API_DIR, startReplayServer, type ReplayServer } from '../support/replayServer';
import { typesetBiblatex, typesetNatbib } from '../support/tex';
import { needTools } from '../support/tools';

describe('PaperCite in VS Code: online search', function () {
  let vs: VsCodeHost;
  let replay: ReplayServer;
  const cited: { workshop?: string } = {};

  before(async function () {
    requireHost();
    replay = await startReplayServer();
    const e = replay.endpoints;
    vs = await VsCodeHost.start({
      name: 'online',
      workspace: path.join(ROOT, 'test/fixtures/ws-cite'),
      // Online search not asked yet (null): the first search asks. Crossref is added later, in the
      // workspace settings, as a user would.
      settings: { 'papercite.online.enabled': null, 'papercite.online.providers': ['arxiv', 'dblp', 'openalex'] },
      // The endpoints go through the environment, as the CLI's do.
      env: {
        PAPERCITE_ARXIV_URL: e.arxiv, PAPERCITE_DBLP_URL: e.dblp, PAPERCITE_CROSSREF_URL: e.crossref, PAPERCITE_DOI_URL: e.doi,
        PAPERCITE_S2_URL: e.semanticscholar, PAPERCITE_OPENALEX_URL: e.openalex,
      },
    });
  });
  hostHooks(() => vs, host => reportMilestones(host, m => m.name === 'online.firstRow'));
  after(async () => { await replay?.close(); });

  /** Entries of a .bib with this key (counted, so duplicates show). */
  const count = (text: string, key: string) => text.split(new RegExp(`@\\w+\\{${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`)).length - 1;
  const settingsFile = () => path.join(vs.tmp, 'udd/User/settings.json');
  const userSettings = () => JSON.parse(fs.readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>;

  /** A quick pick row, scrolled into view: the list only renders the rows on screen. */
  async function findRow(text: RegExp, timeout = 30_000): Promise<Locator> {
    const q = vs.quickInput;
    const list = q.widget.locator('.quick-input-list .monaco-list').first();
    const end = Date.now() + timeout;
    let down = true;
    while (Date.now() < end) {
      const row = q.row(text);
      if (await row.count()) { await row.scrollIntoViewIfNeeded().catch(() => undefined); return row; }
      if (await list.count()) {
        const box = await list.boundingBox();
        if (box) {
          await vs.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
          const before = await list.locator('.monaco-scrollable-element').first().evaluate(el => el.querySelector('.monaco-list-rows')?.getAttribute('style') ?? '').catch(() => '');
          await vs.page.mouse.wheel(0, down ? 300 : -3000);
          // The list scrolled (its rows moved), or it is at an end: turn round (rows may still be arriving).
          const moved = await waitFor(async () => (await list.locator('.monaco-scrollable-element').first().evaluate(el => el.querySelector('.monaco-list-rows')?.getAttribute('style') ?? '').catch(() => '')) !== before,
            'the list scrolling', 1_000, undefined, 50).then(() => true, () => false);
          if (!moved) down = !down;
          continue;
        }
      }
      await q.rows.first().waitFor({ timeout: 1_000 }).catch(() => undefined);
    }
    throw new Error(`no quick pick row ${text}; rows: ${(await q.labels()).join(' | ')}`);
  }

  /** Waits until PaperCite asks exactly these online services (a changed setting takes a moment to arrive). */
  async function providers(names: string[]): Promise<void> {
    await vs.waitForState(s => JSON.stringify((s.online as { providers?: string[] } | undefined)?.providers) === JSON.stringify(names), `PaperCite asking ${names.join(', ')}`, 30_000);
  }

  async function openInsertCitation(query: string): Promise<void> {
    await vs.page.keyboard.press('Control+Alt+C');
    const q = vs.quickInput;
    await q.input.waitFor({ state: 'visible' });
    await q.input.fill(query);
  }

  /** The citation key the editor shows on `line` inside `\cite{…}` after `before`. */
  async function citedKey(before: string): Promise<string> {
    const text = await vs.editor.text();
    const m = new RegExp(`${before.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\\\cite\\{([^}]+)\\}`).exec(text);
    assert.ok(m, `no \\cite{…} after ${before} in:\n${text}`);
    return m[1]!;
  }

  /** Enter in the open quick pick: the citation written after `before`, its key, and the .bib holding it once. */
  async function acceptAndCite(before: string): Promise<{ key: string; bib: string }> {
    await vs.page.keyboard.press('Enter');
    await vs.quickInput.waitClosed();
    await vs.editor.waitForText(`${before}\\cite{`);
    const key = await citedKey(before);
    return { key, bib: await vs.waitForFile('references.bib', t => count(t, key) === 1) };
  }

  it('asks before anything is sent, then shows online rows under their services', async () => {
    await vs.openFile('main.tex');
    await vs.editor.gotoLineEnd(4);
    await vs.editor.type(' Attention:');
    const sentBefore = replay.requests.length;
    await openInsertCitation('attention mechanism');
    const q = vs.quickInput;
    await q.row(/Allow online search/).waitFor({ timeout: 20_000 });
    // The pick has answered the query (library rows, the question): nothing may go out while the question stands.
    const asked = await vs.waitForState(s => (s.pick as { value?: string } | undefined)?.value === 'attention mechanism', 'the pick answering "attention mechanism"', 20_000);
    assert.equal((asked.pick as { online: string }).online, 'idle', 'an online search is scheduled before the answer');
    await vs.shot('consent');
    const consent = await q.row(/Allow online search/).innerText();
    assert.match(consent, /Search arXiv, DBLP and OpenAlex for 'attention mechanism'\? Only the query is sent/);
    assert.equal(replay.requests.length, sentBefore, `requests sent before consent: ${replay.requests.slice(sentBefore).join(', ')}`);
    await q.row(/Allow online search/).click();
    // Each service's answer under its heading (arXiv's shows its state whatever it answered).
    await findRow(/A review on the attention mechanism of deep learning/);
    const row = await (await findRow(/Rethinking Attention Mechanism/)).innerText();
    assert.match(row.replace(/\s+/g, ' '), /DBLP · 2025 · Neural Process\. Lett\..*Wang/, `online row: ${row}`);
    await vs.shot('online-rows');
    const shown = (await q.widget.innerText()).replace(/\s+/g, ' ');
    for (const sep of ['DBLP', 'OpenAlex']) assert.ok(shown.includes(sep), `no ${sep} heading: ${shown}`);
    assert.equal(userSettings()['papercite.online.enabled'], true, 'the answer is kept in the user settings');
    assert.ok(replay.requests.some(r => /attention/i.test(decodeURIComponent(r))), `the query went to the replay server: ${replay.requests.join(', ')}`);

    // Pick the DBLP row: its key is cited and its entry written once.
    await (await findRow(/Rethinking Attention Mechanism/)).click();
    const { key, bib } = await acceptAndCite('Attention:');
    assert.equal(key, 'wang2025rethinking');
    assert.match(bib, /Rethinking Attention Mechanism/);
    assert.equal(count(bib, 'zhang2025survey'), 1, 'the existing entry is kept');
  });

  it('resolves a pasted DOI at Crossref and cites it with Crossref\'s entry', async () => {
    // The user adds Crossref to the services in the workspace settings.
    fs.mkdirSync(vs.file('.vscode'), { recursive: true });
    fs.writeFileSync(vs.file('.vscode/settings.json'), JSON.stringify({ 'papercite.online.providers': ['arxiv', 'dblp', 'crossref', 'openalex'] }, null, 2));
    await vs.editor.gotoLineEnd(8);
    await vs.editor.type(' Water:');
    const q = vs.quickInput;
    // The DOI needs Crossref: wait until the changed setting reached PaperCite.
    await providers(['arxiv', 'dblp', 'crossref', 'openalex']);
    await openInsertCitation('10.1126/science.169.3946.635');
    await q.row(/Resolved: The Structure of Ordinary Water/).waitFor({ timeout: 30_000 });
    await vs.shot('resolved-doi');
    const { key, bib } = await acceptAndCite('Water:');
    assert.equal(key, 'frank1970structure');
    assert.match(bib, /doi\s*=\s*\{10\.1126\/science\.169\.3946\.635\}/i);
  });

  it('resolves a pasted arXiv URL and writes arXiv\'s form of the entry', async () => {
    await vs.editor.gotoLineEnd(10);
    await vs.editor.type(' Workshop:');
    await openInsertCitation('https://arxiv.org/abs/1707.08567');
    const q = vs.quickInput;
    await q.row(/Resolved: Proceedings of Workshop AEW10/).waitFor({ timeout: 30_000 });
    await vs.shot('resolved-arxiv');
    const { key, bib } = await acceptAndCite('Workshop:');
    cited.workshop = key;
    assert.match(bib, /eprint\s*=\s*\{1707\.08567\}/i);
    assert.match(bib, /archivePrefix\s*=\s*\{arXiv\}/i);
  });

  it('writes entries that typeset with bibtex and biber without warnings', function () {
    needTools(this, ['pdflatex', 'bibtex', 'pdftotext']);
    needTools(this, ['biber']);
    const keys = ['wang2025rethinking', 'frank1970structure', cited.workshop!];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-online-typeset-'));
    try {
      fs.copyFileSync(vs.file('references.bib'), path.join(dir, 'refs.bib'));
      const ours = (line: string) => keys.some(k => line.includes(k));
      typesetNatbib(dir, keys, ours);
      typesetBiblatex(dir, keys, ours);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends completion with "Search online for …", which opens Insert Citation with the typed text', async () => {
    await vs.editor.gotoLineEnd(12);
    await vs.editor.type(' \\cite{attention');
    await vs.suggest.waitFor(/Search online for 'attention'/);
    const labels = await vs.suggest.labels();
    assert.match(labels[labels.length - 1]!, /Search online for 'attention'/, `last item: ${labels.join(' | ')}`);
    await vs.suggest.row(/Search online for 'attention'/).click();
    const q = vs.quickInput;
    await q.input.waitFor({ state: 'visible' });
    assert.equal(await q.input.inputValue(), 'attention');
    await vs.page.keyboard.press('Escape');
    await q.waitClosed();
  });

  it('shows the answers of DBLP and OpenAlex for the README (from the answer cache)', async () => {
    fs.writeFileSync(vs.file('.vscode/settings.json'), JSON.stringify({ 'papercite.online.providers': ['dblp', 'openalex'] }, null, 2));
    await vs.runCommand('Notifications: Clear All Notifications');
    await vs.editor.gotoLineEnd(12);
    const q = vs.quickInput;
    // Only DBLP and OpenAlex once the changed setting reached PaperCite.
    await providers(['dblp', 'openalex']);
    await openInsertCitation('attention mechanism');
    await findRow(/Saccade target selection/);
    // Every service answered (no busy row left) before the picture.
    await vs.waitForState(s => { const p = s.pick as { value?: string; busy?: boolean } | undefined; return p?.value === 'attention mechanism' && p.busy === false; }, 'every service answering "attention mechanism"', 30_000);
    await vs.shot('readme-online'); // media/screenshots/online.png
    // The DBLP record cited in the first test is now a library paper (the project .bib): its
    // library row is marked, and it is not listed again under DBLP.
    const mine = (await (await findRow(/Rethinking Attention Mechanism/)).innerText()).replace(/\s+/g, ' ');
    assert.match(mine, /in your library/, mine);
    assert.match(mine, /wang2025rethinking/, mine);
    assert.equal(await q.rows.filter({ hasText: /Rethinking Attention Mechanism/ }).count(), 1, 'listed once');
    const shown = (await q.widget.innerText()).replace(/\s+/g, ' ');
    assert.match(shown, /DBLP/);
    assert.match(shown, /OpenAlex/);
    await vs.page.keyboard.press('Escape');
    await q.waitClosed();
  });

  it('opens an online paper from Search Papers in the abstract panel', async () => {
    await vs.runCommand('PaperCite: Search Papers');
    const q = vs.quickInput;
    await q.input.fill('attention mechanism');
    await (await findRow(/A review on the attention mechanism of deep learning/)).click();
    await q.row(/Open abstract panel/).waitFor({ timeout: 20_000 });
    const title = await q.widget.locator('.quick-input-title').innerText();
    assert.match(title, /A review on the attention mechanism of deep learning/);
    await vs.page.keyboard.press('Enter');
    const web = vs.webview();
    await web.locator('h1#title', { hasText: 'A review on the attention mechanism of deep learning' }).waitFor({ timeout: 30_000 });
    await vs.shot('online-panel');
    const authors = await web.locator('ul.authors button.author').allInnerTexts();
    assert.deepEqual(authors.slice(0, 2), ['Zhaoyang Niu', 'Guoqiang Zhong']);
    // Back to the document for the next test.
    await vs.page.locator('.tab', { hasText: 'main.tex' }).first().click();
  });

  it('with the services unreachable: one message naming them, library results still there', async () => {
    await replay.close();
    const notifiedBefore = (await vs.state())!.milestones.filter(m => m.name === 'online.notified').length;
    await vs.runCommand('Notifications: Clear All Notifications');
    await openInsertCitation('reinforcement learning reasoning');
    const q = vs.quickInput;
    await findRow(/could not be reached/);
    // PaperCite said it (host state); what the user reads is checked below.
    await vs.waitForState(s => s.milestones.filter(m => m.name === 'online.notified').length > notifiedBefore, 'the notification about the unreachable services', 30_000);
    await vs.shot('offline');
    const rows = await q.labels();
    assert.ok(rows.filter(r => !/could not be reached|Searching/.test(r)).length >= 3, `library rows: ${rows.join(' | ')}`);
    // Another query: no new notification.
    await q.input.fill('self-play reasoning');
    await findRow(/could not be reached/);
    // That search ended and its failures were reported (or not): one notification for both.
    const after = await vs.waitForMilestone('online.searched', m => m.query === 'self-play reasoning' && m.aborted === false, 30_000);
    assert.ok((after.failed as string[]).length > 0, JSON.stringify(after));
    const notified = (await vs.state())!.milestones.filter(m => m.name === 'online.notified').slice(notifiedBefore);
    assert.equal(notified.length, 1, `notifications: ${JSON.stringify(notified)}`);
    assert.ok(await vs.page.locator('.notification-toast', { hasText: /online search:/ }).count() <= 1, 'one notification, not a storm');
    await vs.page.keyboard.press('Escape');
    await q.waitClosed();
    const text = await vs.notification(/online search: .* could not be reached/);
    assert.match(text, /DBLP and OpenAlex could not be reached/);
    assert.match(text, /Results from your library are not affected/);
    // The Sources view names the state.
    await vs.openPaperCiteView();
    await vs.page.locator('.pane-header', { hasText: 'Sources' }).first().click();
    await vs.treeRow(/DBLP/).waitFor({ timeout: 20_000 });
    const src = await vs.treeRow(/DBLP/).innerText();
    assert.match(src, /unreachable/);
    await vs.shot('sources-offline');
  });
});

describe('PaperCite in VS Code: the published version of a preprint entry', function () {
  let vs: VsCodeHost | undefined;
  let server: http.Server | undefined;
  const asked: string[] = [];

  before(async function () {
    requireHost();
    // OpenAlex's recorded answer for the ChemCrow title (a preprint and its Nature Machine
    // Intelligence version), served for the code action's title search.
    const body = fs.readFileSync(path.join(API_DIR, 'openalex/works_filter_title_search_llm_chemistry_tools.json'));
    server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      if (/^\/works\?/.test(req.url ?? '')) { res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); return; }
      res.writeHead(404, { 'content-type': 'application/json' }); res.end('{}');
    });
    await new Promise<void>(r => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    vs = await VsCodeHost.start({
      name: 'online-preprint',
      workspace: path.join(ROOT, 'test/fixtures/ws-cite'),
      files: {
        'preprints.bib': `% Preprints to upgrade.

@misc{bran2023chemcrow,
  title = {ChemCrow: Augmenting large-language models with chemistry tools},
  author = {Bran, Andres M. and Cox, Sam and Schilter, Oliver and Baldassari, Carlo and White, Andrew D. and Schwaller, Philippe},
  year = {2023},
  eprint = {2304.05376},
  archivePrefix = {arXiv},
  primaryClass = {physics.chem-ph},
}
`,
      },
      settings: {
        'papercite.online.enabled': true,
        'papercite.online.providers': ['openalex'],
        // Everything else goes nowhere (a closed port): the entry is then written from the record.
        'papercite.online.endpoints': { openalex: url, crossref: 'http://127.0.0.1:9', doi: 'http://127.0.0.1:9', dblp: 'http://127.0.0.1:9' },
      },
    });
  });
  hostHooks(() => vs);
  after(async () => { await new Promise<void>(r => server ? server.close(() => r()) : r()); });

  it('offers to look for it, finds it at OpenAlex by title and author, and replaces the entry keeping the key', async () => {
    const host = vs!;
    await host.openFile('preprints.bib');
    await host.editor.goto(4, 5);
    await host.openCodeActions('Look for the published version of this arXiv preprint');
    await host.shot('preprint-action');
    await host.chooseCodeAction('Look for the published version of this arXiv preprint');
    const toast = host.page.locator('.notification-toast', { hasText: /bran2023chemcrow was published at Nature Machine Intelligence 2024/ });
    await toast.waitFor({ timeout: 30_000 });
    const text = await toast.innerText();
    assert.match(text, /title similarity 0\.9\d and author bran/i, text);
    await host.shot('preprint-found');
    await toast.locator('.monaco-button', { hasText: 'Replace' }).click();
    await host.editor.waitForText('Nature Machine Intelligence');
    await host.editor.save();
    const bib = await host.waitForFile('preprints.bib', t => /Nature Machine Intelligence/.test(t));
    assert.match(bib, /^% Preprints to upgrade\./, 'the text around the entry is kept');
    assert.match(bib, /@article\{bran2023chemcrow,/);
    assert.match(bib, /doi = \{10\.1038\/s42256-024-00832-8\}/i);
    assert.doesNotMatch(bib, /eprint = \{2304\.05376\}/);
    assert.equal(bib.split('@').length - 1, 1, 'one entry');
    assert.ok(asked.some(u => /ChemCrow/i.test(decodeURIComponent(u))), `title sent: ${asked.join(', ')}`);
  });
});
