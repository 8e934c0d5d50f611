// A `.bib` file shared by documents whose bibliography lists put different files before it is read
// once for the library (with the union of those files: groups.ts) and, for each such document's
// list, again as that document's BibTeX run would read it. Only what that reading changes is kept:
// the entries whose result differs from the union reading, and the problems only it has (a macro
// that list does not define). Plain data in and out; the files come through GroupFile callbacks.
import type { Paper, SourceProblem } from '../model';
import { groupFiles, macrosBefore, readBibtexInGroup, type GroupDep, type GroupFile, type MacroTables } from './bibtex';
import type { ParsedSource } from './types';

/** What reading a file with one document's list came to (ParsedSource.listReading). */
export interface ListReadingInfo {
  /** The document's list (holding the file). */
  list: string[];
  /** The union list the library's reading used. */
  primary: string[];
  /**
   * `read`: read with the list, `papers` are the entries that differ; `same`: the files before it
   * give the same macro table, preambles and crossref parents; `unused`: the tables differ only in
   * macros the file never names; `big`: a big file (BIG_LIST_READING_BYTES) that names none of
   * the differing macros but whose preambles or crossref parents differ: not read twice more, the
   * union reading serves.
   */
  outcome: 'read' | 'same' | 'unused' | 'big';
  /** Macros whose value differs between the two tables (at most 20 named, for the log). */
  macros: string[];
  macroCount: number;
  /** Keys of the union reading that this reading lacks. */
  absent: string[];
}

/** Files from this size (the Anthology, cryptobib's crypto.bib) are read again only for a macro they name. */
export const BIG_LIST_READING_BYTES = 8 * 1024 * 1024;

/**
 * Macro names whose values differ between two tables (defined in one only, or to another text),
 * in one pass over each.
 */
export function differingMacros(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const k of Object.keys(a)) if (!Object.prototype.hasOwnProperty.call(b, k) || a[k] !== b[k]) out.push(k);
  for (const k of Object.keys(b)) if (!Object.prototype.hasOwnProperty.call(a, k)) out.push(k);
  return out;
}

/**
 * Whether BibTeX text may name one of `names` (lower case) as a macro: a bare word right after
 * `=` or `#` (where a field value or a concatenation's part starts). One pass; a word inside a
 * braced value can match too, which only costs a reading that finds nothing different.
 */
export function namesMacro(text: string, names: ReadonlySet<string>): boolean {
  if (!names.size) return false;
  const re = /[=#][ \t\r\n]*([A-Za-z_][^\s"#%'(),={}]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) if (names.has(m[1]!.toLowerCase())) return true;
  return false;
}

/**
 * The file read with a document's `list` against its reading with `primary` (both hold `file`):
 * the macro tables before it are compared first (the kept tables answer for unchanged files), and
 * only when they differ in a macro the file names (or, for a file under BIG_LIST_READING_BYTES, in
 * preambles or in the files that may hold crossref parents) is it read with both lists and the
 * entries compared. The result is a ParsedSource of the differing entries (in file order) and the
 * problems of the list's reading that the union reading lacks, with `listReading` saying which.
 */
export function readBibtexWithList(
  text: string, file: string, list: readonly string[], primary: readonly string[], other: (path: string) => GroupFile | undefined,
  opts: { tables?: MacroTables; size?: number } = {},
): ParsedSource {
  const t0 = performance.now();
  const files = groupFiles(other);
  const inList = list.indexOf(file);
  const inPrimary = primary.indexOf(file);
  const mine = inList < 0 ? { table: {}, preambles: [] as string[] } : macrosBefore(list, inList, files, opts.tables);
  const base = inPrimary < 0 ? { table: {}, preambles: [] as string[] } : macrosBefore(primary, inPrimary, files, opts.tables);
  const macros = differingMacros(base.table, mine.table);
  const preamblesDiffer = base.preambles.length !== mine.preambles.length || base.preambles.some((p, i) => p !== mine.preambles[i]);
  // Crossref parents: the other files differ (as a set) and the file has a crossref at all.
  const others = (l: readonly string[]) => new Set(l.filter(f => f !== file));
  const po = others(primary), lo = others(list);
  const parentsDiffer = (po.size !== lo.size || [...lo].some(f => !po.has(f))) && /crossref/i.test(text);
  const info = (outcome: ListReadingInfo['outcome'], absent: string[] = []): ListReadingInfo => ({
    list: [...list], primary: [...primary], outcome, macros: macros.slice(0, 20), macroCount: macros.length, absent,
  });
  const done = (papers: Paper[], problems: SourceProblem[], entries: number, spans: number[] | undefined, deps: GroupDep[], i: ListReadingInfo): ParsedSource => ({
    path: file, kind: 'bibtex', papers, problems, entries, parseMs: performance.now() - t0, groupDeps: deps, listReading: i,
    ...(spans ? { charSpans: spans } : {}),
  });
  const named = namesMacro(text, new Set(macros));
  const big = (opts.size ?? text.length) >= BIG_LIST_READING_BYTES;
  if (!macros.length && !preamblesDiffer && !parentsDiffer) return done([], [], 0, undefined, files.deps, info('same'));
  if (!named && !preamblesDiffer && !parentsDiffer) return done([], [], 0, undefined, files.deps, info('unused'));
  if (!named && big) return done([], [], 0, undefined, files.deps, info('big'));
  const union = readBibtexInGroup(text, file, primary, other, opts.tables ? { tables: opts.tables } : {});
  const own = readBibtexInGroup(text, file, list, other, opts.tables ? { tables: opts.tables } : {});
  const diff = diffReadings(union, own);
  const deps = mergeDeps(files.deps, union.groupDeps, own.groupDeps);
  if (own.error !== undefined) return { ...own, groupDeps: deps, listReading: info('read') };
  return done(diff.papers, diff.problems, own.entries, diff.spans, deps, info('read', diff.absent));
}

/**
 * The entries of `own` whose paper differs from `union`'s of the same key (or that `union` lacks),
 * with their spans; the keys of `union` that `own` lacks; the problems of `own` that `union` has
 * not (same line and message). Linear: one map of the union's papers by key.
 */
export function diffReadings(union: ParsedSource, own: ParsedSource): { papers: Paper[]; spans: number[] | undefined; absent: string[]; problems: SourceProblem[] } {
  const before = new Map<string, string>();
  for (const p of union.papers) if (!before.has(p.id)) before.set(p.id, JSON.stringify(p));
  const papers: Paper[] = [];
  const spans: number[] | undefined = own.charSpans ? [] : undefined;
  const seen = new Set<string>();
  own.papers.forEach((p, i) => {
    const first = !seen.has(p.id);
    seen.add(p.id);
    // A repeated key is left out by the library, as BibTeX does: only the first counts.
    if (!first || before.get(p.id) === JSON.stringify(p)) return;
    papers.push(p);
    spans?.push(own.charSpans![2 * i]!, own.charSpans![2 * i + 1]!);
  });
  const absent = [...before.keys()].filter(k => !seen.has(k));
  const had = new Set(union.problems.map(p => `${p.line}\u0000${p.message}`));
  const problems = own.problems.filter(p => !had.has(`${p.line}\u0000${p.message}`));
  return { papers, spans, absent, problems };
}

function mergeDeps(...lists: (readonly GroupDep[] | undefined)[]): GroupDep[] {
  const out = new Map<string, GroupDep>();
  for (const l of lists) for (const d of l ?? []) if (!out.has(d.path)) out.set(d.path, d);
  return [...out.values()];
}
