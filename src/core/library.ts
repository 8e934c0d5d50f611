// The papers PaperCite knows: the bundled corpus plus the user's libraries (.bib, CSL-JSON,
// publication pages), deduplicated across sources, with problems per source. Pure: files are
// read elsewhere (src/core/sources/read.ts, the worker) and handed in as text or parsed sources.
import * as path from 'node:path';
import type { Paper, SourceProblem } from './model';
import { SearchIndex, type SearchHit } from './search';
import { authorsAgree, identityOf, sameWork } from './sources/identity';
import { parseSourceText } from './sources/parse';
import { CORPUS_SOURCE_ID, type ParsedSource, type SourceKind } from './sources/types';

export { CORPUS_SOURCE_ID } from './sources/types';
export type { ParsedSource, SourceKind } from './sources/types';

/** One source as the Sources view shows it (same shape as `SourceStatus` in src/extension/services.ts). */
export interface SourceStatus {
  /** Absolute path, or `bundled:corpus`. */
  id: string;
  label: string;
  kind: SourceKind;
  /** Papers read from the source (before deduplication across sources). */
  entries: number;
  parseMs: number;
  /** Parse problems, then key clashes found when combining sources. */
  problems: SourceProblem[];
  /** Set when the whole source could not be read. */
  error?: string;
  /** Entries shown as part of a paper of an earlier source (same key, DOI, arXiv id or title + year). */
  merged: number;
  fromCache?: boolean;
}

export interface LibraryStats {
  papers: number;
  /** Entries folded into a paper of another source. */
  merged: number;
  /** Entries left out because their key names a different paper. */
  clashes: number;
}

interface Combined {
  papers: Paper[];
  byKey: Map<string, Paper>;
  problems: Map<string, SourceProblem[]>;
  merged: Map<string, number>;
  stats: LibraryStats;
}

export interface LibraryOptions {
  /** The bundled corpus (papers.json); leave out for `--no-corpus`. */
  corpus?: readonly Paper[];
  corpusParseMs?: number;
}

/**
 * Sources combine in priority order: the user's libraries in the order added, then the bundled
 * corpus. The user's own keys come first because they are what their documents cite.
 */
export class Library {
  private corpus: ParsedSource | undefined;
  private readonly user = new Map<string, ParsedSource>();
  private readonly labels = new Map<string, string>();
  private combined: Combined | undefined;
  private idx: SearchIndex | undefined;
  private ver = 0;

  constructor(opts: LibraryOptions = {}) {
    if (opts.corpus) this.setCorpus(opts.corpus, opts.corpusParseMs);
  }

  /** Sets (or with `undefined` removes) the bundled corpus. */
  setCorpus(papers: readonly Paper[] | undefined, parseMs = 0): void {
    this.corpus = papers
      ? { path: CORPUS_SOURCE_ID, kind: 'corpus', papers: papers as Paper[], problems: [], entries: papers.length, parseMs }
      : undefined;
    this.changed();
  }

  /** Parses a library file's text and adds it (or replaces the source of that path). */
  loadSource(file: string, text: string, kind?: Exclude<SourceKind, 'corpus'>): SourceStatus {
    this.setSource(parseSourceText(file, text, kind));
    return this.sourceStatus(file)!;
  }

  /** Adds or replaces a parsed source (e.g. from the worker or the cache). */
  setSource(parsed: ParsedSource, label?: string): void {
    if (parsed.kind === 'corpus' || parsed.path === CORPUS_SOURCE_ID) {
      this.corpus = { ...parsed, path: CORPUS_SOURCE_ID, kind: 'corpus' };
    } else {
      this.user.set(parsed.path, parsed);
      if (label) this.labels.set(parsed.path, label);
    }
    this.changed();
  }

  removeSource(file: string): boolean {
    const had = this.user.delete(file);
    this.labels.delete(file);
    if (had) this.changed();
    return had;
  }

  hasSource(file: string): boolean {
    return this.user.has(file);
  }

  /** Paths of the user's sources, in priority order. */
  get sourcePaths(): string[] {
    return [...this.user.keys()];
  }

  /** Bumped on every change; views can compare it to skip work. */
  get version(): number {
    return this.ver;
  }

  get papers(): readonly Paper[] {
    return this.combine().papers;
  }

  /** A paper by its key, or by the key it has in another source it was merged from. */
  byKey(key: string): Paper | undefined {
    return this.combine().byKey.get(key);
  }

