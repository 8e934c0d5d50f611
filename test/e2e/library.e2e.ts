// The user's own libraries in a real VS Code: the 73k-entry ACL Anthology answering completion and
// the quick pick while typing, an edited .bib reaching completion quickly, and a damaged .bib
// losing only its damaged entries, each problem listed in the Sources view with its line.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { cacheFileFor, indexCacheFileFor } from '../../src/core/sources/cache';
import type { Milestone } from '../../src/extension/status';
import { SHARED, sharedFile } from '../support/shared';
import { hostHooks, reporter, reportMilestones, requireHost, ROOT, VsCodeHost, waitFor, waitForSuggestion } from './harness';

const ANTHOLOGY_GZ = path.join(SHARED, 'testdata/bib/anthology+abstracts.bib.gz');

const show = ({ name, ...fields }: Milestone): string => `${name} ${JSON.stringify(fields)}`;

/** PaperCite's parse cache in the window's user data (the extension's global storage). */
function parseCacheDirs(vs: VsCodeHost): string[] {
  const udd = path.join(vs.tmp, 'udd');
  return fs.readdirSync(udd, { recursive: true, encoding: 'utf8' }).filter(f => path.basename(f) === 'parse-cache').map(f => path.join(udd, f));
}

const report = reporter('library e2e');

const goto = (vs: VsCodeHost, line: number, column = 1): Promise<void> => vs.editor.goto(line, column);

/** Brings an open file's tab to the front (or opens it). */
async function switchTo(vs: VsCodeHost, name: string): Promise<void> {
  const tab = vs.page.locator('.tab', { hasText: name }).first();
  if (await tab.count()) {
    await tab.click();
    await vs.page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 10_000 });
    await vs.editor.root.click({ position: { x: 300, y: 10 } }).catch(() => undefined);
    return;
  }
  await vs.openFile(name);
}

async function expandSources(vs: VsCodeHost): Promise<void> {
  const header = vs.page.locator('.pane-header', { hasText: 'Sources' }).first();
  await header.waitFor({ timeout: 30_000 });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
}

