// The `papercite` command line: search, show, export and stats over the bundled corpus and the
// user's libraries, through the same core code as the extension. `runCli` is the whole program
// minus process wiring, so tests call it in-process as well as through dist/cli.js.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { BibEncoding } from '../core/bibtex/export';
import { readCorpusIndex } from '../core/corpusIndex';
import { BIG_SOURCE, corpusSource, Library, PreparedSource, type SourceStatus } from '../core/library';
import { formatName, paperYear, shortAuthors, type Paper, type SourceProblem } from '../core/model';
import { buildIndexData, indexDataFits, SearchIndex, type SearchIndexData } from '../core/search';
import { outcomeSource, parseWithCache, storeOutcome } from '../core/sources/cachedParse';
import { readBibtexGroup } from '../core/sources/bibtex';
import { CacheDamagedError, CachedRowsFile, cacheKeyOf, readCacheRows, readIndexCache, rowsDigestOfFile, rowsFileCrc, type RowsDigest, writeCache, writeIndexCache } from '../core/sources/cache';
import { decodeRows } from '../core/sources/transfer';
import { readSourceFile, readSourceText } from '../core/sources/read';
import type { ParsedSource } from '../core/sources/types';
import { HELP, parseArgs, UsageError, type CliArgs } from './args';
import { createProgressBar } from './progress';
import { libraryStats } from './stats';
import { closestKeys } from './suggest';
import type { OnlineCliEnv } from './online';
import { safeJson, safeWriter, terminalField as tf } from './terminal';
import { oneLine } from '../core/strings';
import { counted } from '../core/words';

export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stdin?: NodeJS.ReadableStream;
}

export interface CliEnv extends OnlineCliEnv {
  /** corpus/papers.json */
  corpusPath: string;
  /** dist/corpus.index: the corpus's search index built with PaperCite (rebuilt here when absent or stale). */
  corpusIndexPath?: string;
  version?: string;
  cwd?: string;
  /** Names this build of the parser (a cache written by another build is not used). */
  cacheTag?: string;
  /** Environment variables (PAPERCITE_CACHE_DIR, XDG_CACHE_HOME). */
  env?: Record<string, string | undefined>;
}

/** Where the CLI caches parsed big libraries: $PAPERCITE_CACHE_DIR, else $XDG_CACHE_HOME/papercite, else ~/.cache/papercite. */
export function cliCacheDir(env: CliEnv): string {
  const e = env.env ?? process.env;
  if (e.PAPERCITE_CACHE_DIR) return e.PAPERCITE_CACHE_DIR;
  return path.join(e.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'papercite');
}

