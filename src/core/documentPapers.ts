// What a document sees of a `.bib` file shared with documents whose bibliography lists differ:
// the library reads the file once (groups.ts), and readings of it with other documents' lists keep
// only what differs (listReading.ts). A document-scoped lookup puts a document's reading over the
// library's paper. Search ranks on the library's reading; the papers a document shows (hover,
// completion details, diagnostics) come from here. Pure: readings in, papers out.
import type { Paper, SourceProblem } from './model';
import { listFiles, listKey } from './sources/groups';
import type { ListReadingInfo } from './sources/listReading';
import type { ParsedSource } from './sources/types';

/** The library as this lookup needs it. */
export interface LibraryLookup {
  /** The paper shown for a key (from the library's reading). */
  byKey(key: string): Paper | undefined;
  /** The paper a source's own reading has for a key (before merging with other sources). */
  ownPaper(file: string, key: string): Paper | undefined;
}

/** One file read with one list. */
interface Reading {
  info: ListReadingInfo;
  papers: Map<string, Paper>;
  absent: Set<string>;
  /** Problems of this reading by the key of the entry they are in. */
  problems: Map<string, SourceProblem[]>;
  /** The paper made for a key from the shown paper it was made over. */
  made: Map<string, { shown: Paper; own: Paper; paper: Paper }>;
}

/** A problem a document's list has with an entry it cites (an undefined macro, for that list). */
export interface ListProblem {
  file: string;
  list: string[];
  problem: SourceProblem;
}

export class DocumentReadings {
  /** file → list key → reading. */
  private readonly readings = new Map<string, Map<string, Reading>>();
  /** document → file → the key of the document's first list holding the file. */
  private docs = new Map<string, Map<string, string>>();

  /**
   * The lists each document names (resolved paths, as groups.ts takes them). A document's first
   * list holding a file is the one its readings are looked up with.
   */
  setDocuments(docLists: ReadonlyMap<string, readonly (readonly string[])[]>): void {
    const docs = new Map<string, Map<string, string>>();
    for (const [doc, lists] of docLists) {
      const files = new Map<string, string>();
      for (const raw of lists) {
        const { list } = listFiles(raw);
        const key = listKey(list);
        for (const f of list) if (!files.has(f)) files.set(f, key);
      }
      if (files.size) docs.set(doc, files);
    }
    this.docs = docs;
  }

  /** Adds or replaces a file's reading with a list (a ParsedSource with `listReading`). */
  put(source: ParsedSource): void {
    const info = source.listReading;
    if (!info || source.error !== undefined) return;
    let byList = this.readings.get(source.path);
    if (!byList) this.readings.set(source.path, (byList = new Map()));
    const papers = new Map<string, Paper>();
    for (const p of source.papers) if (!papers.has(p.id)) papers.set(p.id, p);
    byList.set(listKey(info.list), { info, papers, absent: new Set(info.absent), problems: problemsByEntry(source), made: new Map() });
  }

  /** The readings of a file with a list, and whether there is one. */
  has(file: string, list: readonly string[]): boolean {
    return !!this.readings.get(file)?.has(listKey(list));
  }

  /** Lets go of a file's readings, except those with the lists in `keep`. */
  retain(file: string, keep: readonly (readonly string[])[] = []): void {
    const byList = this.readings.get(file);
    if (!byList) return;
    const kept = new Set(keep.map(listKey));
    for (const k of [...byList.keys()]) if (!kept.has(k)) byList.delete(k);
    if (!byList.size) this.readings.delete(file);
  }

  /** Files with readings. */
  get files(): string[] {
    return [...this.readings.keys()];
  }

  /** Whether a document sees any file through a reading of its own. */
  hasReadings(doc: string | undefined): boolean {
    const files = doc === undefined ? undefined : this.docs.get(doc);
    return !!files && this.anyReading(files);
  }

  private anyReading(files: ReadonlyMap<string, string>): boolean {
    for (const [f, k] of files) if (this.readings.get(f)?.has(k)) return true;
    return false;
  }

