// A tolerant BibTeX reader: one pass over the text's char codes, no regular expressions over the
// whole file. It keeps every good entry of a damaged file and reports each bad one with its line.
// Semantics follow BibTeX: text outside entries is ignored (`%` lines included), `@string` macros
// are expanded where used, `#` concatenates, `crossref` fills missing fields from the parent.

import { isAscii } from 'node:buffer';
import type { SourceProblem } from '../model';

export interface BibEntry {
  /** Entry type, lower-case (`article`, `inproceedings`, …). */
  type: string;
  key: string;
  /** Lower-case field names; macros resolved, `#` concatenated, LaTeX kept, whitespace collapsed. */
  fields: Record<string, string>;
  /** 1-based line of the entry's `@`. */
  line: number;
  /** Offsets of the entry's text (`@` … closing delimiter) in the input. */
  start: number;
  end: number;
  /**
   * The entry as BibTeX text that stands on its own: the original text when it uses no user
   * `@string` macro and no `crossref`, otherwise the entry rewritten with resolved, braced values
   * (so it still compiles when copied into another `.bib`).
   */
  raw?: string;
}

export interface BibParseResult {
  entries: BibEntry[];
  problems: SourceProblem[];
  /** User-defined `@string` macros, lower-case names, values resolved. */
  strings: Record<string, string>;
  preambles: string[];
  /** The text held NUL bytes (in its head) or U+FFFD: values were then cleaned of control characters. */
  binary?: boolean;
}

/** A binary or badly broken file would list thousands: the first ones say enough. */
export const MAX_PROBLEMS = 500;

/** Month macros every BibTeX style and biber predefine. */
export const MONTH_MACROS: Readonly<Record<string, string>> = {
  jan: 'January', feb: 'February', mar: 'March', apr: 'April', may: 'May', jun: 'June',
  jul: 'July', aug: 'August', sep: 'September', oct: 'October', nov: 'November', dec: 'December',
};

const MONTH_BY_NAME = new Map(Object.entries(MONTH_MACROS).map(([k, v]) => [v.toLowerCase(), k]));

/** Entry types BibTeX and biblatex know; others are kept with a warning. */
const KNOWN_TYPES = new Set([
  'article', 'book', 'booklet', 'conference', 'inbook', 'incollection', 'inproceedings', 'manual',
  'mastersthesis', 'misc', 'phdthesis', 'proceedings', 'techreport', 'unpublished',
  // biblatex and common extensions
  'online', 'electronic', 'www', 'webpage', 'report', 'thesis', 'dataset', 'software', 'patent',
  'collection', 'mvbook', 'mvcollection', 'mvproceedings', 'mvreference', 'periodical', 'reference',
  'inreference', 'suppbook', 'suppcollection', 'suppperiodical', 'bookinbook', 'set', 'xdata',
  'artwork', 'audio', 'image', 'letter', 'movie', 'music', 'performance', 'review', 'standard',
  'video', 'jurisdiction', 'legislation', 'legal', 'commentary', 'customa', 'customb', 'customc',
  'customd', 'customf', 'customf',
]);

const TYPE_NAMES = new Map([...KNOWN_TYPES, 'comment', 'preamble', 'string'].map(x => [x, x]));

// Char codes.
const AT = 64, LBRACE = 123, RBRACE = 125, LPAREN = 40, RPAREN = 41, QUOTE = 34, COMMA = 44,
  EQ = 61, HASH = 35, PERCENT = 37, NL = 10, CR = 13, TAB = 9, SPACE = 32;

const CTRL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CTRL_ALL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]+/g;
const WS_ALL = /\s+/g;
/** A value holding lines like `  author = {…}`: it swallowed the fields after it. */
const SWALLOWED = /[\r\n][ \t]*[A-Za-z][\w-]*[ \t]*=[ \t]*["{\w]/;

/** Common field names by length, so reading them allocates no string. */
const COMMON_FIELDS: (string[] | undefined)[] = [];
for (const f of ['title', 'author', 'editor', 'booktitle', 'journal', 'year', 'month', 'day', 'date', 'pages',
  'volume', 'number', 'publisher', 'address', 'url', 'doi', 'abstract', 'note', 'series', 'edition',
  'isbn', 'issn', 'keywords', 'eprint', 'archiveprefix', 'primaryclass', 'eprinttype', 'crossref',
  'school', 'institution', 'organization', 'howpublished', 'type', 'chapter', 'language', 'file',
  'urldate', 'timestamp', 'biburl', 'bibsource', 'issue', 'location', 'langid', 'pmid', 'annote']) {
  (COMMON_FIELDS[f.length] ??= []).push(f);
}

/** Characters allowed in type, field and macro names (BibTeX is liberal; so are we, minus delimiters). */
function isNameChar(c: number): boolean {
  // Letters, digits and the punctuation BibTeX allows in identifiers: anything printable except
  // whitespace and " # % ' ( ) , = { } (BibTeX's own excluded set).
  if (c <= SPACE) return false;
  switch (c) {
    case QUOTE: case HASH: case PERCENT: case 39: case LPAREN: case RPAREN: case COMMA: case EQ:
    case LBRACE: case RBRACE:
      return false;
  }
  return c !== 127;
}

/** Thrown inside an entry; the reader reports it and resumes at the next entry. */
class EntryError {
  constructor(readonly pos: number, readonly message: string, readonly resumeAt: number) {}
}


/** A value built from `@string` macros and `#` longer than this is left empty (a doubling chain). */
export const MAX_EXPANDED_VALUE = 1 << 20;
/** All macro text substituted in one file, at most (many uses of a big macro). */
export const MAX_EXPANDED_FILE = 32 << 20;
/** Longer `crossref` chains stop inheriting here (BibTeX itself follows one link). */
export const MAX_CROSSREF_CHAIN = 64;
/** All text entries inherit through `crossref` in one file, at most (a big entry crossref'd very often). */
export const MAX_INHERITED_FILE = 64 << 20;

/**
 * What earlier files of a bibliography list (`\bibliography{strings,refs}`) give this one: BibTeX
 * reads the list with one macro table, and a `crossref` may name an entry of another file.
 */
export interface BibGroupContext {
  /** `@string` macros defined before this file (lower-case names, resolved values). */
  strings?: Readonly<Record<string, string>>;
  /** An entry of another file of the list, by key (any case); its fields already resolved. */
  crossref?: (key: string) => BibEntry | undefined;
}

/**
 * Old-Mac line ends (CR alone) as LF: the same length, so offsets hold, and lines and `%`
 * comments end where the user sees them end.
 */
export function loneCrToLf(text: string): string {
  // indexOf finds the (usually absent) CR several times faster than the regular expression.
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 2)) {
    if (text.charCodeAt(i + 1) !== NL) return text.replace(/\r(?!\n)/g, '\n');
  }
  return text;
}