/** A failure the user must fix: printed as `papercite: message`, exit code 1. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

// citation-js (BibTeX and RIS export, online records) takes longer to load than a search from the
// cache takes in all: the modules that use it are loaded by the commands that need them.
let onlineModule: typeof import('./online') | undefined;
const online = () => (onlineModule ??= require('./online') as typeof import('./online'));
const bibExport = () => require('../core/bibtex/export') as typeof import('../core/bibtex/export');
const csl = () => require('../core/csl') as typeof import('../core/csl');

const COMMANDS = ['search', 'show', 'export', 'stats', 'lookup', 'add'];
const MAX_PROBLEMS_SHOWN = 20;
const PROGRESS_MIN_BYTES = 2 * 1024 * 1024;

export async function runCli(argv: readonly string[], rawIo: CliIO, env: CliEnv): Promise<number> {
  let args: CliArgs;
  // Messages and human-readable output never carry control characters from library text to the
  // terminal; JSON output (--json, --stdin, export) is left as it is: it escapes them itself.
  let io: CliIO = { ...rawIo, stderr: safeWriter(rawIo.stderr) };
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return usage(io, err.message);
    throw err;
  }
  if (!args.json && !args.stdin && args.command !== 'export') io = { ...io, stdout: safeWriter(rawIo.stdout) };
  if (args.version) {
    io.stdout.write(`${env.version ?? 'unknown'}\n`);
    return 0;
  }
  if (args.command === 'help') {
    io.stdout.write(`${HELP[args.positional[0] ?? 'main'] ?? HELP.main}\n`);
    return 0;
  }
  if (args.help || args.command === undefined) {
    io.stdout.write(`${HELP[args.command ?? 'main'] ?? HELP.main}\n`);
    return args.command === undefined && !args.help ? 2 : 0;
  }
  if (!COMMANDS.includes(args.command)) {
    const near = closestKeys(args.command, COMMANDS, 1);
    return usage(io, `unknown command "${args.command}"${near.length ? `; did you mean "${near[0]}"?` : ''}`);
  }
  try {
    // lookup and add ask the online providers only: no library is read.
    if (args.command === 'lookup') return await online().lookupCommand(args, io, env, cliCacheDir(env));
    if (args.command === 'add') return await online().addCommand(args, io, env, cliCacheDir(env));
    let loaded: Loaded;
    let code: number;
    try {
      loaded = loadLibrary(args, io, env, rawIo.stderr);
      code = await answerThenStore(args, loaded, io, env);
    } catch (err) {
      // A block of a cached library found damaged while its rows were read on demand: nothing was
      // printed yet (hits are printed once found), so read the libraries afresh and answer again.
      if (!(err instanceof CacheDamagedError)) throw err;
      io.stderr.write(`papercite: the cache of ${err.source ? shown(err.source, env.cwd ?? process.cwd()) : 'a library'} was damaged (${err.message}); discarded and rebuilt\n`);
      args = { ...args, noCache: true };
      loaded = loadLibrary(args, io, env, rawIo.stderr);
      code = await answerThenStore(args, loaded, io, env);
    }
    // A library with errors fails the run after the good entries were used, like a compiler.
    return code === 0 && loaded.errors > 0 ? 1 : code;
  } catch (err) {
    if (err instanceof UsageError) return usage(io, err.message);
    if (err instanceof CliError || (onlineModule && err instanceof onlineModule.OnlineCliError)) {
      io.stderr.write(`papercite: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`papercite: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 70;
  }
}

/** The command's answer first, then the cache writes (before it, for `--stdin`, which runs until its input ends). */
async function answerThenStore(args: CliArgs, loaded: Loaded, io: CliIO, env: CliEnv): Promise<number> {
  if (args.stdin) loaded.store();
  const code = await runCommand(args, loaded, io, env);
  loaded.store();
  return code;
}

function runCommand(args: CliArgs, loaded: Loaded, io: CliIO, env: CliEnv): Promise<number> | number {
  switch (args.command) {
    case 'search': return args.online ? online().searchOnline(args, loaded.lib, io, env, cliCacheDir(env)) : search(args, loaded.lib, io);
    case 'show': return show(args, loaded.lib, io);
    case 'export': return exportPapers(args, loaded.lib, io, env);
    default: return stats(args, loaded, io, env.cwd ?? process.cwd());
  }
}

function usage(io: CliIO, message: string): number {
  io.stderr.write(`papercite: ${message}\nRun "papercite --help" for usage.\n`);
  return 2;
}

interface Loaded {
  lib: Library;
  corpus: Paper[] | undefined;
  /** Problems of severity error in the user's libraries. */
  errors: number;
  /** Writes what was read afresh to the cache: called once the command answered (or before a long-running one). */
  store(): void;
}

/** The bundled corpus, with its prebuilt search index when `indexPath` holds one for exactly this text. */
export function readCorpus(corpusPath: string, indexPath?: string): { papers: Paper[]; indexData?: SearchIndexData } {
  let text: string;
  try {
    text = fs.readFileSync(corpusPath, 'utf8');
  } catch {
    throw new CliError(`the bundled corpus is missing (${corpusPath}); reinstall PaperCite or pass --no-corpus`);
  }
  try {
    const data = JSON.parse(text) as unknown;
    if (!Array.isArray(data)) throw new Error('not an array');
    const indexData = indexPath ? readCorpusIndex(text, indexPath) : undefined;
    return { papers: data as Paper[], ...(indexData ? { indexData } : {}) };
  } catch (err) {
    throw new CliError(`the bundled corpus ${corpusPath} is damaged (${(err as Error).message}); reinstall PaperCite or pass --no-corpus`);
  }
}

