// What users type inside the braces, in a real VS Code: several words, hyphens and typos find the
// paper, in PaperCite's order, and accepting replaces exactly the typed phrase with the key.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { hostHooks, requireHost, ROOT, VsCodeHost } from './harness';

describe('PaperCite in VS Code: phrases inside a citation', function () {
  let vs: VsCodeHost;

  before(async function () {
    requireHost();
    vs = await VsCodeHost.start({ name: 'cite-phrases', workspace: path.join(ROOT, 'test/fixtures/ws-cite-phrases') });
    await vs.openFile('main.tex');
    // The library is read: a key completes.
    await vs.editor.gotoLineEnd(10);
    await vs.editor.type(' \\cite{pennington');
    await vs.suggest.waitFor('pennington-etal-2014-glove');
    await vs.page.keyboard.press('Escape');
    for (let i = 0; i < ' \\cite{pennington'.length; i++) await vs.page.keyboard.press('Backspace');
  });
  hostHooks(() => vs);

  /** The suggest widget's first row, once it shows `key` among its rows. */
  async function firstRowWhenListed(key: string): Promise<string[]> {
    await vs.suggest.waitFor(key);
    // An answer that arrived late is refiltered by the editor and can list the row below others
    // until the answer for the whole query replaces it.
    await vs.suggest.waitForFirst(key).catch(() => undefined);
    return vs.suggest.labels();
  }

  it('finds GloVe for \\cite{global vect and leaves \\cite{key}', async () => {
    await vs.editor.gotoLineEnd(4);
    await vs.editor.type(' \\cite{global');
    await vs.suggest.row('pennington-etal-2014-glove').waitFor({ timeout: 20_000 });
    // The list answers the whole word: an earlier answer, refiltered by the editor, can show the row
    // first, and a space typed while a request is under way restarts the list (as in any editor).
    await vs.page.keyboard.press('Escape');
    await vs.suggest.row('pennington-etal-2014-glove').waitFor({ state: 'hidden' });
    await vs.page.keyboard.press('Control+Space');
    await vs.suggest.row('pennington-etal-2014-glove').waitFor({ timeout: 20_000 });
    // The space continues the query: the list stays up while it is typed (never hidden meanwhile).
    await vs.page.evaluate(() => {
      const w = document.querySelector('.editor-widget.suggest-widget')!;
      const flag = window as unknown as { suggestHidden: boolean };
      flag.suggestHidden = false;
      new MutationObserver(() => { if (!w.classList.contains('visible')) flag.suggestHidden = true; }).observe(w, { attributes: true, attributeFilter: ['class'] });
    });
    await vs.editor.type(' ');
    await vs.suggest.row('pennington-etal-2014-glove').waitFor({ timeout: 10_000 });
    assert.equal(await vs.page.evaluate(() => (window as unknown as { suggestHidden: boolean }).suggestHidden), false, 'the list closed at the space');
    await vs.editor.type('vect');
    const labels = await firstRowWhenListed('pennington-etal-2014-glove');
    await vs.shot('phrase-global-vect');
    assert.equal(labels[0], 'pennington-etal-2014-glove', `rows: ${labels.join(', ')}`);
    await vs.page.keyboard.press('Enter');
    await vs.editor.type('}');
    await vs.editor.waitForText('Word vectors. \\cite{pennington-etal-2014-glove}');
    await vs.waitForFile('refs.bib', t => t.includes('@inproceedings{pennington-etal-2014-glove,'));
  });

  it('keeps the keys before the comma: \\cite{a, devlin bert → \\cite{a, key}', async () => {
    await vs.editor.gotoLineEnd(6);
    await vs.editor.type(' \\cite{a, devlin bert');
    const labels = await firstRowWhenListed('devlin-etal-2019-bert');
    assert.equal(labels[0], 'devlin-etal-2019-bert', `rows: ${labels.join(', ')}`);
    await vs.page.keyboard.press('Enter');
    await vs.editor.type('}');
    await vs.editor.waitForText('Contextual embeddings. \\cite{a, devlin-etal-2019-bert}');
  });

  it('reads hyphens as word breaks and tolerates a typo: \\cite{deep-contextualzied', async () => {
    await vs.editor.gotoLineEnd(8);
    await vs.editor.type(' \\cite{deep-contextualzied');
    const labels = await firstRowWhenListed('peters-etal-2018-deep');
    await vs.shot('phrase-hyphen-typo');
    assert.equal(labels[0], 'peters-etal-2018-deep', `rows: ${labels.join(', ')}`);
    await vs.page.keyboard.press('Escape');
  });

  it('after a complete key, a space lists the next key and accepting adds a comma', async () => {
    await vs.editor.gotoLineEnd(10);
    await vs.editor.type(' \\cite{peters-etal-2018-deep subword units');
    const labels = await firstRowWhenListed('sennrich-etal-2016-neural');
    assert.ok(labels.slice(0, 5).includes('sennrich-etal-2016-neural'), `rows: ${labels.join(', ')}`);
    await vs.suggest.row('sennrich-etal-2016-neural').click();
    await vs.editor.type('}');
    await vs.editor.waitForText('Next key. \\cite{peters-etal-2018-deep, sennrich-etal-2016-neural}');
  });

  it('ranks a word typed in full above longer words it begins: \\cite{glove lists GloVe, not Glover', async () => {
    await vs.editor.gotoLineEnd(12);
    await vs.editor.type(' \\cite{glove');
    const labels = await firstRowWhenListed('pennington-etal-2014-glove');
    await vs.shot('one-word-glove');
    assert.equal(labels[0], 'pennington-etal-2014-glove', `rows: ${labels.join(', ')}`);
    // Glover's papers (keys and authors begin with the word) are still listed, below it.
    assert.ok(labels.includes('glover-1982-session'), `rows: ${labels.join(', ')}`);
    await vs.page.keyboard.press('Escape');
  });

  it('takes a phrase after the @ of a bracketed pandoc citation', async () => {
    await vs.openFile('notes.md');
    await vs.editor.gotoLineEnd(6);
    await vs.editor.type(' [@global vectors');
    const labels = await firstRowWhenListed('pennington-etal-2014-glove');
    assert.equal(labels[0], 'pennington-etal-2014-glove', `rows: ${labels.join(', ')}`);
    await vs.page.keyboard.press('Enter');
    await vs.editor.type(']');
    await vs.editor.waitForText('Pandoc line. [@pennington-etal-2014-glove]');
  });
});