export function parseBibtex(text: string, file = '<input>', group?: BibGroupContext): BibParseResult {
  return readText(text, file, group, false);
}

/** Per reading: its entries whose `raw` is not their text, and whether CR-only lines were read as LF. */
const AS_WRITTEN = new WeakMap<BibParseResult, { rewritten: ReadonlySet<BibEntry>; linesFixed: boolean }>();

/** The reading of `text` (a view of bytes when `view`), known to `rawAsWritten`. */
function readText(text: string, file: string, group: BibGroupContext | undefined, view: boolean): BibParseResult {
  const lf = loneCrToLf(text);
  const { rewritten, ...r } = new Reader(lf, file, group, view).read();
  AS_WRITTEN.set(r, { rewritten, linesFixed: lf !== text });
  return r;
}

/**
 * Whether entry `e` of the reading `result` of `text` (parseBibtex) has as `raw` its text as
 * written at [start, end): known from the reading, compared only where lines were rewritten.
 */
export function rawAsWritten(result: BibParseResult, e: BibEntry, text: string): boolean {
  if (e.raw === undefined || e.raw.length !== e.end - e.start) return false;
  const info = AS_WRITTEN.get(result);
  if (info && !info.linesFixed) return !info.rewritten.has(e);
  return text.startsWith(e.raw, e.start);
}

/**
 * What `parseBibtex` gives for the text of UTF-8 `bytes` (no byte-order mark), read without
 * decoding the file: the reader runs over a view with one char per byte (Latin-1, half the
 * memory of the decoded text and no decoding pass), offsets count bytes, and the strings it
 * hands back are decoded. `written[i]`: entry i's `raw` is its text as written there.
 */
export function parseBibtexUtf8(bytes: Uint8Array, file = '<input>', group?: BibGroupContext): BibParseResult & { written: boolean[] } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const view = buf.toString('latin1');
  const r = readText(view, file, group, true);
  // Known before the strings are decoded (`raw` then no longer counts bytes).
  const written = r.entries.map(e => rawAsWritten(r, e, view));
  r.entries.forEach((e, i) => {
    // An entry written as it is, of ASCII bytes, has only ASCII strings (one that used a user's
    // macro is rewritten; one with a crossref may have inherited others).
    if (written[i] && e.fields.crossref === undefined && isAscii(buf.subarray(e.start, e.end))) return;
    e.type = fromView(e.type);
    e.key = fromView(e.key);
    const fields: Record<string, string> = {};
    for (const name in e.fields) fields[fromView(name)] = fromView(e.fields[name]!);
    e.fields = fields;
    if (e.raw !== undefined) e.raw = fromView(e.raw);
  });
  for (const p of r.problems) p.message = fromViewRuns(p.message);
  const strings: Record<string, string> = Object.create(null);
  for (const k in r.strings) strings[fromView(k)] = fromView(r.strings[k]!);
  return { ...r, strings, preambles: r.preambles.map(fromView), written };
}

/** Has a char of 0x80 to 0xff (a byte of a multi-byte UTF-8 sequence, in a view). */
const HIGH = /[\x80-\xff]/;
const HIGH_RUNS = /[\x80-\xff]+/g;

/** A view's string (one char per byte of UTF-8) decoded. */
function fromView(s: string): string {
  return HIGH.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

/** A string mixing view text with the reader's own (never chars 0x80 to 0xff), its view runs decoded. */
function fromViewRuns(s: string): string {
  return HIGH.test(s) ? s.replace(HIGH_RUNS, run => Buffer.from(run, 'latin1').toString('utf8')) : s;
}

/** A string as a view (one char per byte of its UTF-8). */
function toView(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** UTF-16 length of a view's text. */
function unitsOf(view: string): number {
  return HIGH.test(view) ? fromView(view).length : view.length;
}

// JavaScript's whitespace (`\s`, `trim`) as UTF-8 in a view: ASCII's, U+00A0, U+1680, U+2000–U+200A,
// U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF.
const VIEW_WS = '(?:[\\t-\\r ]|\\xc2\\xa0|\\xe1\\x9a\\x80|\\xe2\\x80[\\x80-\\x8a\\xa8\\xa9\\xaf]|\\xe2\\x81\\x9f|\\xe3\\x80\\x80|\\xef\\xbb\\xbf)';
export const VIEW_WS_ALL = new RegExp(`${VIEW_WS}+`, 'g');

/** Bytes of the whitespace char ending at `end` (exclusive) in a view, or 0. */
function viewSpaceBefore(v: string, end: number): number {
  const c = v.charCodeAt(end - 1);
  if (c === SPACE || (c >= 9 && c <= 13)) return 1;
  if (end >= 2 && c === 0xa0 && v.charCodeAt(end - 2) === 0xc2) return 2;
  if (end < 3) return 0;
  const a = v.charCodeAt(end - 3), b = v.charCodeAt(end - 2);
  if (a === 0xe2 && b === 0x80) return (c >= 0x80 && c <= 0x8a) || c === 0xa8 || c === 0xa9 || c === 0xaf ? 3 : 0;
  if ((a === 0xe1 && b === 0x9a && c === 0x80) || (a === 0xe2 && b === 0x81 && c === 0x9f) || (a === 0xe3 && b === 0x80 && c === 0x80) || (a === 0xef && b === 0xbb && c === 0xbf)) return 3;
  return 0;
}

/** Bytes of the whitespace char starting at `at` in a view, or 0. */
function viewSpaceAt(v: string, at: number): number {
  const c = v.charCodeAt(at);
  if (c === SPACE || (c >= 9 && c <= 13)) return 1;
  if (c < 0xc2) return 0;
  const b = v.charCodeAt(at + 1);
  if (c === 0xc2) return b === 0xa0 ? 2 : 0;
  const d = v.charCodeAt(at + 2);
  if (c === 0xe2) return b === 0x80 ? ((d >= 0x80 && d <= 0x8a) || d === 0xa8 || d === 0xa9 || d === 0xaf ? 3 : 0) : b === 0x81 && d === 0x9f ? 3 : 0;
  return (c === 0xe1 && b === 0x9a && d === 0x80) || (c === 0xe3 && b === 0x80 && d === 0x80) || (c === 0xef && b === 0xbb && d === 0xbf) ? 3 : 0;
}

/** `trim` of a view's text: whitespace chars (whole sequences) off both ends, in one pass. */
function trimView(v: string): string {
  let s = 0, e = v.length;
  for (let k; s < e && (k = viewSpaceAt(v, s)) > 0;) s += k;
  for (let k; e > s && (k = viewSpaceBefore(v, e)) > 0;) e -= k;
  return s === 0 && e === v.length ? v : v.slice(s, e);
}

/** `lower` of a view's text: lower-cased as its decoded text would be. */
function lowerView(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) return toView(fromView(s).toLowerCase());
    if (c >= 65 && c <= 90) {
      for (let j = i + 1; j < s.length; j++) if (s.charCodeAt(j) > 127) return toView(fromView(s).toLowerCase());
      return s.toLowerCase();
    }
  }
  return s;
}

