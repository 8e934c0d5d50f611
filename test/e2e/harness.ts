// End-to-end harness: PaperCite in a real VS Code (code-server 4.100.3 = VS Code 1.100), driven
// through Debian's Chromium with playwright-core, the way a user works: keys, clicks, the screen.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import type { Milestone, MilestoneName, PaperCiteState } from '../../src/extension/status';

export const ROOT = path.resolve(__dirname, '../..');
const HOST_SCRIPTS = path.join(ROOT, 'scripts/vscode-host');
export const HOST_DIR = process.env.VSCODE_HOST_DIR || path.join(os.homedir(), '.cache/papercite-vscode-host');
export const RESULTS = path.join(ROOT, 'test-results');
/** How long the workbench may take to react on a loaded machine (a cap on condition waits, not a pause). */
export const UI_TIMEOUT = 60_000;
/** A test-only extension loaded beside PaperCite: runs commands in the extension host for `command()`. */
const PROBE = path.join(__dirname, 'probe');
const EXTENSION_ID = 'papercite.papercite';

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
  private requestNo = 0;
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
    // The probe as an installed extension (code-server loads one development extension: PaperCite).
    fs.mkdirSync(extDir, { recursive: true });
    fs.cpSync(PROBE, path.join(extDir, 'papercite-tests.e2e-probe-0.0.1'), { recursive: true });
    fs.mkdirSync(path.join(tmp, 'probe'));
    const st = spawnSync('bash', [path.join(HOST_SCRIPTS, 'start.sh'), '--workspace', ws, '--extension', ROOT,
      '--user-data-dir', path.join(tmp, 'udd'), '--extensions-dir', extDir, '--settings', settingsFile],
    { env: { ...process.env, ...opts.env, VSCODE_HOST_DIR: HOST_DIR, PAPERCITE_E2E_PROBE_DIR: path.join(tmp, 'probe') }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
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
      await page.goto(host.VSCODE_HOST_URL, { timeout: 120_000 });
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
    let text = '';
    return waitFor(() => {
      text = fs.existsSync(this.file(rel)) ? this.read(rel) : '';
      return pred(text) && text;
    }, `${rel} reaching the expected content`, timeout, () => `it is:\n${text}`);
  }

  /**
   * Runs a command in the extension host (through the test probe) and returns its result. With
   * `ifActive`, a command of a PaperCite not yet activated is not run (asking must not activate
   * it): the answer is then `undefined`.
   */
  async command<T>(id: string, args: unknown[] = [], opts: { ifActive?: boolean; timeout?: number } = {}): Promise<T | undefined> {
    const dir = path.join(this.tmp, 'probe');
    const name = `${process.pid}-${++this.requestNo}`;
    const res = path.join(dir, `${name}.res.json`);
    fs.writeFileSync(path.join(dir, `${name}.req.tmp`), JSON.stringify({ command: id, args, ...(opts.ifActive ? { ifActive: EXTENSION_ID } : {}) }));
    fs.renameSync(path.join(dir, `${name}.req.tmp`), path.join(dir, `${name}.req.json`));
    try {
      const text = await waitFor(() => fs.existsSync(res) && fs.readFileSync(res, 'utf8'), `an answer to ${id} from the extension host`, opts.timeout ?? 30_000);
      const answer = JSON.parse(text) as { ok: boolean; value?: T; inactive?: boolean; error?: string };
      if (!answer.ok) throw new Error(`${id} failed in the extension host: ${answer.error}`);
      return answer.inactive ? undefined : answer.value;
    } finally {
      // A request no host took (e.g. across a window reload) must not run later.
      fs.rmSync(path.join(dir, `${name}.req.json`), { force: true });
      fs.rmSync(res, { force: true });
    }
  }

  /**
   * Waits until the open Insert Citation or Search Papers pick has answered `query` (the host's
   * rows for it, at least `rows` papers) and the screen shows that answer: its first keys, and the
   * highlight on the row Enter would take.
   */
  async waitForPick(query: string, rows = 1, timeout = 30_000): Promise<PickState> {
    const s = await this.waitForState(st => { const p = st.pick as PickState | undefined; return !!p && p.value === query && !p.busy && p.keys.length >= rows; },
      `the pick answering "${query}" with ${rows} paper${rows === 1 ? '' : 's'}`, timeout);
    const pick = s.pick as PickState;
    const q = this.quickInput;
    let shown = '';
    await waitFor(async () => {
      shown = (await q.widget.locator('.quick-input-list').innerText()).replace(/\s+/g, ' ');
      const active = (await q.active.innerText().catch(() => '')).replace(/\s+/g, ' ');
      return pick.keys.slice(0, Math.min(rows, 5)).every(k => shown.includes(k)) && (!pick.active || active.includes(pick.active));
    }, `the pick showing its answer to "${query}" (${pick.keys.slice(0, 5).join(', ')}; highlighted ${pick.active})`, timeout, () => `it shows: ${shown.slice(0, 1500)}`);
    return pick;
  }

  /** PaperCite's state in this window (papercite.getState), or undefined while it is not active. */
  async state(): Promise<PaperCiteState | undefined> {
    return this.command<PaperCiteState>('papercite.getState', [], { ifActive: true });
  }

  /** Waits until PaperCite's state satisfies `pred`; returns that state. */
  async waitForState(pred: (s: PaperCiteState) => boolean, what: string, timeout = 60_000): Promise<PaperCiteState> {
    let last: PaperCiteState | undefined;
    return waitFor(async () => {
      // One slow answer (a reloading window) is one miss, not the end of the wait.
      last = await this.command<PaperCiteState>('papercite.getState', [], { ifActive: true, timeout: 10_000 }).catch(() => last);
      return last && pred(last) ? last : undefined;
    }, what, timeout, () => `the last state: ${last ? JSON.stringify({ ...last, milestones: last.milestones.slice(-15) }) : 'PaperCite not active'}`, 200);
  }

  /** Waits for a milestone of this session matching `pred` (e.g. `source.changed` of refs.bib). */
  async waitForMilestone(name: MilestoneName, pred: (m: Milestone) => boolean = () => true, timeout = 60_000, what = `the milestone ${name}`): Promise<Milestone> {
    const s = await this.waitForState(st => st.milestones.some(m => m.name === name && pred(m)), what, timeout);
    return s.milestones.filter(m => m.name === name && pred(m)).pop()!;
  }

  /** Waits until the library finished loading (state ready) and returns the state. */
  async waitForLibraryReady(timeout = 180_000): Promise<PaperCiteState> {
    return this.waitForState(s => s.milestones.some(m => m.name === 'library.ready'), 'the library loading (library.ready)', timeout);
  }

  // ------------------------------------------------------------------ page objects
  get quickInput(): QuickInput { return new QuickInput(this.page); }
  get suggest(): Suggest { return new Suggest(this.page); }
  get editor(): Editor { return new Editor(this.page); }
  get notifications(): Locator { return this.page.locator('.notifications-toasts'); }

  /**
   * Shows `>filter` in the command palette. The palette closes when the focus moves (a view or panel
   * still settling takes it): called in a wait, it opens and fills it again whenever it is not showing.
   */
  private async paletteShowing(filter: string): Promise<QuickInput> {
    const q = this.quickInput;
    if (!(await q.input.isVisible())) {
      await this.page.keyboard.press('F1');
      await q.input.waitFor({ state: 'visible', timeout: 5_000 });
    }
    if ((await q.input.inputValue()) !== '>' + filter) await q.input.fill('>' + filter, { timeout: 5_000 });
    return q;
  }

  /** Runs a command from the command palette by its title ("PaperCite: Insert Citation"). */
  async runCommand(title: string): Promise<void> {
    // Enter runs the highlighted row: pressed only once it is the command.
    await waitFor(async () => {
      const q = await this.paletteShowing(title);
      // Exactly the command ("Insert Citation", not "Insert Citation in Editor"), or it with a gloss ("(Errors, Warnings, Infos)").
      const label = (await q.active.locator('.label-name').first().innerText({ timeout: 1_000 })).replace(/\s+/g, ' ').trim();
      return label === title || label.startsWith(`${title} (`);
    }, `the command palette highlighting "${title}"`, UI_TIMEOUT, async () => `it lists: ${(await this.quickInput.labels()).join(' | ')}`);
    await this.page.keyboard.press('Enter');
  }

  /**
   * Picks `file` in VS Code's own file dialog (the browser's path box): types the path once the dialog
   * has shown its folder, and again whenever the dialog resets the box, presses Enter only while the highlighted
   * row is that file (the dialog answers each keystroke asynchronously and may ignore an early Enter),
   * and types it again if the dialog is still open afterwards. `beforeEnter` runs with the path shown.
   */
  async pickFile(file: string, beforeEnter?: () => Promise<unknown>): Promise<void> {
    const q = this.quickInput;
    const name = path.basename(file);
    for (let attempt = 1; ; attempt++) {
      await q.input.waitFor({ state: 'visible' });
      await waitFor(async () => (await q.input.inputValue()).endsWith('/'), 'the file dialog showing its folder', UI_TIMEOUT,
        async () => `its box holds "${await q.input.inputValue().catch(() => '?')}"`);
      // The dialog may still reset its box to the folder after showing it: type the path again whenever
      // the box no longer holds it.
      await waitFor(async () => {
        if ((await q.input.inputValue()) !== file) { await q.input.fill(file); return false; }
        return (await q.active.innerText().catch(() => '')).includes(name);
      }, `the file dialog highlighting ${name}`, UI_TIMEOUT,
        async () => `its box holds "${await q.input.inputValue().catch(() => '?')}", rows: ${(await q.labels()).join(' | ')}`);
      if (attempt === 1) await beforeEnter?.();
      await this.page.keyboard.press('Enter');
      try { await q.waitClosed(); return; } catch (e) { if (attempt >= 3) throw e; }
    }
  }

  /** Lists the command palette's entries matching `filter` (titles as shown). */
  async paletteEntries(filter: string): Promise<string[]> {
    // The list shows the filter's result once every row matches it (before, it may show recent commands).
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    return waitFor(async () => {
      const q = await this.paletteShowing(filter);
      const labels = (await q.rows.locator('.label-name').allInnerTexts()).map(s => s.replace(/\s+/g, ' ').trim());
      return labels.length > 0 && labels.every(l => words.every(w => l.toLowerCase().includes(w))) && labels;
    }, `the command palette filtered to "${filter}"`, UI_TIMEOUT, async () => `it lists: ${(await this.quickInput.labels()).join(' | ')}`);
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
    await row.waitFor({ timeout: UI_TIMEOUT });
    await row.click();
    await this.page.locator('.tab.active', { hasText: path.basename(rel) }).waitFor({ timeout: UI_TIMEOUT });
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

  /**
   * Picks a colour theme in "Preferences: Color Theme" by its label and waits until the workbench
   * and, when one is open, the webview say they use it (their theme-kind classes).
   */
  async setColorTheme(label: 'Light Modern' | 'Dark Modern' | 'Dark High Contrast'): Promise<void> {
    const kind = { 'Light Modern': ['vs', 'vscode-light'], 'Dark Modern': ['vs-dark', 'vscode-dark'], 'Dark High Contrast': ['hc-black', 'vscode-high-contrast'] }[label];
    await this.editor.root.click({ position: { x: 300, y: 200 } });
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+T');
    const q = this.quickInput;
    await q.rows.filter({ hasText: 'Light Modern' }).first().waitFor({ timeout: 20_000 });
    await q.input.fill(label);
    await q.rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first().click();
    await q.waitClosed();
    const hasWebview = (await this.page.locator('iframe.webview.ready').count()) > 0;
    await waitFor(async () => {
      const workbench = ((await this.page.locator('.monaco-workbench').getAttribute('class')) ?? '').split(/\s+/);
      if (!workbench.includes(kind[0]!)) return false;
      if (!hasWebview) return true;
      const body = ((await this.webview().locator('body').getAttribute('class', { timeout: 2_000 })) ?? '').split(/\s+/);
      return body.includes(kind[1]!);
    }, `the workbench${hasWebview ? ' and the webview' : ''} in the ${label} theme`, 20_000);
  }

  /**
   * Hovers `row` until its tooltip holding `text` shows, and returns the tooltip. The mouse leaves and
   * comes back while none shows: a tree re-rendered under a resting pointer (a regrouping, a
   * refresh) never tells VS Code the pointer entered the new row.
   */
  async tooltipOf(row: Locator, text: string, timeout = 30_000): Promise<Locator> {
    const tip = this.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: text }).first();
    let hovered = 0;
    await waitFor(async () => {
      if (await tip.isVisible()) return true;
      if (hovered && Date.now() - hovered < 3_000) return false;
      await this.page.mouse.move(700, 500);
      await row.hover();
      hovered = Date.now();
      return false;
    }, `a tooltip holding "${text}"`, timeout, async () => `the row reads: ${(await row.innerText().catch(() => '(gone)')).replace(/\s+/g, ' ')}`);
    // Shown whole, not half faded in (a screenshot may follow).
    await waitFor(() => tip.evaluate(el => {
      for (let e: Element | null = el; e; e = e.parentElement) if (e.getAnimations().some(a => a.playState === 'running')) return false;
      return true;
    }), `the tooltip holding "${text}" done fading in`, 10_000);
    return tip;
  }

  /** Waits until no hover or tooltip shows (e.g. after moving the mouse away, before a screenshot). */
  async noHover(): Promise<void> {
    await waitFor(async () => !(await this.page.locator('.monaco-hover:not(.hidden), .workbench-hover').filter({ visible: true }).count()), 'the hover hiding', 20_000);
  }

  /**
   * Opens the code-action menu (Ctrl+.) at the cursor until it lists `title`, and returns its row.
   * The menu is asked again when it opened without it: an action whose provider was still
   * registering, or whose answer came late, is not added to a menu already shown.
   */
  async openCodeActions(title: string, timeout = 30_000): Promise<Locator> {
    const row = this.page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    let asked = 0;
    await waitFor(async () => {
      if (await row.isVisible()) return true;
      if (asked && Date.now() - asked < 2_000) return false;
      if (await this.page.locator('.action-widget').filter({ visible: true }).count()) await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('Control+.');
      asked = Date.now();
      return false;
    }, `the code action "${title}"`, timeout, async () => `the menu shows: ${(await this.page.locator('.action-widget').innerText().catch(() => '(none)')).replace(/\s+/g, ' ')}`);
    return row;
  }

  /** Runs the code action `title` of the open menu (keys: a pointer block covers it for synthetic clicks). */
  async chooseCodeAction(title: string): Promise<void> {
    const focused = this.page.locator('.action-widget .monaco-list-row.focused').first();
    for (let i = 0; i < 20 && !(await focused.innerText().catch(() => '')).includes(title); i++) await this.page.keyboard.press('ArrowDown');
    assert.ok((await focused.innerText()).includes(title), `the code action "${title}" could not be focused`);
    await this.page.keyboard.press('Enter');
  }

  /**
   * The text of the notification matching `text`: its toast, or (a warning's toast hides itself
   * after a while, sooner than a loaded machine may look) its entry in the notification centre.
   */
  async notification(text: RegExp, timeout = UI_TIMEOUT): Promise<string> {
    const toast = this.page.locator('.notification-toast', { hasText: text }).first();
    const listed = this.page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
    return waitFor(async () => {
      if (await toast.isVisible()) return toast.innerText();
      if (await listed.isVisible()) return listed.innerText();
      if (!(await this.page.locator('.notifications-center.visible').count())) await this.runCommand('Notifications: Show Notifications');
      return undefined;
    }, `a notification ${text}`, timeout);
  }

  /** Reads the clipboard through the browser (permission granted at start). */
  async clipboard(): Promise<string> {
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  /** Waits until the clipboard satisfies `pred` (commands write it asynchronously); returns its text. */
  async waitForClipboard(pred: (text: string) => boolean, timeout = 10_000): Promise<string> {
    let clip = '';
    return waitFor(async () => pred(clip = await this.clipboard()) && clip, 'the clipboard receiving the expected text', timeout, () => `it holds: ${JSON.stringify(clip)}`);
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

/** The open paper pick as the host has it (papercite.getState's `pick`). */
export interface PickState { value: string; busy: boolean; keys: string[]; active?: string; ticked: string[] }

export class QuickInput {
  constructor(private readonly page: Page) {}
  /** The highlighted row (Enter takes it). */
  get active(): Locator { return this.widget.locator('.quick-input-list .monaco-list-row.focused').first(); }
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
  /** Waits until the first row, highlighted (Enter takes it), shows `text`. */
  async waitForFirst(text: string | RegExp, timeout = 20_000): Promise<void> {
    await this.widget.locator('.monaco-list-row.focused[data-index="0"]', { hasText: text }).waitFor({ timeout });
  }
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
  /**
   * Asks for suggestions at the cursor (Ctrl+Space) and returns the labels of the answer once the
   * widget shows it: its rows, or none when it says "No suggestions." (never while "Loading…").
   */
  async answer(timeout = 20_000): Promise<string[]> {
    const widget = this.page.locator('.editor-widget.suggest-widget');
    // Ctrl+Space in an open widget only toggles details: close it first.
    if (await this.widget.count()) await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+Space');
    const message = widget.locator('.message');
    return waitFor(async () => {
      if (!(await this.widget.count())) return undefined;
      const said = (await message.isVisible()) ? (await message.innerText()).trim() : '';
      if (/loading/i.test(said)) return undefined;
      if (/no suggestions/i.test(said)) return [] as string[]; // an empty array is a truthy answer
      return (await this.rows.count()) ? this.labels() : undefined;
    }, 'the suggest widget showing its answer', timeout, async () => `it shows: ${await widget.innerText().catch(() => 'nothing')}`);
  }

  /**
   * Labels in display order, read once the list's rows are all drawn: while the editor redraws a
   * list (a later answer to the same query), some rows are missing for a moment (a CI run read rows
   * 1–6 without row 0). Read until the drawn rows run from row 0 without a gap and two reads in a
   * row agree (a list scrolled away from its top never settles: read it before moving); none while
   * the widget shows no rows.
   */
  async labels(timeout = 10_000): Promise<string[]> {
    const read = () => this.rows.evaluateAll(rows => rows
      .map(r => [Number(r.getAttribute('data-index')), (r.querySelector('.label-name')?.textContent ?? r.textContent ?? '').trim()] as [number, string])
      .sort((a, b) => a[0] - b[0]));
    let last = '';
    let seen: [number, string][] = [];
    return waitFor(async () => {
      seen = await read();
      if (!seen.length) return [] as string[]; // an empty array is a truthy answer
      const now = JSON.stringify(seen);
      const settled = now === last && seen.every(([i], k) => i === k);
      last = now;
      return settled && seen.map(r => r[1]);
    }, 'the suggest list drawn whole', timeout, () => `rows drawn: ${JSON.stringify(seen)}`, 50);
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
    let last = '';
    await waitFor(async () => (last = await this.text()).includes(fragment), `the editor showing ${JSON.stringify(fragment)}`, timeout, () => `it shows:\n${last}`);
  }
  /** Puts the cursor at 1-based line/column with "Go to Line" (Ctrl+G, `:line:col`). */
  async goto(line: number, column = 1): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const q = new QuickInput(this.page);
    await q.input.waitFor({ state: 'visible' });
    await q.input.fill(`:${line}:${column}`);
    // Enter goes where the picker says it will go: wait until it says so.
    await q.widget.filter({ hasText: new RegExp(`line ${line}\\b`, 'i') }).waitFor({ timeout: 10_000 });
    await this.page.keyboard.press('Enter');
    await q.waitClosed();
  }
  /** The text of one line (1-based) as shown. */
  async line(n: number): Promise<string> {
    return (await this.text()).split('\n')[n - 1] ?? '';
  }

  /**
   * Accepts the highlighted suggestion (Enter) for the citation key being typed on line `n` and
   * returns the key the editor then shows in place of `typed`.
   */
  async acceptSuggestion(n: number, typed: string): Promise<string> {
    await this.page.keyboard.press('Enter');
    let shown = '';
    return waitFor(async () => {
      shown = /[{,;@]\s*([^{,;@\s}]*)$/.exec(await this.line(n))?.[1] ?? '';
      return shown !== typed && shown;
    }, `the accepted key replacing "${typed}" on line ${n}`, 10_000, () => `line ${n} ends with "${shown}"`);
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
export function hostHooks(host: () => VsCodeHost | undefined, beforeStop?: (vs: VsCodeHost) => void | Promise<void>): void {
  afterEach(async function () {
    const vs = host();
    if (vs && this.currentTest?.state === 'failed') await vs.shot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async function () {
    const vs = host();
    if (this.currentTest?.state === 'failed' || process.env.E2E_DEBUG) console.log(vs?.extensionLog());
    if (vs) await Promise.resolve(beforeStop?.(vs)).catch(e => console.log(`      (report failed: ${String(e)})`));
    await vs?.stop();
  });
}

/** For bench/ui.ts, which paces a user's typing; tests wait on conditions (`waitFor`), never on the clock. */
export function sleep(ms: number): Promise<void> { return new Promise(r => setTimeout(r, ms)); }

/**
 * Waits until `condition` returns a truthy value (checked every `interval` ms) and returns it; else
 * fails saying what never happened, and with `detail` what was seen instead. Tests wait on
 * conditions, never on the clock: a loaded machine only makes the wait longer.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, what: string, timeout = 20_000,
  detail?: () => string | Promise<string>, interval = 100): Promise<Exclude<T, false | 0 | '' | null | undefined>> {
  const end = Date.now() + timeout;
  let error: unknown;
  for (;;) {
    try {
      const v = await condition();
      if (v) return v as Exclude<T, false | 0 | '' | null | undefined>;
      error = undefined;
    } catch (e) { error = e; }
    if (Date.now() >= end) break;
    await sleep(interval);
  }
  const seen = detail ? await Promise.resolve(detail()).catch(e => `(could not tell: ${String(e)})`) : '';
  throw new Error(`${what} never happened in ${timeout} ms${seen ? `; ${seen}` : ''}${error ? `; the last check threw: ${String(error)}` : ''}`);
}

/** A suite's line printer for the run's report (figures, what happened; never an assertion): `[suite] line`. */
export function reporter(suite: string): (line: string) => void {
  return line => console.log(`      [${suite}] ${line}`);
}

/** Prints this session's milestones that `pick` selects, for the run's report (never an assertion). */
export async function reportMilestones(vs: VsCodeHost, pick: (m: Milestone) => boolean, prefix = ''): Promise<void> {
  const s = await vs.state().catch(() => undefined);
  for (const { name, ...fields } of s?.milestones.filter(pick) ?? []) console.log(`      ${prefix}in the host: ${name} ${JSON.stringify(fields)}`);
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
