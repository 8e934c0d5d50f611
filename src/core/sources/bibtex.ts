// A .bib file (or a list of them read together) as a parsed source: the tolerant BibTeX reader's
// entries turned into papers, with each entry's original text and problems by line.
import { parseBibtex, type BibEntry, type BibGroupContext, type BibParseResult } from '../bibtex/parse';
import { bibEntryToPaper } from '../bibtex/toCsl';
import type { Paper, SourceProblem } from '../model';
import { failedSource, type ParsedSource, type ProgressFn } from './types';

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
  return fromResult(result, text, file, t0, onProgress);
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
    return fromResult(r, f.text, f.path, t0[i]!, undefined, preambles[i]);
  });
}

/** Papers of a parsed .bib. */
function fromResult(result: BibParseResult, text: string, file: string, t0: number, onProgress?: ProgressFn, preambles = result.preambles): ParsedSource {
  const problems: SourceProblem[] = [...result.problems];
  const papers: Paper[] = [];
  // Where each paper's original text is (char offsets), so a big library need not carry it around.
  const spans: number[] = [];
  const total = result.entries.length;
  const uses = preambleUses(preambles);
  for (let i = 0; i < total; i++) {
    const e = result.entries[i]!;
    if (onProgress && i % 2000 === 0) onProgress(i, total, 'converting');
    try {
      const p = bibEntryToPaper(e, file);
      if (!p.custom.origins?.length) p.custom = { ...p.custom, origins: [{ path: file, line: e.line }] };
      if (e.fields.crossref !== undefined) {
        // The entry as the user wrote it, to export beside its parent (crossref.ts).
        const own = text.slice(e.start, e.end);
        const strings = stringsUsed(own, result.strings);
        p.custom.crossref = { key: e.fields.crossref, bibtex: own, ...(strings ? { strings } : {}) };
      }
      if (uses && p.custom.bibtex) {
        const pre = uses(p.custom.crossref?.bibtex ?? p.custom.bibtex);
        if (pre.length) p.custom.preamble = pre;
      }
      papers.push(p);
      if (e.raw !== undefined && p.custom.bibtex === e.raw) spans.push(e.start, e.end);
      else spans.push(-1, -1);
    } catch (err) {
      problems.push({ file, line: e.line, severity: 'error', message: `@${e.type}{${e.key}: could not be converted: ${(err as Error).message}` });
    }
  }
  onProgress?.(total, total, 'converting');
  return { path: file, kind: 'bibtex', papers, problems, entries: result.entries.length, parseMs: performance.now() - t0, charSpans: spans };
}

// `\newcommand{\x}`, `\newcommand\x`, `\providecommand`, `\renewcommand`, `\DeclareRobustCommand`, `\def\x`.
const DEFINES = /\\(?:(?:re|provide)?newcommand|providecommand|DeclareRobustCommand|def)\*?\s*\{?\s*\\([A-Za-z@]+)/g;

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

/** The file's user `@string` macros an entry's text names (a bare word after `=` or beside `#`). */
function stringsUsed(own: string, strings: Record<string, string>): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const m of own.matchAll(/(?:[=#]\s*)([A-Za-z_][^\s"#%'(),={}]*)|([A-Za-z_][^\s"#%'(),={}]*)(?=\s*#)/g)) {
    const name = (m[1] ?? m[2]!).toLowerCase();
    if (Object.prototype.hasOwnProperty.call(strings, name)) (out ??= {})[name] = strings[name]!;
  }
  return out;
}
