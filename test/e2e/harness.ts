// End-to-end harness: PaperCite in a real VS Code (code-server 4.100.3 = VS Code 1.100), driven
// through Debian's Chromium with playwright-core, the way a user works: keys, clicks, the screen.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../..');
const HOST_SCRIPTS = path.join(ROOT, 'scripts/vscode-host');
export const HOST_DIR = process.env.VSCODE_HOST_DIR || path.join(os.homedir(), '.cache/papercite-vscode-host');
export const RESULTS = path.join(ROOT, 'test-results');

export interface HostOptions {
  /** Name of this run: screenshots go to test-results/<name>/. */
  name: string;
  /** A fixture folder copied into a fresh temp workspace (the original is never touched). */
  workspace: string;
  /** Extra files written into the workspace copy (path relative to it -> content). */
  files?: Record<string, string>;
  /** User settings merged over the test defaults. */
  settings?: Record<string, unknown>;
  /** Env for code-server and the extension host. */
  env?: Record<string, string>;
  /** Other extensions' .vsix files installed beside PaperCite (e.g. LaTeX Workshop for the benchmark). */
  vsix?: string[];
}

const DEFAULT_SETTINGS = {
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoSurround': 'never',
  'editor.acceptSuggestionOnEnter': 'on',
  'editor.suggest.showStatusBar': false,
  'editor.minimap.enabled': false,
  'workbench.colorTheme': 'Default Light Modern',
  'extensions.ignoreRecommendations': true,
  'files.simpleDialog.enable': true,
  // No test asks a real online service; online.e2e.ts turns this on against the replay server.
  'papercite.online.enabled': false,
};

function parseKv(out: string): Record<string, string> {
  return Object.fromEntries(out.trim().split('\n').filter(l => l.includes('=')).map(l => {
    const i = l.indexOf('=');
    return [l.slice(0, i), l.slice(i + 1).replace(/^'|'$/g, '')];
  }));
}

