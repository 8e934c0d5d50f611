// A big `.bib` read for the first time is searchable before its rows are encoded (a second or more
// at 73k entries): the worker sends its index with the file's bytes and each paper's entry span and
// line, and a hit's paper is read from its entry's text alone until the rows arrive. Only for a
// file whose reading is `standalone` (no macros, preambles or crossrefs: an entry alone reads as in
// the file).
import type { Paper } from '../model';
import { paperFromEntryText } from './bibtex';
import type { SearchableRows } from './prepared';
import { decodeRow, type Meta, type RecordRows } from './transfer';
import { forEachInTurns } from '../turns';

/** A standalone `.bib`'s papers as the text of their entries. */
export interface EntryTexts {
  /** The file's bytes (UTF-8). */
  bytes: Uint8Array;
  /** Per paper, the [start, end) byte offsets of its entry ([0, 0]: its row is in `rows`). */
  spans: Uint32Array;
  /** Per paper, the line its entry starts on. */
  lines: Uint32Array;
  /** The rows (transfer.ts) of the papers whose entry was rewritten (a brace balanced…), by paper. */
  rows: { at: Uint32Array; lines: string[] };
  /** The meta line the rows will carry. */
  meta: Meta;
}

/**
 * The entry texts of a parsed standalone source (undefined when it is not one); `row(i)` encodes
 * paper i's row, for the few whose entry text is not theirs as written.
 */
export function entryTextsOf(parsed: { papers: readonly Paper[]; byteSpans?: readonly number[]; standalone?: boolean }, bytes: Uint8Array, meta: Meta, row: (i: number) => string): EntryTexts | undefined {
  const n = parsed.papers.length;
  const b = parsed.byteSpans;
  if (!parsed.standalone || !b || b.length !== 2 * n) return undefined;
  const spans = new Uint32Array(2 * n);
  const lines = new Uint32Array(n);
  const at: number[] = [];
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = b[2 * i]!, e = b[2 * i + 1]!;
    lines[i] = parsed.papers[i]!.custom.origins?.[0]?.line ?? 0;
    if (s >= 0 && s < e && e <= bytes.length) {
      spans[2 * i] = s;
      spans[2 * i + 1] = e;
    } else {
      at.push(i);
      rows.push(row(i));
    }
  }
  return { bytes, spans, lines, rows: { at: Uint32Array.from(at), lines: rows }, meta };
}

/**
 * Rows of a source searchable from its entries' text: each paper read from its entry on first use,
 * until the rows in memory arrive (`arrived`), from those after; the bytes are then let go.
 */
export class RowsFromEntriesThenMemory implements SearchableRows {
  readonly length: number;
  readonly meta: Meta;
  private memory: RecordRows | undefined;
  private texts: { buf: Buffer; spans: Uint32Array; lines: Uint32Array; rows: Map<number, string>; memo: (Paper | null | undefined)[] } | undefined;

  constructor(t: EntryTexts) {
    if (t.spans.length !== 2 * t.lines.length || t.meta.rows !== t.lines.length || t.rows.at.length !== t.rows.lines.length) {
      throw new Error(`expected ${t.meta.rows} entry spans, got ${t.lines.length}`);
    }
    this.length = t.lines.length;
    this.meta = t.meta;
    const rows = new Map<number, string>();
    t.rows.at.forEach((i, k) => rows.set(i, t.rows.lines[k]!));
    this.texts = { buf: Buffer.from(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength), spans: t.spans, lines: t.lines, rows, memo: new Array(this.length) };
  }

  /** The rows in memory arrived: the same papers, read from them from now on (those read already are handed to them). */
  arrived(rows: RecordRows): void {
    if (rows.length !== this.length) return;
    const memo = this.texts?.memo;
    if (memo) for (let i = 0; i < memo.length; i++) if (memo[i]) rows.adopt(i, memo[i]!);
    this.memory = rows;
    this.texts = undefined;
  }

  /**
   * Reads papers in file order, for at most `sliceMs` per turn of the event loop and not while
   * `wait()` says to hold off, until all are read or the rows arrive: the decoding of the source
   * starts before its rows come.
   */
  async readAhead(opts: { sliceMs?: number; wait?: () => number } = {}): Promise<void> {
    await forEachInTurns(this.length, i => this.at(i), { ...opts, stopped: () => !this.texts });
  }

  /** Paper `i`; undefined when its entry does not read alone as one entry (left out of early searches). */
  at(i: number): Paper | undefined {
    if (this.memory) return this.memory.at(i);
    const t = this.texts;
    if (!t || i < 0 || i >= this.length) return undefined;
    let p = t.memo[i];
    if (p === undefined) p = t.memo[i] = this.decode(t, i) ?? null;
    return p ?? undefined;
  }

  private decode(t: NonNullable<RowsFromEntriesThenMemory['texts']>, i: number): Paper | undefined {
    const s = t.spans[2 * i]!, e = t.spans[2 * i + 1]!;
    if (s < e && e <= t.buf.length) return paperFromEntryText(t.buf.toString('utf8', s, e), this.meta.path, t.lines[i]!);
    const row = t.rows.get(i);
    try {
      return row === undefined ? undefined : decodeRow(row, undefined);
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.texts = undefined;
  }
}
