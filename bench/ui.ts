// `npm run bench:ui`: citation completion in a real VS Code (code-server + Chromium, the e2e
// harness) with the 74 MB ACL Anthology as the document's bibliography. Types 24 queries into
// `\cite{` key by key, each for one known paper, and reads the first five rows of the suggest widget:
// hit@5 per query form, the time each keystroke takes to a settled list, and the time from typing to
// the intended paper on screen in a fresh window (cold) and after Reload Window (warm cache).
// With LATEX_WORKSHOP_VSIX=/path/to/latex-workshop.vsix, LaTeX Workshop runs beside PaperCite and
// each row is attributed to the extension that gave it (duplicates and order of the merged list).
// Results: bench/results/ui.json and a table on stdout.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { requireHost, ROOT, sleep, VsCodeHost } from '../test/e2e/harness';
import { CITE_QUERIES } from './citeQueries';
import { median, unpackAnthology } from './data';

interface Query { form: string; text: string; key: string }

/** The 24 queries of the ranking's unit test (bench/citeQueries.ts), typed here into the editor. */
const QUERIES: Query[] = CITE_QUERIES.map(q => ({ form: q.form, text: q.query, key: q.target }));

/** The query typed to time the first useful list (cold and after reload); works with both query rules. */
const PROBE: Query = { form: 'probe', text: process.env.BENCH_UI_PROBE ?? 'devlin-bert', key: process.env.BENCH_UI_PROBE_KEY ?? 'devlin-etal-2019-bert' };
/** A list unchanged this long after a keystroke counts as settled. */
const QUIET_MS = 400;
/**
 * After a query's last key the list must stay unchanged this long before it is read for the hit: a
 * stalled extension host (LaTeX Workshop parsing the Anthology on the same thread) can hold an
 * answer back for longer than QUIET_MS, and the list read would be an older one.
 */
const FINAL_QUIET_MS = 1500;
/** Bounds: one keystroke's settling, the first list of a window, the library's first load. */
const KEY_MAX_MS = 10_000;
const FIRST_LIST_MAX_MS = 240_000;
const LOAD_MAX_MS = 480_000;
/** The empty line the queries are typed on. */
const TYPE_LINE = 5;

const MAIN_TEX = [
  '\\documentclass{article}',
  '\\usepackage{natbib}',
  '\\begin{document}',
  'Statistical machine translation \\citep{koehn-etal-2007-moses} and word vectors.',
  '',
  '',
  '\\bibliographystyle{acl_natbib}',
  '\\bibliography{anthology}',
  '\\end{document}',
  '',
].join('\n');

interface Row { key: string; title: string; by: 'PaperCite' | 'other' }
interface WidgetState { open: boolean; message: string; rows: Row[] }
const top5 = (s: WidgetState) => s.rows.slice(0, 5);

/** Rows read from the widget: the first five count for hits; the rest show how a merged list goes on. */
const SHOWN_ROWS = 12;

// Code run in the page is kept as JavaScript text: tsx's helpers (`__name`) do not exist there.
// PaperCite's items have a structured label (key + title as its description); LaTeX Workshop's and
// VS Code's word items have a plain string label, which the widget marks with the class string-label.
const READ_WIDGET = `(() => {
  const w = document.querySelector('.editor-widget.suggest-widget.visible');
  if (!w) return { open: false, message: '', rows: [] };
  const msg = w.querySelector('.message');
  const message = msg && msg.style.display !== 'none' && msg.offsetParent !== null ? (msg.textContent || '').trim() : '';
  const rows = [...w.querySelectorAll('.monaco-list-row')]
    .filter(r => Number(r.getAttribute('data-index')) < ${SHOWN_ROWS})
    .sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
    .map(r => {
      const byPaperCite = !r.classList.contains('string-label') && !r.querySelector('.string-label');
      const title = byPaperCite ? ((r.querySelector('.details-label') || {}).textContent || '').trim() : '';
      return { key: ((r.querySelector('.label-name') || {}).textContent || '').trim(), title, by: byPaperCite ? 'PaperCite' : 'other' };
    });
  return { open: true, message, rows };
})`;
const STATE_KEY = '(s => `${s.open}|${s.message}|${s.rows.map(r => `${r.by}:${r.key}`).join(\',\')}`)';

/** The suggest widget as shown: its message ("No suggestions.", "Loading…") and its first five rows. */
function readWidget(page: Page): Promise<WidgetState> {
  return page.evaluate(`${READ_WIDGET}()`) as Promise<WidgetState>;
}

