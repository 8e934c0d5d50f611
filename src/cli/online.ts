// `papercite search --online`, `papercite lookup` and `papercite add`: the online providers from the
// command line, through the same core client as the editor. Text from the services is printed only
// after control characters are removed, so a record cannot move the cursor or recolour the terminal.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBibtex } from '../core/bibtex/parse';
import { bibEntryToPaper } from '../core/bibtex/toCsl';
import { applyEdits, planBibInsert } from '../core/bibWrite';
import { citeKeyFor } from '../core/citekey';
import { toRis } from '../core/csl';
import type { Library } from '../core/library';
import { paperYear, shortAuthors, type Paper } from '../core/model';
import { NotAnIdentifier, OnlineClient } from '../core/online/client';
import { endpointsFromEnv } from '../core/online/env';
import { nodeHttpGet } from '../core/online/http';
import { mergeOnline, sameWork } from '../core/online/match';
import { OnlineFailure, PROVIDER_LABEL, PROVIDERS, type HttpGet, type OnlineError, type OnlineRecord, type OnlineSettings, type ProviderName, type ProviderResult } from '../core/online/types';
import { UsageError, type CliArgs } from './args';
import { safeJson, terminalField, terminalText } from './terminal';
import { oneLine } from '../core/strings';
import type { CliEnv, CliIO } from './run';

/** Exit code when no online provider could answer. */
export const EXIT_OFFLINE = 3;

export class OnlineCliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/** One line of terminal text (see ./terminal). */
const line = terminalField;

export interface OnlineCliEnv {
  /** The HTTP client (tests inject one); Node's fetch otherwise. */
  http?: HttpGet;
}

function providersOf(args: CliArgs): ProviderName[] | undefined {
  if (!args.providers.length) return undefined;
  for (const p of args.providers) {
    if (!(PROVIDERS as readonly string[]).includes(p.toLowerCase())) throw new UsageError(`unknown provider "${p}"; use ${PROVIDERS.join(', ')}`);
  }
  return args.providers.map(p => p.toLowerCase() as ProviderName);
}

export function onlineSettings(args: CliArgs, env: CliEnv, cacheDir: string | undefined): OnlineSettings {
  const e = env.env ?? process.env;
  const providers = providersOf(args);
  return {
    endpoints: endpointsFromEnv(e) ?? {},
    ...(e.PAPERCITE_MAILTO ? { mailto: e.PAPERCITE_MAILTO } : {}),
    ...(e.PAPERCITE_S2_KEY ? { semanticScholarKey: e.PAPERCITE_S2_KEY } : {}),
    ...(e.PAPERCITE_OPENALEX_KEY ? { openAlexKey: e.PAPERCITE_OPENALEX_KEY } : {}),
    ...(providers ? { providers } : {}),
    ...(cacheDir && !args.noCache ? { cacheDir: path.join(cacheDir, 'online') } : {}),
  };
}

function client(args: CliArgs, env: CliEnv & OnlineCliEnv, cacheDir: string | undefined): OnlineClient {
  return new OnlineClient(env.http ?? nodeHttpGet(), onlineSettings(args, env, cacheDir));
}

/** What to tell the user about a failed provider: what happened and what to do. */
export function describeError(e: OnlineError): string {
  const who = PROVIDER_LABEL[e.provider];
  switch (e.kind) {
    case 'offline': return `${who} is unreachable (${e.message.replace(/^unreachable:?\s*/, '')}); check the connection or the endpoint setting`;
    case 'timeout': return `${who} did not answer in time (${e.message})`;
    case 'rate-limited': return `${who} asks to slow down (${e.message})${e.retryAfterMs ? `; try again in ${Math.ceil(e.retryAfterMs / 1000)} s` : '; try again later'}`;
    default: return `${who}: ${e.message}`;
  }
}

function row(i: number, width: number, p: Paper, mark: string): string {
  const venue = (p['container-title'] as string | undefined) ?? (p.custom.arxiv ? `arXiv:${p.custom.arxiv}` : '');
  const by = [shortAuthors(p), paperYear(p), venue].filter(Boolean).join(' · ');
  return `${String(i).padStart(width)}. ${line(oneLine(p.title ?? '(untitled)'))}${mark}\n${' '.repeat(width + 2)}${line(oneLine(by))}\n`;
}