/** Installs a .vsix into an extensions folder with code-server's own installer. */
function installVsix(vsix: string, extDir: string): void {
  const entry = path.join(HOST_DIR, 'app/node_modules/code-server/out/node/entry.js');
  fs.mkdirSync(extDir, { recursive: true });
  const r = spawnSync(process.execPath, [entry, '--extensions-dir', extDir, '--install-extension', path.resolve(vsix), '--force'], { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`could not install ${vsix} (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

/** One running VS Code with PaperCite loaded, one browser page on it. */
export class VsCodeHost {
  private shotNo = 0;
  readonly pageErrors: string[] = [];
  private constructor(
    readonly opts: HostOptions,
    readonly page: Page,
    private readonly browser: Browser,
    private readonly host: Record<string, string>,
    readonly tmp: string,
    readonly ws: string,
  ) {}

  static async start(opts: HostOptions): Promise<VsCodeHost> {
    if (!fs.existsSync(path.join(ROOT, 'dist/extension.js'))) throw new Error('dist/extension.js missing: run `npm run build` first');
    fs.rmSync(path.join(RESULTS, opts.name), { recursive: true, force: true });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `papercite-e2e-${opts.name}-`));
    const ws = path.join(tmp, 'workspace');
    copyDir(opts.workspace, ws);
    for (const [rel, text] of Object.entries(opts.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
      fs.writeFileSync(path.join(ws, rel), text);
    }
    const settingsFile = path.join(tmp, 'settings.json');
    fs.writeFileSync(settingsFile, JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2));
    const extDir = path.join(tmp, 'extensions');
    for (const vsix of opts.vsix ?? []) installVsix(vsix, extDir);
    const st = spawnSync('bash', [path.join(HOST_SCRIPTS, 'start.sh'), '--workspace', ws, '--extension', ROOT,
      '--user-data-dir', path.join(tmp, 'udd'), '--extensions-dir', extDir, '--settings', settingsFile],
    { env: { ...process.env, ...opts.env, VSCODE_HOST_DIR: HOST_DIR }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (st.status !== 0) throw new Error(`code-server did not start (start.sh exit ${st.status})`);
    const host = parseKv(st.stdout);
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      });
      const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.VSCODE_HOST_BASE });
      const page = await context.newPage();
      const h = new VsCodeHost(opts, page, browser, host, tmp, ws);
      page.on('pageerror', e => h.pageErrors.push(e.message));
      await page.goto(host.VSCODE_HOST_URL);
      await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
      return h;
    } catch (e) {
      await browser?.close().catch(() => undefined);
      spawnSync('bash', [path.join(HOST_SCRIPTS, 'stop.sh'), host.VSCODE_HOST_PID, host.VSCODE_HOST_TMP]);
      throw e;
    }
  }

  /** Saves a screenshot to test-results/<name>/NN-<label>.png and returns its path. */
  async shot(label: string): Promise<string> {
    const dir = path.join(RESULTS, this.opts.name);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${String(++this.shotNo).padStart(2, '0')}-${label}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** The tail of the extension host's log: what PaperCite wrote to its log channel, and errors. */
  extensionLog(): string {
    const logs = path.join(this.host.VSCODE_HOST_USER_DATA_DIR, 'logs');
    const find = (d: string): string[] => fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true })
      .flatMap(e => e.isDirectory() ? find(path.join(d, e.name)) : [path.join(d, e.name)]) : [];
    return find(logs).filter(f => /PaperCite\.log$|remoteexthost\.log$/.test(f))
      .map(f => `--- ${path.basename(f)}\n${fs.readFileSync(f, 'utf8').split('\n').slice(-60).join('\n')}`).join('\n');
  }

  /** The whole PaperCite log of this window, every session of it (e.g. across Reload Window). */
  paperCiteLog(): string {
    const udd = this.host.VSCODE_HOST_USER_DATA_DIR;
    if (!udd || !fs.existsSync(udd)) return '';
    return fs.readdirSync(udd, { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('PaperCite.log'))
      .map(f => fs.readFileSync(path.join(udd, f), 'utf8')).join('\n');
  }

  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    spawnSync('bash', [path.join(HOST_SCRIPTS, 'stop.sh'), this.host.VSCODE_HOST_PID, this.host.VSCODE_HOST_TMP], { stdio: 'inherit' });
    if (process.env.KEEP_TMP !== '1') fs.rmSync(this.tmp, { recursive: true, force: true });
  }

  /** Absolute path of a workspace file. */
  file(rel: string): string { return path.join(this.ws, rel); }
  read(rel: string): string { return fs.readFileSync(this.file(rel), 'utf8'); }

  /** Waits until a workspace file satisfies `pred` (files are written asynchronously). */
  async waitForFile(rel: string, pred: (text: string) => boolean, timeout = 15_000): Promise<string> {
    const end = Date.now() + timeout;
    let text = '';
    while (Date.now() < end) {
      text = fs.existsSync(this.file(rel)) ? this.read(rel) : '';
      if (pred(text)) return text;
      await sleep(150);
    }
    throw new Error(`${rel} did not reach the expected content in ${timeout} ms; it is:\n${text}`);
  }

  // ------------------------------------------------------------------ page objects
  get quickInput(): QuickInput { return new QuickInput(this.page); }
  get suggest(): Suggest { return new Suggest(this.page); }
  get editor(): Editor { return new Editor(this.page); }
  get notifications(): Locator { return this.page.locator('.notifications-toasts'); }

  /** Runs a command from the command palette by its title ("PaperCite: Insert Citation"). */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const q = this.quickInput;
    await q.input.waitFor({ state: 'visible' });
    await q.input.fill('>' + title);
    await q.row(title).waitFor({ timeout: 20_000 });
    await this.page.keyboard.press('Enter');
  }

  /** Lists the command palette's entries matching `filter` (titles as shown). */
  async paletteEntries(filter: string): Promise<string[]> {
    await this.page.keyboard.press('F1');
    const q = this.quickInput;
    await q.input.waitFor({ state: 'visible' });
    await q.input.fill('>' + filter);
    await q.rows.first().waitFor();
    await sleep(300);
    const labels = await q.rows.locator('.label-name').allInnerTexts();
    return labels.map(s => s.replace(/\s+/g, ' ').trim());
  }

  /** Opens a workspace file with Quick Open and waits for its editor. */
  async openFile(rel: string): Promise<Editor> {
    await this.page.keyboard.press('Control+P');
    const q = this.quickInput;
    await q.input.waitFor({ state: 'visible' });
    await this.page.keyboard.type(rel);
    // Pick the row of exactly this file: Enter before the filter settles may open a history entry.
    const row = q.rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${path.basename(rel).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) })
      .filter({ hasText: path.dirname(rel) === '.' ? '' : path.dirname(rel) }).first();
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    await this.page.locator('.tab.active', { hasText: path.basename(rel) }).waitFor({ timeout: 20_000 });
    const ed = this.editor;
    await ed.root.locator('.view-lines').waitFor();
    await ed.root.click({ position: { x: 200, y: 10 } }).catch(() => undefined);
    return ed;
  }

  /** Opens the PaperCite container in the activity bar. */
  async openPaperCiteView(): Promise<void> {
    // Clicking the icon of a container already showing would hide it.
    const item = this.page.locator('.activitybar .action-item', { has: this.page.locator('.action-label[aria-label^="PaperCite"]') });
    if (!(await item.getAttribute('class'))?.includes('checked')) await item.locator('.action-label').click();
    await this.page.locator('.pane-header', { hasText: 'Papers' }).first().waitFor({ timeout: 30_000 });
  }

  treeRow(text: string | RegExp): Locator {
    return this.page.locator('.pane-body .monaco-list-row[role="treeitem"]', { hasText: text });
  }

  /** The active webview's document (two nested iframes). */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  /** Reads the clipboard through the browser (permission granted at start). */
  async clipboard(): Promise<string> {
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  /** Hover text currently shown by the editor. */
  hover(): Locator { return this.page.locator('.monaco-hover:not(.hidden)').first(); }

  /** Problems panel rows. */
  async problems(): Promise<string[]> {
    await this.runCommand('View: Focus Problems');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    await rows.first().waitFor({ timeout: 20_000 });
    return rows.allInnerTexts();
  }
}

export class QuickInput {
  constructor(private readonly page: Page) {}
  get widget(): Locator { return this.page.locator('.quick-input-widget'); }
  get input(): Locator { return this.widget.locator('input.input, .quick-input-box input').first(); }
  get rows(): Locator { return this.widget.locator('.quick-input-list .monaco-list-row'); }
  row(text: string | RegExp): Locator { return this.rows.filter({ hasText: text }).first(); }
  async labels(): Promise<string[]> {
    return (await this.rows.allInnerTexts()).map(s => s.replace(/\s+/g, ' ').trim());
  }
  async waitClosed(): Promise<void> { await this.widget.waitFor({ state: 'hidden', timeout: 20_000 }); }
}

export class Suggest {
  constructor(private readonly page: Page) {}
  get widget(): Locator { return this.page.locator('.editor-widget.suggest-widget.visible'); }
  get rows(): Locator { return this.widget.locator('.monaco-list-row'); }
  row(text: string | RegExp): Locator { return this.rows.filter({ hasText: text }).first(); }
  /** Waits for the suggest widget to list `text`, re-triggering it with Ctrl+Space if needed. */
  async waitFor(text: string | RegExp, attempts = 4): Promise<void> {
    for (let i = 0; ; i++) {
      try { await this.row(text).waitFor({ timeout: 5_000 }); return; } catch (e) {
        if (i >= attempts) throw e;
        // While "No suggestions." shows, Ctrl+Space would only toggle details: close it first.
        await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('Control+Space');
      }
    }
  }
  /** Labels in display order. */
  async labels(): Promise<string[]> {
    return this.rows.evaluateAll(rows => rows
      .sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
      .map(r => (r.querySelector('.label-name')?.textContent ?? r.textContent ?? '').trim()));
  }
}

export class Editor {
  constructor(private readonly page: Page) {}
  get root(): Locator { return this.page.locator('.editor-instance .monaco-editor').first(); }
  /** The visible text, lines in order (Monaco recycles line nodes: sort by their top). */
  async text(): Promise<string> {
    return this.root.locator('.view-lines').evaluate(el => [...el.querySelectorAll<HTMLElement>('.view-line')]
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map(l => (l.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n'));
  }
  async waitForText(fragment: string, timeout = 20_000): Promise<void> {
    const end = Date.now() + timeout;
    let last = '';
    while (Date.now() < end) {
      last = await this.text();
      if (last.includes(fragment)) return;
      await sleep(150);
    }
    throw new Error(`editor never showed ${JSON.stringify(fragment)}; it shows:\n${last}`);
  }
  /** Puts the cursor at 1-based line/column with "Go to Line" (Ctrl+G, `:line:col`). */
  async goto(line: number, column = 1): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const q = new QuickInput(this.page);
    await q.input.waitFor({ state: 'visible' });
    await q.input.fill(`:${line}:${column}`);
    await sleep(150);
    await this.page.keyboard.press('Enter');
    await q.waitClosed();
  }
  /** Moves to the end of the given line. */
  async gotoLineEnd(line: number): Promise<void> {
    await this.goto(line, 1);
    await this.page.keyboard.press('End');
  }
  async type(text: string): Promise<void> { await this.page.keyboard.type(text, { delay: 25 }); }
  async save(): Promise<void> { await this.page.keyboard.press('Control+S'); }
}

/**
 * The hooks every suite needs: a screenshot of each failed test; at the end the log's tail when a
 * test failed (or E2E_DEBUG is set), then `beforeStop` (e.g. to report timings), then the stop.
 */
export function hostHooks(host: () => VsCodeHost | undefined, beforeStop?: (vs: VsCodeHost) => void): void {
  afterEach(async function () {
    const vs = host();
    if (vs && this.currentTest?.state === 'failed') await vs.shot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async function () {
    const vs = host();
    if (this.currentTest?.state === 'failed' || process.env.E2E_DEBUG) console.log(vs?.extensionLog());
    if (vs) beforeStop?.(vs);
    await vs?.stop();
  });
}

export function sleep(ms: number): Promise<void> { return new Promise(r => setTimeout(r, ms)); }

/** Waits until the whole PaperCite log of the host matches `re`. */
export async function waitForLog(vs: VsCodeHost, re: RegExp, timeout: number): Promise<RegExpMatchArray> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const m = vs.paperCiteLog().match(re);
    if (m) return m;
    await sleep(250);
  }
  throw new Error(`the PaperCite log never matched ${re} in ${timeout} ms; its tail:\n${vs.extensionLog()}`);
}

/** Polls the suggest widget for `text`, re-asking with Ctrl+Space now and then; returns when it showed. */
export async function waitForSuggestion(vs: VsCodeHost, text: string | RegExp, timeout: number): Promise<number> {
  const end = Date.now() + timeout;
  let lastAsk = Date.now();
  while (Date.now() < end) {
    if (await vs.suggest.row(text).isVisible().catch(() => false)) return Date.now();
    if (Date.now() - lastAsk > 600) {
      // Ctrl+Space in an open suggest widget ("No suggestions." included) only toggles details: close it first.
      if (await vs.page.locator('.editor-widget.suggest-widget.visible').count()) await vs.page.keyboard.press('Escape');
      await vs.page.keyboard.press('Control+Space');
      lastAsk = Date.now();
    }
    await sleep(50);
  }
  throw new Error(`no suggestion ${String(text)} within ${timeout} ms; the list shows: ${(await vs.suggest.labels().catch(() => [])).join(', ')}`);
}

/** Skips nothing: the host must be installed (npm test installs it). Fails with a clear message otherwise. */
export function requireHost(): void {
  const entry = path.join(HOST_DIR, 'app/node_modules/code-server/out/node/entry.js');
  if (!fs.existsSync(entry)) throw new Error(`VS Code host not installed at ${HOST_DIR}: run scripts/vscode-host/install.sh (npm test does)`);
}
