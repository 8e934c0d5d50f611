// One .bib shared by documents whose bibliography lists define its macros differently, in a real
// VS Code: a.tex names \bibliography{short,refs} (acl = "ACL"), b.tex \bibliography{long,refs}
// (the long name), c.tex \bibliography{refs} alone (acl undefined). Each document's hover and
// completion details show the venue as its own BibTeX run would print it; c.tex gets the warning
// BibTeX would give it, the others none; editing short.bib on disk changes what a.tex shows.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostHooks, reporter, requireHost, ROOT, VsCodeHost, waitFor, waitForSuggestion } from './harness';

const LONG = 'Annual Meeting of the Association for Computational Linguistics';
const KEY = 'lindqvist2020parsing';

const report = reporter('library-shared e2e');

describe('PaperCite in VS Code: a .bib shared by documents with different bibliography lists', function () {
  let vs: VsCodeHost;

  before(async function () {
    requireHost();
    this.timeout(300_000);
    vs = await VsCodeHost.start({
      name: 'library-shared',
      workspace: path.join(ROOT, 'test/fixtures/ws-library-shared'),
      settings: { 'papercite.includeBundledCorpus': false },
    });
    await vs.openFile('a.tex');
    await vs.waitForLibraryReady(180_000);
    // refs.bib read with a.tex's and c.tex's lists (b.tex's gives the library's macro table).
    for (const list of ['short.bib,refs.bib', 'refs.bib']) {
      const m = await vs.waitForMilestone('source.listReading', x => x.file === 'refs.bib' && (x.list as string[]).join(',') === list, 60_000);
      report(`refs.bib read with the list ${list}: ${String(m.outcome)}, ${String(m.differ)} entr${m.differ === 1 ? 'y differs' : 'ies differ'}, ${String(m.problems)} problem(s), ${Number(m.ms).toFixed(0)} ms`);
    }
  });
  hostHooks(() => vs);

  const CITE_AT = 'Fewer rules \\cite{'.length + 3;

  /** Hovers the cited key of line 3 until the hover holds `text`; returns the hover's text. */
  async function hoverShows(text: string, timeout: number): Promise<string> {
    const end = Date.now() + timeout;
    let last = '';
    while (Date.now() < end) {
      await vs.page.keyboard.press('Escape');
      await vs.editor.goto(3, CITE_AT);
      await vs.page.keyboard.press('Control+K');
      await vs.page.keyboard.press('Control+I');
      const hover = vs.hover();
      await hover.getByText(/Open paper|not in the library/).first().waitFor({ timeout: 15_000 });
      last = await hover.innerText();
      if (last.includes(text)) return last;
    }
    throw new Error(`the hover never showed ${JSON.stringify(text)}; it shows:\n${last}`);
  }

  /** Completes the key on the empty line 4 and shows the suggest details until they hold `text`; returns them. */
  async function completionDetails(text: string): Promise<string> {
    const ed = vs.editor;
    await vs.page.keyboard.press('Escape');
    await ed.goto(4, 1);
    await ed.type('\\cite{lindqvist-pars');
    await waitForSuggestion(vs, KEY, 30_000);
    const details = vs.page.locator('.suggest-details-container .suggest-details');
    const shown = details.filter({ hasText: text });
    // Ctrl+Space toggles the details: pressed only while they are hidden, and again if a press
    // landed while they were still opening (it closed them).
    for (let attempt = 0; attempt < 3 && !(await shown.isVisible()); attempt++) {
      if (!(await details.isVisible())) await vs.page.keyboard.press('Control+Space');
      await shown.waitFor({ timeout: 5_000 }).catch(() => undefined);
    }
    await shown.waitFor({ timeout: 15_000 });
    return details.innerText();
  }

  /** Leaves line 4 empty again. */
  async function clearLine4(): Promise<void> {
    await vs.page.keyboard.press('Escape');
    await vs.editor.goto(4, 1);
    await vs.page.keyboard.press('Shift+End');
    await vs.page.keyboard.press('Delete');
  }

  it('a.tex (short names first) sees "ACL" in the hover and the completion details; b.tex (long names first) sees the long name', async function () {
    this.timeout(180_000);
    await vs.openFile('a.tex');
    const a = await hoverShows('ACL', 30_000);
    await vs.shot('a-hover-short-venue');
    assert.doesNotMatch(a, new RegExp(LONG), 'a.tex\'s list defines acl as "ACL"');
    // The hover's Copy BibTeX copies the entry as a.tex's list reads it.
    await vs.hover().getByText('Copy BibTeX').click();
    const clip = await vs.waitForClipboard(t => t.includes(KEY));
    assert.match(clip, /booktitle\s*=\s*\{ACL\}/, clip);
    const aDetails = await completionDetails('ACL');
    await vs.shot('a-completion-short-venue');
    assert.doesNotMatch(aDetails, new RegExp(LONG));
    await clearLine4();

    await vs.openFile('b.tex');
    const b = await hoverShows(LONG, 30_000);
    await vs.shot('b-hover-long-venue');
    assert.match(b, new RegExp(LONG));
    const bDetails = await completionDetails(LONG);
    await vs.shot('b-completion-long-venue');
    assert.match(bDetails, new RegExp(LONG));
    await clearLine4();
  });

  it('c.tex (refs.bib alone) gets the undefined-macro warning BibTeX would give it; a.tex and b.tex get none', async function () {
    this.timeout(180_000);
    await vs.openFile('c.tex');
    const c = await hoverShows(KEY, 30_000);
    await vs.shot('c-hover-macro-name');
    assert.doesNotMatch(c, new RegExp(LONG), 'c.tex\'s BibTeX run has no value for acl');
    let rows: string[] = [];
    await waitFor(async () => (rows = await vs.problems()).some(r => /undefined macro `acl`/.test(r)), 'the undefined-macro warning in the Problems panel', 60_000, () => `Problems: ${rows.join(' | ')}`);
    await vs.shot('c-problems-undefined-macro');
    const warnings = rows.filter(r => /undefined macro `acl`/.test(r));
    assert.equal(warnings.length, 1, `one warning, for c.tex only: ${rows.join(' | ')}`);
    assert.match(warnings[0]!, /read with this document's bibliography list \(refs\.bib\)/);
    // The library's own reading of refs.bib has no problem (the union list defines acl).
    const refs = (await vs.state())?.library.sources.find(x => x.label === 'refs.bib');
    assert.equal(refs?.problems, 0, JSON.stringify(refs));
  });

  it('when short.bib changes on disk, a.tex\'s hover follows and b.tex\'s stays', async function () {
    this.timeout(180_000);
    await vs.openFile('a.tex');
    const ofA = (x: { name: string; [k: string]: unknown }) => x.name === 'source.listReading' && x.file === 'refs.bib' && (x.list as string[]).join(',') === 'short.bib,refs.bib';
    const seen = (await vs.state())?.milestones.filter(ofA).length ?? 0;
    const file = vs.file('short.bib');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"ACL"', '"Proc. ACL"'));
    const st = await vs.waitForState(s => s.milestones.filter(ofA).length > seen, 'refs.bib read again with a.tex\'s list', 60_000);
    const m = st.milestones.filter(ofA).pop()!;
    report(`short.bib written → refs.bib read again with a.tex's list in ${Number(m.ms).toFixed(0)} ms`);
    await hoverShows('Proc. ACL', 30_000);
    await vs.shot('a-hover-new-short-venue');
    await vs.openFile('b.tex');
    const b = await hoverShows(LONG, 30_000);
    assert.doesNotMatch(b, /Proc\. ACL/);
    await vs.page.keyboard.press('Escape');
  });
});
