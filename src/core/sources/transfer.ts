// How a parsed source crosses from the worker to the editor's thread and sits in the cache: as
// lines of JSON, a meta line then one row per paper, so the receiver can decode any one paper
// alone (a search hit, before the rest are decoded) or all of them a slice per turn of the event
// loop instead of stalling on one 100 MB JSON.parse. Two things make rows small and quick to use:
//  - a BibTeX entry's original text (`custom.bibtex`, half of a big library) is not sent: the
//    paper carries where it is in the file, and the text is read from there when first asked for;
//  - each paper's identity (DOI, arXiv id, normalized title…) is computed in the worker.
import { paperShapeProblem } from './cslJson';
import * as fs from 'node:fs';
import type { Paper } from '../model';
import { identityOf, primeIdentity, titleYearKey, type PaperIdentity } from './identity';
import type { ParsedSource } from './types';
import { forEachInTurns } from '../turns';

/** One paper: its record, its identity, and the byte span of its BibTeX in the file ([-1, -1]: none or inline). */
type Row = [paper: Paper, id: PaperIdentity, start: number, end: number];

export type Meta = Omit<ParsedSource, 'papers' | 'charSpans' | 'byteSpans' | 'standalone' | 'timing' | 'indexData' | 'orders'> & { rows: number; lazyBibtex?: boolean };

/**
 * A parsed source's meta line, then one row per paper, each line JSON, joined by newlines and
 * written straight into UTF-8 bytes (no array of lines, no joined string), with where each row
 * starts (as `rowStarts` finds them).
 */
export function encodeRows(parsed: ParsedSource, opts: { shared?: boolean } = {}): { bytes: Buffer; starts: Uint32Array } {
  const enc = rowEncoder(parsed);
  const n = parsed.papers.length;
  // Shared: another thread can be given the bytes without a copy while this one writes them to the cache.
  const alloc = (size: number) => (opts.shared ? Buffer.from(new SharedArrayBuffer(size)) : Buffer.allocUnsafe(size));
  // Rows run about a third longer than a `.bib` with abstracts (the Anthology: 97 MB for 74 MB).
  let buf = alloc(Math.max(65536, Math.min(Math.ceil((parsed.size ?? 0) * 1.4), 1 << 30)));
  let len = 0;
  const put = (s: string) => {
    // At most three bytes per UTF-16 unit, plus the newline.
    const need = len + s.length * 3 + 1;
    if (need > buf.length) {
      const grown = alloc(Math.max(need, Math.floor(buf.length * 1.5)));
      buf.copy(grown, 0, 0, len);
      buf = grown;
    }
    len += buf.write(s, len, 'utf8');
  };
  const starts = new Uint32Array(n + 1);
  put(enc.meta);
  for (let i = 0; i < n; i++) {
    buf[len++] = 10;
    starts[i] = len;
    put(enc.row(i));
  }
  starts[n] = len + 1;
  // Sent and cached whole: a large unused tail is cut off (one copy; shared memory is shared whole).
  const bytes = !opts.shared && len < buf.length - (buf.length >> 3) ? Buffer.from(buf.subarray(0, len)) : buf.subarray(0, len);
  return { bytes, starts };
}

/** A source's meta line as an object (what `decodeMeta` gives back). */
export function metaOf(parsed: ParsedSource): Meta {
  const { papers, charSpans: _c, byteSpans, standalone: _s, timing: _t, indexData: _i, orders: _o, ...rest } = parsed;
  void _c; void _s; void _t; void _i; void _o;
  const lazy = !!byteSpans && parsed.size !== undefined && parsed.changedMs !== undefined;
  return { ...rest, rows: papers.length, ...(lazy ? { lazyBibtex: true } : {}) };
}