class Reader {
  private readonly n: number;
  private readonly entries: BibEntry[] = [];
  private readonly problems: SourceProblem[] = [];
  private readonly macros = new Map<string, string>();
  private readonly userMacros = new Map<string, string>();
  private readonly preambles: string[] = [];
  /** First entry per lower-cased key (BibTeX compares keys without case). */
  private readonly byLowerKey = new Map<string, BibEntry>();
  /** Entries whose text is not self-contained (user macros, crossref). */
  private readonly rewrite = new Set<BibEntry>();
  /** Fields that used a macro defined only later: re-read once all macros are known. */
  private readonly deferred: { entry: BibEntry; name: string; pos: number; macro: string }[] = [];
  // Line counting: a forward cursor, since positions asked for mostly increase.
  private linePos = 0;
  private lineNo = 1;
  private lineEnd = -1;
  // What readValue hands back besides the value (fields, not an object per value: this is the hot path).
  private vEnd = 0;
  /** The value's raw text is not self-contained (a user @string macro) or not valid BibTeX. */
  private vRewrite = false;
  /** A macro that was not defined at this point. */
  private vUndef: string | undefined = undefined;
  // For messages about the value being read.
  private curKey = '';
  private curField = '';

  /**
   * `view`: the text is a view of UTF-8 bytes, one char per byte (parseBibtexUtf8); whitespace,
   * lower-casing and lengths are then those of the decoded text.
   */
  constructor(private readonly text: string, private readonly file: string, private readonly group: BibGroupContext | undefined, private readonly view: boolean) {
    this.n = text.length;
    for (const m in MONTH_MACROS) this.macros.set(m, MONTH_MACROS[m]!);
    // The table so far of the list this file belongs to; the result's `strings` is the table after it.
    for (const name in group?.strings ?? {}) {
      this.macros.set(name, group!.strings![name]!);
      this.userMacros.set(name, group!.strings![name]!);
    }
  }

  lineAt(pos: number): number {
    const t = this.text;
    let p = this.linePos, line = this.lineNo;
    // `p` is always the start of line `line`; step back when asked about an earlier position.
    while (p > pos) {
      p = p <= 1 ? 0 : t.lastIndexOf('\n', p - 2) + 1;
      line--;
      this.lineEnd = -1;
    }
    // `lineEnd`: the newline ending line `line` (kept, so a long line is scanned once).
    for (;;) {
      if (this.lineEnd < p) { const nl = t.indexOf('\n', p); this.lineEnd = nl < 0 ? this.n : nl; }
      if (this.lineEnd >= pos) break;
      line++;
      p = this.lineEnd + 1;
    }
    this.linePos = p; this.lineNo = line;
    return line;
  }

  problem(pos: number, severity: 'error' | 'warning', message: string): void {
    this.problems.push({ file: this.file, line: pos < 0 ? 0 : this.lineAt(pos), severity, message });
  }

  private context(): string {
    return this.curKey ? `entry ${this.curKey}, field \`${this.curField}\`` : this.curField;
  }

  private lower(s: string): string {
    return this.view ? lowerView(s) : lower(s);
  }

  /** Whitespace runs as one space. */
  private collapse(s: string): string {
    return s.replace(this.view ? VIEW_WS_ALL : WS_ALL, ' ');
  }

  private trim(s: string): string {
    return this.view ? trimView(s) : s.trim();
  }

  /** What is at `p`, for a message: up to 12 chars of its line (a pair of surrogates kept whole). */
  private describe(p: number): string {
    if (!this.view) return describeAt(this.text, p);
    if (p >= this.n) return 'the end of the file';
    return toView(describeAt(fromView(this.text.slice(p, p + 52)), 0));
  }

  read(): BibParseResult & { rewritten: ReadonlySet<BibEntry> } {
    const t = this.text, n = this.n;
    let pos = 0;
    if (n > 0 && t.charCodeAt(0) === 0xfeff) pos = 1;
    else if (this.view && t.startsWith('\xef\xbb\xbf')) pos = 3;
    this.checkBinary();
    // Is the text between entries on the current line commented out (a `%` before the `@`)?
    let commented = false;
    while (pos < n) {
      const at = t.indexOf('@', pos);
      if (at < 0) break;
      commented = this.commentedUpTo(pos, at, commented);
      if (commented) { pos = at + 1; continue; }
      pos = this.readAt(at);
    }
    this.resolveDeferred();
    this.resolveCrossrefs();
    for (const e of this.rewrite) e.raw = formatEntry(e);
    // Deferred checks report late; the user reads problems in file order.
    this.problems.sort((a, b) => a.line - b.line);
    if (this.problems.length > MAX_PROBLEMS) {
      const more = this.problems.length - MAX_PROBLEMS;
      const errors = this.problems.filter(p => p.severity === 'error').length;
      this.problems.length = MAX_PROBLEMS;
      this.problems.push({ file: this.file, line: 0, severity: errors ? 'error' : 'warning', message: `${more} more problems not listed (${errors} errors in all); is this a BibTeX file?` });
    }
    const strings: Record<string, string> = Object.create(null);
    for (const [k, v] of this.userMacros) strings[k] = v;
    return { entries: this.entries, problems: this.problems, strings, preambles: this.preambles, ...(this.junk ? { binary: true } : {}), rewritten: this.rewrite };
  }

  /**
   * NUL bytes mean binary junk, U+FFFD bytes that were not UTF-8: say so once (with the line); the
   * readable entries still load, and values are then checked for control characters.
   */
  private checkBinary(): void {
    // NUL: only the head (searching a large file for it costs as much as a tenth of the parse);
    // junk further on is caught by the U+FFFD check or breaks an entry, which is reported.
    let nul = this.text.slice(0, this.view ? 4 << 16 : 1 << 16).indexOf('\u0000');
    if (nul >= 0 && this.view && unitsOf(this.text.slice(0, nul)) >= 1 << 16) nul = -1;
    if (nul >= 0) {
      this.junk = true;
      this.problem(nul, 'warning', 'the file contains binary data (NUL bytes); text outside entries is ignored, damaged entries are reported');
    }
    const bad = this.text.indexOf(this.view ? '\xef\xbf\xbd' : '\ufffd');
    if (bad >= 0) {
      this.junk = true;
      this.problem(bad, 'warning', 'the file is not valid UTF-8 here (a replacement character \ufffd); expected UTF-8 text (a Latin-1 file should be saved as UTF-8)');
    }
  }

