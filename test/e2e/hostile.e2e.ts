// Issue 16 in a real VS Code: a workspace .bib holding a macro bomb (@string definitions that
// double) and a crossref chain next to good entries. The extension host stays up (completion keeps
// answering), the good entries complete, and the Sources view lists each problem with its line.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { hostHooks, reporter, reportMilestones, requireHost, ROOT, VsCodeHost, waitForSuggestion } from './harness';
import { crossrefChain, macroBomb, rng } from '../unit/hostile.gen';

const LIB = '@article{zhao2025absolute,\n  title = {Absolute Zero: Reinforced Self-play Reasoning with Zero Data},\n  author = {Zhao, Andrew},\n  year = {2025}\n}\n';

const report = reporter('hostile e2e');

describe('PaperCite in VS Code: a hostile .bib (macro bomb, crossref chain) next to good entries', function () {
  let vs: VsCodeHost;
  // The bomb first, then the chain; the chain's problems are counted from where it starts.
  const bomb = macroBomb(rng(16), 28);
  const chain = crossrefChain(rng(17), 200);
  const bombLines = bomb.text.split('\n').length - 1;
  // The project's .bib already uses zhao2025absolute for another paper than the one a library
  // named in the settings (which comes first) has under that key.
  const other = '@article{zhao2025absolute,\n  title = {Counting Lichens with Zero Labels},\n  author = {Zhao, Wei},\n  year = {2025}\n}\n';
  const text = `${bomb.text}\n${chain.text}\n${other}`;
  const chainLine = bombLines + 1 + chain.line!;

  before(async function () {
    requireHost();
    this.timeout(300_000);
    vs = await VsCodeHost.start({ name: 'hostile', workspace: path.join(ROOT, 'test/fixtures/ws-hostile'), files: { 'hostile.bib': text, 'lib.bib': LIB }, settings: { 'papercite.libraries': ['lib.bib'] } });
    await vs.waitForLibraryReady(180_000);
  });
  hostHooks(() => vs, host => reportMilestones(host, m => m.name === 'library.ready' || m.file === 'hostile.bib', '[hostile e2e] '));

  it('completes the good entries around the attack, and completion keeps answering', async function () {
    this.timeout(300_000);
    await vs.openFile('main.tex');
    await vs.editor.goto(3, 1);
    await vs.page.keyboard.press('End');
    const first = bomb.good[0]!, last = chain.good[chain.good.length - 1]!;
    await vs.editor.type(` \\cite{${first.slice(0, 8)}`);
    await waitForSuggestion(vs, first, 60_000);
    await vs.shot('hostile-completion');
    await vs.page.keyboard.press('Escape');
    await vs.editor.type(`,${last.slice(0, 8)}`);
    await waitForSuggestion(vs, last, 30_000);
    await vs.page.keyboard.press('Escape');
    report(`completion offered ${first} and ${last} from hostile.bib`);
  });

  it('lists the macro bomb and the crossref chain in the Sources view with their lines', async function () {
    this.timeout(300_000);
    await vs.openPaperCiteView();
    const papers = vs.page.locator('.pane-header', { hasText: 'Papers' }).first();
    if ((await papers.getAttribute('aria-expanded')) === 'true') await papers.click();
    const header = vs.page.locator('.pane-header', { hasText: 'Sources' }).first();
    await header.waitFor({ timeout: 30_000 });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const source = vs.treeRow(/hostile\.bib/).first();
    await source.waitFor({ timeout: 30_000 });
    const desc = (await source.innerText()).replace(/\s+/g, ' ');
    report(`Sources row: ${desc}`);
    const entries = Number(/([\d,]+) entries/.exec(desc)?.[1]?.replace(/,/g, ''));
    assert.ok(entries >= bomb.good.length + chain.good.length + 200, `only ${entries} entries kept`);
    if ((await source.getAttribute('aria-expanded')) !== 'true') await source.locator('.monaco-tl-twistie').click();
    const expected: [number, RegExp][] = [[bomb.line!, /grows past 1048576 characters/], [chainLine, /chain of more than 64 crossrefs/]];
    for (const [line, re] of expected) await vs.treeRow(new RegExp(`line ${line}: `)).filter({ hasText: re }).first().waitFor({ timeout: 30_000 });
    await vs.shot('hostile-sources');
    await vs.treeRow(new RegExp(`line ${bomb.line!}: `)).first().click();
    await vs.page.locator('.tab.active', { hasText: 'hostile.bib' }).waitFor({ timeout: 15_000 });
    await vs.page.locator('.statusbar-item', { hasText: `Ln ${bomb.line!},` }).first().waitFor({ timeout: 15_000 });

    // The host is still up: completion answers again after all of it.
    await vs.openFile('main.tex');
    await vs.editor.goto(3, 1);
    await vs.page.keyboard.press('End');
    await vs.editor.type(` \\cite{${bomb.good[1]!.slice(0, 8)}`);
    await waitForSuggestion(vs, bomb.good[1]!, 30_000);
    await vs.page.keyboard.press('Escape');
  });

  it('the same key for a different paper in the .bib is said, not called present, and a free key is offered and written', async function () {
    this.timeout(300_000);
    await vs.openFile('main.tex');
    await vs.editor.goto(4, 1);
    await vs.editor.type(' \\cite{zhao2025abs');
    await waitForSuggestion(vs, 'zhao2025absolute', 30_000);
    const labels = await vs.suggest.labels();
    assert.match(labels[0] ?? '', /zhao2025absolute/, `first suggestion: ${labels.join(', ')}`);
    await vs.page.keyboard.press('Enter');
    const toast = vs.notifications.locator('.notification-toast', { hasText: 'already uses that key for a different paper' }).first();
    await toast.waitFor({ timeout: 30_000 });
    const said = (await toast.innerText()).replace(/\s+/g, ' ');
    report(`notification: ${said}`);
    assert.match(said, /PaperCite did not add zhao2025absolute: hostile\.bib:\d+ already uses that key for a different paper\. Add this paper to hostile\.bib as zhao2025absoluteb/);
    await vs.shot('hostile-key-conflict');
    await toast.locator('.monaco-button', { hasText: 'Add as zhao2025absoluteb' }).click();
    const bib = await vs.waitForFile('hostile.bib', t => t.includes('@article{zhao2025absoluteb,') || t.includes('{zhao2025absoluteb,'), 30_000);
    assert.equal(bib.split('zhao2025absolute,').length - 1, 1, 'the other paper keeps its entry, untouched');
    assert.match(bib, /Counting Lichens with Zero Labels/);
    assert.match(bib.slice(bib.indexOf('zhao2025absoluteb')), /Absolute Zero/);
  });
});
