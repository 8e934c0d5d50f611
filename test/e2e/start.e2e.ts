// `npm start` as a new user runs it: the printed address opens VS Code on the example paper with
// PaperCite installed (linked like an installed extension, not as a development host).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { requireHost, RESULTS, ROOT } from './harness';

function freePort(): Promise<number> {
  return new Promise(resolve => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('npm start', function () {
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  const demo = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-start-'));

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise(r => child!.once('exit', r));
    }
    fs.rmSync(demo, { recursive: true, force: true });
  });

  it('prints an address that opens the example paper with PaperCite in VS Code', async () => {
    requireHost();
    const port = await freePort();
    const t0 = Date.now();
    child = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs'), '--port', String(port)],
      { cwd: ROOT, env: { ...process.env, PAPERCITE_DEMO_DIR: demo }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', d => { out += d; });
    child.stderr!.on('data', d => { out += d; });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed in 120 s:\n${out}`)), 120_000);
      const poll = setInterval(() => {
        const m = out.match(/^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m);
        if (m) { clearInterval(poll); clearTimeout(timer); resolve(m[1]); }
        if (child!.exitCode !== null) { clearInterval(poll); clearTimeout(timer); reject(new Error(`npm start exited ${child!.exitCode}:\n${out}`)); }
      }, 100);
    });
    console.log(`      [start] address printed after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.ok(fs.existsSync(path.join(demo, 'workspace/main.tex')), 'the example paper was not copied');

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(url);
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'main.tex' }).waitFor({ timeout: 90_000 });
    // Installed, not a development host: the window title does not say so.
    assert.ok(!(await page.title()).includes('Extension Development Host'), await page.title());
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'main.tex' }).click();
    await page.locator('.activitybar .action-item .action-label[aria-label^="PaperCite"]').click({ timeout: 60_000 });
    await page.locator('.pane-body .monaco-list-row[role="treeitem"]').first().waitFor({ timeout: 60_000 });
    console.log(`      [start] PaperCite's tree shown ${((Date.now() - t0) / 1000).toFixed(1)} s after npm start`);
    fs.mkdirSync(path.join(RESULTS, 'start'), { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, 'start', '01-npm-start.png') });
  });
});