  /** Where skipSpaceAndComments last skipped a `%` comment. */
  private commentAt = -1;
  private qPct = -1; private cPct = -1;
  private qLf = -1; private cLf = -1;

  /**
   * Text outside entries, [from, at): is `at` after a `%` on its line (`wasCommented`: the line was
   * commented at `from`)? A `%` inside an earlier entry on the line does not count. Each span is
   * scanned once, with cached next-occurrences, so a one-line file stays linear.
   */
  private commentedUpTo(from: number, at: number, wasCommented: boolean): boolean {
    const t = this.text, n = this.n;
    let lineStart = -1;
    for (;;) {
      if (from < this.qLf || from > this.cLf) { const k = t.indexOf('\n', from); this.qLf = from; this.cLf = k < 0 ? n : k; }
      if (this.cLf >= at) break;
      lineStart = this.cLf + 1;
      from = lineStart;
    }
    if (lineStart < 0 && wasCommented) return true;
    if (from < this.qPct || from > this.cPct) { const k = t.indexOf('%', from); this.qPct = from; this.cPct = k < 0 ? n : k; }
    return this.cPct < at;
  }

  /** Chars of the reader's whitespace at `p` (in a view, a multi-byte one counts whole), or 0. */
  private spaceAt(p: number): number {
    const c = this.text.charCodeAt(p);
    if (c === SPACE || c === NL || c === CR || c === TAB || c === 12) return 1;
    if (!this.view) return c === 0xa0 || c === 0xfeff ? 1 : 0;
    if (c === 0xc2) return this.text.charCodeAt(p + 1) === 0xa0 ? 2 : 0;
    return c === 0xef && this.text.charCodeAt(p + 1) === 0xbb && this.text.charCodeAt(p + 2) === 0xbf ? 3 : 0;
  }

  private skipSpace(pos: number): number {
    const n = this.n;
    for (let k; pos < n && (k = this.spaceAt(pos)) > 0;) pos += k;
    return pos;
  }

  /** Skip whitespace and `%` comments (allowed between the parts of an entry, as biber does). */
  private skipSpaceAndComments(pos: number): number {
    const t = this.text, n = this.n;
    for (;;) {
      for (let k; pos < n && (k = this.spaceAt(pos)) > 0;) pos += k;
      if (pos < n && t.charCodeAt(pos) === PERCENT) {
        this.commentAt = pos;
        const nl = t.indexOf('\n', pos);
        pos = nl < 0 ? n : nl + 1;
        continue;
      }
      return pos;
    }
  }

  private readName(pos: number): number {
    const t = this.text, n = this.n;
    while (pos < n && isNameChar(t.charCodeAt(pos))) pos++;
    return pos;
  }