const stateKey = (s: WidgetState) => `${s.open}|${s.message}|${s.rows.map(r => `${r.by}:${r.key}`).join(',')}`;

/**
 * Watches the widget in the page from `t0` (the keystroke) until it has not changed for QUIET_MS;
 * returns when it last changed (ms after t0) and what it shows then.
 */
async function settle(page: Page, before: WidgetState, t0: number, quiet = QUIET_MS): Promise<{ ms: number; state: WidgetState; timedOut: boolean }> {
  return page.evaluate(`(async () => {
    const read = ${READ_WIDGET};
    const key = ${STATE_KEY};
    const before = ${JSON.stringify(before)};
    const t0 = ${t0};
    let last = key(before);
    let changed = t0;
    let state = before;
    for (;;) {
      await new Promise(r => setTimeout(r, 8));
      const now = Date.now();
      const s = read();
      const k = key(s);
      if (k !== last) { last = k; changed = now; state = s; }
      if (now - changed >= ${quiet} && now - t0 >= ${quiet}) return { ms: changed - t0, state, timedOut: false };
      if (now - t0 > ${KEY_MAX_MS}) return { ms: changed - t0, state, timedOut: true };
    }
  })()`) as Promise<{ ms: number; state: WidgetState; timedOut: boolean }>;
}

/** Empties the typing line and puts the cursor on it. */
async function freshLine(vs: VsCodeHost): Promise<void> {
  await vs.page.keyboard.press('Escape');
  await vs.editor.goto(TYPE_LINE, 1);
  await vs.page.keyboard.press('End');
  await vs.page.keyboard.press('Shift+Home');
  await vs.page.keyboard.press('Delete');
}

interface QueryResult extends Query { hit: boolean; rank: number; top5: Row[]; shown: Row[]; message: string; keystrokeMs: number[]; timedOut: number }

/** Types `\cite{` and the query key by key, waiting for a settled list after each key of the query. */
async function runQuery(vs: VsCodeHost, q: Query): Promise<QueryResult> {
  await freshLine(vs);
  await vs.page.keyboard.type('\\cite{', { delay: 30 });
  let state = (await settle(vs.page, await readWidget(vs.page), Date.now())).state;
  const keystrokeMs: number[] = [];
  let timedOut = 0;
  for (const [i, ch] of [...q.text].entries()) {
    const t0 = Date.now();
    await vs.page.keyboard.type(ch);
    const s = await settle(vs.page, state, t0, i === q.text.length - 1 ? FINAL_QUIET_MS : QUIET_MS);
    keystrokeMs.push(s.ms);
    if (s.timedOut) timedOut++;
    state = s.state;
  }
  const rank = top5(state).findIndex(r => r.key === q.key);
  // No list at all: keep what the screen showed (test-results/bench-ui/).
  if (!state.rows.length) await vs.shot(`no-list-${q.text.replace(/\W+/g, '-')}`);
  await vs.page.keyboard.press('Escape');
  return { ...q, hit: rank >= 0, rank: rank + 1, top5: top5(state), shown: state.rows, message: state.message, keystrokeMs, timedOut };
}

interface FirstList {
  ms: number | null; retriggers: number; typedMs: number; shown: Row[]; message: string;
  /** When typing began (epoch ms), and each change of the widget after it (ms from then). */
  t0: number; timeline: { ms: number; open: boolean; message: string; rows: string[] }[];
}

/**
 * Types `\cite{` + the probe at a typist's pace, then waits for the intended paper in the first five
 * rows; like a user, presses Ctrl+Space again when the widget (closed, "No suggestions.", or the
 * same rows) has not changed for a second, but not while it says "Loading…".
 */
