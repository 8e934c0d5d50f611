// Benchmark libraries: the ACL Anthology .bib (unpacked to /tmp, never committed), read with
// PaperCite's BibTeX reader, and synthetic records recombining real titles, authors and abstracts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { CslName, Paper } from '../src/core/model';

export const SHARED = path.resolve(__dirname, '../../shared');
export const ANTHOLOGY_GZ = path.join(SHARED, 'testdata/bib/anthology+abstracts.bib.gz');

/** Unpacks the Anthology file to the temp folder once; returns its path, or undefined if absent. */
export function unpackAnthology(): string | undefined {
  if (!fs.existsSync(ANTHOLOGY_GZ)) return undefined;
  const dir = path.join(os.tmpdir(), 'papercite-bench');
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, 'anthology+abstracts.bib');
  const stamp = `${fs.statSync(ANTHOLOGY_GZ).size}`;
  const stampFile = out + '.src';
  if (!fs.existsSync(out) || !fs.existsSync(stampFile) || fs.readFileSync(stampFile, 'utf8') !== stamp) {
    fs.writeFileSync(out, zlib.gunzipSync(fs.readFileSync(ANTHOLOGY_GZ)));
    fs.writeFileSync(stampFile, stamp);
  }
  return out;
}

// The BibTeX reader and converter are loaded by path so that the benchmark still runs (with the row
// marked pending) where they are missing.
export interface BibEntryLike {
  type: string;
  key: string;
  fields: Record<string, string>;
  line: number;
}
export interface BibModules {
  parseBibtex?: (text: string, file?: string) => { entries: BibEntryLike[]; problems: unknown[] };
  parseBibtexUtf8?: (bytes: Uint8Array, file?: string) => { entries: BibEntryLike[]; problems: unknown[] };
  bibEntryToPaper?: (e: BibEntryLike, file: string) => Paper;
  latexToUnicode?: (s: string, opts?: { keepMath?: boolean }) => string;
}

async function tryImport(rel: string): Promise<Record<string, unknown> | undefined> {
  const file = path.resolve(__dirname, rel);
  if (!fs.existsSync(file + '.ts')) return undefined;
  try {
    return (await import(file)) as Record<string, unknown>;
  } catch (err) {
    console.error(`[bench] could not load ${rel}: ${(err as Error).message}`);
    return undefined;
  }
}

export async function loadBibModules(): Promise<BibModules> {
  const parse = await tryImport('../src/core/bibtex/parse');
  const toCsl = await tryImport('../src/core/bibtex/toCsl');
  const latex = await tryImport('../src/core/bibtex/latex');
  return {
    parseBibtex: parse?.parseBibtex as BibModules['parseBibtex'],
    parseBibtexUtf8: parse?.parseBibtexUtf8 as BibModules['parseBibtexUtf8'],
    bibEntryToPaper: toCsl?.bibEntryToPaper as BibModules['bibEntryToPaper'],
    latexToUnicode: latex?.latexToUnicode as BibModules['latexToUnicode'],
  };
}

/** Minimal entry -> Paper, used only while `bibEntryToPaper` is missing. */
export function simpleEntryToPaper(e: BibEntryLike, decode: (s: string) => string): Paper {
  const f = e.fields;
  const names = (v: string | undefined): CslName[] | undefined =>
    v ? v.split(/\s+and\s+/).map(n => {
      const d = decode(n).trim();
      const comma = d.indexOf(',');
      if (comma >= 0) return { family: d.slice(0, comma).trim(), given: d.slice(comma + 1).trim() };
      const parts = d.split(/\s+/);
      return { family: parts.pop() ?? d, given: parts.join(' ') };
    }) : undefined;
  const year = Number.parseInt(f.year ?? '', 10);
  const p: Paper = { id: e.key, type: e.type === 'article' ? 'article-journal' : 'paper-conference', custom: {} };
  if (f.title) p.title = decode(f.title);
  const author = names(f.author);
  if (author) p.author = author;
  const editor = names(f.editor);
  if (editor) p.editor = editor;
  if (Number.isFinite(year)) p.issued = { 'date-parts': [[year]] };
  if (f.abstract) p.abstract = decode(f.abstract);
  const venue = f.booktitle ?? f.journal;
  if (venue) p['container-title'] = decode(venue);
  if (f.doi) p.DOI = f.doi;
  if (f.url) p.URL = f.url;
  return p;
}

export function stripBraces(s: string): string {
  return s.replace(/[{}]/g, '').replace(/\s+/g, ' ').trim();
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` entries spread evenly over the list (every k-th), so old and new years mix. */
export function evenSlice<T>(all: readonly T[], n: number): T[] {
  if (n >= all.length) return all.slice();
  const out: T[] = [];
  const step = all.length / n;
  for (let i = 0; i < n; i++) out.push(all[Math.floor(i * step)]);
  return out;
}

/**
 * Synthetic papers: the first half of one real title with the second half of another, the
 * authors of two real papers, an abstract from a third (when it has one), a real year.
 */
export function synthesize(real: readonly Paper[], count: number, seed = 7): Paper[] {
  const r = rng(seed);
  const pick = () => real[Math.floor(r() * real.length)];
  const out: Paper[] = [];
  for (let i = 0; i < count; i++) {
    const a = pick(), b = pick(), c = pick(), d = pick();
    const wa = (a.title ?? '').split(' '), wb = (b.title ?? '').split(' ');
    const title = [...wa.slice(0, Math.ceil(wa.length / 2)), ...wb.slice(Math.ceil(wb.length / 2))].join(' ');
    const author = [...(a.author ?? []).slice(0, 2), ...(b.author ?? []).slice(0, 2)];
    const year = (d.issued?.['date-parts']?.[0]?.[0]) ?? 2000;
    const first = author[0]?.family?.toLowerCase().replace(/[^a-z]/g, '') || 'anon';
    const word = title.toLowerCase().split(/[^a-z]+/).find(w => w.length > 3) ?? 'paper';
    const p: Paper = {
      id: `${first}-${year}-${word}-${String.fromCharCode(97 + (i % 26))}`, type: 'paper-conference', title, author,
      issued: { 'date-parts': [[year]] }, custom: {},
    };
    if (c.abstract) p.abstract = c.abstract;
    if (d['container-title']) p['container-title'] = d['container-title'];
    out.push(p);
  }
  return out;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
