// Reading a library file from disk (size, binary and encoding checks, errors in words), then parsing it.
import * as fs from 'node:fs';
import { detectKind } from './detect';
import { isUtf8 } from 'node:buffer';
import { mayDefineMacros, readBibtexInGroup, readBibtexUtf8, type GroupFile, type MacroTables } from './bibtex';
import { parseSourceText } from './fromText';
import { readBibtexWithList } from './listReading';
import { failedSource, type ParsedSource, type ProgressFn, type SourceKind } from './types';

/** Larger files are refused: JavaScript strings stop near 512 MB and the editor would suffer first. */
export const MAX_SOURCE_BYTES = 256 * 1024 * 1024;

export interface ReadSourceOptions {
  kind?: Exclude<SourceKind, 'corpus'>;
  maxBytes?: number;
  onProgress?: ProgressFn;
  /** A `.bib` file's bibliography list (holding it), read for its macros and crossrefs (groups.ts). */
  group?: readonly string[];
  /** Macro tables of the files of lists, kept between readings (cache.ts `macroTables`). */
  tables?: MacroTables;
  /** A document's own list (holding the file): read as a list reading against `group` (listReading.ts). */
  withList?: readonly string[];
  /** An earlier file of the list known (from a reading of it as it is now) to add no macros: not even scanned. */
  knownEmpty?: (path: string, size: number, changedMs: number) => boolean;
  /** Given the file's bytes when they are UTF-8 (what `byteSpans` count in). */
  onBytes?: (bytes: Buffer) => void;
  /** false: a `.bib` is decoded whole before it is read, as other files are (the bytes reader's reference). */
  bytesReader?: boolean;
}

/** What went wrong with a file-system call, in words. */
export function describeFsError(err: unknown, during: 'open' | 'read'): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return during === 'read' ? 'the file vanished while being read' : 'file not found';
    case 'EISDIR': return 'is a directory, not a library file';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'ELOOP': return 'too many symbolic links';
    case 'EMFILE': case 'ENFILE': return 'too many open files; try again';
    default: return (err as Error)?.message ?? String(err);
  }
}

type SourceText = { text: string; size: number; changedMs: number; warning?: string; utf8Bom?: boolean; utf8?: boolean; bytes?: Buffer };
type SourceError = { error: string; line?: number };

/** Reads a library file's text, or says why not. Refuses directories, huge and binary files. */
export function readSourceText(path: string, maxBytes = MAX_SOURCE_BYTES): SourceText | SourceError {
  const r = readSourceBytes(path, maxBytes);
  return 'error' in r ? r : decodeSource(r.buf, r.changedMs);
}

/** Reads a library file's bytes, or says why not. Refuses directories, huge and binary files. */
function readSourceBytes(path: string, maxBytes = MAX_SOURCE_BYTES): { buf: Buffer; changedMs: number } | SourceError {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch (err) {
    return { error: describeFsError(err, 'open') };
  }
  if (st.isDirectory()) return { error: 'is a directory, not a library file' };
  if (!st.isFile()) return { error: 'is not a regular file' };
  if (st.size > maxBytes) {
    return { error: `is ${mb(st.size)}; PaperCite reads library files up to ${mb(maxBytes)} (split it, or leave it out of papercite.libraries)` };
  }
  let buf: Buffer;
  try {
    buf = fs.readFileSync(path);
  } catch (err) {
    return { error: describeFsError(err, 'read') };
  }
  if (!isUtf16(buf)) {
    const binary = binaryAt(buf);
    if (binary !== undefined) {
      const line = countLines(buf, binary);
      return { error: `holds binary data (a NUL byte at line ${line}), not a text library`, line };
    }
  }
  return { buf, changedMs: st.ctimeMs };
}

/** UTF-16, with its byte-order mark (it has NUL bytes but is text). */
function isUtf16(buf: Buffer): boolean {
  return buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff));
}