/** `search QUERY --online`: local hits, then one section per provider in display order. */
export async function searchOnline(args: CliArgs, lib: Library, io: CliIO, env: CliEnv & OnlineCliEnv, cacheDir: string | undefined): Promise<number> {
  const query = args.positional.join(' ').trim();
  if (!query) throw new UsageError('search needs a QUERY');
  const limit = args.limit ?? 10;
  const local = lib.search(query, limit).map(h => h.paper);
  const results = new Map<ProviderName, ProviderResult>();
  const c = client(args, env, cacheDir);
  await c.search(query, { ...(providersOf(args) ? { providers: providersOf(args)! } : {}), limit, onResult: r => results.set(r.provider, r) });
  const order = PROVIDERS.filter(p => results.has(p));
  if (args.json) {
    const online: Record<string, unknown> = {};
    for (const p of order) {
      const r = results.get(p)!;
      online[p] = 'error' in r ? { error: r.error } : { records: mergeOnline(local, r.records).map(m => ({ ...m.record, ...(m.local ? { inLibrary: m.local.id } : {}) })) };
    }
    io.stdout.write(`${safeJson({ local, online }, 2)}\n`);
  } else {
    const out: string[] = [];
    out.push(`Library (${local.length})\n`);
    local.forEach((p, i) => out.push(row(i + 1, String(local.length).length, p, `  [${line(p.id)}]`)));
    for (const p of order) {
      const r = results.get(p)!;
      if ('error' in r) { out.push(`\n${line(describeError(r.error))}\n`); continue; }
      const merged = mergeOnline(local, r.records);
      out.push(`\n${PROVIDER_LABEL[p]} (${merged.length}${r.cached ? ', cached' : ''})\n`);
      merged.forEach((m, i) => out.push(row(i + 1, String(merged.length).length, m.record.paper, m.local ? `  [in library: ${line(m.local.id)}]` : '')));
    }
    io.stdout.write(out.join(''));
  }
  const failed = order.filter(p => 'error' in results.get(p)!);
  if (order.length && failed.length === order.length) {
    const unreachable = failed.every(p => { const k = (results.get(p) as { error: OnlineError }).error.kind; return k === 'offline' || k === 'timeout' || k === 'rate-limited'; });
    io.stderr.write(`papercite: no online provider answered${unreachable ? ' (offline or unreachable)' : ''}\n`);
    return unreachable ? EXIT_OFFLINE : 1;
  }
  return 0;
}

async function resolve(args: CliArgs, c: OnlineClient, what: string): Promise<OnlineRecord> {
  const id = args.positional.join(' ').trim();
  if (!id) throw new UsageError(`${what} needs an ID (a DOI, arXiv id or paper URL)`);
  let rec: OnlineRecord | undefined;
  try {
    rec = await c.lookup(id);
  } catch (err) {
    if (err instanceof NotAnIdentifier) throw new UsageError(line(err.message));
    if (err instanceof OnlineFailure) {
      const e = err.online;
      const offline = e.kind === 'offline' || e.kind === 'timeout' || e.kind === 'rate-limited';
      throw new OnlineCliError(line(describeError(e)), offline ? EXIT_OFFLINE : 1);
    }
    throw err;
  }
  if (!rec) throw new OnlineCliError(`no provider knows ${line(id)}`, 1);
  return rec;
}