  /** Is there an entry start (`@name{` or `@name(`) at `pos`? Used to detect a runaway value. */
  private looksLikeEntry(pos: number): boolean {
    const t = this.text;
    if (t.charCodeAt(pos) !== AT) return false;
    let p = pos + 1;
    const s = p;
    while (p < this.n) {
      const c = t.charCodeAt(p);
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) p++; else break;
    }
    if (p === s) return false;
    while (p < this.n && (t.charCodeAt(p) === SPACE || t.charCodeAt(p) === TAB)) p++;
    const c = t.charCodeAt(p);
    return c === LBRACE || c === LPAREN;
  }

  /** Next `@` that starts a line (after optional indentation) at or after `pos`. */
  private nextEntryStart(pos: number): number {
    const t = this.text;
    for (;;) {
      const at = t.indexOf('@', pos);
      if (at < 0) return this.n;
      let i = at - 1;
      while (i >= 0 && (t.charCodeAt(i) === SPACE || t.charCodeAt(i) === TAB)) i--;
      if (i < 0 || t.charCodeAt(i) === NL || t.charCodeAt(i) === CR) return at;
      pos = at + 1;
    }
  }

  /** Read what starts at an `@`; returns where to continue. */
  private readAt(at: number): number {
    const t = this.text;
    const typeStart = at + 1;
    const typeEnd = this.readName(typeStart);
    if (typeEnd === typeStart) return at + 1; // an `@` in free text (an e-mail address): ignored
    let p = this.skipSpaceAndComments(typeEnd);
    const open = t.charCodeAt(p);
    if (open !== LBRACE && open !== LPAREN) {
      // `@word` not followed by a delimiter: free text outside entries, as BibTeX treats it.
      return typeEnd;
    }
    const close = open === LBRACE ? RBRACE : RPAREN;
    const lowerType = this.lower(t.slice(typeStart, typeEnd));
    // The known types as the shared constants: later lookups by type need not hash a new string.
    const type = TYPE_NAMES.get(lowerType) ?? lowerType;
    try {
      if (type === 'comment') return this.readComment(at, p);
      if (type === 'preamble') return this.readPreamble(at, p + 1, close);
      if (type === 'string') return this.readString(at, p + 1, close);
      return this.readEntry(at, type, p + 1, close);
    } catch (err) {
      if (!(err instanceof EntryError)) throw err;
      this.problem(err.pos, 'error', err.message);
      return err.resumeAt;
    }
  }

  /** `@comment{…}`: skipped with balanced braces; unbalanced, only its line is skipped. */
  private readComment(at: number, openPos: number): number {
    const t = this.text, n = this.n;
    if (t.charCodeAt(openPos) !== LBRACE) {
      const nl = t.indexOf('\n', openPos);
      return nl < 0 ? n : nl + 1;
    }
    let depth = 0;
    for (let i = openPos; i < n; i++) {
      const c = t.charCodeAt(i);
      if (c === LBRACE) depth++;
      else if (c === RBRACE && --depth === 0) return i + 1;
    }
    this.problem(at, 'warning', '@comment is not closed: expected `}`; the rest of its line is ignored');
    const nl = t.indexOf('\n', openPos);
    return nl < 0 ? n : nl + 1;
  }

  private readPreamble(at: number, p: number, close: number): number {
    this.curKey = ''; this.curField = '@preamble';
    const v = this.readValue(at, this.skipSpaceAndComments(p));
    const end = this.expectClose(at, this.vEnd, close, '@preamble');
    this.preambles.push(v);
    return end;
  }

  private readString(at: number, p: number, close: number): number {
    const t = this.text;
    p = this.skipSpaceAndComments(p);
    const ns = p;
    const ne = this.readName(p);
    if (ne === ns) {
      throw new EntryError(p, `@string needs a macro name, then \`=\` and a value; found ${this.describe(p)}`, this.nextEntryStart(p));
    }
    const name = this.lower(t.slice(ns, ne));
    p = this.skipSpaceAndComments(ne);
    if (t.charCodeAt(p) !== EQ) {
      throw new EntryError(p, `@string ${name}: expected \`=\` after the macro name; found ${this.describe(p)}`, this.nextEntryStart(p));
    }
    this.curKey = ''; this.curField = `@string ${name}`;
    const value = this.readValue(at, this.skipSpaceAndComments(p + 1), name);
    const undef = this.vUndef;
    const end = this.expectClose(at, this.vEnd, close, `@string ${name}`);
    if (undef === name) {
      this.problem(at, 'warning', `@string ${name} refers to itself; its value is taken literally as "${value}"`);
    } else if (undef !== undefined) {
      this.problem(at, 'warning', `@string ${name} uses the macro \`${undef}\` before it is defined; expected a @string ${undef} earlier in the file (kept as the text "${undef}")`);
    }
    if (name === '__proto__') {
      this.problem(at, 'warning', '@string __proto__ is not a usable macro name; ignored');
      return end;
    }
    if (this.userMacros.has(name)) {
      this.problem(at, 'warning', `@string ${name} is defined again; the later value is used from here on`);
    }
    this.macros.set(name, value);
    this.userMacros.set(name, value);
    return end;
  }

  /** After the last value of @string/@preamble: the closing delimiter. */
  private expectClose(at: number, p: number, close: number, what: string): number {
    p = this.skipSpaceAndComments(p);
    const c = this.text.charCodeAt(p);
    if (c === close) return p + 1;
    if (c === COMMA) {
      const q = this.skipSpaceAndComments(p + 1);
      if (this.text.charCodeAt(q) === close) return q + 1;
    }
    this.problem(p < this.n ? p : at, 'warning', `${what}: expected \`${String.fromCharCode(close)}\` to close it; found ${this.describe(p)}`);
    return this.nextEntryStart(p);
  }

  private readEntry(at: number, type: string, p: number, close: number): number {
    const t = this.text, n = this.n;
    const line = this.lineAt(at);
    p = this.skipSpace(p);
    // Key: up to `,`, whitespace or the closing delimiter (BibTeX allows nearly anything else).
    const ks = p;
    while (p < n) {
      const c = t.charCodeAt(p);
      if (c === COMMA || c === close || c === LBRACE || c === RBRACE || this.spaceAt(p) > 0) break;
      if (c === EQ) break;
      p++;
    }
    let key = t.slice(ks, p);
    if (key.length === 0 || t.charCodeAt(p) === EQ) {
      const resume = this.nextEntryStart(at + 1);
      throw new EntryError(at, `@${type} entry has no citation key: expected \`@${type}{key,\` followed by the fields`, resume);
    }
    p = this.skipSpaceAndComments(p);
    const fields: Record<string, string> = {};
    const entry: BibEntry = { type, key, fields, line, start: at, end: at };
    let c = t.charCodeAt(p);
    if (c === COMMA) p++;
    else if (c !== close) {
      if (isNameChar(c)) {
        this.problem(p, 'warning', `entry ${key}: expected \`,\` after the citation key; read on as if it were there`);
      } else {
        throw new EntryError(p, `entry ${key}: expected \`,\` after the citation key; found ${this.describe(p)}`, this.nextEntryStart(at + 1));
      }
    }
    let rewrite = false;
    let lastName = '', lastStart = 0, lastEnd = 0;
    for (;;) {
      p = this.skipSpaceAndComments(p);
      if (p >= n) {
        throw new EntryError(at, `entry ${key} is not closed: expected \`${String.fromCharCode(close)}\` before the end of the file`, this.nextEntryStart(at + 1));
      }
      c = t.charCodeAt(p);
      if (c === close) { p++; break; }
      if (c === COMMA) { p++; continue; }
      if (c === AT && this.looksLikeEntry(p)) {
        const nextLine = this.lineAt(p);
        // A value that swallowed the following `name = …` lines lost its closing brace (and took the
        // entry's closer as its own): the entry is unreliable, so skip it.
        if (lastName !== '' && SWALLOWED.test(t.slice(lastStart, lastEnd))) {
          this.problem(lastStart, 'error', `entry ${key}: unbalanced braces in the value of \`${lastName}\`: it runs over the following fields up to the next entry at line ${nextLine}; expected a \`}\` to end the value (this entry is skipped)`);
          return p;
        }
        // The closing brace is missing, but every field was complete: keep the entry.
        this.problem(at, 'warning', `entry ${key} is not closed: expected \`${String.fromCharCode(close)}\` before the next entry at line ${nextLine}`);
        entry.end = p;
        this.finishEntry(entry, rewrite);
        return p;
      }
      const ns = p;
      let upper = false;
      while (p < n) {
        const d = t.charCodeAt(p);
        if (!isNameChar(d)) break;
        if (d >= 65 && d <= 90) upper = true;
        p++;
      }
      if (p === ns) {
        throw new EntryError(p, `entry ${key}: expected a field name or \`${String.fromCharCode(close)}\`; found ${this.describe(p)}`, this.nextEntryStart(p));
      }
      const name = upper ? this.lower(t.slice(ns, p)) : this.fieldName(ns, p);
      p = this.skipSpaceAndComments(p);
      if (t.charCodeAt(p) !== EQ) {
        throw new EntryError(p, `entry ${key}: expected \`=\` after the field name \`${name}\`; found ${this.describe(p)}`, this.nextEntryStart(p));
      }
      p = this.skipSpaceAndComments(p + 1);
      const valuePos = p;
      this.curKey = key; this.curField = name;
      const value = this.readValue(at, p);
      p = this.vEnd;
      lastName = name; lastStart = valuePos; lastEnd = p;
      if (this.vRewrite) rewrite = true;
      const old = fields[name];
      if (old !== undefined && Object.prototype.hasOwnProperty.call(fields, name)) {
        this.problem(ns, 'warning', `entry ${key}: field \`${name}\` appears twice; the first value is kept`);
      } else if (name === '__proto__') {
        this.problem(ns, 'warning', `entry ${key}: the field name __proto__ is not allowed; field ignored`);
      } else {
        fields[name] = value;
        if (this.vUndef !== undefined) {
          this.deferred.push({ entry, name, pos: valuePos, macro: this.vUndef });
          rewrite = true;
        }
      }
      // After a value: `,`, the close, or (tolerated) a missing comma before the next field.
      p = this.skipSpaceAndComments(p);
      c = t.charCodeAt(p);
      if (c === COMMA || c === close || p >= n) continue;
      if (c === AT && this.looksLikeEntry(p)) continue;
      if (isNameChar(c)) {
        this.problem(p, 'warning', `entry ${key}: expected \`,\` between fields before \`${t.slice(p, this.readName(p))}\`; read on as if it were there`);
        continue;
      }
      throw new EntryError(p, `entry ${key}: expected \`,\` or \`${String.fromCharCode(close)}\` after the value of \`${name}\`; found ${this.describe(p)}`, this.nextEntryStart(p));
    }
    entry.end = p;
    if (this.commentAt > at) {
      this.problem(this.commentAt, 'warning', `entry ${key}: a \`%\` comment inside the entry; biber skips it to the end of the line, BibTeX reads it as text and drops the rest of the entry (expected the comment outside the entry)`);
    }
    this.finishEntry(entry, rewrite);
    this.checkAfterEntry(entry, p);
    return p;
  }

  private finishEntry(entry: BibEntry, rewrite: boolean): void {
    const { key, type } = entry;
    const lk = this.lower(key);
    const first = this.byLowerKey.get(lk);
    if (first) {
      if (first.key === key) {
        this.problem(entry.start, 'error', `duplicate key ${key}: already defined at line ${first.line}; this second entry is ignored`);
        return;
      }
      this.problem(entry.start, 'warning', `key ${key} differs only in case from ${first.key} (line ${first.line}); BibTeX treats them as the same key`);
    } else {
      this.byLowerKey.set(lk, entry);
    }
    if (!KNOWN_TYPES.has(type)) {
      this.problem(entry.start, 'warning', `entry ${key} has the unknown type @${type}; kept, but styles may not format it (expected e.g. @article, @inproceedings, @book, @misc)`);
    }
    if (rewrite || entry.fields.crossref !== undefined) this.rewrite.add(entry);
    else entry.raw = this.text.slice(entry.start, entry.end);
    this.entries.push(entry);
  }

  /** A lower-case field name: the shared constant for common names (no new string), else a slice. */
  private fieldName(s: number, e: number): string {
    const t = this.text;
    const cands = COMMON_FIELDS[e - s];
    if (cands) {
      const c0 = t.charCodeAt(s);
      for (const f of cands) if (f.charCodeAt(0) === c0 && t.startsWith(f, s)) return f;
    }
    return t.slice(s, e);
  }

  /**
   * After an entry closes, a line like `  author = {…},` before the next `@` means a stray closing
   * brace ended the entry early; the fields after it were lost, so say so.
   */
  private checkAfterEntry(entry: BibEntry, p: number): void {
    const t = this.text, n = this.n;
    // Rest of the closing line, then the following lines until an `@` line; usually just blanks.
    let q = p;
    while (q < n) {
      const c = t.charCodeAt(q);
      if (c === AT || c === PERCENT) return;
      if (c === COMMA) { q++; continue; }
      const k = this.spaceAt(q);
      if (k === 0) break;
      q += k;
    }
    if (q >= n) return;
    const ne = this.readName(q);
    if (ne > q && t.charCodeAt(this.skipSpace(ne)) === EQ) {
      this.problem(q, 'error', `entry ${entry.key} ended early (a \`}\` too many?): the field \`${t.slice(q, ne)}\` after it is outside any entry and was ignored`);
    }
  }

  // Next-occurrence caches for the delimiters: each is valid for query positions in [q, at]. They
  // let every value be scanned with native indexOf instead of a JavaScript loop per character.
  private qOpen = -1; private cOpen = -1;
  private qClose = -1; private cClose = -1;
  private qQuote = -1; private cQuote = -1;
  private qNlAt = -1; private cNlAt = -1;
  /** Set by scanDelimited: a quoted value held a `}` without its `{`. */
  private unbalanced = false;

  private nextOpen(pos: number): number {
    if (pos < this.qOpen || pos > this.cOpen) { const k = this.text.indexOf('{', pos); this.qOpen = pos; this.cOpen = k < 0 ? this.n : k; }
    return this.cOpen;
  }
  private nextClose(pos: number): number {
    if (pos < this.qClose || pos > this.cClose) { const k = this.text.indexOf('}', pos); this.qClose = pos; this.cClose = k < 0 ? this.n : k; }
    return this.cClose;
  }
  private nextQuote(pos: number): number {
    if (pos < this.qQuote || pos > this.cQuote) { const k = this.text.indexOf('"', pos); this.qQuote = pos; this.cQuote = k < 0 ? this.n : k; }
    return this.cQuote;
  }
  private qNl = -1; private cNl = -1;
  private qTab = -1; private cTab = -1;
  private qCr = -1; private cCr = -1;
  /** The file has NUL bytes or invalid UTF-8: check each value for control characters. */
  private junk = false;
  /** Macro text substituted so far, and whether MAX_EXPANDED_FILE was reached. */
  private expanded = 0;
  private fileCapHit = false;

  /** Does [s, e) hold a newline, tab or CR (so whitespace must be collapsed)? */
  private hasSpaceRun(s: number, e: number): boolean {
    const t = this.text, n = this.n;
    if (s < this.qNl || s > this.cNl) { const k = t.indexOf('\n', s); this.qNl = s; this.cNl = k < 0 ? n : k; }
    if (this.cNl < e) return true;
    if (s < this.qTab || s > this.cTab) { const k = t.indexOf('\t', s); this.qTab = s; this.cTab = k < 0 ? n : k; }
    if (this.cTab < e) return true;
    if (s < this.qCr || s > this.cCr) { const k = t.indexOf('\r', s); this.qCr = s; this.cCr = k < 0 ? n : k; }
    return this.cCr < e;
  }

  /** Next line that starts with `@` (the index of the `@`). */
  private nextLineAt(pos: number): number {
    if (pos < this.qNlAt || pos > this.cNlAt) { const k = this.text.indexOf('\n@', pos - 1); this.qNlAt = pos; this.cNlAt = k < 0 ? this.n : k + 1; }
    return this.cNlAt;
  }

  /**
   * The index of the delimiter that ends the `{…}` or `"…"` value opened at `open`. Braces nest; in
   * a quoted value a `"` inside braces does not end it. A value that would run into a line starting a
   * new entry, or past the end of the file, is unbalanced: the entry is skipped and reported.
   */
  private scanDelimited(at: number, open: number, endDelim: number): number {
    const n = this.n;
    let i = open + 1, depth = 0, end = n;
    this.unbalanced = false;
    if (endDelim === RBRACE) {
      for (;;) {
        const c = this.nextClose(i);
        if (c >= n) break;
        const o = this.nextOpen(i);
        if (o < c) { depth++; i = o + 1; continue; }
        if (depth === 0) { end = c; break; }
        depth--; i = c + 1;
      }
    } else {
      // Lone `}`s: said once per value, at the first, with their count.
      let lone = 0, firstLone = -1;
      for (;;) {
        const o = this.nextOpen(i), c = this.nextClose(i), q = this.nextQuote(i);
        const m = o < c ? (o < q ? o : q) : (c < q ? c : q);
        if (m >= n) break;
        i = m + 1;
        if (m === o) depth++;
        else if (m === c) {
          if (depth > 0) depth--;
          else {
            // BibTeX rejects a lone `}` inside "…" (the Anthology has `(Grefenstette, 1994\}`):
            // keep the entry, drop the brace, and say so.
            if (lone++ === 0) firstLone = m;
            this.unbalanced = true;
          }
        } else if (depth === 0) { end = m; break; }
      }
      if (lone === 1) this.problem(firstLone, 'warning', `${this.context()}: a \`}\` without a matching \`{\` inside a quoted value (BibTeX rejects this); the brace is dropped, expected braces to balance`);
      else if (lone > 1) this.problem(firstLone, 'warning', `${this.context()}: ${lone} \`}\` without a matching \`{\` inside a quoted value, the first here (BibTeX rejects this); they are dropped, expected braces to balance`);
    }
    // A line that starts a new entry inside the value: this value's braces or quotes do not balance.
    for (let k = this.nextLineAt(open + 1); k < end; k = this.nextLineAt(k + 1)) {
      if (this.looksLikeEntry(k)) {
        throw new EntryError(open, `unbalanced braces or quotes: the value starting here runs into the next entry at line ${this.lineAt(k)}; expected \`${String.fromCharCode(endDelim)}\` to end it (this entry is skipped)`, k);
      }
    }
    if (end >= n) {
      throw new EntryError(open, `unbalanced braces or quotes: the value starting here is not closed before the end of the file; expected \`${String.fromCharCode(endDelim)}\` (this entry is skipped)`, this.nextEntryStart(at + 1));
    }
    return end;
  }

  /**
   * A value: parts joined by `#`, each a `{…}` group, a `"…"` string, a number or a macro name.
   * `forString`: inside @string (macros used there are resolved now and never re-read).
   */
  /** `selfName`: the macro an @string defines (its value keeps outer spaces, as BibTeX's does). */
  private readValue(at: number, p: number, selfName?: string): string {
    const t = this.text, n = this.n;
    let value = '';
    let parts = 0;
    let rewrite = false;
    let tooLong = false, usedMacro = false;
    /** In a view, the value's UTF-16 length once it may pass MAX_EXPANDED_VALUE (-1 before). */
    let valueUnits = -1;
    const start = p;
    let undefinedMacro: string | undefined;
    for (;;) {
      const c = t.charCodeAt(p);
      let part: string;
      if (c === LBRACE || c === QUOTE) {
        const s = p + 1;
        const i = this.scanDelimited(at, p, c === LBRACE ? RBRACE : QUOTE);
        part = t.slice(s, i);
        if (this.unbalanced) { part = balanceBraces(part); rewrite = true; }
        if (this.junk && CTRL.test(part)) {
          part = this.collapse(part.replace(CTRL_ALL, ' '));
          this.problem(s, 'warning', `${this.context()}: the value contains control characters (binary junk?); they were replaced by spaces`);
        } else if (this.hasSpaceRun(s, i)) part = this.collapse(part);
        p = i + 1;
      } else if (c >= 48 && c <= 57) {
        const s = p;
        while (p < n) { const d = t.charCodeAt(p); if (d >= 48 && d <= 57) p++; else break; }
        part = t.slice(s, p);
      } else if (isNameChar(c)) {
        const s = p;
        p = this.readName(p);
        const name = this.lower(t.slice(s, p));
        const m = name === selfName ? undefined : this.macros.get(name);
        if (m === undefined) {
          if (undefinedMacro === undefined) undefinedMacro = name;
          part = name;
        } else {
          part = m;
          usedMacro = true;
          if (!Object.prototype.hasOwnProperty.call(MONTH_MACROS, name) || this.userMacros.has(name)) rewrite = true;
          // Past the cap nothing is counted (in a view, counting costs a pass over the value).
          if (!this.fileCapHit) {
            this.expanded += this.view ? unitsOf(m) : m.length;
            if (this.expanded > MAX_EXPANDED_FILE) {
              this.fileCapHit = true;
              this.problem(s, 'error', `${this.context()}: @string macros in this file expand to more than ${MAX_EXPANDED_FILE} characters in all (a macro used very often, or doubling itself?); from here on macro values are left out`);
            }
          }
          if (this.fileCapHit) part = '';
        }
      } else {
        if (p >= n) throw new EntryError(at, 'the file ends inside an entry: expected a value', n);
        throw new EntryError(p, `expected a value (\`{…}\`, \`"…"\`, a number or a @string macro name); found ${this.describe(p)}`, this.nextEntryStart(p));
      }
      let partUnits = 0;
      if (!tooLong && usedMacro && value.length + part.length > MAX_EXPANDED_VALUE) {
        // In a view a char may take several bytes: the value's chars are counted once, then each
        // part's as it is added (counting the whole value again at each part would be quadratic).
        if (this.view) {
          if (valueUnits < 0) valueUnits = unitsOf(value);
          partUnits = unitsOf(part);
        }
        if (!this.view || valueUnits + partUnits > MAX_EXPANDED_VALUE) {
          // Only values built with macros are capped: a long literal abstract is the user's own.
          tooLong = true;
          this.problem(start, 'error', `${this.context()}: the value grows past ${MAX_EXPANDED_VALUE} characters through @string macros and \`#\` (a macro doubling itself?); it is left empty`);
        }
      }
      if (!tooLong) {
        value = parts === 0 ? part : value + part;
        if (valueUnits >= 0) valueUnits += partUnits;
      }
      parts++;
      const q = this.skipSpaceAndComments(p);
      if (t.charCodeAt(q) === HASH) { p = this.skipSpaceAndComments(q + 1); continue; }
      if (tooLong) value = '';
      this.vEnd = p; this.vRewrite = rewrite || tooLong; this.vUndef = undefinedMacro;
      if (selfName !== undefined) return parts > 1 ? this.collapse(value) : value;
      if (parts > 1) return this.trim(this.collapse(value));
      const len = value.length;
      return len > 0 && (value.charCodeAt(0) === SPACE || value.charCodeAt(len - 1) === SPACE) ? this.trim(value) : value;
    }
  }

  /** Fields that used a macro defined only further down: BibTeX would leave them empty; we read them again now. */
  private resolveDeferred(): void {
    for (const d of this.deferred) {
      if (this.macros.has(d.macro)) {
        this.curKey = d.entry.key; this.curField = d.name;
        let v: string;
        try { v = this.readValue(d.entry.start, d.pos); } catch { continue; }
        d.entry.fields[d.name] = v;
        this.problem(d.pos, 'warning', `entry ${d.entry.key}: field \`${d.name}\` uses the macro \`${d.macro}\` before its @string; BibTeX needs the @string first (resolved anyway)`);
        if (this.vUndef !== undefined) this.reportUndefined(d.entry, d.name, d.pos, this.vUndef);
      } else {
        this.reportUndefined(d.entry, d.name, d.pos, d.macro);
      }
    }
  }

  private reportUndefined(e: BibEntry, field: string, pos: number, macro: string): void {
    this.problem(pos, 'warning', `entry ${e.key}: field \`${field}\` uses the undefined macro \`${macro}\`; expected a @string ${macro} definition or a braced value {…} (kept as the text "${macro}")`);
  }

  /**
   * Fill each child's missing fields from its `crossref` parent (which may come later in the file).
   * Chains are walked with a loop, never recursion: a loop or a chain past MAX_CROSSREF_CHAIN links
   * is reported and inheritance stops there.
   */
  private resolveCrossrefs(): void {
    const done = new Set<BibEntry>();
    /** Chars inherited so far (MAX_INHERITED_FILE). */
    let inherited = 0;
    let byKey: Map<string, BibEntry> | undefined;
    const parentOf = (e: BibEntry): BibEntry | undefined => {
      const ref = e.fields.crossref!;
      byKey ??= new Map(this.entries.map(x => [x.key, x]));
      const own = byKey.get(ref) ?? this.byLowerKey.get(this.lower(ref));
      if (own) return own;
      // An entry of another file of the list comes resolved by its own file.
      const other = this.group?.crossref?.(ref);
      if (other) done.add(other);
      return other;
    };
    for (const first of this.entries) {
      if (done.has(first) || first.fields.crossref === undefined) continue;
      // Walk up to an entry that is done, has no crossref, or ends the chain; then inherit downwards.
      const path: BibEntry[] = [];
      const onPath = new Set<BibEntry>();
      let e: BibEntry = first;
      for (;;) {
        path.push(e); onPath.add(e);
        const ref = e.fields.crossref;
        if (ref === undefined || done.has(e)) break;
        const parent = parentOf(e);
        if (!parent) {
          this.problem(e.start, 'warning', `entry ${e.key}: crossref \`${ref}\` names no entry in this file${this.group ? ' or its bibliography list' : ''}; its fields cannot be inherited`);
          done.add(e);
          break;
        }
        if (onPath.has(parent)) {
          this.problem(e.start, 'warning', `entry ${e.key}: crossref \`${ref}\` forms a loop; inheritance stops here`);
          done.add(e);
          break;
        }
        if (path.length > MAX_CROSSREF_CHAIN) {
          this.problem(e.start, 'warning', `entry ${e.key}: crossref \`${ref}\` continues a chain of more than ${MAX_CROSSREF_CHAIN} crossrefs (BibTeX follows one); inheritance stops here`);
          done.add(e);
          break;
        }
        e = parent;
      }
      for (let i = path.length - 2; i >= 0; i--) {
        const child = path[i]!;
        if (done.has(child)) continue;
        done.add(child);
        if (inherited > MAX_INHERITED_FILE) continue;
        inherited += inherit(child.fields, path[i + 1]!.fields, this.view ? unitsOf : lengthOf);
        if (inherited > MAX_INHERITED_FILE) {
          this.problem(child.start, 'error', `entry ${child.key}: fields inherited through crossref in this file pass ${MAX_INHERITED_FILE} characters in all (a big entry crossref'd very often?); from here on entries do not inherit from their crossref`);
        }
      }
      done.add(path[path.length - 1]!);
    }
  }
}

