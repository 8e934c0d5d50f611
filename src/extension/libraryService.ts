// Holds the current Library: the bundled corpus first (small, fast), then the workspace's
// libraries, parsed in the worker thread (from the parsed-records cache when unchanged) and
// watched so a changed file is re-read alone. Never throws out of activation: a bad source is
// one log entry, one notification and a problem in the Sources view.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readCorpusIndex } from '../core/corpusIndex';
import { DocumentReadings, type LibraryLookup, type ListProblem } from '../core/documentPapers';
import { corpusSource, CORPUS_SOURCE_ID, Library, PreparedSource, type SearchableSource } from '../core/library';
import type { Paper } from '../core/model';
import { resolveBibName, texSearchDirs, type BibPathPolicy } from '../core/bibPaths';
import { isGlob } from '../core/sources/discover';
import { groupsByFile, listKey, listReadingsByFile, MAX_GROUP_FILES, MAX_LIST_READINGS, markdownBibliographyLists, sameGroup, settingLists, texBibliographyLists } from '../core/sources/groups';
import type { ParsedSource } from '../core/sources/types';
import { CancelledError, SourceParser } from '../core/sources/workerClient';
import { milestone } from './status';
import { sinceActivation, StallWatch, untilTypingPause } from './timing';
import type { ConfigService } from './config';
import { ContextKeys } from './ids';
import { describe, log, reportError } from './log';
import type { LibraryService, LibraryState, SourceStatus } from './services';

/** Long work gets a notification only when it lasts longer than this. */
const PROGRESS_AFTER_MS = 800;
/** Watcher events come in bursts (save = truncate + write); one re-read per burst. */
const CHANGE_DEBOUNCE_MS = 150;
const DOC_SCAN_LIMIT = 2000;
/** workspaceState: the libraries found last time, read at once on the next start. */
const LAST_LIBRARIES = 'papercite.lastLibraries';
/** workspaceState: the bibliography list each of them was read with (path → list). */
const LAST_GROUPS = 'papercite.lastLibraryGroups';

/** Where a user library came from, for the log and the Sources view. */
interface Wanted {
  path: string;
  /** `setting`, or the document (and line) that names it. */
  from: string;
  /** A missing file named only by a document is logged, not notified. */
  quietIfMissing: boolean;
  /** A `.bib` file's bibliography list (groups.ts): read with the macros and crossrefs of the others. */
  group?: string[];
}

/** What discovery found: the libraries, and the bibliography lists of the documents. */
interface Discovered {
  wanted: Map<string, Wanted>;
  /** Each document's lists (resolved paths), by the document's path. */
  docLists: Map<string, string[][]>;
  /** The files read with documents' own lists besides the library's reading (groups.ts listReadingsByFile). */
  listReadings: Map<string, string[][]>;
  /** A document naming each list (by listKey), for the log. */
  listDocs: Map<string, string>;
}