  /** The search index over `papers`; built on first use after a change. */
  get index(): SearchIndex {
    if (!this.idx) this.idx = SearchIndex.build(this.combine().papers);
    return this.idx;
  }

  /** Whether `index` is built for the current papers (false: the next use builds it). */
  get indexReady(): boolean {
    return this.idx !== undefined;
  }

  search(query: string, limit?: number): SearchHit[] {
    return this.index.search(query, limit === undefined ? undefined : { limit });
  }

  get stats(): LibraryStats {
    return this.combine().stats;
  }

  /** Every source in priority order: the user's libraries, then the bundled corpus. */
  get sources(): SourceStatus[] {
    const c = this.combine();
    return this.ordered().map(s => this.statusOf(s, c));
  }

  sourceStatus(file: string): SourceStatus | undefined {
    const s = file === CORPUS_SOURCE_ID ? this.corpus : this.user.get(file);
    return s && this.statusOf(s, this.combine());
  }

  private statusOf(s: ParsedSource, c: Combined): SourceStatus {
    const extra = c.problems.get(s.path) ?? [];
    const st: SourceStatus = {
      id: s.path,
      label: s.kind === 'corpus' ? 'Bundled corpus' : this.labels.get(s.path) ?? path.basename(s.path),
      kind: s.kind,
      entries: s.papers.length,
      parseMs: Math.round(s.parseMs * 10) / 10,
      problems: extra.length ? [...s.problems, ...extra] : s.problems,
      merged: c.merged.get(s.path) ?? 0,
    };
    if (s.error !== undefined) st.error = s.error;
    if (s.fromCache) st.fromCache = true;
    return st;
  }

  private ordered(): ParsedSource[] {
    const all = [...this.user.values()];
    if (this.corpus) all.push(this.corpus);
    return all;
  }

  private changed(): void {
    this.combined = undefined;
    this.idx = undefined;
    this.ver++;
  }

  private combine(): Combined {
    if (!this.combined) this.combined = combineSources(this.ordered(), f => this.labels.get(f) ?? path.basename(f));
    return this.combined;
  }
}

/**
 * Shows each paper once. An entry joins an earlier paper of *another* source when they share a
 * DOI or arXiv id, a key and agree on the work (see `sameWork`), or a distinctive normalized title,
 * the year and the first author. Within one source only the key merges (two keys in one .bib stay
 * citable). A key naming a different paper is a clash: the first keeps the key, the other entry is
 * left out and reported with its file and line. Source papers are never mutated; merged papers are
 * copies listing every origin.
 */