  /**
   * The paper a document sees for a key: the library's, with the fields that came from a file the
   * document reads with a list of its own replaced by that reading's. A document in no list, or
   * whose list reads the file as the library does, gets the library's paper itself.
   */
  paperFor(key: string, doc: string | undefined, lib: LibraryLookup, given?: Paper): Paper | undefined {
    const files = doc === undefined ? undefined : this.docs.get(doc);
    // Most documents read no file differently: no lookup at all (while a big library is still
    // being decoded, a lookup by key is a search of its index).
    if (!files || !this.anyReading(files)) return given ?? lib.byKey(key);
    const shown = given ?? lib.byKey(key);
    if (!shown) {
      // Only the document's reading has it (the library's lacks the entry).
      for (const [f, k] of files) {
        const p = this.readings.get(f)?.get(k)?.papers.get(key);
        if (p) return p;
      }
      return undefined;
    }
    const hit = this.readingOf(shown, key, files);
    if (!hit) return shown;
    const { reading, file } = hit;
    if (reading.absent.has(key) && !reading.papers.has(key)) return undefined;
    const mine = reading.papers.get(key);
    const own = mine && lib.ownPaper(file, key);
    if (!mine || !own) return shown;
    const made = reading.made.get(key);
    if (made && made.shown === shown && made.own === own) return made.paper;
    const paper = overlay(shown, own, mine);
    reading.made.set(key, { shown, own, paper });
    return paper;
  }

  /** The problems the document's own list has with the entry of a key (none where it reads the file as the library does). */
  problemsFor(key: string, doc: string | undefined, lib: Pick<LibraryLookup, 'byKey'>): ListProblem[] {
    const files = doc === undefined ? undefined : this.docs.get(doc);
    const shown = files && lib.byKey(key);
    const hit = shown && this.readingOf(shown, key, files!);
    const found = hit?.reading.problems.get(key);
    return found ? found.map(problem => ({ file: hit!.file, list: hit!.reading.info.list, problem })) : [];
  }

  /** The document's reading of the file the shown paper comes from, if it has one. */
  private readingOf(shown: Paper, key: string, files: ReadonlyMap<string, string>): { reading: Reading; file: string } | undefined {
    // The file whose entry the library shows for the key (its first origin); a key the document's
    // reading holds in another file counts only when the library shows no other file's entry.
    const file = shown.custom.origins?.[0]?.path;
    const k = file === undefined ? undefined : files.get(file);
    const reading = k === undefined ? undefined : this.readings.get(file!)?.get(k);
    return reading && (reading.papers.has(key) || reading.absent.has(key) || reading.problems.has(key)) ? { reading, file: file! } : undefined;
  }
}

/**
 * The shown paper with what came from `own` (the library's reading of the file) replaced by the
 * document's reading `mine`: a field whose shown value is own's takes mine's (or goes, when mine
 * lacks it); fields another source filled in stay. Origins, sources and aliases stay the shown ones.
 */
export function overlay(shown: Paper, own: Paper, mine: Paper): Paper {
  const same = (a: unknown, b: unknown) => a === b || (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b));
  const out: Paper = { ...shown };
  for (const k of new Set([...Object.keys(own), ...Object.keys(mine)])) {
    if (k === 'id' || k === 'custom') continue;
    if (!same(shown[k], own[k])) continue;
    if (mine[k] === undefined) delete out[k];
    else out[k] = mine[k];
  }
  // Accessor properties (a lazily read `bibtex`) are copied as accessors.
  const custom = Object.defineProperties({}, Object.getOwnPropertyDescriptors(shown.custom)) as Paper['custom'];
  const keep = new Set(['origins', 'sources', 'aliases', 'provenance']);
  const sc = shown.custom as Record<string, unknown>, oc = own.custom as Record<string, unknown>, mc = mine.custom as Record<string, unknown>;
  const cc = custom as Record<string, unknown>;
  for (const k of new Set([...Object.keys(oc), ...Object.keys(mc)])) {
    if (keep.has(k) || !same(sc[k], oc[k])) continue;
    Object.defineProperty(cc, k, { value: mc[k], writable: true, enumerable: true, configurable: true });
    if (mc[k] === undefined) delete cc[k];
  }
  out.custom = custom;
  return out;
}

/** Each problem of a reading under the key of the entry it is in: the last of its papers starting at or before its line. */
function problemsByEntry(source: ParsedSource): Map<string, SourceProblem[]> {
  const starts = source.papers
    .map(p => ({ key: p.id, line: p.custom.origins?.find(o => o.path === source.path)?.line ?? 0 }))
    .filter(s => s.line > 0)
    .sort((a, b) => a.line - b.line);
  const out = new Map<string, SourceProblem[]>();
  for (const problem of source.problems) {
    let lo = 0, hi = starts.length - 1, at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]!.line <= problem.line) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    // The reader names the entry in most messages ("entry knuth77: field …"); the line finds the rest.
    const key = /^entry ([^\s:]+):/.exec(problem.message)?.[1] ?? (at < 0 ? undefined : starts[at]!.key);
    if (key === undefined) continue;
    const l = out.get(key);
    if (l) l.push(problem); else out.set(key, [problem]);
  }
  return out;
}