class LibraryServiceImpl implements LibraryService {
  private readonly lib = new Library();
  private st: LibraryState = 'loading';
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  readonly ready: Promise<void>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly pendingChanges = new Map<string, NodeJS.Timeout>();
  private readonly parser: SourceParser;
  private wanted = new Map<string, Wanted>();
  private loadGeneration = 0;
  private readonly aborts = new Set<AbortController>();
  private rediscoverTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Library files being read now. */
  private readonly reading = new Set<string>();
  /** The bibliography list each library in the library was read with (none: alone). */
  private readonly readWith = new Map<string, string[] | undefined>();
  /** The other files of its lists each library's reading used (a change to one re-reads it). */
  private readonly readDeps = new Map<string, string[]>();
  /** Files in two lists with different files before them, already logged. */
  private readonly sharedSaid = new Set<string>();
  /** Shared files read with documents' own lists: what each document sees of them (documentPapers.ts). */
  private readonly docReadings = new DocumentReadings();
  /** The lists each shared file is read with besides the library's reading, from the last discovery. */
  private listPlan = new Map<string, string[][]>();
  private listDocs = new Map<string, string>();
  /** Per file and list: the library's list it was read against (its change reads it again), and the latest request. */
  private readonly listReadAgainst = new Map<string, string>();
  private readonly listSeq = new Map<string, number>();
  private readonly lookup: LibraryLookup = { byKey: k => this.lib.byKey(k), ownPaper: (f, k) => this.lib.ownPaper(f, k) };
  /** When the bundled corpus first became searchable, in ms after activation. */
  private corpusSearchableMs: number | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly config: ConfigService) {
    const workerFile = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
    const cacheDir = path.join(context.globalStorageUri.fsPath, 'parse-cache');
    this.parser = new SourceParser({ workerFile, cacheDir, decodeWait: () => untilTypingPause(), onWarning: m => log.warn(`[library] ${m}`) });
    void this.setState('loading');
    this.disposables.push(
      this.emitter,
      config.onDidChange(() => this.scheduleRediscover(0)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleRediscover(0)),
      // Trusted, bibliographies outside the workspace and on the TeX search path are read too.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleRediscover(0)),
      vscode.workspace.onDidSaveTextDocument(doc => this.onSaved(doc)),
    );
    const docWatcher = vscode.workspace.createFileSystemWatcher('**/*.{tex,md,markdown,qmd,rmd}', false, false, false);
    const docsChanged = () => this.scheduleRediscover(500);
    this.disposables.push(docWatcher, docWatcher.onDidChange(docsChanged), docWatcher.onDidCreate(docsChanged), docWatcher.onDidDelete(docsChanged));
    this.ready = this.firstLoad();
  }

  get state(): LibraryState { return this.st; }
  get papers(): readonly Paper[] { return this.lib.papers; }
  get sources(): readonly SourceStatus[] { return this.lib.sources; }
  byKey(key: string): Paper | undefined { return this.lib.byKey(key); }
  paperFor(key: string, document: vscode.Uri | undefined, shown?: Paper): Paper | undefined {
    return this.docReadings.paperFor(key, docId(document), this.lookup, shown);
  }
  listProblemsFor(key: string, document: vscode.Uri): ListProblem[] {
    return this.docReadings.problemsFor(key, docId(document), this.lookup);
  }
  librarySource(file: string): ParsedSource | undefined { return this.lib.userSource(file); }

  // The Library's own methods: a keystroke goes from the provider to the ranking to the Library
  // and its indexes, and errors are handled once, by the provider or command that asked.
  readonly search = this.lib.search.bind(this.lib);
  readonly keysStartingWith = this.lib.keysStartingWith.bind(this.lib);
  readonly newest = this.lib.newest.bind(this.lib);

  /** The Library itself, for features that need more than the interface (Sources view, tests). */
  get library(): Library { return this.lib; }

  async reload(): Promise<void> {
    const t = performance.now();
    await this.loadCorpus();
    await this.syncSources(true);
    this.updateState();
    log.info(`[library] reloaded: ${this.lib.papers.length} papers from ${this.lib.sources.length} sources in ${ms(performance.now() - t)}`);
  }

  private async firstLoad(): Promise<void> {
    // How long the extension host's thread is stalled while libraries load (typing waits that
    // long), and the long stalls with when they ended, to match against the first list.
    const watch = new StallWatch(250, 20);
    try {
      // The last session's libraries first: the worker reads them while the corpus loads and the
      // workspace is searched (which takes hundreds of ms in a fresh window).
      const resumed = this.resumeLastLibraries();
      await this.loadCorpus();
      if (this.corpusSearchableMs !== undefined) log.info(`[library] activation → bundled corpus searchable: ${ms(this.corpusSearchableMs)}`);
      await this.syncSources(false, resumed);
      this.updateState();
      log.info(`[library] activation → ready: ${ms(sinceActivation())} (${this.lib.papers.length} papers, ${this.lib.sources.length} sources, parse ${this.parser.usesWorker ? 'in worker' : 'inline'}; longest stall of this thread while loading: ${ms(Math.max(0, watch.longestMs))}${watch.stalls.length ? `; stalls of 250 ms or more: ${watch.stalls.map(x => `${ms(x.ms)} ending ${ms(x.endedMs)} after activation`).join(', ')}` : ''})`);
      milestone('library.ready', { state: this.st, papers: this.lib.papers.length, sources: this.lib.sources.length, worker: this.parser.usesWorker, maxStallMs: Math.round(Math.max(0, watch.longestMs)) });
    } catch (err) {
      reportError('Loading the library failed', err, 'library-load');
      await this.setState(this.lib.papers.length ? 'ready' : 'failed');
    } finally {
      watch.stop();
    }
  }

  private async loadCorpus(): Promise<void> {
    if (!this.config.current.includeBundledCorpus) {
      if (this.lib.remove(CORPUS_SOURCE_ID)) this.changed();
      return;
    }
    const t = performance.now();
    const uri = vscode.Uri.joinPath(this.context.extensionUri, 'corpus', 'papers.json');
    try {
      // Node's fs where it can (the extension host's own disk), and synchronously: 190 KB read at
      // once beat waiting in line behind the rest of the window's start-up.
      const text = uri.scheme === 'file'
        ? fs.readFileSync(uri.fsPath, 'utf8')
        : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      const tText = performance.now();
      const data = JSON.parse(text) as unknown;
      if (!Array.isArray(data)) throw new Error('not a JSON array');
      const papers = data as Paper[];
      const tRead = performance.now();
      const indexFile = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'corpus.index');
      const indexData = indexFile.scheme === 'file' ? readCorpusIndex(text, indexFile.fsPath, why => log.warn(`[library] dist/corpus.index ${why}; the corpus is indexed afresh (reinstall PaperCite to restore it)`)) : undefined;
      await this.lib.add(corpusSource(papers, tRead - t, indexData));
      this.corpusSearchableMs ??= sinceActivation();
      log.info(`[library] bundled corpus: ${papers.length} papers read in ${ms(tRead - t)} (file ${ms(tText - t)}, JSON ${ms(tRead - tText)}), ${indexData ? 'its prebuilt index read' : 'indexed (no prebuilt index matched dist/corpus.index)'} in ${ms(performance.now() - tRead)}`);
      milestone('library.corpus', { papers: papers.length, readMs: tRead - t, index: indexData ? 'prebuilt' : 'built', indexMs: performance.now() - tRead });
      this.changed();
    } catch (err) {
      reportError(`The bundled corpus (${uri.fsPath}) could not be loaded; reinstall PaperCite`, err, 'bundled-corpus');
    }
  }

  /** Starts reading the libraries found last time in this workspace; settles once they are in. */
  private resumeLastLibraries(): Promise<void> | undefined {
    const last = this.context.workspaceState.get<unknown>(LAST_LIBRARIES);
    const paths = Array.isArray(last) ? last.filter((p): p is string => typeof p === 'string' && fs.existsSync(p)) : [];
    if (!paths.length) return undefined;
    const groups = this.context.workspaceState.get<unknown>(LAST_GROUPS);
    for (const p of paths) {
      const g = groups && typeof groups === 'object' ? (groups as Record<string, unknown>)[p] : undefined;
      const group = Array.isArray(g) && g.every(x => typeof x === 'string') ? g as string[] : undefined;
      this.wanted.set(p, { path: p, from: 'the last session', quietIfMissing: true, ...(group ? { group } : {}) });
    }
    this.lib.setOrder([...this.wanted.keys()]);
    return this.readSources(bySize(paths));
  }

  /**
   * Finds the wanted sources, drops the unwanted, (re)reads new ones, or all with `all`.
   * `resumed`: the reading of the last session's libraries, already under way.
   */
  private async syncSources(all: boolean, resumed?: Promise<void>): Promise<void> {
    const gen = ++this.loadGeneration;
    let wanted: Map<string, Wanted>;
    let found: Discovered;
    // Boots while the workspace is searched: a big library found next is read without waiting for it.
    this.parser.warmUp();
    const t = performance.now();
    try {
      found = await this.discover();
      wanted = found.wanted;
      log.info(`[library] found ${wanted.size} librar${wanted.size === 1 ? 'y' : 'ies'} in the workspace in ${ms(performance.now() - t)}`);
    } catch (err) {
      reportError('Could not look for library files in the workspace', err, 'discover');
      await resumed;
      return;
    }
    if (gen !== this.loadGeneration || this.disposed) return;
    this.wanted = wanted;
    this.docReadings.setDocuments(found.docLists);
    this.listPlan = found.listReadings;
    this.listDocs = found.listDocs;
    this.lib.setOrder([...wanted.keys()]);
    void Promise.resolve(this.context.workspaceState.update(LAST_LIBRARIES, [...wanted.keys()])).catch(() => undefined);
    const lastGroups = Object.fromEntries([...wanted.values()].filter(w => w.group).map(w => [w.path, w.group]));
    void Promise.resolve(this.context.workspaceState.update(LAST_GROUPS, lastGroups)).catch(() => undefined);
    for (const p of this.lib.sourcePaths) {
      if (!wanted.has(p)) {
        this.lib.remove(p);
        this.readWith.delete(p);
        this.readDeps.delete(p);
        this.watchers.get(p)?.dispose();
        this.watchers.delete(p);
        log.info(`[library] ${p} is no longer a library`);
        this.changed();
      }
    }
    // A library read with another bibliography list than it is in now is read again.
    const stale = (w: Wanted) => !this.lib.hasSource(w.path) || !sameGroup(this.readWith.get(w.path), w.group);
    const toRead = [...wanted.values()].filter(w => (all || stale(w)) && !this.reading.has(w.path));
    for (const w of wanted.values()) this.watch(w.path);
    // Small files first: they are searchable at once while a big one is still being parsed.
    if (toRead.length) await this.readSources(bySize(toRead.map(w => w.path)));
    await resumed;
    // The last session's reading may have used the lists of then.
    const again = gen === this.loadGeneration && !this.disposed ? [...this.wanted.values()].filter(w => stale(w) && !this.reading.has(w.path)) : [];
    if (again.length) await this.readSources(bySize(again.map(w => w.path)));
    // After the library's readings (what search needs first), not waited for.
    if (gen === this.loadGeneration && !this.disposed) this.syncListReadings(all);
  }

  /**
   * Reads each shared file with the lists of the documents that read it differently (those not yet
   * read, or read against another union list; all with `all`), and lets go of readings no document
   * needs any more.
   */
  private syncListReadings(all: boolean): void {
    for (const f of this.docReadings.files) {
      this.docReadings.retain(f, this.listPlan.get(f) ?? []);
      if (!this.listPlan.has(f)) this.changed();
    }
    for (const [file, lists] of this.listPlan) {
      const against = listKey(this.wanted.get(file)?.group ?? [file]);
      for (const list of lists) {
        if (!all && this.docReadings.has(file, list) && this.listReadAgainst.get(readingKey(file, list)) === against) continue;
        void this.readWithList(file, list);
      }
    }
  }

  /** Reads a shared file with one document's list (in the worker for big files) and keeps what differs. */
  private async readWithList(file: string, list: string[]): Promise<void> {
    const k = readingKey(file, list);
    const seq = (this.listSeq.get(k) ?? 0) + 1;
    this.listSeq.set(k, seq);
    const group = this.wanted.get(file)?.group;
    const t = performance.now();
    let parsed: ParsedSource;
    try {
      parsed = await this.parser.readWithList(file, list, group);
    } catch (err) {
      if (!(err instanceof CancelledError)) reportError(`Could not read ${file} with its document's bibliography list`, err, `source:${file}`);
      return;
    }
    const lk = listKey(list);
    const plan = this.listPlan.get(file) ?? [];
    // Superseded by a later request, or no document reads the file with this list any more.
    if (this.disposed || this.listSeq.get(k) !== seq || !plan.some(l => listKey(l) === lk)) return;
    const had = this.docReadings.has(file, list);
    // A reading that failed leaves that document with the library's reading, not an older one of its own.
    if (parsed.error !== undefined || !parsed.listReading) this.docReadings.retain(file, plan.filter(l => listKey(l) !== lk));
    else this.docReadings.put(parsed);
    this.listReadAgainst.set(k, listKey(group ?? [file]));
    this.logListReading(parsed, list, performance.now() - t);
    if (had || parsed.papers.length || parsed.problems.length) this.changed();
  }

  private logListReading(parsed: ParsedSource, list: string[], took: number): void {
    const rel = (p: string) => vscode.workspace.asRelativePath(p);
    const doc = this.listDocs.get(listKey(list));
    const label = `${rel(parsed.path)} with the list ${list.map(rel).join(', ')}${doc ? ` (${doc})` : ''}`;
    const info = parsed.listReading;
    if (parsed.error !== undefined || !info) {
      log.warn(`[library] ${label}: could not be read: ${parsed.error ?? 'no answer'}; that document sees the library's reading`);
      return;
    }
    const macros = `${info.macros.join(', ')}${info.macroCount > info.macros.length ? ` and ${info.macroCount - info.macros.length} more` : ''}`;
    const said = {
      read: `${parsed.papers.length} entr${parsed.papers.length === 1 ? 'y differs' : 'ies differ'} from the library's reading${info.macroCount ? ` (macros defined differently before it: ${macros})` : ''}${info.absent.length ? `, ${info.absent.length} missing` : ''}, ${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'} of its own; that document sees this reading`,
      same: 'the files before it define the same macros: that document sees the library\'s reading',
      unused: `the macros defined differently before it (${macros}) are not used in it: that document sees the library's reading`,
      big: `a big file (${((parsed.size ?? 0) / 1024 / 1024).toFixed(0)} MB) that uses none of the macros defined differently before it; its preambles or crossref parents differ, but it is not read again: that document sees the library's reading`,
    }[info.outcome];
    log.info(`[library] ${label}: ${said} (${ms(took)})`);
    for (const p of parsed.problems.slice(0, 20)) log.warn(`[library] ${path.basename(p.file)}${p.line ? `:${p.line}` : ''} (with the list ${list.map(rel).join(', ')}): ${p.message}`);
    if (parsed.problems.length > 20) log.warn(`[library] ${label}: ${parsed.problems.length - 20} more problems`);
    milestone('source.listReading', { file: rel(parsed.path), path: parsed.path, list: list.map(rel), outcome: info.outcome, differ: parsed.papers.length, problems: parsed.problems.length, ms: took });
  }

  /** Reads sources in the worker, with a cancellable notification when it takes long. */
  private async readSources(paths: string[]): Promise<void> {
    const abort = new AbortController();
    this.aborts.add(abort);
    let report: ((message: string) => void) | undefined;
    let current = '';
    let finish!: () => void;
    const finished = new Promise<void>(r => (finish = r));
    const timer = setTimeout(() => {
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'PaperCite: reading libraries', cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          report = m => progress.report({ message: m });
          report(current);
          return finished;
        },
      );
    }, PROGRESS_AFTER_MS);
    try {
      // All requested at once (the worker takes them in order), so none waits for the one before
      // it to be decoded here; they join the library in the order given.
      const requests = paths.map((p, i) => {
        const label = vscode.workspace.asRelativePath(p);
        const counted = `${label}${paths.length > 1 ? ` (${i + 1}/${paths.length})` : ''}`;
        this.reading.add(p);
        const group = this.wanted.get(p)?.group;
        const parsed = this.parser.parse(p, (done, total, phase) => {
          report?.(`${counted}: ${phase}${total > 1 ? ` ${Math.round((100 * done) / total)}%` : ''}`);
        }, abort.signal, s => this.putSearchable(s, label), group);
        parsed.catch(() => undefined); // a cancelled request is told below
        return { p, label, counted, parsed, group };
      });
      for (const r of requests) {
        if (abort.signal.aborted || this.disposed) break;
        current = r.counted;
        report?.(current);
        let parsed: ParsedSource;
        try {
          parsed = await r.parsed;
        } catch (err) {
          if (err instanceof CancelledError) {
            log.warn(`[library] reading ${r.p} was cancelled; Reload Library reads it again`);
            break;
          }
          throw err;
        }
        if (this.disposed || !this.wanted.has(r.p)) continue;
        await this.install(parsed, r.label);
        this.readWith.set(r.p, r.group);
        this.readDeps.set(r.p, parsed.groupDeps?.map(d => d.path) ?? []);
        this.reading.delete(r.p);
      }
    } finally {
      for (const p of paths) this.reading.delete(p);
      clearTimeout(timer);
      finish();
      this.aborts.delete(abort);
    }
  }

  /** A big source is searchable (and citable) while its papers are still being decoded. */
  private putSearchable(s: SearchableSource, label: string): void {
    if (this.disposed || !this.wanted.has(s.path)) return;
    const t = performance.now();
    const source = PreparedSource.searchable(s);
    this.lib.put(source, label);
    const readyHere = performance.now() - t;
    const now = sinceActivation();
    const w = s.worker;
    const share = source.readShare;
    if (share !== undefined) {
      log.info(`[library] ${label}: first ${s.rows.length} entries (${(share * 100).toFixed(1)} % of the file) searchable ${ms(now)} after activation, ${ms(s.sinceRequestMs)} after the request (parsed and indexed in the worker in ${ms(w.readMs)}); reading the whole file`);
      milestone('source.firstPart', { file: label, path: s.path, entries: s.rows.length, share: Math.round(share * 1000) / 1000, sinceRequestMs: Math.round(s.sinceRequestMs) });
      this.changed();
      return;
    }
    const how = s.fromEntries
      ? `${ms(s.sinceRequestMs)} after the request, parsed and indexed in the worker; hits are read from their entries' text until the rows arrive`
      : `requested ${ms(now - s.sinceRequestMs - readyHere)} after activation; the worker read the cache in ${ms(w.readMs)} and its rows and index arrived ${ms(w.rowsArrivedMs)} and ${ms(s.sinceRequestMs)} after the request`;
    log.info(`[library] ${label}: searchable ${ms(now)} after activation, ${s.rows.length} entries (${how}; index ready here in ${ms(readyHere)}; decoding the entries for the tree meanwhile)`);
    milestone('source.searchable', { file: label, path: s.path, entries: s.rows.length });
    this.changed();
  }

  /** Adds a parsed source to the library (which prepares, places and indexes it), tells the views. */
  private async install(parsed: ParsedSource, label: string): Promise<void> {
    const { indexMs, combineMs, restMs } = await this.lib.add(parsed, label);
    if (this.disposed) return;
    this.logSource(parsed);
    if (combineMs + indexMs + restMs > 50) log.info(`[library] ${label}: combined in ${ms(combineMs)}, indexed in ${ms(indexMs + restMs)}`);
    const tViews = performance.now();
    this.changed();
    const viewsMs = performance.now() - tViews;
    if (viewsMs > 100) log.info(`[library] ${label}: listeners of the library's change event took ${ms(viewsMs)}`);
  }

  private logSource(parsed: ParsedSource): void {
    const label = vscode.workspace.asRelativePath(parsed.path);
    const w = this.wanted.get(parsed.path);
    if (parsed.error !== undefined) {
      const line = parsed.problems[0]?.line ?? 0;
      const msg = `Library ${label}${line > 0 ? `:${line}` : ''} could not be read: ${parsed.error}${w && w.from !== 'setting' ? ` (named in ${w.from})` : ''}`;
      if (w?.quietIfMissing && /not found/.test(parsed.error)) log.warn(`[library] ${msg}`);
      else reportError(msg, undefined, `source:${parsed.path}`);
      milestone('source.loaded', { file: label, path: parsed.path, entries: 0, error: parsed.error });
      return;
    }
    const status = this.lib.sourceStatus(parsed.path);
    const timing = parsed.timing
      ? ` (worker answered in ${ms(parsed.timing.sentMs)}, decoded here in ${ms(parsed.timing.decodeMs)}${parsed.timing.indexMs !== undefined ? `, ${parsed.timing.indexFromCache ? 'search index read from the cache' : 'indexed in the worker'} in ${ms(parsed.timing.indexMs)}` : ''})`
      : '';
    log.info(`[library] ${label}: ${parsed.papers.length} entries ${parsed.fromCache ? 'read from the cache' : 'parsed'} in ${ms(parsed.parseMs)}${timing}${status?.merged ? `, ${status.merged} merged with other sources` : ''}`);
    const problems = status?.problems ?? parsed.problems;
    milestone('source.loaded', { file: label, path: parsed.path, entries: parsed.papers.length, fromCache: parsed.fromCache, parseMs: parsed.parseMs, problems: problems.length });
    if (problems.length) {
      for (const p of problems.slice(0, 200)) log.warn(`[library] ${path.basename(p.file)}${p.line ? `:${p.line}` : ''}: ${p.message}`);
      if (problems.length > 200) log.warn(`[library] ${label}: ${problems.length - 200} more problems (see the Sources view)`);
      const errors = problems.filter(p => p.severity === 'error').length;
      if (errors) {
        const first = problems.find(p => p.severity === 'error')!;
        reportError(`${label}: ${errors} error${errors === 1 ? '' : 's'} (first at line ${first.line}: ${first.message}); the rest loaded. See the Sources view`, undefined, `source:${parsed.path}`);
      }
    }
  }

  private watch(file: string): void {
    if (this.watchers.has(file)) return;
    try {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
      const onEvent = () => this.scheduleRereads(file);
      this.watchers.set(file, vscode.Disposable.from(w, w.onDidChange(onEvent), w.onDidCreate(onEvent), w.onDidDelete(onEvent)));
    } catch (err) {
      log.warn(`[library] cannot watch ${file}: ${describe(err)}`);
    }
  }

  /**
   * A library changed: it is re-read, and so is every file of its lists whose reading used it (its
   * macros, or a crossref parent), not the others (a big file before refs.bib stays as it is).
   */
  private scheduleRereads(file: string): void {
    this.scheduleReread(file);
    for (const [f, deps] of this.readDeps) if (f !== file && deps.includes(file)) this.scheduleReread(f);
    // A reading with a document's list compares with the library's: a change to a file of either reads it again.
    for (const [f, lists] of this.listPlan) {
      const inGroup = f === file || !!this.wanted.get(f)?.group?.includes(file);
      for (const l of lists) if (inGroup || l.includes(file)) this.scheduleListReread(f, l);
    }
  }

  private scheduleListReread(file: string, list: string[]): void {
    const k = `list:${readingKey(file, list)}`;
    clearTimeout(this.pendingChanges.get(k));
    this.pendingChanges.set(k, setTimeout(() => {
      this.pendingChanges.delete(k);
      if (!this.disposed) void this.readWithList(file, list);
    }, CHANGE_DEBOUNCE_MS));
  }

  private onSaved(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== 'file') return;
    if (this.wanted.has(doc.uri.fsPath)) this.scheduleRereads(doc.uri.fsPath);
    if (/\.(tex|md|markdown|qmd|rmd)$/i.test(doc.uri.fsPath)) this.scheduleRediscover(200);
  }

  /** Re-reads one file (with its bibliography list), after the burst of events settles. */
  private scheduleReread(file: string): void {
    clearTimeout(this.pendingChanges.get(file));
    this.pendingChanges.set(file, setTimeout(() => {
      this.pendingChanges.delete(file);
      if (this.disposed || !this.wanted.has(file)) return;
      const t = performance.now();
      const group = this.wanted.get(file)?.group;
      void this.parser.parse(file, undefined, undefined, undefined, group).then(async parsed => {
        if (this.disposed || !this.wanted.has(file)) return;
        await this.install(parsed, vscode.workspace.asRelativePath(file));
        this.readWith.set(file, group);
        this.readDeps.set(file, parsed.groupDeps?.map(d => d.path) ?? []);
        this.updateState();
        log.info(`[library] ${vscode.workspace.asRelativePath(file)} changed: re-read and searchable in ${ms(performance.now() - t)}`);
        milestone('source.changed', { file: vscode.workspace.asRelativePath(file), path: file, ms: performance.now() - t });
      }, err => {
        if (!(err instanceof CancelledError)) reportError(`Could not re-read ${file}`, err, `source:${file}`);
      });
    }, CHANGE_DEBOUNCE_MS));
  }

  private scheduleRediscover(delay: number): void {
    clearTimeout(this.rediscoverTimer);
    this.rediscoverTimer = setTimeout(() => {
      void this.ready.then(async () => {
        if (this.disposed) return;
        try {
          const hadCorpus = !!this.lib.sourceStatus(CORPUS_SOURCE_ID);
          if (hadCorpus !== this.config.current.includeBundledCorpus) await this.loadCorpus();
          await this.syncSources(false);
          this.updateState();
        } catch (err) {
          reportError('Updating the library failed', err, 'library-sync');
        }
      });
    }, delay);
  }

  /**
   * The workspace's libraries: named by .tex / .md documents and by `papercite.libraries`; each
   * `.bib` in a bibliography list of two or more gets the list it is read with (groups.ts).
   */
  private async discover(): Promise<Discovered> {
    const wanted = new Map<string, Wanted>();
    /** Each bibliography list (resolved paths), the setting's first, then the documents' by path. */
    const lists: string[][] = [];
    const add = (p: string, from: string, quietIfMissing: boolean): string => {
      const abs = path.normalize(p);
      if (!wanted.has(abs)) wanted.set(abs, { path: abs, from, quietIfMissing });
      return abs;
    };
    const folders = vscode.workspace.workspaceFolders ?? [];
    // The setting first: it is the user's explicit choice of priority.
    for (const folder of folders) {
      if (folder.uri.scheme !== 'file') continue;
      const { lists: entries, ignored } = settingLists(this.config.forDocument(folder.uri).libraries);
      for (const bad of ignored) {
        const said = `setting:${bad}`;
        if (!this.refusedSaid.has(said)) { this.refusedSaid.add(said); log.warn(`[library] papercite.libraries: ignoring ${bad} (an entry is a path or glob, or an array of them for one bibliography list)`); }
      }
      for (const list of entries) {
        const files: string[] = [];
        for (const entry of list) {
          const e = entry.replace(/^~(?=$|[\\/])/, os.homedir());
          if (isGlob(e)) {
            const pattern = path.isAbsolute(e) ? e : new vscode.RelativePattern(folder, e);
            const found = await vscode.workspace.findFiles(pattern, '**/node_modules/**', 1000);
            for (const u of found.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) files.push(add(u.fsPath, 'setting', false));
          } else files.push(add(path.resolve(folder.uri.fsPath, e), 'setting', false));
        }
        if (files.length > 1) lists.push(files);
      }
    }
    const docs = await vscode.workspace.findFiles('**/*.{tex,md,markdown,qmd,rmd}', '**/{node_modules,.git}/**', DOC_SCAN_LIMIT);
    docs.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    const found: { uri: vscode.Uri; name: string; line: number; list: number }[] = [];
    const listOwner = new Map<number, vscode.Uri>();
    let listNo = 0;
    for (const uri of docs) {
      if (uri.scheme !== 'file') continue;
      let text: string;
      try {
        // Unsaved edits count: a \bibliography just typed should be honoured on save anyway.
        const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
        text = open ? open.getText() : await readHead(uri.fsPath, /\.tex$/i.test(uri.fsPath) ? 4 << 20 : 64 << 10);
      } catch {
        continue;
      }
      const docLists = /\.tex$/i.test(uri.fsPath) ? texBibliographyLists(text) : markdownBibliographyLists(text);
      for (const l of docLists) {
        listNo++;
        listOwner.set(listNo, uri);
        for (const r of l) found.push({ uri, name: r.name, line: r.line, list: listNo });
      }
    }
    const docLists = new Map<number, string[]>();
    const policy = await this.bibPathPolicy(found.map(f => f.name));
    for (const { uri, name, line, list } of found) {
      const from = `${vscode.workspace.asRelativePath(uri)}:${line}`;
      const r = resolveBibName(name, path.dirname(uri.fsPath), policy);
      if ('refused' in r) {
        const said = `${from}:${name}`;
        if (!this.refusedSaid.has(said)) { this.refusedSaid.add(said); log.warn(`[library] not reading ${r.path} (named at ${from}): ${r.refused}`); }
        continue;
      }
      const abs = add(r.path, from, true);
      let l = docLists.get(list);
      if (!l) docLists.set(list, (l = []));
      l.push(abs);
    }
    lists.push(...docLists.values());
    const { groups, shared, capped } = groupsByFile(lists);
    for (const [file, group] of groups) wanted.get(file)!.group = group;
    // Each document's lists, and the files some document reads with other files before them than
    // the library's reading does: read again with that document's list (documentPapers.ts).
    const byDoc = new Map<string, string[][]>();
    const listDocs = new Map<string, string>();
    for (const [n, l] of docLists) {
      const doc = listOwner.get(n)!;
      const mine = byDoc.get(doc.fsPath);
      if (mine) mine.push(l); else byDoc.set(doc.fsPath, [l]);
      const k = listKey(l);
      if (!listDocs.has(k)) listDocs.set(k, vscode.workspace.asRelativePath(doc));
    }
    const { readings: listReadings, capped: tooMany } = listReadingsByFile([...docLists.values()], groups);
    for (const [file, priors] of shared) {
      const said = `${file}\0${JSON.stringify(priors)}`;
      if (this.sharedSaid.has(said)) continue;
      this.sharedSaid.add(said);
      const rel = (p: string) => vscode.workspace.asRelativePath(p);
      const g = groups.get(file)!;
      const own = listReadings.get(file)?.length ?? 0;
      log.info(`[library] ${rel(file)} is in bibliography lists with different files before it (${priors.slice(0, 5).map(p => p.length ? p.map(rel).join(', ') : 'none').join('; ')}${priors.length > 5 ? `; ${priors.length - 5} more` : ''}): search reads it once, after ${g.slice(0, g.indexOf(file)).map(rel).join(', ')} (where two of them define a macro, the later one wins); ${own ? `it is read with each document's list (${own} more reading${own === 1 ? '' : 's'}), and each document sees its own (hover, completion, diagnostics)` : 'no document reads it with other files before it'}`);
    }
    for (const file of tooMany) {
      if (this.sharedSaid.has(`lists:${file}`)) continue;
      this.sharedSaid.add(`lists:${file}`);
      log.warn(`[library] ${vscode.workspace.asRelativePath(file)}: more than ${MAX_LIST_READINGS} documents' bibliography lists put different files before it; it is read with the first ${MAX_LIST_READINGS} of them, and the documents of the others see the library's reading`);
    }
    for (const file of capped) {
      if (this.sharedSaid.has(`capped:${file}`)) continue;
      this.sharedSaid.add(`capped:${file}`);
      log.warn(`[library] ${vscode.workspace.asRelativePath(file)}: a bibliography list of more than ${MAX_GROUP_FILES} .bib files holds it; ${groups.has(file) ? `it is read with the first ${MAX_GROUP_FILES - 1} other files met` : 'it is read alone'} (its macros may show as undefined)`);
    }
    return { wanted, docLists: byDoc, listReadings, listDocs };
  }

  private readonly refusedSaid = new Set<string>();
  /** kpsewhich's answers this session ('' = not found). */
  private readonly kpseCache = new Map<string, string>();

  /**
   * Which bibliography paths may be read: untrusted, the workspace folders only; trusted, also
   * absolute paths and the TeX search path. kpsewhich runs once for all new names, off this thread.
   */
  private async bibPathPolicy(names: string[]): Promise<BibPathPolicy> {
    const trusted = vscode.workspace.isTrusted;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter(f => f.uri.scheme === 'file').map(f => f.uri.fsPath);
    const exists = (p: string) => { try { return fs.statSync(p).isFile(); } catch { return false; } };
    const realpath = (p: string) => { try { return fs.realpathSync.native(p); } catch { return p; } };
    if (!trusted) return { folders, trusted, exists, realpath };
    const searchDirs = texSearchDirs(process.env, os.homedir());
    const ask = [...new Set(names)].filter(n => !this.kpseCache.has(n) && !path.isAbsolute(n) && !n.includes('..')).slice(0, 200);
    if (ask.length) {
      const out = await new Promise<string>(resolve => {
        execFile('kpsewhich', ask, { timeout: 5000, encoding: 'utf8' }, (_err, stdout) => resolve(typeof stdout === 'string' ? stdout : ''));
      });
      const hits = out.split('\n').map(l => l.trim()).filter(Boolean);
      for (const n of ask) this.kpseCache.set(n, hits.find(h => h === n || h.endsWith(`/${n}`)) ?? '');
    }
    return { folders, trusted, exists, realpath, searchDirs, kpsewhich: n => this.kpseCache.get(n) || undefined };
  }

  private changed(): void {
    if (!this.disposed) this.emitter.fire();
  }

  private updateState(): void {
    const sources = this.lib.sources;
    const state: LibraryState = this.lib.papers.length > 0 ? 'ready'
      : sources.length > 0 && sources.every(s => s.error !== undefined) ? 'failed' : 'empty';
    void this.setState(state);
  }

  private async setState(state: LibraryState): Promise<void> {
    const changed = state !== this.st;
    this.st = state;
    try {
      await vscode.commands.executeCommand('setContext', ContextKeys.libraryState, state);
    } catch {
      // Only fails while the window shuts down.
    }
    if (changed) this.changed();
  }

  dispose(): void {
    this.disposed = true;
    for (const a of this.aborts) a.abort();
    clearTimeout(this.rediscoverTimer);
    for (const t of this.pendingChanges.values()) clearTimeout(t);
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
    this.parser.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** A file's reading with one document's list, as the service's maps name it. */
function readingKey(file: string, list: readonly string[]): string {
  return `${file}\u0000${listKey(list)}`;
}

/** A document as documentPapers.ts names it (its path; other schemes: none). */
function docId(uri: vscode.Uri | undefined): string | undefined {
  return uri?.scheme === 'file' ? uri.fsPath : undefined;
}

/** Paths, smallest file first (a missing one counts as empty). */
function bySize(paths: string[]): string[] {
  const size = (p: string) => { try { return fs.statSync(p).size; } catch { return 0; } };
  return paths.map(p => ({ p, s: size(p) })).sort((a, b) => a.s - b.s).map(e => e.p);
}

/** Reads at most `max` bytes of a file as UTF-8 (front matter and preambles live at the top). */
async function readHead(file: string, max: number): Promise<string> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(max);
    const { bytesRead } = await fh.read(buf, 0, max, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

function ms(n: number): string {
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
}

/** Creates the library service; loading starts at once but never blocks or throws out of activation. */
export function createLibraryService(context: vscode.ExtensionContext, config: ConfigService): LibraryService & { readonly library: Library } {
  return new LibraryServiceImpl(context, config);
}