/** Encodes a source's meta line and its rows one at a time. */
export function rowEncoder(parsed: ParsedSource): { meta: string; row: (i: number) => string } {
  const { papers, byteSpans } = parsed;
  const meta = metaOf(parsed);
  const lazy = !!meta.lazyBibtex;
  return {
    meta: JSON.stringify(meta),
    row: i => {
      const p = papers[i]!;
      // titleYear is rebuilt from title and year on arrival: no need to send the title twice.
      const known = identityOf(p);
      const id = known.titleYear === undefined ? known : { ...known, titleYear: undefined };
      let start = -1, end = -1;
      const custom = p.custom;
      let bibtex: string | undefined;
      if (lazy && byteSpans![2 * i]! >= 0) {
        start = byteSpans![2 * i]!;
        end = byteSpans![2 * i + 1]!;
        // Left out for this one call (JSON.stringify skips undefined), not copied around it.
        bibtex = custom.bibtex;
        if (bibtex !== undefined) custom.bibtex = undefined as unknown as string;
      }
      try {
        // As JSON.stringify([p, id, start, end]) writes it (a Row).
        return `[${JSON.stringify(p)},${JSON.stringify(id)},${start},${end}]`;
      } finally {
        if (bibtex !== undefined) custom.bibtex = bibtex;
      }
    },
  };
}

/** Where each row starts in encoded bytes (meta line first): `starts[i]` for row i, `starts[rows]` one past the end + 1. */
export function rowStarts(bytes: Uint8Array): Uint32Array {
  const nl = bytes.indexOf(10);
  if (nl < 0) return new Uint32Array([bytes.length + 1]);
  const out: number[] = [];
  let at = nl + 1;
  while (at < bytes.length) {
    out.push(at);
    const next = bytes.indexOf(10, at);
    at = next < 0 ? bytes.length + 1 : next + 1;
  }
  out.push(Math.max(at, bytes.length + 1));
  return Uint32Array.from(out);
}

/**
 * A meta line read back. With `path` (a cache file's, whose header was checked against the
 * source), the line must name that source: a crafted one made `export` read another file.
 * Throws on a line that is not a source's meta.
 */
export function decodeMeta(line: string, path?: string): { meta: Meta; reader: BibtexReader | undefined } {
  const meta = JSON.parse(line) as Meta;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta) || typeof meta.path !== 'string') throw new Error('no parsed source meta line');
  if (path !== undefined && meta.path !== path) throw new Error('its meta line names another file');
  if (!Array.isArray(meta.problems) || !meta.problems.every(isProblem)) throw new Error('its meta line\'s problems are not problems');
  if (meta.lazyBibtex && !(Number.isFinite(meta.size) && Number.isFinite(meta.changedMs))) throw new Error('its meta line has no file size');
  return { meta, reader: meta.lazyBibtex ? new BibtexReader(meta.path, meta.size!, meta.changedMs!) : undefined };
}

function isProblem(p: unknown): boolean {
  const o = p as Record<string, unknown> | null;
  return !!o && typeof o === 'object' && typeof o.file === 'string' && typeof o.message === 'string' && Number.isInteger(o.line)
    && (o.severity === 'error' || o.severity === 'warning');
}

export function decodeRow(line: string, reader: BibtexReader | undefined): Paper {
  const row = JSON.parse(line) as Row;
  if (!Array.isArray(row) || row.length !== 4 || !row[1] || typeof row[1] !== 'object' || !Number.isInteger(row[2]) || !Number.isInteger(row[3])) throw new Error('a row is not a paper\'s');
  const [p, id, start, end] = row;
  const bad = paperShapeProblem(p) ?? identityProblem(id);
  if (bad) throw new Error(bad);
  if (id.title) {
    const ty = titleYearKey(id.title, id.year);
    if (ty) id.titleYear = ty;
  }
  primeIdentity(p, id);
  if (reader && start >= 0) reader.attach(p, start, end);
  return p;
}

function identityProblem(id: PaperIdentity): string | undefined {
  for (const k of ['doi', 'arxiv', 'titleYear', 'title', 'firstAuthor'] as const) if (id[k] !== undefined && typeof id[k] !== 'string') return `a paper's identity has a ${k} that is not text`;
  return id.year === undefined || Number.isInteger(id.year) ? undefined : 'a paper\'s identity has a year that is not a number';
}

function sourceOf(meta: Meta, papers: Paper[], fromCache: boolean): ParsedSource {
  const { rows: _n, lazyBibtex: _l, ...rest } = meta;
  void _n; void _l;
  const parsed: ParsedSource = { ...rest, papers };
  if (fromCache) parsed.fromCache = true;
  return parsed;
}


/** Encoded rows (`encodeRows`, or a cache file's) decoded at once, on this thread. Throws on a damaged row. */
export function decodeRows(rows: { bytes: Uint8Array; starts: Uint32Array }, fromCache: boolean): ParsedSource {
  const r = new RecordRows(rows.bytes, rows.starts);
  const papers = new Array<Paper>(r.length);
  for (let i = 0; i < r.length; i++) papers[i] = r.at(i)!;
  return sourceOf(r.meta, papers, fromCache);
}