/** `lookup ID`: the record, or its BibTeX / CSL-JSON / RIS. */
export async function lookupCommand(args: CliArgs, io: CliIO, env: CliEnv & OnlineCliEnv, cacheDir: string | undefined): Promise<number> {
  const c = client(args, env, cacheDir);
  const format = args.format?.toLowerCase();
  if (format && !['bibtex', 'bib', 'csl-json', 'csl', 'json', 'ris'].includes(format)) throw new UsageError(`unknown format "${args.format}"; use bibtex, csl-json or ris`);
  const rec = await resolve(args, c, 'lookup');
  const p = rec.paper;
  if (format === 'bibtex' || format === 'bib') io.stdout.write(terminalText(await c.bibtex(rec, p.id)));
  else if (format === 'csl-json' || format === 'csl' || format === 'json') io.stdout.write(`${safeJson([p], 2)}\n`);
  else if (format === 'ris') io.stdout.write(terminalText(toRis([p])));
  else if (args.json) io.stdout.write(`${safeJson(rec, 2)}\n`);
  else {
    const ids = Object.entries(rec.ids).map(([k, v]) => `${k}:${v}`).join('  ');
    const lines = [
      `${line(p.title ?? '(untitled)')}`,
      `  ${line([shortAuthors(p, 6), paperYear(p), p['container-title'] as string | undefined].filter(Boolean).join(' · '))}`,
      `  ${PROVIDER_LABEL[rec.provider]}  ${line(ids)}`,
      ...(rec.url ? [`  ${line(rec.url)}`] : []),
      `  key: ${p.id}`,
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `add ID --bib FILE`: appends the paper's entry once, with a key unique in FILE. */
export async function addCommand(args: CliArgs, io: CliIO, env: CliEnv & OnlineCliEnv, cacheDir: string | undefined): Promise<number> {
  if (!args.bib) throw new UsageError('add needs --bib FILE (the .bib to append to)');
  const file = path.resolve(env.cwd ?? process.cwd(), args.bib);
  const name = args.bib;
  let text = '';
  let exists = true;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new OnlineCliError(`${name} is a directory`, 1);
    if ((st.mode & 0o222) === 0) throw new OnlineCliError(`${name} is read-only; PaperCite does not write into it`, 1);
    const bytes = fs.readFileSync(file);
    try { text = utf8.decode(bytes); } catch { throw new OnlineCliError(`${name} is not UTF-8 text; convert it to UTF-8 (or add the entry by hand) so PaperCite cannot garble it`, 1); }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (err instanceof OnlineCliError) throw err;
      throw new OnlineCliError(`cannot read ${name}: ${(err as Error).message}`, 1);
    }
    exists = false;
  }
  const c = client(args, env, cacheDir);
  const rec = await resolve(args, c, 'add');
  if (!rec.paper.title) throw new OnlineCliError(`${PROVIDER_LABEL[rec.provider]} has no title for ${line(args.positional.join(' '))}; not added`, 1);
  const parsed = parseBibtex(text, name);
  for (const e of parsed.entries) {
    const same = sameWork(bibEntryToPaper(e, name), rec.paper);
    if (same.same) {
      io.stderr.write(`${line(name)} already holds this paper as ${line(e.key)} (${line(same.why)}); nothing added.\n`);
      io.stdout.write(`${line(e.key)}\n`);
      return 0;
    }
  }
  const taken = new Set(parsed.entries.map(e => e.key.toLowerCase()));
  const key = citeKeyFor(rec.paper, taken);
  const bibtex = await c.bibtex(rec, key);
  const plan = planBibInsert(text, [{ key, bibtex }], name);
  if (!plan.ok) throw new OnlineCliError(plan.reason, 1);
  if (plan.rejected.length) throw new OnlineCliError(`the BibTeX for ${key} is not valid (${plan.rejected[0]!.reason}); nothing written`, 1);
  if (plan.caseConflicts.length) throw new OnlineCliError(`${name} holds ${plan.caseConflicts[0]!.existing}, which BibTeX treats as ${key}; nothing written`, 1);
  if (plan.present.length) {
    io.stderr.write(`${line(name)} already has the key ${key}; nothing added.\n`);
    io.stdout.write(`${key}\n`);
    return 0;
  }
  // The file must not have changed since it was read (another program, an editor saving).
  const now = exists ? fs.readFileSync(file, 'utf8') : '';
  if (exists && now !== text) throw new OnlineCliError(`${name} changed while the entry was fetched; run the command again`, 1);
  if (!exists && fs.existsSync(file)) throw new OnlineCliError(`${name} appeared while the entry was fetched; run the command again`, 1);
  const tmp = `${file}.papercite-${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, applyEdits(text, plan.edits), exists ? { mode: fs.statSync(file).mode } : {});
    fs.renameSync(tmp, file);
  } catch (err) {
    try { fs.rmSync(tmp, { force: true }); } catch { /* nothing more to clean */ }
    throw new OnlineCliError(`could not write ${name}: ${(err as Error).message}`, 1);
  }
  io.stderr.write(`${exists ? 'Added' : 'Created ' + line(name) + ' with'} ${key} (${PROVIDER_LABEL[rec.provider]}) ${exists ? `to ${line(name)}` : ''}\n`.replace(/ \n$/, '\n'));
  io.stdout.write(`${key}\n`);
  return 0;
}
