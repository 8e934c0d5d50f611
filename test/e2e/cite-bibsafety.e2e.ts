// The project's .bib in the real host, where it is fragile: a CRLF file keeps CRLF and gets two
// quick insertions once each; a Latin-1 file and a read-only file are refused with a message and
// left byte for byte as they were.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hostHooks, requireHost, ROOT, VsCodeHost } from './harness';

const CRLF_BIB = '% refs kept by hand\r\n\r\n@misc{keep2020,\r\n  title = {Kept As Is},\r\n  year = {2020},\r\n}\r\n';
const LATIN1_BIB = Buffer.from('@article{mueller2019,\n  author = {M\u00fcller, J\u00fcrgen},\n  title = {\u00dcber Dinge},\n  year = {2019},\n}\n', 'latin1');
const RO_BIB = '@misc{ro2021,\n  title = {Read Only},\n  year = {2021},\n}\n';

describe('PaperCite in VS Code: .bib safety', function () {
  let vs: VsCodeHost;

  before(async function () {
    requireHost();
    vs = await VsCodeHost.start({
      name: process.env.CITE_E2E_NAME ? `${process.env.CITE_E2E_NAME}-safety` : 'cite-bibsafety',
      workspace: path.join(ROOT, 'test/fixtures/ws-cite-safety'),
      files: { 'crlf/refs.bib': CRLF_BIB, 'readonly/refs.bib': RO_BIB },
    });
    fs.writeFileSync(vs.file('latin1/refs.bib'), LATIN1_BIB);
    fs.chmodSync(vs.file('readonly/refs.bib'), 0o444);
  });
  hostHooks(() => vs, host => fs.chmodSync(host.file('readonly/refs.bib'), 0o644));

  const goto = (line: number, column = 1): Promise<void> => vs.editor.goto(line, column);

  /** Types `\cite{<prefix>` on line 3 and accepts the first suggestion; returns its key. */
  async function citeFirst(prefix: string, opening = true): Promise<string> {
    if (opening) {
      await goto(3);
      await vs.page.keyboard.press('End');
      await vs.editor.type(' \\cite{');
    }
    await vs.editor.type(prefix);
    await vs.suggest.rows.first().waitFor({ timeout: 15_000 });
    return vs.editor.acceptSuggestion(3, prefix);
  }

  const count = (text: string, key: string) => text.split(`{${key},`).length - 1;

  it('keeps a CRLF .bib CRLF and lands two quick insertions once each', async () => {
    await vs.openFile('crlf/crlf.tex');
    const a = await citeFirst('abs');
    await vs.editor.type(',');
    const b = await citeFirst('reason', false);
    assert.notEqual(a, b);
    const text = await vs.waitForFile('crlf/refs.bib', t => count(t, a) === 1 && count(t, b) === 1);
    // Both additions settled (nothing more is queued for them): the file is final.
    await vs.waitForState(s => [a, b].every(k => s.milestones.some(m => m.name === 'bib.entries' && (m.added as string[]).includes(k))), `the additions of ${a} and ${b} settling`, 15_000);
    const final = vs.read('crlf/refs.bib');
    assert.ok(final.startsWith(CRLF_BIB), 'every earlier byte is kept');
    assert.equal(final.replace(/\r\n/g, '').includes('\n'), false, 'no bare LF: the file stays CRLF');
    assert.equal(count(final, a), 1);
    assert.equal(count(final, b), 1);
    assert.equal(text.length <= final.length, true);
  });

  it('refuses to write a Latin-1 .bib, says why, and leaves its bytes alone', async () => {
    await vs.openFile('latin1/latin1.tex');
    await citeFirst('abs');
    const toast = vs.notifications.locator('.notification-toast', { hasText: 'not UTF-8' }).first();
    await toast.waitFor({ timeout: 15_000 });
    await vs.shot('latin1-refused');
    assert.ok(fs.readFileSync(vs.file('latin1/refs.bib')).equals(LATIN1_BIB), 'the file is unchanged');
  });

  it('refuses to write a read-only .bib, says why, and leaves it alone', async () => {
    await vs.openFile('readonly/readonly.tex');
    await citeFirst('abs');
    const toast = vs.notifications.locator('.notification-toast', { hasText: 'read-only' }).first();
    await toast.waitFor({ timeout: 15_000 });
    await vs.shot('readonly-refused');
    assert.equal(vs.read('readonly/refs.bib'), RO_BIB);
  });
});