/**
 * A parsed source still encoded (UTF-8 rows, as the worker sent them): `at(i)` decodes paper i on
 * first use, so a 73k-entry library answers searches before its papers are decoded, and
 * `materialize` decodes the rest a slice per turn of the event loop. A paper is decoded once: the
 * object `at` returned is the one in the final `papers`.
 */
/** Decoding holds off for the user's typing at most this long in all. */
const MAX_DECODE_WAIT_MS = 10_000;

export class RecordRows {
  readonly length: number;
  readonly meta: Meta;
  private readonly buf: Buffer;
  private readonly memo: Paper[];
  private readonly reader: BibtexReader | undefined;
  private decoded = 0;

  constructor(bytes: Uint8Array, private readonly starts: Uint32Array = rowStarts(bytes)) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const nl = this.buf.indexOf(10);
    const first = this.buf.toString('utf8', 0, nl < 0 ? this.buf.length : nl);
    if (!first) throw new Error('no parsed source received');
    ({ meta: this.meta, reader: this.reader } = decodeMeta(first));
    this.length = Math.max(0, starts.length - 1);
    if (this.length !== this.meta.rows) throw new Error(`expected ${this.meta.rows} rows, got ${this.length}`);
    this.memo = new Array<Paper>(this.length);
  }

  /** Takes paper `i` as read elsewhere (from its entry: entryRows.ts) unless it was decoded already. */
  adopt(i: number, p: Paper): void {
    if (i < 0 || i >= this.length || this.memo[i]) return;
    this.memo[i] = p;
    this.decoded++;
  }

  /** Paper `i`, decoded now if it was not yet. Throws on a damaged row. */
  at(i: number): Paper | undefined {
    if (i < 0 || i >= this.length) return undefined;
    let p = this.memo[i];
    if (!p) {
      p = this.memo[i] = decodeRow(this.buf.toString('utf8', this.starts[i]!, this.starts[i + 1]! - 1), this.reader);
      this.decoded++;
    }
    return p;
  }

  /**
   * Decodes every paper, for at most `sliceMs` per turn of the event loop; the bytes are let go after.
   * `wait` says how long to hold off before the next slice (e.g. while the user types), for at most
   * `maxWaitMs` in all, so decoding ends even under endless typing.
   */
  async materialize(fromCache: boolean, opts: { sliceMs?: number; wait?: () => number; maxWaitMs?: number } = {}): Promise<ParsedSource> {
    await forEachInTurns(this.length, i => this.at(i), { ...opts, maxWaitMs: opts.maxWaitMs ?? MAX_DECODE_WAIT_MS });
    return sourceOf(this.meta, this.memo, fromCache);
  }

  /** How many papers were decoded so far. */
  get decodedCount(): number {
    return this.decoded;
  }
}

/**
 * Reads a paper's original BibTeX from its file when first asked for. The file must still be the
 * one parsed (same size and change time); if it changed, the text is unknown until it is re-read (the
 * watcher does that), and export falls back to generating BibTeX from the fields.
 */
export class BibtexReader {
  constructor(private readonly file: string, private readonly size: number, private readonly changedMs: number) {}

  attach(p: Paper, start: number, end: number): void {
    const reader = this;
    Object.defineProperty(p.custom, 'bibtex', {
      configurable: true,
      // Not enumerable: copying or serializing a paper must not read 73k entries from disk.
      enumerable: false,
      get(this: Paper['custom']) {
        const text = reader.read(start, end);
        if (text !== undefined) Object.defineProperty(this, 'bibtex', { value: text, writable: true, enumerable: false, configurable: true });
        return text;
      },
      set(this: Paper['custom'], v: unknown) {
        Object.defineProperty(this, 'bibtex', { value: v, writable: true, enumerable: true, configurable: true });
      },
    });
  }

  read(start: number, end: number): string | undefined {
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.file, 'r');
      const st = fs.fstatSync(fd);
      if (st.size !== this.size || st.ctimeMs !== this.changedMs) return undefined;
      const buf = Buffer.alloc(end - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      const text = buf.toString('utf8');
      return text.startsWith('@') ? text : undefined;
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
}