async function firstList(vs: VsCodeHost): Promise<FirstList> {
  await freshLine(vs);
  const t0 = Date.now();
  const timeline: FirstList['timeline'] = [];
  let seen = '';
  let hitMs: number | undefined;
  // The widget is read after each key too: when the list first showed matters, not only when typing ended.
  for (const ch of `\\cite{${PROBE.text}`) {
    await vs.page.keyboard.type(ch);
    const s = await readWidget(vs.page);
    const k = stateKey(s);
    if (k !== seen && timeline.length < 300) timeline.push({ ms: Date.now() - t0, open: s.open, message: s.message, rows: s.rows.map(r => `${r.by === 'PaperCite' ? '' : '*'}${r.key}`) });
    seen = k;
    if (hitMs === undefined && top5(s).some(r => r.key === PROBE.key)) hitMs = Date.now() - t0;
    await sleep(60);
  }
  const typedMs = Date.now() - t0;
  let retriggers = 0;
  let lastKey = '';
  let lastChange = Date.now();
  let lastAsk = Date.now();
  let state: WidgetState = { open: false, message: '', rows: [] };
  while (Date.now() - t0 < FIRST_LIST_MAX_MS) {
    state = await readWidget(vs.page);
    const k = stateKey(state);
    if (k !== seen && timeline.length < 300) timeline.push({ ms: Date.now() - t0, open: state.open, message: state.message, rows: state.rows.map(r => `${r.by === 'PaperCite' ? '' : '*'}${r.key}`) });
    seen = k;
    if (top5(state).some(r => r.key === PROBE.key)) {
      const ms = hitMs ?? Date.now() - t0;
      await vs.page.keyboard.press('Escape');
      return { ms, retriggers, typedMs, shown: top5(state), message: state.message, t0, timeline };
    }
    if (k !== lastKey) { lastKey = k; lastChange = Date.now(); }
    // At most once a second, as a user would; never while a request is under way ("Loading…"):
    // Escape would cancel it.
    const idle = !state.open || (!!state.message && !/^Loading/.test(state.message)) || (state.rows.length > 0 && !state.message);
    if (idle && Date.now() - lastChange > 1000 && Date.now() - lastAsk > 1000) {
      if (state.open) await vs.page.keyboard.press('Escape');
      await vs.page.keyboard.press('Control+Space');
      retriggers++;
      lastAsk = Date.now();
      lastKey = '';
      lastChange = Date.now();
    }
    await sleep(20);
  }
  await vs.page.keyboard.press('Escape');
  return { ms: null, retriggers, typedMs, shown: top5(state), message: state.message, t0, timeline };
}

/** When the intended paper showed, counted from the last key typed (0: it showed while typing). */
function afterLastKey(f: FirstList): string {
  return f.ms === null ? 'never' : `${Math.max(0, f.ms - f.typedMs)} ms`;
}

async function waitForLog(vs: VsCodeHost, re: RegExp, count: number, timeout: number): Promise<string[]> {
  const end = Date.now() + timeout;
  let found: string[] = [];
  while (Date.now() < end) {
    found = vs.paperCiteLog().match(new RegExp(re.source, 'g')) ?? [];
    if (found.length >= count) return found;
    await sleep(250);
  }
  throw new Error(`the PaperCite log never matched ${re} ${count} time(s) in ${timeout} ms`);
}

/** Waits until the parse cache in the host's global storage stops growing (it is written after the first load). */
async function waitForCache(vs: VsCodeHost, timeout = 60_000): Promise<boolean> {
  const udd = path.join(vs.tmp, 'udd');
  const end = Date.now() + timeout;
  let last = '';
  while (Date.now() < end) {
    const files = fs.readdirSync(udd, { recursive: true, encoding: 'utf8' }).filter(f => f.includes('parse-cache') && !f.endsWith('parse-cache'));
    const sig = files.map(f => { try { return `${f}:${fs.statSync(path.join(udd, f)).size}`; } catch { return f; } }).sort().join('|');
    if (files.length && sig === last) return true;
    last = sig;
    await sleep(1000);
  }
  return false;
}

async function reloadWindow(vs: VsCodeHost): Promise<number> {
  const page = vs.page;
  const t = Date.now();
  const navigated = page.waitForEvent('framenavigated', { predicate: f => f === page.mainFrame(), timeout: 120_000 });
  await vs.runCommand('Developer: Reload Window');
  await navigated;
  await page.waitForLoadState('load');
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 120_000 });
  return Date.now() - t;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
};

/** The log lines that say where a window's first list waited, with their time stamps. */
const TIMING_LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \[\w+\] (\[(?:library|cite|activate)\] (?:activation →|first completion|call \d+ at|the extension host.s thread|completion: |anthology\.bib: (?:searchable|\d+ entries)|PaperCite \d|project \.bib|.*took|.*stall).*)$/gm;

/** A window's timing lines, each with its time after typing began (VS Code logs local time). */
function timingLines(session: string | undefined, t0: number): string[] {
  return [...(session ?? '').matchAll(TIMING_LINE)].map(m => `${String(new Date(m[1]!.replace(' ', 'T')).getTime() - t0).padStart(7)} ms  ${m[2]}`);
}

