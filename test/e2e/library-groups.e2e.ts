// A bibliography list in a real VS Code: main.tex names \bibliography{strings,refs}; refs.bib's
// venues are @string macros of strings.bib. Completion offers the entry, the hover shows the venue
// expanded, and when strings.bib changes on disk the hover follows.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostHooks, reporter, requireHost, ROOT, VsCodeHost, waitForSuggestion } from './harness';

const report = reporter('library-groups e2e');

describe('PaperCite in VS Code: a bibliography list shares one macro table', function () {
  let vs: VsCodeHost;

  before(async function () {
    requireHost();
    this.timeout(300_000);
    vs = await VsCodeHost.start({
      name: 'library-groups',
      workspace: path.join(ROOT, 'test/fixtures/ws-library-groups'),
      settings: { 'papercite.includeBundledCorpus': false },
    });
    // Opening the document activates PaperCite even when VS Code's workspace search times out on a loaded machine.
    await vs.openFile('main.tex');
    await vs.waitForLibraryReady(180_000);
  });
  hostHooks(() => vs);

  const CITE_AT = 'Suffix sorting. \\cite{'.length + 3;

  /** Hovers the cited key until the hover holds `text`; returns the hover's text. */
  async function hoverShows(text: string, timeout: number): Promise<string> {
    const end = Date.now() + timeout;
    let last = '';
    while (Date.now() < end) {
      await vs.page.keyboard.press('Escape');
      await vs.editor.goto(3, CITE_AT);
      await vs.page.keyboard.press('Control+K');
      await vs.page.keyboard.press('Control+I');
      const hover = vs.hover();
      await hover.getByText('Open paper').waitFor({ timeout: 15_000 });
      last = await hover.innerText();
      if (last.includes(text)) return last;
    }
    throw new Error(`the hover never showed ${JSON.stringify(text)}; it shows:\n${last}`);
  }

  /** Shows the suggest details (Ctrl+Space toggles them, and VS Code remembers them open) until they hold `text`. */
  async function detailsShow(text: string): Promise<void> {
    const details = vs.page.locator('.suggest-details-container .suggest-details');
    if (!(await details.isVisible())) await vs.page.keyboard.press('Control+Space');
    await details.filter({ hasText: text }).waitFor({ timeout: 10_000 });
  }

  it('completes an entry whose venue is a macro of the file before it, and the hover shows the venue expanded', async function () {
    this.timeout(120_000);
    const ed = await vs.openFile('main.tex');
    await vs.editor.goto(3, 1);
    await vs.page.keyboard.press('End');
    await ed.type(' \\cite{okonkwo-suffix');
    await waitForSuggestion(vs, 'okonkwo2019suffix', 30_000);
    await detailsShow('Information Processing Letters');
    await vs.shot('completion-expanded-venue');
    await vs.page.keyboard.press('Enter');
    await ed.type('}');
    await ed.waitForText('\\cite{okonkwo2019suffix}');

    const text = await hoverShows('Information Processing Letters', 30_000);
    await vs.shot('hover-expanded-venue');
    assert.doesNotMatch(text, /\bipl\b/, 'the macro name is not shown');
    // No undefined-macro warning: strings.bib is read before refs.bib.
    const refs = (await vs.state())?.library.sources.find(x => x.label === 'refs.bib');
    assert.equal(refs?.entries, 2, JSON.stringify(refs));
    assert.equal(refs?.problems, 0, JSON.stringify(refs));
  });

  it('when strings.bib changes on disk, refs.bib is read again and the hover shows the new value', async function () {
    this.timeout(120_000);
    const file = vs.file('strings.bib');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"Information Processing Letters"', '"Inform. Process. Lett."'));
    const reread = await vs.waitForMilestone('source.changed', m => m.file === 'refs.bib', 30_000);
    report(`strings.bib written → refs.bib re-read and searchable in ${Number(reread.ms).toFixed(0)} ms`);
    const text = await hoverShows('Inform. Process. Lett.', 30_000);
    await vs.shot('hover-new-venue');
    assert.doesNotMatch(text, /Information Processing Letters/);
    await vs.page.keyboard.press('Escape');

    // Completion's details follow too.
    await vs.page.keyboard.press('End');
    await vs.editor.type(' \\cite{okonkwo-suffix');
    await waitForSuggestion(vs, 'okonkwo2019suffix', 30_000);
    await detailsShow('Inform. Process. Lett.');
    await vs.shot('completion-new-venue');
    await vs.page.keyboard.press('Escape');
  });
});
