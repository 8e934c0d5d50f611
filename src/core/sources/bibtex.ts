// A .bib file (or a list of them read together) as a parsed source: the tolerant BibTeX reader's
// entries turned into papers, with each entry's original text and problems by line.
import { createHash } from 'node:crypto';
import { parseBibtex, parseBibtexUtf8, rawAsWritten, type BibEntry, type BibGroupContext, type BibParseResult } from '../bibtex/parse';
import { bibEntryToPaper } from '../bibtex/toCsl';
import type { Paper, SourceProblem } from '../model';
import { failedSource, type ParsedSource, type ProgressFn } from './types';
import { stickyEnd } from '../strings';

/**
 * Reads a `.bib` file with the tolerant BibTeX reader: every good entry loads, each bad one is a
 * problem with its line. `entries` counts the good entries.
 */
export function readBibtex(text: string, file: string, onProgress?: ProgressFn, group?: BibGroupContext): ParsedSource {
  const t0 = performance.now();
  let result: BibParseResult;
  onProgress?.(0, 1, 'parsing');
  try {
    result = parseBibtex(text, file, group);
  } catch (err) {
    // The reader is meant to be total; if it is not, the file still fails alone.
    return failedSource(file, 'bibtex', `could not be read as BibTeX: ${(err as Error).message}`, 0, performance.now() - t0);
  }
  return fromResult(result, ofText(result, text), file, t0, onProgress);
}

/**
 * `readBibtex` of the text of UTF-8 `bytes` (a file's, after its byte-order mark if any), read
 * without decoding the file (parseBibtexUtf8): the same source, with `byteSpans` (counted from
 * `base`, the mark's length) rather than `charSpans`.
 */