/** Fills the child's fields `cf` from its parent's `pf`; returns the chars taken (as `size` counts them). */
function inherit(cf: Record<string, string>, pf: Record<string, string>, size: (s: string) => number): number {
  let taken = 0;
  for (const name in pf) {
    if (name === 'crossref' || name === 'ids' || name === 'title') continue;
    if (!Object.prototype.hasOwnProperty.call(cf, name)) taken += size(cf[name] = pf[name]!);
  }
  // biblatex's inheritance: a proceedings' or book's title is the child's booktitle.
  if (pf.title !== undefined && !Object.prototype.hasOwnProperty.call(cf, 'booktitle')) taken += size(cf.booktitle = pf.title);
  return taken;
}

function lengthOf(s: string): number {
  return s.length;
}

/** Lower-case only when needed (most names already are). */
function lower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return s.toLowerCase();
  }
  return s;
}

function describeAt(t: string, p: number): string {
  if (p >= t.length) return 'the end of the file';
  const c = t.charCodeAt(p);
  if (c === NL || c === CR) return 'the end of the line';
  // A pair of surrogates is not cut in two.
  const c11 = t.charCodeAt(p + 11);
  const s = t.slice(p, p + (c11 >= 0xd800 && c11 <= 0xdbff ? 13 : 12)).split(/[\r\n]/)[0]!;
  return `\`${s}\``;
}