describe('PaperCite in VS Code: the ACL Anthology (73k entries) as a library', function () {
  let vs: VsCodeHost | undefined;

  before(async function () {
    sharedFile(this, 'testdata/bib/anthology+abstracts.bib.gz');
    requireHost();
    this.timeout(300_000);
    const bib = zlib.gunzipSync(fs.readFileSync(ANTHOLOGY_GZ)).toString('utf8');
    vs = await VsCodeHost.start({
      name: 'library-anthology',
      workspace: path.join(ROOT, 'test/fixtures/ws-library-anthology'),
      files: { 'anthology.bib': bib },
    });
  });
  hostHooks(() => vs, async host => {
    await reportMilestones(host, m => ['library.ready', 'completion.first', 'tree.refreshed'].includes(m.name) || m.file === 'anthology.bib', '[library e2e] ');
    report(`completion in the host: ${JSON.stringify((await host.state())?.completion)}`);
  });

  it('loads the Anthology, then completion and Insert Citation answer while typing', async function () {
    this.timeout(600_000);
    const t0 = Date.now();
    const ready = await vs!.waitForMilestone('library.ready', undefined, 480_000);
    const tReady = Date.now();
    report(`library ready ${ready.atMs} ms after activation with ${ready.papers} papers (seen by the test after ${tReady - t0} ms)`);
    assert.ok(Number(ready.papers) >= 73_215, `expected the Anthology's 73,215 entries, the library has ${ready.papers} papers`);
    // Read for the first time: its first part was searchable before the whole file.
    const early = (await vs!.state())!.milestones;
    const part = early.find(m => m.name === 'source.firstPart' && m.file === 'anthology.bib');
    // The whole file: searchable before decoded, or (when its index came after the decoding) loaded.
    const whole = early.find(m => (m.name === 'source.searchable' || m.name === 'source.loaded') && m.file === 'anthology.bib');
    assert.ok(part && whole, `no first part and whole-file milestones: ${early.filter(m => m.file === 'anthology.bib').map(show).join('; ')}`);
    assert.ok(Number(part.entries) > 500 && Number(part.entries) < 73_215 && part.atMs <= whole.atMs, `first part: ${show(part)}; whole: ${show(whole)}`);
    report(`first read: ${show(part)}; the whole file searchable at ${whole.atMs} ms after activation`);

    await vs!.openPaperCiteView();
    await expandSources(vs!);
    await vs!.treeRow(/anthology\.bib/).filter({ hasText: '73,215 entries' }).first().waitFor({ timeout: 30_000 });

    await vs!.openFile('main.tex');
    await goto(vs!, 3, 1);
    await vs!.page.keyboard.press('End');
    const tType = Date.now();
    // An author's surname and a word of the title, as one key-like query, letter by letter.
    await vs!.editor.type(' \\cite{devlin-bidirectional');
    const tAnswer = await waitForSuggestion(vs!, 'devlin-etal-2019-bert', 60_000);
    report(`completion listed devlin-etal-2019-bert ${tAnswer - tType} ms after typing began (${tAnswer - tReady} ms after the library was ready)`);
    const labels = await vs!.suggest.labels();
    assert.ok(labels.slice(0, 10).some(l => l.includes('devlin-etal-2019-bert')), `devlin-etal-2019-bert not in the first 10: ${labels.join(', ')}`);
    await vs!.shot('anthology-completion');
    await vs!.page.keyboard.press('Escape');

    await vs!.runCommand('PaperCite: Insert Citation');
    const q = vs!.quickInput;
    await q.input.waitFor({ state: 'visible' });
    const tPick = Date.now();
    // Typos: a dropped letter in "Bidirectional", a transposition in "Transformers".
    await vs!.page.keyboard.type('bidirectinal trasnformers pre-training', { delay: 40 });
    await q.row(/devlin-etal-2019-bert/).waitFor({ timeout: 60_000 });
    report(`Insert Citation listed devlin-etal-2019-bert for a typo'd title ${Date.now() - tPick} ms after typing began`);
    await vs!.shot('anthology-quick-pick');
    await vs!.page.keyboard.press('Escape');
    const first = await vs!.waitForMilestone('completion.first', undefined, 10_000);
    report(`first completion answered ${first.atMs} ms after activation: ${show(first)}`);
  });

  it('after Reload Window, loads the Anthology from the warm cache and completes at once', async function () {
    this.timeout(600_000);
    // The reloaded window reads the parsed records and search index the first load cached.
    // main.tex names \bibliography{anthology,refs}: the Anthology is cached for that list.
    const bib = vs!.file('anthology.bib');
    const list = [bib, vs!.file('refs.bib')];
    const cached = await waitFor(() => parseCacheDirs(vs!).find(d => fs.existsSync(cacheFileFor(d, bib, list)) && fs.existsSync(indexCacheFileFor(d, bib, list))),
      'the parse cache holding the records and search index of anthology.bib', 120_000, () => `parse-cache dirs: ${parseCacheDirs(vs!).join(', ') || 'none'}`);
    report(`cached in ${cached}`);
    const before = (await vs!.state())!.session;
    const page = vs!.page;
    const navigated = page.waitForEvent('framenavigated', { predicate: f => f === page.mainFrame(), timeout: 120_000 });
    await vs!.runCommand('Developer: Reload Window');
    await navigated;
    await page.waitForLoadState('load');
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    await page.locator('.statusbar').waitFor({ timeout: 120_000 });
    // The window is usable once it shows the editor it restored (the sidebar may show PaperCite, not the explorer).
    await page.locator('.tab.active', { hasText: 'main.tex' }).waitFor({ timeout: 120_000 });
    const tReload = Date.now();
    await vs!.openFile('main.tex');
    await goto(vs!, 3, 1);
    await vs!.page.keyboard.press('End');
    await vs!.editor.type(' \\cite{devlin-bidirectional');
    const tAnswer = await waitForSuggestion(vs!, 'devlin-etal-2019-bert', 120_000);
    const warm = await vs!.waitForState(s => s.session !== before && s.milestones.some(m => m.name === 'library.ready'), 'the reloaded window loading its library', 60_000);
    const ofAnthology = (name: string) => warm.milestones.filter(m => m.name === name && m.file === 'anthology.bib');
    const source = ofAnthology('source.loaded');
    assert.ok(source.length && source.every(m => m.fromCache === true), `the reloaded window did not read anthology.bib from the cache: ${source.map(show).join('; ')}`);
    report(`warm: ${show(source[source.length - 1]!)}`);
    // From the warm cache the Anthology is searchable before its 73k entries are decoded.
    const searchable = ofAnthology('source.searchable');
    assert.ok(searchable.length && searchable[0]!.atMs <= source[0]!.atMs, `the reloaded window did not search anthology.bib before decoding it: ${[...searchable, ...source].map(show).join('; ')}`);
    report(`warm: ${show(searchable[searchable.length - 1]!)}`);
    report(`warm: ${show(warm.milestones.find(m => m.name === 'library.ready')!)}`);
    const firstWarm = warm.milestones.find(m => m.name === 'completion.first');
    report(`warm: ${firstWarm ? show(firstWarm) : 'no completion.first yet'}`);
    report(`warm: devlin-etal-2019-bert listed ${tAnswer - tReload} ms after the reloaded workbench showed (the test opened main.tex and typed meanwhile)`);
    await vs!.shot('anthology-warm-completion');
    await vs!.page.keyboard.press('Escape');
    await vs!.editor.type('}');

    // A small .bib beside the Anthology changes (another program writes it) while the Papers tree
    // is shown: completion must not wait for the tree of 73k papers to be rebuilt.
    // The reloaded window may show the PaperCite container already (clicking its icon would hide it).
    if (!(await vs!.page.locator('.pane-header', { hasText: 'Papers' }).first().isVisible())) await vs!.openPaperCiteView();
    fs.appendFileSync(vs!.file('refs.bib'), '\n@misc{achterberg2023dunes,\n  title = {Coastal Dune Migration},\n  author = {Achterberg, Femke},\n  year = {2023}\n}\n');
    const tWritten = Date.now();
    await vs!.editor.root.click({ position: { x: 300, y: 10 } }).catch(() => undefined);
    await vs!.page.keyboard.press('Control+End');
    await vs!.editor.type(' \\cite{achterb');
    const tShown = await waitForSuggestion(vs!, 'achterberg2023dunes', 60_000);
    report(`73k + refs.bib: written on disk → suggestion on screen ${tShown - tWritten} ms (includes typing \\cite{achterb)`);
    await vs!.shot('anthology-refs-change-completes');
    const changed = await vs!.waitForMilestone('source.changed', m => m.file === 'refs.bib', 30_000);
    report(`73k + refs.bib: host: ${show(changed)}`);
    // Only refs.bib was read again: the Anthology's 73k entries were neither re-read nor re-indexed.
    // (The time itself, a target of 1 s, is reported above and in the README's benchmark: on a
    // loaded machine it stretches, so it is not asserted here.)
    const after = (await vs!.state())!.milestones.filter(m => m.file === 'anthology.bib' && ['source.loaded', 'source.searchable', 'source.changed'].includes(m.name) && m.atMs > changed.atMs - Number(changed.ms));
    assert.deepEqual(after.map(show), [], 'the Anthology was read again when refs.bib changed');

    // Filtering the Papers tree of 73k papers: grouped in turns (the view says so meanwhile), then
    // only the matching papers' authors are listed.
    await vs!.runCommand('PaperCite: Filter Papers');
    await vs!.quickInput.input.waitFor({ state: 'visible' });
    await vs!.quickInput.input.fill('bidirectional transformers');
    const tFilter = Date.now();
    await vs!.page.keyboard.press('Enter');
    const filtered = await vs!.waitForMilestone('tree.refreshed', m => m.filtered === true, 60_000);
    await vs!.page.locator('.pane-header', { hasText: '“bidirectional transformers” (' }).first().waitFor({ timeout: 30_000 });
    await vs!.treeRow(/^Jacob Devlin/).first().waitFor({ timeout: 30_000 });
    report(`73k: Filter Papers → tree of ${filtered.papers} papers in ${filtered.groups} groups on screen ${Date.now() - tFilter} ms after Enter`);
    assert.ok(Number(filtered.papers) > 0 && Number(filtered.papers) < 1000, show(filtered));
    await vs!.shot('anthology-tree-filtered');
    await vs!.runCommand('PaperCite: Clear Filter');
    await vs!.waitForMilestone('tree.refreshed', m => m.filtered === undefined && Number(m.papers) > 70_000 && m.atMs > filtered.atMs, 60_000);
  });
});