/** A file's bytes as text: UTF-16 by its mark, else UTF-8, else (with a warning) Latin-1. */
function decodeSource(buf: Buffer, changedMs: number): SourceText {
  if (isUtf16(buf)) return { text: new TextDecoder(buf[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(buf), size: buf.length, changedMs };
  let text: string;
  let warning: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    text = buf.toString('latin1');
    warning = 'is not valid UTF-8; read as Latin-1 (save it as UTF-8 to be sure accents are right)';
  }
  const bom = !warning && hasUtf8Bom(buf);
  return { text, size: buf.length, changedMs, ...(warning ? { warning } : { utf8: true, bytes: buf }), ...(bom ? { utf8Bom: true } : {}) };
}

function hasUtf8Bom(buf: Buffer): boolean {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}

/** Reads and parses one library file. Never throws: a file that cannot be read is one problem naming it. */
export function readSourceFile(path: string, opts: ReadSourceOptions = {}): ParsedSource {
  const t0 = performance.now();
  opts.onProgress?.(0, 1, 'reading');
  const b = readSourceBytes(path, opts.maxBytes);
  if ('error' in b) return failedSource(path, opts.kind ?? detectKind(path), b.error, b.line ?? 0, performance.now() - t0);
  // A plain .bib in UTF-8 is read from its bytes, never decoded whole (parseBibtexUtf8).
  if ((opts.kind ?? detectKind(path)) === 'bibtex' && !(opts.group && opts.group.length > 1) && !opts.withList && opts.bytesReader !== false && isUtf8(b.buf)) {
    const base = hasUtf8Bom(b.buf) ? 3 : 0;
    const parsed = readBibtexUtf8(b.buf.subarray(base), path, base, opts.onProgress);
    parsed.size = b.buf.length;
    parsed.changedMs = b.changedMs;
    opts.onBytes?.(b.buf);
    parsed.parseMs = performance.now() - t0;
    return parsed;
  }
  const r = decodeSource(b.buf, b.changedMs);
  const kind = opts.kind ?? detectKind(path, r.text);
  const other = (p: string) => groupFile(p, opts.maxBytes, opts.knownEmpty);
  const parsed = kind === 'bibtex' && opts.withList
    ? readBibtexWithList(r.text, path, opts.withList, opts.group ?? [path], other, { size: r.size, ...(opts.tables ? { tables: opts.tables } : {}) })
    : kind === 'bibtex' && opts.group && opts.group.length > 1
    ? readBibtexInGroup(r.text, path, opts.group, other, {
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), own: { size: r.size, changedMs: r.changedMs }, ...(opts.tables ? { tables: opts.tables } : {}),
    })
    : parseSourceText(path, r.text, kind, opts.onProgress);
  parsed.size = r.size;
  parsed.changedMs = r.changedMs;
  // A list reading keeps only the problems the library's reading has not.
  if (r.warning && !parsed.listReading) parsed.problems.unshift({ file: path, line: 0, severity: 'warning', message: r.warning });
  if (parsed.charSpans && r.utf8) parsed.byteSpans = toByteOffsets(r.text, parsed.charSpans, r.utf8Bom ? 3 : 0);
  if (r.utf8 && r.bytes) opts.onBytes?.(r.bytes);
  parsed.parseMs = performance.now() - t0;
  return parsed;
}

/** Another file of a bibliography list: stat'ed now, its bytes read only when asked. */
function groupFile(path: string, maxBytes?: number, knownEmpty?: ReadSourceOptions['knownEmpty']): GroupFile | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch {
    return undefined;
  }
  if (!st.isFile()) return undefined;
  return {
    size: st.size,
    changedMs: st.ctimeMs,
    // A byte scan: a big file without @string or @preamble (the Anthology) is never decoded or parsed for its macros.
    mayDefine: () => {
      if (knownEmpty?.(path, st.size, st.ctimeMs)) return false;
      try { return st.size <= (maxBytes ?? MAX_SOURCE_BYTES) && mayDefineMacros(fs.readFileSync(path)); } catch { return false; }
    },
    text: () => {
      const r = readSourceText(path, maxBytes);
      return 'error' in r ? undefined : r.text;
    },
  };
}

/** Offset of the first NUL byte in the first 64 KB (text files have none), if any. */
function binaryAt(buf: Buffer): number | undefined {
  const i = buf.subarray(0, 65536).indexOf(0);
  return i === -1 ? undefined : i;
}

function countLines(buf: Buffer, end: number): number {
  let n = 1;
  for (let i = buf.indexOf(10); i !== -1 && i < end; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** Char offsets (ascending starts) to UTF-8 byte offsets, in one pass over the text; -1 stays -1. */
export function toByteOffsets(text: string, spans: readonly number[], base = 0): number[] {
  const out = new Array<number>(spans.length);
  // Offsets are visited in increasing order within each span; starts ascend across spans.
  let char = 0;
  let byte = base;
  const at = (c: number): number => {
    if (c < char) { char = 0; byte = base; }
    byte += Buffer.byteLength(text.slice(char, c), 'utf8');
    char = c;
    return byte;
  };
  for (let i = 0; i < spans.length; i += 2) {
    const s = spans[i]!;
    const e = spans[i + 1]!;
    if (s < 0) { out[i] = -1; out[i + 1] = -1; continue; }
    out[i] = at(s);
    out[i + 1] = at(e);
  }
  return out;
}