/** Braced BibTeX for an entry's resolved fields (no crossref: the inherited fields are in). */
export function formatEntry(e: BibEntry): string {
  const lines = [`@${e.type}{${e.key},`];
  for (const name in e.fields) {
    if (name === 'crossref') continue;
    const v = e.fields[name]!;
    // Month names go back to the bare macros (biber warns about `month = {December}`).
    const macro = name === 'month' ? MONTH_BY_NAME.get(v.toLowerCase()) : undefined;
    lines.push(macro ? `  ${name} = ${macro},` : `  ${name} = {${balanceBraces(v)}},`);
  }
  lines.push('}');
  return lines.join('\n');
}

/**
 * A value whose braces balance, safe inside `{…}`: an unmatched `\{` or `\}` (meant as a literal
 * brace) becomes `{\textbraceleft}`/`{\textbraceright}`, any other unmatched brace is dropped.
 */
export function balanceBraces(v: string): string {
  const open: number[] = [];
  let bad: number[] | undefined;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === LBRACE) open.push(i);
    else if (c === RBRACE) { if (open.length) open.pop(); else (bad ??= []).push(i); }
  }
  if (!bad && open.length === 0) return v;
  const unmatched = new Set([...(bad ?? []), ...open]);
  let out = '';
  for (let i = 0; i < v.length; i++) {
    if (!unmatched.has(i)) { out += v[i]; continue; }
    if (out.endsWith('\\')) out = out.slice(0, -1) + (v[i] === '{' ? '{\\textbraceleft}' : '{\\textbraceright}');
  }
  return out;
}
