// The plain data of a library source after parsing (ParsedSource): what the readers return, the
// worker sends, the cache holds and a PreparedSource (prepared.ts) takes in.
import type { Paper, SourceProblem } from '../model';
import type { SearchIndexData } from '../search';
import type { ListReadingInfo } from './listReading';
import type { SourceOrders } from './orders';

/** What a library file holds. The bundled corpus is a source of kind `corpus`. */
export type SourceKind = 'corpus' | 'bibtex' | 'csl-json' | 'page';

/** One source after reading and parsing: everything the library needs, plain data (cacheable). */
export interface ParsedSource {
  /** Absolute path, or `bundled:corpus`. */
  path: string;
  kind: SourceKind;
  /** The source's papers in file order, before deduplication across sources. */
  papers: Paper[];
  /** Problems of single entries (the rest of the source loaded). */
  problems: SourceProblem[];
  /** Entries read from the file (good and bad). */
  entries: number;
  /** Time spent reading and parsing, in milliseconds. */
  parseMs: number;
  /** Set when the whole source could not be read; `problems` then holds one problem naming the file. */
  error?: string;
  /** File size and change time (ctime) when read: the cache key. */
  size?: number;
  changedMs?: number;
  /**
   * A `.bib` read as part of a bibliography list: the other files of the list its reading used
   * (size -1: missing), as they were then. The cache entry is stale when any of them changed.
   */
  groupDeps?: { path: string; size: number; changedMs: number; empty?: boolean }[];
  /**
   * A reading of the file with one document's bibliography list besides the library's (listReading.ts):
   * `papers` are only the entries whose result differs from the library's reading, `problems` only
   * those that reading has not. Never cached, never in the library's sources.
   */
  listReading?: ListReadingInfo;
  /** Read from the parsed-records cache rather than parsed. */
  fromCache?: boolean;
  /** BibTeX: each paper's original text as [start, end) char offsets in the decoded text ([-1, -1]: none). Not serialized. */
  charSpans?: number[];
  /** The same as byte offsets in the file, when it is UTF-8 (see transfer.ts). Not serialized. */
  byteSpans?: number[];
  /**
   * BibTeX: every paper with its span is what its entry's text alone reads as (`paperFromEntryText`):
   * the file has no macros, preambles, crossrefs or binary junk. Not serialized.
   */
  standalone?: boolean;
  /** Through the worker: ms from request to answer (parse + encode + send), and decoding here. */
  timing?: { sentMs: number; decodeMs: number; indexMs?: number; indexFromCache?: boolean };
  /** A big source's search index, built by the worker over `papers` in order. Not serialized. */
  indexData?: SearchIndexData;
  /** A big source's papers in key and newest-first order, made by the worker. Not serialized. */
  orders?: SourceOrders;
}

export const CORPUS_SOURCE_ID = 'bundled:corpus';

/** A source that could not be read at all: one problem naming the file. */
export function failedSource(path: string, kind: SourceKind, message: string, line = 0, parseMs = 0): ParsedSource {
  return {
    path,
    kind,
    papers: [],
    problems: [{ file: path, line, severity: 'error', message }],
    entries: 0,
    parseMs,
    error: message,
  };
}

/** Progress of one source: `done` of `total` units (entries or bytes) in a named phase. */
export type ProgressFn = (done: number, total: number, phase: string) => void;