export function readBibtexUtf8(bytes: Uint8Array, file: string, base: number, onProgress?: ProgressFn): ParsedSource {
  const t0 = performance.now();
  let result: ReturnType<typeof parseBibtexUtf8>;
  onProgress?.(0, 1, 'parsing');
  try {
    result = parseBibtexUtf8(bytes, file);
  } catch (err) {
    return failedSource(file, 'bibtex', `could not be read as BibTeX: ${(err as Error).message}`, 0, performance.now() - t0);
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { written } = result;
  const parsed = fromResult(result, { textOf: e => buf.toString('utf8', e.start, e.end), asWritten: i => written[i]! }, file, t0, onProgress);
  const spans = parsed.charSpans!;
  delete parsed.charSpans;
  parsed.byteSpans = base ? spans.map(x => (x < 0 ? x : x + base)) : spans;
  return parsed;
}

/** Where a reading's entries come from: their text as written, and whether `raw` is it. */
interface EntrySource {
  textOf(e: BibEntry): string;
  asWritten(i: number, e: BibEntry): boolean;
}

function ofText(result: BibParseResult, text: string): EntrySource {
  return { textOf: e => text.slice(e.start, e.end), asWritten: (_i, e) => rawAsWritten(result, e, text) };
}

/**
 * The `.bib` files of one bibliography list, in order, read as BibTeX reads them: one macro table
 * (a `@string` of an earlier file serves the later ones) and `crossref` across the files. A file
 * whose crossrefs name entries of other files is read once more with them in view.
 */
export function readBibtexGroup(files: readonly { path: string; text: string }[]): ParsedSource[] {
  const t0 = files.map(() => performance.now());
  const results: (BibParseResult | undefined)[] = [];
  const seeds: Record<string, string>[] = [];
  let table: Record<string, string> = {};
  const preambles: string[][] = [];
  let allPreambles: string[] = [];
  files.forEach((f, i) => {
    t0[i] = performance.now();
    seeds.push(table);
    try {
      const r = parseBibtex(f.text, f.path, { strings: table });
      results.push(r);
      table = r.strings;
      allPreambles = [...allPreambles, ...r.preambles];
    } catch {
      results.push(undefined);
    }
    preambles.push(allPreambles);
  });
  const byKey = new Map<string, BibEntry>();
  for (const r of results) for (const e of r?.entries ?? []) if (!byKey.has(e.key.toLowerCase())) byKey.set(e.key.toLowerCase(), e);
  const crossref = (key: string) => byKey.get(key.toLowerCase());
  return files.map((f, i) => {
    let r = results[i];
    if (r && r.problems.some(p => /crossref `[^`]*` names no entry in this file/.test(p.message))) {
      r = parseBibtex(f.text, f.path, { strings: seeds[i], crossref });
    }
    if (!r) return readBibtex(f.text, f.path);
    return fromResult(r, ofText(r, f.text), f.path, t0[i]!, undefined, preambles[i]);
  });
}

/** Another file of a group, stat'ed; its text read only when needed. */
export interface GroupFile {
  size: number;
  changedMs: number;
  /** Whether the file may hold a `@string` or `@preamble` (false: it adds nothing to the macro table). */
  mayDefine(): boolean;
  /** The file's text; undefined when it cannot be read. */
  text(): string | undefined;
}

/** What one file of a group was when a later file was read with it (size -1: missing or unreadable). */
export interface GroupDep {
  path: string;
  size: number;
  changedMs: number;
  /** An earlier file that added nothing to the macro table (no `@string`, no `@preamble`). */
  empty?: boolean;
}

/** The macro table after a file of a list, and the file's own `@preamble`s. */
export interface MacroTable {
  strings: Record<string, string>;
  preambles: string[];
  /** The file added nothing (it has no `@string` or `@preamble`). */
  empty?: boolean;
}

/**
 * The files of a list up to one, as two hash chains (constant size, however long the list): `key`
 * of each file's path, size and change time (what determines the macro table after them), `names` of the
 * paths alone (a newer version of the same files has the same names).
 */
export interface Chain {
  key: string;
  names: string;
}

export const EMPTY_CHAIN: Chain = { key: '', names: '' };

export function extendChain(c: Chain, path: string, size: number, changedMs: number): Chain {
  const h = (s: string) => createHash('sha1').update(s).digest('hex');
  return { key: h(`${c.key}\n${path}\u0000${size}\u0000${changedMs}`), names: h(`${c.names}\n${path}`) };
}

/** Macro tables by chain, kept so a file is not parsed again for the files after it. */
export interface MacroTables {
  get(chain: Chain): MacroTable | undefined;
  set(chain: Chain, table: MacroTable): void;
}

/**
 * One `.bib` file read as part of its bibliography list `group` (which holds `file`): with the
 * macro table of the files before it, and `crossref` into the other files when its own entries
 * leave one unresolved. `other` stats another file of the list (undefined: missing). `groupDeps`
 * on the result names the files this reading used, with their size and change time, so a cache of it is
 * stale when any of them changes. `own` (the file's size and change time) and `tables` let the table
 * after each file be kept and reused: a big earlier file is then not read again for a later one.
 */
export function readBibtexInGroup(
  text: string, file: string, group: readonly string[], other: (path: string) => GroupFile | undefined,
  opts: { onProgress?: ProgressFn; own?: { size: number; changedMs: number }; tables?: MacroTables } = {},
): ParsedSource {
  const { onProgress, own, tables } = opts;
  const at = group.indexOf(file);
  if (at < 0 || group.length < 2) return readBibtex(text, file, onProgress);
  const t0 = performance.now();
  const files = groupFiles(other);
  const { table, chain, seeds, preambles } = macrosBefore(group, at, files, tables);
  onProgress?.(0, 1, 'parsing');
  let result: BibParseResult;
  try {
    result = parseBibtex(text, file, { strings: table });
    if (result.problems.some(p => /crossref `[^`]*` names no entry in this file/.test(p.message))) {
      // Parents in other files of the list: every entry of them, each read with the table before it.
      const byKey = new Map<string, BibEntry>();
      let t = result.strings;
      group.forEach((p, i) => {
        if (i === at) return;
        const body = files.stat(p)?.text();
        if (body === undefined) return;
        try {
          const r = parseBibtex(body, p, { strings: i < at ? seeds[i]! : t });
          if (i > at) t = r.strings;
          for (const e of r.entries) if (!byKey.has(e.key.toLowerCase())) byKey.set(e.key.toLowerCase(), e);
        } catch {
          // As above.
        }
      });
      result = parseBibtex(text, file, { strings: table, crossref: key => byKey.get(key.toLowerCase()) });
    }
  } catch (err) {
    return failedSource(file, 'bibtex', `could not be read as BibTeX: ${(err as Error).message}`, 0, performance.now() - t0);
  }
  // The table after this file, for the files after it (a missing earlier file adds nothing to it).
  if (own && tables && at < group.length - 1) {
    tables.set(extendChain(chain, file, own.size, own.changedMs), { strings: result.strings, preambles: result.preambles });
  }
  const parsed = fromResult(result, ofText(result, text), file, t0, onProgress, [...preambles, ...result.preambles]);
  parsed.groupDeps = files.deps;
  return parsed;
}

/** The other files of a list as one reading meets them: each stat'ed once, its text read at most once, and noted as a dependency. */
export interface GroupFiles {
  stat(path: string): GroupFile | undefined;
  /** Notes that a file stat'ed adds no macros (its GroupDep.empty). */
  markEmpty(path: string): void;
  /** The files stat'ed, in the order met. */
  deps: GroupDep[];
}

export function groupFiles(other: (path: string) => GroupFile | undefined): GroupFiles {
  const deps: GroupDep[] = [];
  const files = new Map<string, { f: GroupFile | undefined; dep: GroupDep }>();
  return {
    deps,
    stat: p => {
      let hit = files.get(p);
      if (!hit) {
        const r = other(p);
        let text: { t: string | undefined } | undefined;
        const dep: GroupDep = { path: p, size: r ? r.size : -1, changedMs: r ? r.changedMs : -1 };
        // Read at most once (the crossref branch may want a text the macro table needed).
        files.set(p, (hit = { f: r && { ...r, text: () => (text ??= { t: r.text() }).t }, dep }));
        deps.push(dep);
      }
      return hit.f;
    },
    markEmpty: p => {
      const hit = files.get(p);
      if (hit) hit.dep.empty = true;
    },
  };
}

/**
 * The macro table BibTeX has when it reaches `group[at]`: each earlier file read with the table of
 * those before it (a kept table answers instead of reading the file). `seeds[i]`: the table before
 * `group[i]`; `chain`: the files before, as MacroTables names them.
 */
export function macrosBefore(group: readonly string[], at: number, files: GroupFiles, tables?: MacroTables): { table: Record<string, string>; chain: Chain; seeds: Record<string, string>[]; preambles: string[] } {
  let table: Record<string, string> = {};
  let chain = EMPTY_CHAIN;
  const seeds: Record<string, string>[] = [];
  const preambles: string[] = [];
  for (const p of group.slice(0, at)) {
    seeds.push(table);
    const o = files.stat(p);
    if (!o) continue;
    chain = extendChain(chain, p, o.size, o.changedMs);
    let t = tables?.get(chain);
    if (!t) {
      const defines = o.mayDefine();
      t = { strings: table, preambles: [], ...(defines ? {} : { empty: true }) };
      const body = defines ? o.text() : undefined;
      if (body !== undefined) {
        try {
          const r = parseBibtex(body, p, { strings: table });
          t = { strings: r.strings, preambles: r.preambles };
        } catch {
          // The reader is meant to be total; a file it cannot read adds nothing.
        }
      }
      tables?.set(chain, t);
    }
    table = t.strings;
    preambles.push(...t.preambles);
    if (t.empty) files.markEmpty(p);
  }
  return { table, chain, seeds, preambles };
}

/** Whether bytes of BibTeX may hold a `@string` or `@preamble` (any case, spaces after `@`): one pass. */
export function mayDefineMacros(buf: Uint8Array): boolean {
  const words = ['string', 'preamble'];
  for (let i = buf.indexOf(64); i !== -1; i = buf.indexOf(64, i + 1)) {
    let j = i + 1;
    while (j < buf.length && (buf[j] === 32 || buf[j] === 9 || buf[j] === 10 || buf[j] === 13)) j++;
    for (const w of words) {
      let k = 0;
      while (k < w.length && j + k < buf.length && (buf[j + k]! | 0x20) === w.charCodeAt(k)) k++;
      if (k === w.length) return true;
    }
  }
  return false;
}

/** Papers of a parsed .bib. */
function fromResult(result: BibParseResult, source: EntrySource, file: string, t0: number, onProgress?: ProgressFn, preambles = result.preambles): ParsedSource {
  const problems: SourceProblem[] = [...result.problems];
  const papers: Paper[] = [];
  // Where each paper's original text is (char offsets), so a big library need not carry it around.
  const spans: number[] = [];
  const total = result.entries.length;
  const uses = preambleUses(preambles);
  // Nothing read from elsewhere in the file changes an entry (see paperFromEntryText).
  let standalone = preambles.length === 0 && !result.binary && Object.keys(result.strings).length === 0;
  for (let i = 0; i < total; i++) {
    const e = result.entries[i]!;
    if (onProgress && i % 2000 === 0) onProgress(i, total, 'converting');
    try {
      const p = bibEntryToPaper(e, file);
      if (!p.custom.origins?.length) p.custom = { ...p.custom, origins: [{ path: file, line: e.line }] };
      if (e.fields.crossref !== undefined) {
        // The entry as the user wrote it, to export beside its parent (crossref.ts).
        const own = source.textOf(e);
        const strings = stringsUsed(own, result.strings);
        p.custom.crossref = { key: e.fields.crossref, bibtex: own, ...(strings ? { strings } : {}) };
      }
      if (uses && p.custom.bibtex) {
        const pre = uses(p.custom.crossref?.bibtex ?? p.custom.bibtex);
        if (pre.length) p.custom.preamble = pre;
      }
      papers.push(p);
      // Only an entry written as in the file: one rewritten with its macros expanded keeps its text.
      if (e.raw !== undefined && p.custom.bibtex === e.raw && source.asWritten(i, e)) spans.push(e.start, e.end);
      else spans.push(-1, -1);
      if (e.fields.crossref !== undefined) standalone = false;
    } catch (err) {
      problems.push({ file, line: e.line, severity: 'error', message: `@${e.type}{${e.key}: could not be converted: ${(err as Error).message}` });
    }
  }
  onProgress?.(total, total, 'converting');
  return { path: file, kind: 'bibtex', papers, problems, entries: result.entries.length, parseMs: performance.now() - t0, charSpans: spans, ...(standalone ? { standalone } : {}) };
}

/**
 * The paper of one entry read from its text alone, as the whole file's reading gave it when that
 * reading was `standalone`: `line` is where the entry starts in the file, and its original text is
 * kept as the rows keep it (not enumerable). Undefined when the text is not one entry that reads
 * alone as in the file (a NUL in it makes a reading of it alone binary, which the file's was not).
 */
export function paperFromEntryText(text: string, file: string, line: number): Paper | undefined {
  let r: BibParseResult;
  try {
    r = parseBibtex(text, file);
  } catch {
    return undefined;
  }
  const e = r.entries[0];
  if (r.entries.length !== 1 || e!.raw !== text || r.binary) return undefined;
  // Its original text is `e.raw`, the whole text given.
  const p = bibEntryToPaper(e!, file);
  const origin = p.custom.origins?.[0];
  if (!origin) return undefined;
  origin.line = line;
  Object.defineProperty(p.custom, 'bibtex', { value: text, writable: true, enumerable: false, configurable: true });
  return p;
}

// `\newcommand{\x}`, `\newcommand\x`, `\providecommand`, `\renewcommand`, `\DeclareRobustCommand`, `\def\x`.
// (`\s*(?:\{\s*)?`, not `\s*\{?\s*`, which tried every split of a run of spaces.)
const DEFINES = /\\(?:(?:re|provide)?newcommand|providecommand|DeclareRobustCommand|def)\*?\s*(?:\{\s*)?\\([A-Za-z@]+)/g;

/**
 * For a file's `@preamble`s, a function from an entry's text to the preambles defining commands it
 * uses (`\noopsort`), so an exported entry carries them. Undefined when no preamble defines one.
 */
export function preambleUses(preambles: readonly string[]): ((text: string) => string[]) | undefined {
  const byName = new Map<string, number[]>();
  preambles.forEach((t, i) => {
    for (const m of t.matchAll(DEFINES)) {
      const l = byName.get(m[1]!);
      if (!l) byName.set(m[1]!, [i]); else if (!l.includes(i)) l.push(i);
    }
  });
  if (!byName.size) return undefined;
  return text => {
    const used = new Set<number>();
    for (const m of text.matchAll(/\\([A-Za-z@]+)/g)) for (const i of byName.get(m[1]!) ?? []) used.add(i);
    return [...used].sort((a, b) => a - b).map(i => preambles[i]!);
  };
}

const WORD_OR_JOIN = /[=#]|[^\s"#%'(),={}]+/g;
const WORD_AT = /[^\s"#%'(),={}]+/y;
const SPACES_AT = /\s*/y;
const NAME_START = /[A-Za-z_]/;

/**
 * The file's user `@string` macros an entry's text names (a bare word after `=` or beside `#`):
 * the words `/(?:[=#]\s*)([A-Za-z_][^\s"#%'(),={}]*)|([A-Za-z_][^\s"#%'(),={}]*)(?=\s*#)/g` finds.
 * That regex rescanned a long word from each of its letters; here each word is read once.
 */
export function stringsUsed(own: string, strings: Record<string, string>): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  const use = (name: string) => {
    const k = name.toLowerCase();
    if (Object.prototype.hasOwnProperty.call(strings, k)) (out ??= {})[k] = strings[k]!;
  };
  WORD_OR_JOIN.lastIndex = 0;
  for (let m = WORD_OR_JOIN.exec(own); m; m = WORD_OR_JOIN.exec(own)) {
    if (m[0] === '=' || m[0] === '#') {
      const at = stickyEnd(SPACES_AT, own, m.index + 1);
      if (!NAME_START.test(own[at] ?? '')) continue;
      const wordEnd = stickyEnd(WORD_AT, own, at);
      use(own.slice(at, wordEnd));
      WORD_OR_JOIN.lastIndex = wordEnd;
      continue;
    }
    // A word beside a `#`: from its first letter (or `_`) on.
    const end = m.index + m[0].length;
    if (own[stickyEnd(SPACES_AT, own, end)] !== '#') continue;
    let start = m.index;
    while (start < end && !NAME_START.test(own[start]!)) start++;
    if (start < end) use(own.slice(start, end));
  }
  return out;
}