/** `barStream`: the raw stderr, for the progress bar's own control characters. */
function loadLibrary(args: CliArgs, io: CliIO, env: CliEnv, barStream: CliIO['stderr'] = io.stderr): Loaded {
  const corpus = args.noCorpus ? undefined : readCorpus(env.corpusPath, env.corpusIndexPath);
  const lib = new Library();
  if (corpus) lib.put(corpusSource(corpus.papers, 0, corpus.indexData));
  const cwd = env.cwd ?? process.cwd();
  const bar = createProgressBar(barStream, args.progress ?? !!barStream.isTTY);
  const parsedBibs: { given: string; parsed: ParsedSource }[] = [];
  // A list read together before, unchanged since (every file of it): from the cache, as a list.
  const listed = args.noCache ? undefined : cachedList(args.libraries, env, cwd);
  // A one-off search answers from a big library's cached index and reads only the rows it shows;
  // merging with the other sources is then by key, as in the editor while a big library is decoded.
  const onDemand = args.command === 'search' && !args.stdin && !args.online && !args.noCache && !listed && bibList(args.libraries, cwd).length === 0;
  const searchable: { id: string; problems: SourceProblem[] }[] = [];
  const store: (() => void)[] = [];
  const verbose = (line: string) => { if (args.verbose) io.stderr.write(`papercite: ${line}\n`); };
  for (const given of args.libraries) {
    const abs = path.resolve(cwd, given);
    const fromList = listed?.get(abs);
    if (fromList) { lib.put(fromList, given); continue; }
    const label = path.basename(given);
    // Only big files get a bar: a small one is read before a bar could be seen.
    let st: fs.Stats | undefined;
    try { st = fs.statSync(abs); } catch { /* readSourceFile says why */ }
    const big = !!st && st.isFile() && st.size >= PROGRESS_MIN_BYTES;
    const onProgress = big ? (done: number, total: number, phase: string) => bar.update(label, done, total, phase) : undefined;
    let parsed: ParsedSource;
    const cacheDir = big ? cliCacheDir(env) : undefined;
    const t0 = performance.now();
    if (cacheDir) {
      // Big libraries are cached like in the editor (keyed by path, size, change time and this build);
      // --no-cache parses afresh and rewrites the cache, which also repairs a damaged one.
      const tag = env.cacheTag ?? 'dev';
      const key = cacheKeyOf(abs, st!);
      const damaged = (what: string) => (why: string) => {
        bar.clear();
        io.stderr.write(`papercite: the cache of ${shown(abs, cwd)} was damaged (${what}${why}); discarded and rebuilt\n`);
      };
      let refresh = args.noCache;
      let cachedIndex = refresh ? undefined : readIndexCache(cacheDir, key, tag, damaged('search index: '));
      if (onDemand && cachedIndex?.rowsDigest && cachedIndex.papers >= BIG_SOURCE) {
        try {
          const rows = CachedRowsFile.open(cacheDir, key, tag, cachedIndex.rowsDigest);
          if (rows && indexDataFits(cachedIndex, rows.length)) {
            lib.put(PreparedSource.searchableIndex(abs, rows.meta.kind, SearchIndex.fromData(rows, cachedIndex)), given);
            searchable.push({ id: abs, problems: rows.meta.problems });
            verbose(`${shown(abs, cwd)}: ${rows.length} entries; search index from the cache, entries read as shown (${(performance.now() - t0).toFixed(0)} ms)`);
            continue;
          }
        } catch (err) {
          if (!(err instanceof CacheDamagedError)) throw err;
          damaged('')(err.message);
          refresh = true;
          cachedIndex = undefined;
        }
      }
      const req = { path: abs, cacheDir, tag, refresh };
      const outcome = parseWithCache(req, onProgress, damaged(''));
      try {
        parsed = outcomeSource(outcome);
      } catch (err) {
        if (err instanceof CacheDamagedError) err.source ??= abs;
        throw err;
      }
      const indexed = parsed.papers.length >= BIG_SOURCE;
      const fits = indexed && outcome.fromCache && !!cachedIndex && indexDataFits(cachedIndex, parsed.papers.length);
      if (indexed) parsed.indexData = fits ? cachedIndex : SearchIndex.build(parsed.papers).exportData();
      verbose(`${shown(abs, cwd)}: ${parsed.papers.length} entries ${outcome.fromCache ? 'from the cache' : 'parsed'}${indexed ? `; search index ${fits ? 'from the cache' : 'built'}` : ''} (${(performance.now() - t0).toFixed(0)} ms)`);
      const indexData = parsed.indexData;
      // Written once the answer is out: encoding and writing the Anthology's 130 MB took 1.5 s.
      store.push(() => {
        const t1 = performance.now();
        let digest: RowsDigest | undefined;
        const err = storeOutcome(req, outcome, d => { digest = d; });
        // The index goes with the digest of the records file it was made with (again when that file was rewritten since).
        let indexErr: string | undefined;
        if (!err && indexData && (!fits || cachedIndex!.rowsDigest?.crc !== (digest?.crc ?? rowsFileCrc(cacheDir, abs)))) {
          digest ??= rowsDigestOfFile(cacheDir, abs);
          indexErr = writeIndexCache(cacheDir, key, tag, indexData, digest);
        }
        // Said every time: without it each run parses the whole file again (or says "damaged" again) with no reason given.
        if (err || indexErr) {
          io.stderr.write(`papercite: could not cache ${shown(abs, cwd)} in ${cacheDir} (${err ?? `search index: ${indexErr}`}); `
            + 'each run reads it afresh until it can: set PAPERCITE_CACHE_DIR to a folder you can write\n');
          return;
        }
        if (!outcome.fromCache || !fits) verbose(`${shown(abs, cwd)}: cached (${(performance.now() - t1).toFixed(0)} ms)`);
      });
    } else parsed = readSourceFile(abs, onProgress ? { onProgress } : {});
    // One index over the whole source, as the editor's worker builds it: slices (the editor's
    // fallback) weigh words by each slice's own counts, so equal matches would rank by slice.
    if (parsed.papers.length >= BIG_SOURCE && !parsed.indexData) parsed.indexData = buildIndexData(parsed.papers);
    bar.clear();
    lib.put(parsed, given);
    if (parsed.kind === 'bibtex') parsedBibs.push({ given, parsed });
  }
  if (!listed) regroupBibs(parsedBibs, lib, env, cwd);
  let errors = 0;
  for (const s of [...lib.sources.filter(x => x.kind !== 'corpus'), ...searchable]) {
    errors += s.problems.filter(p => p.severity === 'error').length;
    if (args.command !== 'stats') printProblems(s, io, cwd, MAX_PROBLEMS_SHOWN);
  }
  return { lib, corpus: corpus?.papers, errors, store: () => { for (const write of store.splice(0)) write(); } };
}