export function combineSources(sources: readonly ParsedSource[], labelOf: (file: string) => string = f => path.basename(f)): Combined {
  interface Slot { paper: Paper; source: string; copied: boolean; index: number }
  const papers: Paper[] = [];
  const byKey = new Map<string, Slot>();
  const byDoi = new Map<string, Slot>();
  const byArxiv = new Map<string, Slot>();
  const byTitle = new Map<string, Slot>();
  const problems = new Map<string, SourceProblem[]>();
  const mergedCount = new Map<string, number>();
  let merged = 0;
  let clashes = 0;

  const report = (file: string, line: number, message: string) => {
    let list = problems.get(file);
    if (!list) problems.set(file, (list = []));
    list.push({ file, line, severity: 'warning', message });
  };
  const where = (p: Paper, file: string): string => {
    if (file === CORPUS_SOURCE_ID) return 'the bundled corpus';
    const line = p.custom?.origins?.find(o => o.path === file)?.line;
    return `${labelOf(file)}${line ? `:${line}` : ''}`;
  };
  const lineOf = (p: Paper, file: string): number => p.custom?.origins?.find(o => o.path === file)?.line ?? 0;
  const titleOf = (p: Paper) => (p.title ? `"${p.title.length > 80 ? `${p.title.slice(0, 77)}…` : p.title}"` : 'an untitled entry');

  const mergeInto = (slot: Slot, p: Paper, file: string) => {
    if (!slot.copied) {
      slot.paper = { ...slot.paper, custom: { ...slot.paper.custom } };
      slot.copied = true;
      papers[slot.index] = slot.paper;
    }
    const target = slot.paper;
    // Fill what the first source lacks (an abstract from the corpus, a DOI from a .bib…).
    for (const [k, v] of Object.entries(p)) {
      if (k === 'id' || k === 'custom' || v === undefined) continue;
      if (target[k] === undefined) target[k] = v;
    }
    const tc = target.custom;
    for (const [k, v] of Object.entries(p.custom ?? {})) {
      if (k === 'origins' || k === 'sources' || k === 'bibtex' || k === 'provenance' || k === 'aliases' || v === undefined) continue;
      if (tc[k] === undefined) tc[k] = v;
    }
    if (p.custom?.origins?.length) tc.origins = [...(tc.origins ?? []), ...p.custom.origins];
    if (p.custom?.sources?.length) {
      const seen = new Set((tc.sources ?? []).map(s => `${s.page}#${s.index}`));
      tc.sources = [...(tc.sources ?? []), ...p.custom.sources.filter(s => !seen.has(`${s.page}#${s.index}`))];
    }
    if (p.id !== target.id) {
      const aliases = (tc.aliases as string[] | undefined) ?? [];
      if (!aliases.includes(p.id)) tc.aliases = [...aliases, p.id];
    }
    if (file !== slot.source) {
      merged++;
      mergedCount.set(file, (mergedCount.get(file) ?? 0) + 1);
    }
  };

  const indexIds = (slot: Slot, p: Paper) => {
    const id = identityOf(p);
    if (id.doi && !byDoi.has(id.doi)) byDoi.set(id.doi, slot);
    if (id.arxiv && !byArxiv.has(id.arxiv)) byArxiv.set(id.arxiv, slot);
    if (id.titleYear && !byTitle.has(id.titleYear)) byTitle.set(id.titleYear, slot);
  };

  for (const s of sources) {
    const file = s.path;
    for (const p of s.papers) {
      const id = identityOf(p);
      const keySlot = byKey.get(p.id);
      if (keySlot && keySlot.source === file) {
        // BibTeX itself keeps the first of two entries with one key; so do we, and say so.
        clashes++;
        if (!s.problems.some(q => q.line > 0 && q.line === lineOf(p, file))) {
          report(file, lineOf(p, file), `duplicate key "${p.id}": this entry (${titleOf(p)}) is left out; the key already names ${titleOf(keySlot.paper)} at ${where(keySlot.paper, file)}`);
        }
        continue;
      }
      let match: Slot | undefined;
      const other = (x: Slot | undefined) => (x && x.source !== file ? x : undefined);
      match = other(id.doi ? byDoi.get(id.doi) : undefined) ?? other(id.arxiv ? byArxiv.get(id.arxiv) : undefined);
      if (!match && keySlot && sameWork(keySlot.paper, p)) match = keySlot;
      if (!match && id.titleYear) {
        const t = other(byTitle.get(id.titleYear));
        if (t && authorsAgree(t.paper, p) && !conflicting(t.paper, p)) match = t;
      }
      if (match) {
        if (keySlot && keySlot !== match) {
          report(file, lineOf(p, file),
            `key "${p.id}" names ${titleOf(keySlot.paper)} in ${where(keySlot.paper, keySlot.source)}, but this entry is ${titleOf(match.paper)} (${where(match.paper, match.source)}); it is shown under "${match.paper.id}"`);
        }
        mergeInto(match, p, file);
        indexIds(match, p);
        if (!keySlot) byKey.set(p.id, match);
        continue;
      }
      if (keySlot) {
        clashes++;
        if (file === CORPUS_SOURCE_ID) {
          report(keySlot.source, lineOf(keySlot.paper, keySlot.source),
            `key "${p.id}" is also the bundled corpus paper ${titleOf(p)}, a different paper; PaperCite shows this entry under the key and hides the bundled one`);
        } else {
          report(file, lineOf(p, file),
            `key "${p.id}" already names a different paper, ${titleOf(keySlot.paper)} in ${where(keySlot.paper, keySlot.source)}; this entry (${titleOf(p)}) is left out. Rename one of the keys.`);
        }
        continue;
      }
      const slot: Slot = { paper: p, source: file, copied: false, index: papers.length };
      papers.push(p);
      byKey.set(p.id, slot);
      indexIds(slot, p);
    }
  }
  // Aliases resolve too, unless the alias is some other paper's own key.
  const keyMap = new Map<string, Paper>();
  for (const [k, slot] of byKey) keyMap.set(k, slot.paper);
  return { papers, byKey: keyMap, problems, merged: mergedCount, stats: { papers: papers.length, merged, clashes } };
}

/** Different DOIs or arXiv ids mean different papers whatever the titles say. */
function conflicting(a: Paper, b: Paper): boolean {
  const x = identityOf(a);
  const y = identityOf(b);
  return (!!x.doi && !!y.doi && x.doi !== y.doi) || (!!x.arxiv && !!y.arxiv && x.arxiv !== y.arxiv);
}
