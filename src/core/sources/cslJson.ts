// A CSL-JSON file (Zotero's and pandoc's export) as a parsed source, with its problems by line.
import type { CslDate, CslName, Paper, SourceProblem } from '../model';
import { arrayElementLines, findJsonError } from './jsonErrors';
import { isSafeCiteKey, safeCiteKey } from '../citekey';
import { failedSource, type ParsedSource } from './types';

// CSL fields PaperCite reads as text: a number or other scalar is turned into text, anything else dropped.
const TEXT_FIELDS = ['title', 'abstract', 'URL', 'DOI', 'container-title', 'publisher', 'page', 'volume', 'issue', 'number', 'note'];

/**
 * Reads a CSL-JSON file (an array of items). Invalid JSON or a non-array fails the whole file with
 * the line of the error; an item that is not an object is reported with its line and left out, and
 * the valid items load. An item without an `id` gets a key (rekeyUnsafe).
 */
/** Values nested deeper than this inside an item are dropped (later copies and JSON.stringify recurse). */
export const MAX_CSL_DEPTH = 32;

/** Is `v` nested deeper than `max` levels? Iterative: the input decides the depth, not the stack. */
function tooDeep(v: unknown, max: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  const values: object[] = [v as object], depths: number[] = [1];
  while (values.length) {
    const x = values.pop()!, d = depths.pop()!;
    if (d > max) return true;
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) {
        const c: unknown = x[i];
        if (c !== null && typeof c === 'object') { values.push(c); depths.push(d + 1); }
      }
    } else {
      for (const k in x) {
        const c = (x as Record<string, unknown>)[k];
        if (c !== null && typeof c === 'object') { values.push(c); depths.push(d + 1); }
      }
    }
  }
  return false;
}

export function readCslJson(text: string, file: string): ParsedSource {
  const t0 = performance.now();
  const src = text.replace(/^\uFEFF/, '');
  let data: unknown;
  try {
    data = JSON.parse(src);
  } catch (err) {
    const where = findJsonError(src);
    const msg = where
      ? `not valid JSON: ${where.message} (line ${where.line}, column ${where.column})`
      : `not valid JSON: ${(err as Error).message}`;
    return failedSource(file, 'csl-json', msg, where?.line ?? 0, performance.now() - t0);
  }
  if (!Array.isArray(data)) {
    const found = data === null ? 'null' : typeof data === 'object' ? 'an object' : `a ${typeof data}`;
    return failedSource(file, 'csl-json', `expected a CSL-JSON array of items ([{"id": …, "type": …}, …]), found ${found}`, 1, performance.now() - t0);
  }
  const lines = arrayElementLines(src);
  const problems: SourceProblem[] = [];
  const papers: Paper[] = [];
  data.forEach((item, i) => {
    const line = lines[i] ?? 0;
    const paper = cslItemToPaper(item, file, line, problems, i);
    if (paper) papers.push(paper);
  });
  rekeyUnsafe(papers, file, problems);
  return { path: file, kind: 'csl-json', papers, problems, entries: data.length, parseMs: performance.now() - t0 };
}

function cslItemToPaper(item: unknown, file: string, line: number, problems: SourceProblem[], index: number): Paper | undefined {
  const problem = (message: string, severity: 'error' | 'warning' = 'error') =>
    problems.push({ file, line, severity, message: `item ${index + 1}: ${message}` });
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    problem(`expected an object, found ${item === null ? 'null' : Array.isArray(item) ? 'an array' : typeof item}; item skipped`);
    return undefined;
  }
  const raw = item as Record<string, unknown>;
  for (const k of Object.keys(raw)) {
    if (tooDeep(raw[k], MAX_CSL_DEPTH)) {
      problem(`field "${k}" is nested more than ${MAX_CSL_DEPTH} levels deep; field ignored`, 'warning');
      delete raw[k];
    }
  }
  const id = typeof raw.id === 'string' ? raw.id.trim() : typeof raw.id === 'number' ? String(raw.id) : '';
  const paper: Paper = { ...raw, id, type: 'article', custom: {} } as Paper;
  if (typeof raw.type === 'string' && raw.type) paper.type = raw.type;
  else problem(`${JSON.stringify(id)} has no "type"; read as "article"`, 'warning');
  for (const f of TEXT_FIELDS) {
    const v = raw[f];
    if (v === undefined) continue;
    if (typeof v === 'string') continue;
    if (typeof v === 'number' || typeof v === 'boolean') paper[f] = String(v);
    else {
      delete paper[f];
      problem(`"${id}": field "${f}" is not text; ignored`, 'warning');
    }
  }
  for (const f of NAME_FIELDS) {
    if (raw[f] === undefined) continue;
    const names = cleanNames(raw[f]);
    if (names) paper[f] = names;
    else {
      delete paper[f];
      problem(`"${id}": "${f}" is not a list of names; ignored`, 'warning');
    }
  }
  for (const f of ['issued', 'original-date'] as const) {
    if (raw[f] === undefined) continue;
    const d = cleanDate(raw[f]);
    if (d) paper[f] = d;
    else {
      delete paper[f];
      problem(`"${id}": "${f}" is not a CSL date; ignored`, 'warning');
    }
  }
  const custom = raw.custom && typeof raw.custom === 'object' && !Array.isArray(raw.custom) ? { ...(raw.custom as object) } : {};
  paper.custom = { ...custom, origins: [{ path: file, line }] };
  return paper;
}