function shown(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function formatProblem(p: SourceProblem, cwd: string): string {
  return `${shown(p.file, cwd)}${p.line > 0 ? `:${p.line}` : ''}: ${p.severity}: ${p.message}`;
}

function printProblems(s: Pick<SourceStatus, 'id' | 'problems'>, io: CliIO, cwd: string, max: number): void {
  for (const p of s.problems.slice(0, max)) io.stderr.write(`${formatProblem(p, cwd)}\n`);
  if (s.problems.length > max) {
    io.stderr.write(`${shown(s.id, cwd)}: … and ${s.problems.length - max} more problems (papercite stats --library ${shown(s.id, cwd)} lists them all)\n`);
  }
}

async function search(args: CliArgs, lib: Library, io: CliIO): Promise<number> {
  const limit = args.limit ?? 10;
  if (args.stdin) {
    if (!io.stdin) throw new CliError('no standard input to read queries from');
    await serveStdin(lib, io.stdin, io, limit);
    return 0;
  }
  const query = args.positional.join(' ').trim();
  if (!query) throw new UsageError('search needs a QUERY (or --stdin)');
  const hits = lib.search(query, limit);
  if (args.json) {
    io.stdout.write(`${safeJson(hits.map(h => h.paper), 2)}\n`);
    return 0;
  }
  if (!hits.length) {
    io.stderr.write(`No paper matches "${query}".\n`);
    return 0;
  }
  const w = String(hits.length).length;
  hits.forEach((h, i) => {
    const p = h.paper;
    const year = paperYear(p);
    const by = [shortAuthors(p), year].filter(Boolean).join(' · ');
    io.stdout.write(`${String(i + 1).padStart(w)}. ${tf(p.id)}  ${tf(oneLine(p.title ?? '(untitled)'))}\n${' '.repeat(w + 2)}${tf(oneLine(by))}\n`);
  });
  return 0;
}

/** One line in, one JSON line out, in order; the index is built once. */
export async function serveStdin(lib: Library, input: NodeJS.ReadableStream, io: CliIO, defaultLimit: number): Promise<void> {
  const rl = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
  for await (const line of rl) {
    let query = line;
    let limit = defaultLimit;
    const t = line.trim();
    if (t.startsWith('{')) {
      try {
        const o = JSON.parse(t) as { query?: unknown; limit?: unknown };
        if (typeof o.query !== 'string') throw new Error('"query" must be a string');
        query = o.query;
        if (o.limit !== undefined) {
          if (typeof o.limit !== 'number' || !Number.isInteger(o.limit) || o.limit < 1) throw new Error('"limit" must be a positive whole number');
          limit = o.limit;
        }
      } catch (err) {
        io.stdout.write(`${JSON.stringify({ error: `bad request: ${(err as Error).message}` })}\n`);
        continue;
      }
    }
    const hits = query.trim() ? lib.search(query, limit) : [];
    io.stdout.write(`${safeJson(hits.map(h => h.paper))}\n`);
  }
}

function findPaper(lib: Library, key: string): Paper {
  const p = lib.byKey(key) ?? lib.papers.find(x => x.custom.originalId === key);
  if (p) return p;
  const near = closestKeys(key, lib.papers.map(x => x.id));
  throw new CliError(`unknown key "${key}"${near.length ? `; did you mean ${near.map(k => `"${k}"`).join(', ')}?` : ''}`);
}

function show(args: CliArgs, lib: Library, io: CliIO): number {
  if (args.positional.length !== 1) throw new UsageError('show needs exactly one KEY');
  const p = findPaper(lib, args.positional[0]!);
  if (args.json) {
    io.stdout.write(`${safeJson(p, 2)}\n`);
    return 0;
  }
  const lines: string[] = [tf(p.id), `  ${tf(p.title ?? '(untitled)')}`];
  const field = (name: string, value: unknown) => {
    if (value !== undefined && value !== '' && value !== null) lines.push(`  ${`${name}:`.padEnd(10)}${tf(String(value))}`);
  };
  const authors = (p.author ?? []).map(formatName).join(', ') + (p.custom.authorsTruncated ? ', et al.' : '');
  field('Authors', authors || undefined);
  const d = (p.issued ?? p['original-date'])?.['date-parts']?.[0];
  field('Date', d?.map((x, i) => (i ? String(x).padStart(2, '0') : String(x))).join('-'));
  if (p['original-date'] && p.issued) field('First', p['original-date']['date-parts'][0]?.join('-'));
  field('Type', p.type);
  field('Venue', p.custom.venue ?? p['container-title']);
  field('DOI', p.DOI);
  field('arXiv', p.custom.arxiv ? `${p.custom.arxiv}${p.custom.category ? ` [${p.custom.category}]` : ''}` : undefined);
  field('URL', p.URL);
  field('Code', p.custom.codeUrl);
  const aliases = p.custom.aliases as string[] | undefined;
  field('Also', aliases?.length ? aliases.join(', ') : undefined);
  const from = [
    ...(p.custom.sources ?? []).map(s => `${s.page} #${s.index + 1}`),
    ...(p.custom.origins ?? []).map(o => `${o.path}${o.line ? `:${o.line}` : ''}`),
  ];
  field('From', from.length ? from.join('; ') : undefined);
  io.stdout.write(`${lines.join('\n')}\n`);
  if (typeof p.abstract === 'string' && p.abstract) {
    io.stdout.write('\n');
    // A long abstract (tens of MB) is wrapped and written in pieces: never one huge array or string.
    let chunk = '';
    wrap(tf(p.abstract), 92, l => {
      chunk += `  ${l}\n`;
      if (chunk.length > 1 << 16) { io.stdout.write(chunk); chunk = ''; }
    });
    if (chunk) io.stdout.write(chunk);
  }
  return 0;
}

/** Words of `text` in lines of at most `width` characters (a longer word alone on its line), one pass. */
function wrap(text: string, width: number, emit: (line: string) => void): void {
  const words = /\S+/g;
  let line = '';
  for (let m = words.exec(text); m; m = words.exec(text)) {
    const word = m[0];
    if (line && line.length + 1 + word.length > width) {
      emit(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) emit(line);
}

function exportPapers(args: CliArgs, lib: Library, io: CliIO, env: CliEnv): number {
  const format = (args.format ?? 'bibtex').toLowerCase();
  const papers = args.positional.length ? args.positional.map(k => findPaper(lib, k)) : [...lib.papers];
  let text: string;
  switch (format) {
    case 'bibtex': case 'bib': {
      const { exportBibtex, renamedNote, unicodeNote } = bibExport();
      const e = exportBibtex(papers, { encoding: cliEncoding(args, env) });
      text = e.text;
      for (const note of [renamedNote(e.renamed), unicodeNote(e.unicode)]) if (note) io.stderr.write(`papercite: ${note}\n`);
      break;
    }
    case 'csl-json': case 'csl': case 'json': text = `${safeJson(papers, 2)}\n`; break;
    case 'ris': text = csl().toRis(papers); break;
    default: throw new UsageError(`unknown format "${args.format}"; use bibtex, csl-json or ris`);
  }
  if (!text.endsWith('\n')) text += '\n';
  if (args.output) {
    const out = path.resolve(env.cwd ?? process.cwd(), args.output);
    try {
      fs.writeFileSync(out, text);
    } catch (err) {
      throw new CliError(`could not write ${out}: ${(err as Error).message}`);
    }
    io.stderr.write(`Exported ${counted(papers.length, 'paper')} to ${args.output}.\n`);
  } else io.stdout.write(text);
  return 0;
}

/**
 * Several .bib libraries are one bibliography list, in the order given: one macro table, and
 * crossrefs across them. Each file is first read alone (from the cache when big); only when one uses
 * a macro it does not define or a crossref to an entry it lacks are the files read again as a list
 * (and cached as that list), so independent libraries cost nothing more.
 */
function regroupBibs(bibs: readonly { given: string; parsed: ParsedSource }[], lib: Library, env: CliEnv, cwd: string): void {
  if (bibs.length < 2) return;
  const needs = bibs.some(b => b.parsed.problems.some(p => /uses the undefined macro|crossref `[^`]*` names no entry/.test(p.message)));
  if (!needs) return;
  const texts: { given: string; path: string; text: string; size: number; changedMs: number; warning?: string }[] = [];
  for (const { given } of bibs) {
    const abs = path.resolve(cwd, given);
    const r = readSourceText(abs);
    if ('text' in r) texts.push({ given, path: abs, text: r.text, size: r.size, changedMs: r.changedMs, ...(r.warning ? { warning: r.warning } : {}) });
  }
  const tag = listTag(texts.map(t => t.path), env);
  const cacheDir = cliCacheDir(env);
  readBibtexGroup(texts).forEach((parsed, i) => {
    const t = texts[i]!;
    if (t.warning) parsed.problems.unshift({ file: t.path, line: 0, severity: 'warning', message: t.warning });
    const source = { ...parsed, size: t.size, changedMs: t.changedMs };
    lib.put(source, t.given);
    // Cached under a tag naming every file of the list as read, so a change to any of them is a miss.
    if (tag && texts.length === bibs.length) writeCache(cacheDir, source, tag);
  });
}

/** The .bib libraries given, in order, when there are two or more. */
function bibList(libraries: readonly string[], cwd: string): string[] {
  const bibs = libraries.filter(g => /\.bib$/i.test(g)).map(g => path.resolve(cwd, g));
  return bibs.length > 1 ? bibs : [];
}

/** A cache tag for files read as one list: this build's tag and each file's path, size and change time. */
function listTag(files: readonly string[], env: CliEnv): string | undefined {
  const h = createHash('sha256');
  for (const f of files) {
    try { const st = fs.statSync(f); h.update(`${f}\0${st.size}\0${st.ctimeMs}\0`); } catch { return undefined; }
  }
  return `${env.cacheTag ?? 'dev'}|list:${h.digest('hex').slice(0, 32)}`;
}

/** The .bib libraries from the cache of an earlier reading as this same list, if every one is there and unchanged. */
function cachedList(libraries: readonly string[], env: CliEnv, cwd: string): Map<string, ParsedSource> | undefined {
  const files = bibList(libraries, cwd);
  const tag = files.length ? listTag(files, env) : undefined;
  if (!tag) return undefined;
  const out = new Map<string, ParsedSource>();
  for (const f of files) {
    try {
      const st = fs.statSync(f);
      const rows = readCacheRows(cliCacheDir(env), cacheKeyOf(f, st), tag);
      if (!rows) return undefined;
      out.set(f, decodeRows(rows, true));
    } catch { return undefined; }
  }
  return out;
}

/** `--encoding`, where `auto` looks at the .tex files and latexmkrc in the current folder. */
function cliEncoding(args: CliArgs, env: CliEnv): BibEncoding {
  if (args.encoding === 'utf8' || args.encoding === 'ascii') return args.encoding;
  const cwd = env.cwd ?? process.cwd();
  // A preamble is at the start: 64 KiB of each file is enough, whatever its size.
  const read = (f: string) => {
    let fd: number | undefined;
    try {
      fd = fs.openSync(path.join(cwd, f), 'r');
      const buf = Buffer.alloc(65536);
      return buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    } catch { return undefined; } finally { if (fd !== undefined) fs.closeSync(fd); }
  };
  let names: string[] = [];
  try { names = fs.readdirSync(cwd); } catch { /* an unreadable folder: no document */ }
  const tex = names.filter(n => n.endsWith('.tex')).slice(0, 50).map(read).filter((t): t is string => t !== undefined);
  const latexmkrc = ['latexmkrc', '.latexmkrc'].map(read).filter((t): t is string => t !== undefined);
  return bibExport().documentEncoding({ tex, latexmkrc });
}

function stats(args: CliArgs, loaded: Loaded, io: CliIO, cwd: string): number {
  const s = libraryStats(loaded.lib, loaded.corpus);
  if (args.json) {
    io.stdout.write(`${safeJson(s, 2)}\n`);
    return 0;
  }
  const out: string[] = [];
  if (s.corpus) {
    out.push('Bundled corpus',
      `  pages         ${s.corpus.pages}`,
      `  raw entries   ${s.corpus.rawEntries}`,
      `  papers        ${s.corpus.papers}`,
      `  merges        ${s.corpus.merges}`,
      `  authors       ${s.corpus.authors}`);
  }
  const user = s.sources.filter(x => x.kind !== 'corpus');
  if (user.length) {
    if (out.length) out.push('');
    out.push('Libraries');
    for (const src of user) {
      const errs = src.problems.filter(p => p.severity === 'error').length;
      const warns = src.problems.length - errs;
      out.push(`  ${shown(src.id, cwd)} (${src.kind}): ${counted(src.entries, 'entry', 'entries')}, ${src.merged} merged, ${src.parseMs.toFixed(0)} ms` +
        (src.error ? `, FAILED: ${src.error}` : errs || warns ? `, ${counted(errs, 'error')}, ${counted(warns, 'warning')}` : ''));
      for (const p of src.problems) out.push(`    ${formatProblem(p, cwd)}`);
    }
    out.push('', `All sources: ${counted(s.library.papers, 'paper')}, ${s.library.merged} merged across sources, ${counted(s.library.clashes, 'key clash', 'key clashes')}, ${counted(s.library.authors, 'author')}`);
  }
  io.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