async function main(): Promise<void> {
  requireHost();
  const bib = unpackAnthology();
  if (!bib) throw new Error('../shared/testdata/bib/anthology+abstracts.bib.gz is absent: bench:ui needs the Anthology');
  if (!fs.existsSync(path.join(ROOT, 'dist/extension.js')) || process.env.BENCH_UI_BUILD !== '0') execFileSync(process.execPath, [path.join(ROOT, 'esbuild.config.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const lwVsix = process.env.LATEX_WORKSHOP_VSIX;
  const lwBibMb = Number(process.env.LATEX_WORKSHOP_BIB_MB ?? 100);
  if (lwVsix && !fs.existsSync(lwVsix)) throw new Error(`LATEX_WORKSHOP_VSIX=${lwVsix} does not exist`);
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-bench-ui-'));
  fs.writeFileSync(path.join(src, 'main.tex'), MAIN_TEX);
  // BENCH_UI_ENTRIES=N: only the first N entries (and the probe's), to tell the window's own start-up
  // from the time a big library takes.
  const entries = Number(process.env.BENCH_UI_ENTRIES ?? 0);
  if (entries > 0) {
    const all = fs.readFileSync(bib, 'utf8').split(/\n(?=@)/);
    fs.writeFileSync(path.join(src, 'anthology.bib'), all.filter((e, i) => i < entries || e.includes(`{${PROBE.key},`)).join('\n'));
  } else fs.copyFileSync(bib, path.join(src, 'anthology.bib'));
  const started = new Date();
  const tStart = Date.now();
  let vs: VsCodeHost | undefined;
  try {
    vs = await VsCodeHost.start({
      name: 'bench-ui',
      workspace: src,
      ...(lwVsix ? { vsix: [lwVsix] } : {}),
      settings: lwVsix ? {
        // LaTeX Workshop skips a .bib over 5 MB; the Anthology is 74 MB. 0 is what PaperCite's offer sets.
        'latex-workshop.bibtex.maxFileSize': lwBibMb,
        'latex-workshop.latex.autoBuild.run': 'never',
        'latex-workshop.message.update.show': false,
      } : {},
    });
    console.log(`bench:ui: code-server up in ${Date.now() - tStart} ms${lwVsix ? ` with LaTeX Workshop (${path.basename(lwVsix)})` : ''}`);
    await vs.openFile('main.tex');
    const cold = await firstList(vs);
    console.log(`bench:ui: cold first list ${cold.ms ?? 'never'} ms after typing began, ${afterLastKey(cold)} after the last key (${cold.retriggers} Ctrl+Space)`);
    await waitForLog(vs, /\[library\] activation → ready.*/, 1, LOAD_MAX_MS);

    const results: QueryResult[] = [];
    // BENCH_UI_QUERIES=0: only the first lists (cold and after reload), e.g. while working on start-up.
    for (const q of process.env.BENCH_UI_QUERIES === '0' ? [] : QUERIES) {
      const r = await runQuery(vs, q);
      results.push(r);
      console.log(`  ${r.hit ? 'hit ' : 'miss'} ${q.text.padEnd(32)} rank ${r.rank || '-'}  [${r.top5.map(x => `${x.by === 'PaperCite' ? '' : '*'}${x.key}`).join(', ')}]${r.message ? ` "${r.message}"` : r.top5.length ? '' : ' (no list)'}`);
    }

    const cacheLanded = await waitForCache(vs);
    const readyBefore = (vs.paperCiteLog().match(/\[library\] activation → ready/g) ?? []).length;
    const reloadMs = await reloadWindow(vs);
    await vs.openFile('main.tex');
    const warm = await firstList(vs);
    console.log(`bench:ui: after Reload Window, first list ${warm.ms ?? 'never'} ms after typing began, ${afterLastKey(warm)} after the last key (${warm.retriggers} Ctrl+Space)`);
    await waitForLog(vs, /\[library\] activation → ready.*/, readyBefore + 1, 120_000).catch(() => undefined);
    const log = vs.paperCiteLog();
    // One log per window session; the first and the last by time.
    const sessions = log.split(/(?=^.*\[activate\] PaperCite )/m).filter(s => /\[activate\] PaperCite /.test(s))
      .sort((a, b) => (/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}/.exec(a)?.[0] ?? '').localeCompare(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}/.exec(b)?.[0] ?? ''));

    const forms = [...new Set(QUERIES.map(q => q.form))];
    const byForm = forms.map(form => {
      const rs = results.filter(r => r.form === form);
      return { form, hits: rs.filter(r => r.hit).length, of: rs.length };
    });
    const keys = results.flatMap(r => r.keystrokeMs);
    // Beside LaTeX Workshop: which extension gave each of the rows shown, and keys listed twice.
    const merged = lwVsix ? results.map(r => ({
      query: r.text,
      rows: r.shown.map(x => `${x.by}:${x.key}`),
      otherRows: r.shown.filter(x => x.by === 'other').length,
      duplicates: r.shown.filter(x => x.by === 'other' && r.shown.some(y => y.by === 'PaperCite' && y.key === x.key)).map(x => x.key),
      firstOtherRow: r.shown.findIndex(x => x.by === 'other') + 1,
    })) : undefined;
    const out = {
      date: started.toISOString(),
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg().map(x => Number(x.toFixed(2))), node: process.version },
      method: `code-server (VS Code 1.100) + Chromium; ${path.basename(bib)} (${(fs.statSync(bib).size / 1e6).toFixed(1)} MB) named by \\bibliography{anthology}; each query typed after \\cite{ one key at a time, the next key after the list settled (unchanged for ${QUIET_MS} ms); hit = the intended key in the first 5 rows of the suggest widget once unchanged for ${FINAL_QUIET_MS} ms after the last key. First list: \\cite{${PROBE.text} typed at 60 ms a key from an open editor; time from the first key to ${PROBE.key} in the first 5 rows (Ctrl+Space again when no list).`,
      latexWorkshop: lwVsix ? { vsix: path.basename(lwVsix), bibtexMaxFileSizeMB: lwBibMb } : null,
      hitAt5: { total: results.filter(r => r.hit).length, of: results.length, byForm },
      keystrokeSettleMs: { median: median(keys), p95: pct(keys, 0.95), max: Math.max(...keys), n: keys.length, timedOut: results.reduce((a, r) => a + r.timedOut, 0) },
      firstList: { probe: PROBE, cold, afterReload: { ...warm, reloadToWorkbenchMs: reloadMs, cacheLanded } },
      // Times after typing began in that window (negative: before).
      hostLog: { cold: timingLines(sessions[0], cold.t0), afterReload: timingLines(sessions[sessions.length - 1], warm.t0) },
      merged,
      queries: results,
    };
    fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    const file = path.join(ROOT, 'bench/results', `${lwVsix ? `ui-latex-workshop${lwBibMb === 0 ? '-bib0' : ''}` : 'ui'}${results.length ? '' : '-first-lists'}.json`);
    fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');

    console.log(`\nbench:ui (${out.date}, load ${out.machine.loadavg.join(' ')}${lwVsix ? ', LaTeX Workshop beside PaperCite' : ''})\n`);
    console.log('| typed inside `\\cite{…}` | hit@5 |');
    console.log('|---|---|');
    for (const f of byForm) console.log(`| ${f.form} | ${f.hits}/${f.of} |`);
    console.log(`| all | ${out.hitAt5.total}/${out.hitAt5.of} |`);
    console.log(`| settled list per keystroke, median / p95 | ${out.keystrokeSettleMs.median} / ${out.keystrokeSettleMs.p95} ms (${keys.length} keys) |`);
    console.log(`| first list (\`${PROBE.text}\`), cold / after reload, from the first key | ${cold.ms ?? 'never'} / ${warm.ms ?? 'never'} ms |`);
    console.log(`| the same from the last key | ${afterLastKey(cold)} / ${afterLastKey(warm)} |`);
    if (merged) {
      const dup = merged.filter(m => m.duplicates.length).length;
      const withOther = merged.filter(m => m.otherRows > 0);
      console.log(`| merged list (first ${SHOWN_ROWS} rows): queries with LaTeX Workshop rows / with a key listed twice | ${withOther.length}/${merged.length} / ${dup}/${merged.length} |`);
      console.log(`| first LaTeX Workshop row at (where shown) | ${withOther.map(m => m.firstOtherRow).join(', ') || '–'} |`);
    }
    const shown = (f: FirstList) => f.timeline.map(e => `${String(e.ms).padStart(7)} ms  widget ${e.open ? e.message || `[${e.rows.slice(0, 3).join(', ')}]` : 'closed'}`);
    console.log(`\nhost log and widget from typing \\cite{${PROBE.text}, cold:\n  ${[...out.hostLog.cold, ...shown(cold)].sort((a, b) => parseInt(a) - parseInt(b)).join('\n  ')}`);
    console.log(`after reload:\n  ${[...out.hostLog.afterReload, ...shown(warm)].sort((a, b) => parseInt(a) - parseInt(b)).join('\n  ')}`);
    console.log(`\nwritten to ${path.relative(ROOT, file)}`);
  } finally {
    await vs?.stop();
    fs.rmSync(src, { recursive: true, force: true });
  }
}

main().catch(err => { console.error(err); process.exit(1); });