describe('PaperCite in VS Code: user libraries stay live and lose only damaged entries', function () {
  let vs: VsCodeHost;

  before(async function () {
    requireHost();
    this.timeout(300_000);
    vs = await VsCodeHost.start({ name: 'library', workspace: path.join(ROOT, 'test/fixtures/ws-library') });
    await vs.waitForLibraryReady(180_000);
  });
  hostHooks(() => vs, host => reportMilestones(host, m => ['library.ready', 'completion.first', 'source.changed'].includes(m.name), '[library e2e] '));

  it('an entry typed into refs.bib and saved is offered by completion within seconds', async function () {
    this.timeout(300_000);
    // Completion knows the existing entry first.
    await vs.openFile('main.tex');
    await goto(vs, 3, 1);
    await vs.page.keyboard.press('End');
    await vs.editor.type(' \\cite{okaf');
    await waitForSuggestion(vs, 'okafor2021tides', 30_000);
    await vs.page.keyboard.press('Escape');
    await vs.editor.type('}');

    await vs.openFile('refs.bib');
    await vs.page.keyboard.press('Control+End');
    await vs.editor.type('\n@article{zhoukang2024lichen,\ntitle = {Lichen Crusts as Dryland Carbon Sinks},\nauthor = {Zhou, Kang},\nyear = {2024}\n}\n');
    await vs.editor.save();
    const tSaved = Date.now();
    await vs.waitForFile('refs.bib', t => t.includes('zhoukang2024lichen'), 10_000);
    await switchTo(vs, 'main.tex');
    await vs.page.keyboard.press('End');
    await vs.editor.type(' \\cite{zhouk');
    const tShown = await waitForSuggestion(vs, 'zhoukang2024lichen', 30_000);
    const saveToShown = tShown - tSaved;
    const hostSide = await vs.waitForMilestone('source.changed', m => m.file === 'refs.bib', 30_000);
    report(`saved in the editor → suggestion on screen: ${saveToShown} ms (includes switching tabs and typing \\cite{zhouk); host: refs.bib re-read and searchable ${Number(hostSide.ms).toFixed(1)} ms after the change event`);
    await vs.shot('refs-saved-entry-completes');
    // The target (re-read and searchable within a second of the change) is reported, not asserted:
    // a loaded machine stretches it. That the saved entry completes at all is the test.
    await vs.page.keyboard.press('Escape');
    await vs.editor.type('}');

    // Another tool writes the file (a reference manager's export); the editor only watches.
    const changesBefore = (await vs.state())!.milestones.filter(m => m.name === 'source.changed').length;
    fs.appendFileSync(vs.file('refs.bib'), '\n@misc{achterberg2023dunes,\n  title = {Coastal Dune Migration},\n  author = {Achterberg, Femke},\n  year = {2023}\n}\n');
    const tWritten = Date.now();
    await vs.editor.type(' \\cite{achterb');
    const tShown2 = await waitForSuggestion(vs, 'achterberg2023dunes', 30_000);
    report(`written on disk by another program → suggestion on screen: ${tShown2 - tWritten} ms (includes typing \\cite{achterb)`);
    const written = (await vs.waitForState(s => s.milestones.filter(m => m.name === 'source.changed').length > changesBefore, 'refs.bib re-read after the other program wrote it', 30_000))
      .milestones.filter(m => m.name === 'source.changed').pop()!;
    report(`written on disk by another program → host: refs.bib re-read and searchable ${Number(written.ms).toFixed(1)} ms after the change event`);
    await vs.page.keyboard.press('Escape');
  });

  it('a damaged .bib keeps its good entries and lists each problem with its line; a problem opens its line', async function () {
    this.timeout(300_000);
    await switchTo(vs, 'main.tex');
    await goto(vs, 5, 1);
    await vs.page.keyboard.press('End');
    // Both good entries after the damage complete.
    await vs.editor.type(' \\cite{vantw');
    await waitForSuggestion(vs, 'vantwout2022permafrost', 30_000);
    await vs.page.keyboard.press('Escape');
    await vs.editor.type(',quisp');
    await waitForSuggestion(vs, 'quispe2017andes', 30_000);
    await vs.page.keyboard.press('Escape');
    // The entry with unbalanced braces is not offered; the kept first mbeki2019glacier is.
    await vs.editor.type(',broken2020');
    const broken = await vs.suggest.answer();
    assert.ok(!broken.some(l => l.includes('broken2020braces')), `the damaged entry is offered: ${broken.join(', ')}`);
    await vs.page.keyboard.press('Escape');

    await vs.openPaperCiteView();
    // The Papers pane takes the height; fold it so the Sources view shows every problem.
    const papers = vs.page.locator('.pane-header', { hasText: 'Papers' }).first();
    if ((await papers.getAttribute('aria-expanded')) === 'true') await papers.click();
    await expandSources(vs);
    const source = vs.treeRow(/damaged\.bib/).first();
    await source.waitFor({ timeout: 30_000 });
    const desc = (await source.innerText()).replace(/\s+/g, ' ');
    report(`Sources row: ${desc}`);
    assert.match(desc, /4 entries/);
    assert.match(desc, /2 errors/);
    if ((await source.getAttribute('aria-expanded')) !== 'true') await source.locator('.monaco-tl-twistie').click();
    const expected: [number, RegExp][] = [[10, /unbalanced braces/], [15, /duplicate key mbeki2019glacier/], [21, /unknown type @webpagething/]];
    for (const [line, re] of expected) await vs.treeRow(new RegExp(`line ${line}: `)).filter({ hasText: re }).first().waitFor({ timeout: 15_000 });
    await vs.shot('damaged-bib-problems');

    for (const [line] of expected) {
      await vs.treeRow(new RegExp(`line ${line}: `)).first().click();
      await vs.page.locator('.tab.active', { hasText: 'damaged.bib' }).waitFor({ timeout: 15_000 });
      await vs.page.locator('.statusbar-item', { hasText: `Ln ${line},` }).first().waitFor({ timeout: 15_000 });
    }
    await vs.shot('damaged-bib-problem-opened');
  });

  it('Add Library File… puts the picked file into papercite.libraries and ends once its entries are in', async function () {
    this.timeout(300_000);
    const file = vs.file('extra.bib');
    fs.writeFileSync(file, '@article{nakamura2021moss,\n  title = {Moss Carpets of the Subantarctic Islands},\n  author = {Nakamura, Aiko},\n  year = {2021}\n}\n');
    await vs.runCommand('PaperCite: Add Library File…');
    // VS Code's own file dialog in the browser: a path box.
    await vs.pickFile(file, () => vs.shot('add-library-dialog'));
    await vs.waitForState(s => s.library.sources.some(x => x.id === file && x.state === 'ready' && x.entries === 1), 'extra.bib read into the library', 60_000);
    const settings = JSON.parse(fs.readFileSync(vs.file('.vscode/settings.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(settings['papercite.libraries'], ['extra.bib'], JSON.stringify(settings));
    await switchTo(vs, 'main.tex');
    await vs.page.keyboard.press('End');
    await vs.editor.type(' \\cite{nakam');
    await waitForSuggestion(vs, 'nakamura2021moss', 30_000);
    await vs.shot('add-library-completes');
    await vs.page.keyboard.press('Escape');
  });
});