/** The CSL name lists PaperCite reads and writes. */
const NAME_FIELDS = ['author', 'editor', 'translator'] as const;

const NAME_PARTS = ['family', 'given', 'literal', 'suffix', 'dropping-particle', 'non-dropping-particle'] as const;

/**
 * Why a paper read back from a cache row is not one PaperCite's readers make, or undefined: the
 * invariants the reader above gives CSL-JSON items (a checksum proves no accident, not who wrote a
 * cache file). One pass over the paper.
 */
export function paperShapeProblem(p: unknown): string | undefined {
  if (!p || typeof p !== 'object' || Array.isArray(p)) return 'a row is not a paper';
  const r = p as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.type !== 'string') return 'a paper has no id or type';
  if (!r.custom || typeof r.custom !== 'object' || Array.isArray(r.custom)) return `paper ${r.id}: no custom fields`;
  for (const k in r) {
    const v = r[k];
    if (v === null || typeof v !== 'object') continue;
    if ((NAME_FIELDS as readonly string[]).includes(k)) {
      if (!namesOk(v)) return `paper ${r.id}: "${k}" is not a list of names`;
    } else if (tooDeep(v, MAX_CSL_DEPTH)) return `paper ${r.id}: field "${k}" is nested too deep`;
  }
  for (let i = 0; i < TEXT_FIELDS.length; i++) {
    const v = r[TEXT_FIELDS[i]!];
    if (v !== undefined && typeof v !== 'string') return `paper ${r.id}: field "${TEXT_FIELDS[i]}" is not text`;
  }
  for (const k of NAME_FIELDS) if (r[k] !== undefined && (r[k] === null || typeof r[k] !== 'object')) return `paper ${r.id}: "${k}" is not a list of names`;
  if (r.issued !== undefined && !cleanDate(r.issued)) return `paper ${r.id}: "issued" is not a date`;
  if (r['original-date'] !== undefined && !cleanDate(r['original-date'])) return `paper ${r.id}: "original-date" is not a date`;
  return undefined;
}

/** A list of name objects whose values are all text (or flags): no depth, no other types. */
function namesOk(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const n = v[i] as Record<string, unknown> | null;
    if (!n || typeof n !== 'object' || Array.isArray(n)) return false;
    for (const k in n) {
      const t = typeof n[k];
      if (t !== 'string' && (t !== 'boolean' && t !== 'number' || NAME_PARTS.includes(k as typeof NAME_PARTS[number]))) return false;
    }
  }
  return true;
}

function cleanNames(v: unknown): CslName[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: CslName[] = [];
  for (const n of v) {
    if (typeof n === 'string') { out.push({ literal: n }); continue; }
    if (!n || typeof n !== 'object') return undefined;
    const o = n as Record<string, unknown>;
    // Only CSL's name parts, and only as strings: a crafted `"suffix": {}` or `"family": 5` would
    // reach every place that reads a name.
    const name: CslName = {};
    for (const k of NAME_PARTS) if (typeof o[k] === 'string' && o[k]) name[k] = o[k] as string;
    if (name.family || name.given || name.literal) out.push(name);
  }
  return out;
}

function cleanDate(v: unknown): CslDate | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const parts = o['date-parts'];
  if (Array.isArray(parts) && parts.length && Array.isArray(parts[0])) {
    const first = (parts[0] as unknown[]).map(x => (typeof x === 'string' ? Number.parseInt(x, 10) : x));
    if (first.length && first.every(x => typeof x === 'number' && Number.isFinite(x))) {
      return { ...(o as object), 'date-parts': [first as number[]] } as CslDate;
    }
  }
  const raw = typeof o.raw === 'string' ? o.raw : typeof o.literal === 'string' ? o.literal : undefined;
  const y = raw && /\b(\d{4})\b/.exec(raw);
  return y ? { 'date-parts': [[Number(y[1])]], raw } : undefined;
}

/**
 * Items whose id bibtex or biber would reject (a space, a comma, braces, non-ASCII…) are cited by a
 * key from PaperCite's scheme; the id is kept in `custom.originalId` (searchable, shown beside the
 * key). One warning per file lists the renames.
 */
function rekeyUnsafe(papers: Paper[], file: string, problems: SourceProblem[]): void {
  const taken = new Set<string>();
  for (const p of papers) if (isSafeCiteKey(p.id)) taken.add(p.id.toLowerCase());
  const renamed: string[] = [];
  let line = 0;
  for (const p of papers) {
    if (isSafeCiteKey(p.id)) continue;
    const key = safeCiteKey(p, taken);
    taken.add(key.toLowerCase());
    if (!line) line = p.custom.origins?.[0]?.line ?? 0;
    renamed.push(`${JSON.stringify(p.id)} → ${key}`);
    p.custom.originalId = p.id;
    p.id = key;
  }
  if (!renamed.length) return;
  const shown = renamed.length > 20 ? `${renamed.slice(0, 20).join(', ')} and ${renamed.length - 20} more` : renamed.join(', ');
  problems.push({ file, line, severity: 'warning', message: `${renamed.length} id${renamed.length === 1 ? ' is not a key' : 's are not keys'} bibtex and biber accept (empty, or with a space, comma, quote, brace, parenthesis, #, %, =, \\, ~, &, $ or ^); cited as: ${shown}` });
}
