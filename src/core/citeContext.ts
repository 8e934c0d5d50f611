// Is the cursor inside a citation (LaTeX `\cite…{…}` or pandoc `[@…]` / `@key`)? Which key prefix is
// under it, and which keys does the citation already hold? Pure and fast: it runs on every keystroke,
// so it only looks at a bounded window around the cursor. Typst lives in typstCite.ts.
import { isTypstLabel, scanTypst, type TypstSiteInfo } from './typstCite';
import { rstCitations, rstSiteAt } from './rstCite';

export type CiteKind = 'latex' | 'pandoc' | 'typst' | 'rst';

/** Which citation syntaxes to recognise: LaTeX files → latex, Markdown → both (R Markdown mixes them), Typst → typst. */
export type CiteSyntax = 'latex' | 'pandoc' | 'both' | 'typst' | 'rst';

export interface CiteContext {
  kind: CiteKind;
  /** LaTeX command name without backslash or star (`citep`); undefined for pandoc. */
  command?: string;
  /**
   * What the user typed since the last separator, up to the cursor: `text.slice(start, end)`. In a
   * LaTeX key list or a bracketed pandoc citation this may be a phrase (`global vect`): see
   * `phraseStart`. Elsewhere it is the key under the cursor up to the cursor.
   */
  prefix: string;
  /** Offsets of the prefix; `end` is the cursor. */
  start: number;
  end: number;
  /** End of the whole key token under the cursor (≥ end), for replacing a key rather than inserting. */
  keyEnd: number;
  /** Start of the key token under the cursor (≥ start): hover and go-to-definition name this token. */
  keyStart: number;
  /**
   * The prefix follows a complete key and a space (`\cite{knuth84 |`): accepting writes this
   * separator before the new key (LaTeX `, `). Only set when `isKey` was given.
   */
  separator?: string;
  /** Keys already in the citation, the one under the cursor excluded, in order. */
  keys: string[];
  /** The key list holding the cursor: LaTeX the inside of `{…}`, pandoc the inside of `[…]` (absent for `@key` in text). */
  group?: { start: number; end: number; closed: boolean };
  /** Typst: which form holds the key (`@key`, `<key>`, `label("key")`); see `typstKeyEdit`. */
  typst?: TypstSiteInfo;
}

export interface CiteOptions {
  syntax?: CiteSyntax;
  /** Extra LaTeX command names (`mycite`) or regular expressions (`/^my.*cite$/`). */
  customCommands?: readonly string[];
  /** How far to look back from the cursor (chars). */
  window?: number;
  /**
   * Is this a complete, known citation key? Decides what a space after a word means: after a known
   * key it separates keys (LaTeX) or starts a locator (pandoc); otherwise it is part of a phrase.
   */
  isKey?: (key: string) => boolean;
}

/** One cited key found by `findCitations`. */
export interface CitedKey {
  key: string;
  start: number;
  end: number;
  kind: CiteKind;
  command?: string;
}

const DEFAULT_WINDOW = 2000;

// --- command names -----------------------------------------------------------------------------

// Commands whose name contains "cite" but whose arguments are not keys.
const NOT_KEYS = /^(?:Declare|Execute|Save|Restore|new|renew|provide|blx|abx)|^[Cc]ite(?:style|text|setup|reset|tracker|counter|delim|punct|index|name|field|list|range|alias|sort|color|form)|^(?:no)?citetracker|^bibcite$/;
const CITE_NAME = /^[a-zA-Z]*[Cc]ite[a-zA-Z]*$/;

export interface CommandMatcher {
  (name: string): boolean;
}

const matcherCache = new Map<string, { match: CommandMatcher; problems: string[] }>();

/** Compiles `papercite.customCiteCommands` (names or `/regex/flags`) with the built-in families. */
export function citeCommandMatcher(custom: readonly string[] = []): { match: CommandMatcher; problems: string[] } {
  const cacheKey = custom.join('\u0000');
  const cached = matcherCache.get(cacheKey);
  if (cached) return cached;
  const names = new Set<string>();
  const regexes: RegExp[] = [];
  const problems: string[] = [];
  for (const raw of custom) {
    const s = raw.trim().replace(/^\\/, '');
    if (!s) continue;
    const m = /^\/(.*)\/([a-z]*)$/.exec(s);
    if (m) {
      const risk = backtrackingRisk(m[1]!);
      if (risk) {
        problems.push(`papercite.customCiteCommands: "${raw}" is not used: ${risk}, which can make matching take exponential time; write it without that, e.g. /^my(cite|ref)$/`);
        continue;
      }
      try {
        regexes.push(new RegExp(m[1]!, m[2]!.replace(/[gy]/g, '')));
      } catch (err) {
        problems.push(`papercite.customCiteCommands: "${raw}" is not a valid regular expression (${(err as Error).message})`);
      }
    } else if (/^[a-zA-Z@]+$/.test(s)) {
      names.add(s);
    } else {
      problems.push(`papercite.customCiteCommands: "${raw}" is neither a command name nor a /regular expression/`);
    }
  }
  // Command names repeat: each is tested once (a bounded memo), and only names of sane length.
  const seen = new Map<string, boolean>();
  const match: CommandMatcher = name => {
    if (names.has(name)) return true;
    const builtIn = CITE_NAME.test(name) && !NOT_KEYS.test(name);
    if (!regexes.length || builtIn) return builtIn;
    let r = seen.get(name);
    if (r === undefined) {
      r = name.length <= MAX_COMMAND_NAME && regexes.some(x => x.test(name));
      if (seen.size > 5000) seen.clear();
      seen.set(name, r);
    }
    return r;
  };
  const result = { match, problems };
  if (matcherCache.size > 50) matcherCache.clear();
  matcherCache.set(cacheKey, result);
  return result;
}

/** Custom patterns are tested only on command names up to this long. */
const MAX_COMMAND_NAME = 64;
const MAX_PATTERN = 200;

/**
 * Why a user's regular expression could backtrack exponentially, or undefined: a repeated group
 * that itself holds a repetition or an alternation (`(a+)+`, `(a|ab)*`), or a back-reference. A
 * linear scan of the pattern; conservative (it may refuse a harmless pattern, never the reverse).
 */
export function backtrackingRisk(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN) return `it is longer than ${MAX_PATTERN} characters`;
  const frames: { quant: boolean; alt: boolean }[] = [{ quant: false, alt: false }];
  let closed: { quant: boolean; alt: boolean } | undefined;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const top = frames[frames.length - 1]!;
    const justClosed = closed;
    closed = undefined;
    if (c === '\\') {
      const d = pattern[i + 1] ?? '';
      if (/[1-9]/.test(d) || (d === 'k' && pattern[i + 2] === '<')) return 'it has a back-reference';
      i++;
      continue;
    }
    if (c === '[') { // a character class: skip to its end
      for (i++; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i++;
      continue;
    }
    if (c === '(') { frames.push({ quant: false, alt: false }); continue; }
    if (c === ')') {
      if (frames.length > 1) {
        const f = frames.pop()!;
        closed = f;
        const outer = frames[frames.length - 1]!;
        outer.quant ||= f.quant;
      }
      continue;
    }
    if (c === '|') { top.alt = true; continue; }
    const repeats = c === '*' || c === '+' || (c === '{' && /^\{\d*,?\d*\}/.test(pattern.slice(i, i + 12)));
    if (repeats) {
      if (justClosed && (justClosed.quant || justClosed.alt)) return 'a repeated group holds a repetition or an alternation';
      top.quant = true;
      if (c === '{') i = pattern.indexOf('}', i);
      if (pattern[i + 1] === '?' || pattern[i + 1] === '+') i++;
    }
  }
  return undefined;
}

/** `\cites`, `\parencites`, `\footcitetexts`…: several `[pre][post]{keys}` groups. */
function isMultiCite(name: string): boolean {
  return /cites$|citetexts$/.test(name);
}

/** `\volcite[pre]{volume}[pages]{key}`: the first brace group is a volume, not a key. */
function isVolCite(name: string): boolean {
  return /volcites?$/i.test(name);
}

// --- character classes --------------------------------------------------------------------------

/** BibTeX keys: anything but whitespace and the characters LaTeX or BibTeX treat specially. */
function isLatexKeyChar(c: number): boolean {
  // whitespace , { } \ % # ~ " ' ( ) =
  if (c <= 32) return false;
  return !(c === 44 || c === 123 || c === 125 || c === 92 || c === 37 || c === 35 || c === 126 || c === 34 || c === 39 || c === 40 || c === 41 || c === 61);
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
}

/** Pandoc keys: alphanumerics and `_`, with internal punctuation `:.#$%&-+?<>~/`. */
const PANDOC_CHAR = /[\p{L}\p{N}_:.#$%&\-+?<>~/]/u;
function isPandocKeyChar(ch: string | undefined): boolean {
  return ch !== undefined && PANDOC_CHAR.test(ch);
}
const PANDOC_KEY = /^[\p{L}\p{N}_]+(?:[:.#$%&\-+?<>~/]+[\p{L}\p{N}_]+)*/u;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

/** Number of backslashes directly before `i`. */
function backslashesBefore(text: string, i: number): number {
  let n = 0;
  while (i - 1 - n >= 0 && text.charCodeAt(i - 1 - n) === 92) n++;
  return n;
}

/** Start of the line holding offset `i` (after `\n` or `\r`), found by the engine's own search. */
function lineStart(text: string, i: number): number {
  if (i <= 0) return 0;
  const nl = text.lastIndexOf('\n', i - 1) + 1;
  const cr = text.slice(nl, i).lastIndexOf('\r');
  return cr < 0 ? nl : nl + cr + 1;
}

/** Does `text[from, to)` (within one line) hold an unescaped `%`? */
function commentStartsIn(text: string, from: number, to: number): boolean {
  const part = text.slice(from, to);
  for (let k = part.indexOf('%'); k >= 0; k = part.indexOf('%', k + 1)) {
    if (backslashesBefore(text, from + k) % 2 === 0) return true;
  }
  return false;
}

/** Is offset `i` in a LaTeX comment (an unescaped `%` earlier on its line)? */
function inLatexComment(text: string, i: number): boolean {
  return commentStartsIn(text, lineStart(text, i), i);
}

// --- LaTeX ---------------------------------------------------------------------------------------

interface KeyToken { key: string; start: number; end: number }
interface KeyGroup { open: number; close: number; closed: boolean; tokens: KeyToken[]; comments: [number, number][] }
interface LatexCite { command: string; start: number; end: number; groups: KeyGroup[] }

/** Skips spaces, newlines and `%` comments; returns the next offset (≤ limit). */
function skipSpace(text: string, i: number, limit: number, comments?: [number, number][]): number {
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    if (c === 37) { // % comment to end of line
      const s = i;
      while (i < limit && text.charCodeAt(i) !== 10) i++;
      comments?.push([s, i]);
      continue;
    }
    break;
  }
  return i;
}

/**
 * Optional and parenthesised arguments are notes (`see`, `p.~3`): one longer than this, or one
 * holding a blank line (a paragraph, which LaTeX rejects there), is not an argument, so a line of
 * unclosed `\cite[` costs a bounded scan per command.
 */
const OPT_MAX = 1000;

/** Does a citation-like command name (`\cite`, `\citep`, `\parencite`…) start at the backslash at `j`? */
function startsCiteCommand(text: string, j: number): boolean {
  let k = j + 1;
  while (k < text.length && k - j <= 32 && /[a-zA-Z]/.test(text[k]!)) k++;
  return k > j + 1 && CITE_NAME.test(text.slice(j + 1, k));
}

/** Skips a balanced `open … close` argument (braces inside are balanced); -1 if unterminated. */
function skipBracketed(text: string, i: number, limit: number, open: number, close: number): number {
  let depth = 0;
  let braces = 0;
  if (open !== 123) limit = Math.min(limit, i + OPT_MAX);
  for (let j = i; j < limit; j++) {
    const c = text.charCodeAt(j);
    if (c === 10 && open !== 123 && blankLineAround(text, j)) return -1;
    // A note never holds another citation: a line of unclosed `\cite[` costs one step per command.
    if (c === 92 && open !== 123 && startsCiteCommand(text, j)) return -1;
    if (c === 92) { j++; continue; } // escaped char
    if (open === 123) { // a brace group
      if (c === 123) depth++;
      else if (c === 125 && --depth === 0) return j + 1;
      continue;
    }
    if (c === 123) braces++;
    else if (c === 125) { if (braces > 0) braces--; }
    else if (braces === 0 && c === open) depth++;
    else if (braces === 0 && c === close) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** Reads a `{key, key}` list at `text[i] === '{'`. An unclosed list ends after its last key. */
function readKeyGroup(text: string, i: number, limit: number): KeyGroup {
  const group: KeyGroup = { open: i, close: limit, closed: false, tokens: [], comments: [] };
  let j = i + 1;
  for (;;) {
    j = skipSpace(text, j, limit, group.comments);
    if (j >= limit) { group.close = j; return group; }
    const c = text.charCodeAt(j);
    if (c === 125) { group.close = j; group.closed = true; return group; }
    if (c === 44) { j++; continue; }
    if (!isLatexKeyChar(c)) { group.close = j; return group; }
    const s = j;
    while (j < limit && isLatexKeyChar(text.charCodeAt(j))) j++;
    group.tokens.push({ key: text.slice(s, j), start: s, end: j });
    const k = skipSpace(text, j, limit, group.comments);
    if (k >= limit) { group.close = k; return group; }
    const d = text.charCodeAt(k);
    if (d === 44 || d === 125) { j = k; continue; }
    // Something else follows a key: the list was never closed (the user is still typing it).
    group.close = j;
    return group;
  }
}

/** Parses the arguments of citation command `name` whose name ends at `i`. */
function parseLatexArgs(text: string, start: number, name: string, i: number, limit: number): LatexCite | undefined {
  if (text.charCodeAt(i) === 42) i++; // starred
  const cite: LatexCite = { command: name, start, end: i, groups: [] };
  const multi = isMultiCite(name);
  const vol = isVolCite(name);
  if (multi) {
    for (let n = 0; n < 2; n++) {
      const j = skipSpace(text, i, limit);
      if (text.charCodeAt(j) !== 40) break;
      const k = skipBracketed(text, j, limit, 40, 41);
      if (k < 0) return cite.groups.length ? cite : undefined;
      i = k;
    }
  }
  for (let round = 0; round < 64; round++) {
    let opts = 0;
    for (;;) {
      const j = skipSpace(text, i, limit);
      if (text.charCodeAt(j) !== 91 || opts >= 2) break;
      const k = skipBracketed(text, j, limit, 91, 93);
      if (k < 0) return cite.groups.length ? cite : undefined;
      i = k; opts++;
    }
    let j = skipSpace(text, i, limit);
    if (text.charCodeAt(j) !== 123) break;
    if (vol) { // volume, then optional pages, then the key
      const k = skipBracketed(text, j, limit, 123, 125);
      if (k < 0) break;
      i = k;
      j = skipSpace(text, i, limit);
      if (text.charCodeAt(j) === 91) {
        const m = skipBracketed(text, j, limit, 91, 93);
        if (m < 0) break;
        j = skipSpace(text, m, limit);
      }
      if (text.charCodeAt(j) !== 123) break;
    }
    const g = readKeyGroup(text, j, limit);
    cite.groups.push(g);
    i = g.closed ? g.close + 1 : g.close;
    cite.end = i;
    if (!multi || !g.closed) break;
  }
  return cite.groups.length ? cite : undefined;
}

const COMMAND = /\\([a-zA-Z@]+)/g;

/**
 * LaTeX citation commands starting in [from, to), in text order. Whether each is in a `%` comment is
 * followed along in one pass (looking back per command made a long line quadratic).
 */
function latexCommandsIn(text: string, from: number, to: number, match: CommandMatcher): { start: number; name: string; nameEnd: number }[] {
  const out: { start: number; name: string; nameEnd: number }[] = [];
  // Comment state and backslash run at `from`, from the start of its line.
  let pos = from;
  let inComment = commentStartsIn(text, lineStart(text, from), from);
  let backslashes = backslashesBefore(text, from);
  COMMAND.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = COMMAND.exec(text)) && m.index < to) {
    for (; pos < m.index; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 10 || c === 13) inComment = false;
      else if (c === 37 && backslashes % 2 === 0) inComment = true;
      backslashes = c === 92 ? backslashes + 1 : 0;
    }
    const name = m[1]!;
    if (inComment || !match(name)) continue;
    if (backslashes % 2 === 1) continue; // `\\cite` is a line break, then text
    out.push({ start: m.index, name, nameEnd: m.index + m[0].length });
  }
  return out;
}

// --- phrases -------------------------------------------------------------------------------------
//
// Inside a key list the user may type what they remember of a paper (`\cite{a, global vect|`), so
// the query is everything typed since the last separator, spaces included. The rule:
// - a phrase is at most PHRASE_MAX_WORDS words and PHRASE_MAX_CHARS characters, on the cursor's line
//   (the separator itself may end an earlier line: `\cite{a,⏎  global vect|`);
// - LaTeX separators are `{` (the list's own) and `,`; pandoc phrases run from the `@` of a bracketed
//   citation and stop at `;`, `[`, `]` and `@`;
// - a space right after a complete known key (`isKey`) separates keys in LaTeX (`\cite{knuth84 |`
//   lists the next key and accepting writes `knuth84, key`) and starts a locator in pandoc
//   (`[@knuth84 p. 7]`: no completion), as pandoc reads it;
// - where none of this holds (a phrase too long, prose after an unclosed list), the prefix is the
//   key under the cursor, as before.

const PHRASE_MAX_WORDS = 8;
const PHRASE_MAX_CHARS = 120;

/** Letters typed in a LaTeX phrase: key characters and apostrophes (`o'neil`). */
function isLatexPhraseChar(c: number): boolean {
  return isLatexKeyChar(c) || c === 39;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Where a phrase ending at `wordStart` starts: walks back over words and blanks on the line to a
 * separator (`isSeparator`), then over line breaks and blanks only. Returns the separator's offset and
 * the phrase's first word, or undefined when no separator is reached within the bounds.
 */
function phraseStart(text: string, wordStart: number, from: number, isWord: (c: number) => boolean, isSeparator: (i: number) => boolean): { sep: number; start: number } | undefined {
  let j = wordStart;
  let start = wordStart;
  let words = 0;
  const limit = Math.max(from, wordStart - PHRASE_MAX_CHARS);
  for (;;) {
    while (j > limit && isBlank(text.charCodeAt(j - 1))) j--;
    if (j <= limit) return undefined;
    const c = text.charCodeAt(j - 1);
    if (isSeparator(j - 1)) return { sep: j - 1, start };
    if (c === 10 || c === 13) break;
    if (!isWord(c)) return undefined;
    while (j > limit && isWord(text.charCodeAt(j - 1))) j--;
    start = j;
    if (++words > PHRASE_MAX_WORDS) return undefined;
  }
  // The phrase starts its line: the separator must end an earlier line (blanks between, no blank line).
  let newlines = 0;
  while (j > limit) {
    const c = text.charCodeAt(j - 1);
    if (c === 10) { if (++newlines > 1) return undefined; j--; continue; }
    if (c === 13 || isBlank(c)) { j--; continue; }
    return isSeparator(j - 1) ? { sep: j - 1, start } : undefined;
  }
  return undefined;
}

function latexContextAt(text: string, offset: number, match: CommandMatcher, window: number, isKey?: (key: string) => boolean): CiteContext | undefined {
  if (inLatexComment(text, offset)) return undefined;
  const from = Math.max(0, offset - window);
  const limit = Math.min(text.length, offset + window);
  const commands = latexCommandsIn(text, from, offset, match);
  // Citations do not nest; the cursor can only be in one of the last few commands.
  for (let n = commands.length - 1; n >= 0 && n >= commands.length - 3; n--) {
    const c = commands[n]!;
    const cite = parseLatexArgs(text, c.start, c.name, c.nameEnd, limit);
    if (!cite) continue;
    for (const g of cite.groups) {
      if (!(offset > g.open) || (g.closed && offset > g.close)) continue;
      if (g.comments.some(([s, e]) => offset > s && offset <= e)) return undefined;
      let s = offset;
      while (s > g.open + 1 && isLatexKeyChar(text.charCodeAt(s - 1))) s--;
      let e = offset;
      const eLimit = g.closed ? g.close : limit;
      while (e < eLimit && isLatexKeyChar(text.charCodeAt(e))) e++;
      // The query: a phrase since the last separator of this list, else the key under the cursor.
      const phrase = phraseStart(text, s, g.open, isLatexPhraseChar, i => i === g.open || (i > g.open && i <= g.close && text.charCodeAt(i) === 44));
      if (!phrase && offset > g.close) continue;
      let start = phrase ? phrase.start : s;
      let separator: string | undefined;
      if (start < s && isKey) {
        // `\cite{knuth84 dev|`: a known key, a space, then the next key's query.
        let k = start;
        while (k < s && isLatexKeyChar(text.charCodeAt(k))) k++;
        if (isKey(text.slice(start, k))) { start = k; separator = ', '; }
      }
      const keys: string[] = [];
      for (const gg of cite.groups) for (const t of gg.tokens) if (!(t.end > start && t.start < e) && !keys.includes(t.key)) keys.push(t.key);
      return {
        kind: 'latex', command: c.name, prefix: text.slice(start, offset), start, end: offset, keyStart: s, keyEnd: e, keys,
        ...(separator ? { separator } : {}),
        group: { start: g.open + 1, end: Math.max(g.close, e), closed: g.closed },
      };
    }
    if (cite.end < offset) break;
  }
  return undefined;
}

// --- pandoc --------------------------------------------------------------------------------------

const FENCE = /^[ ]{0,3}(?:```|~~~)/gm;

/** Lines of `s` that open or close a fence (up to three spaces, then ``` or ~~~), counted without a match array. */
function fenceLines(s: string): number {
  let n = 0;
  FENCE.lastIndex = 0;
  while (FENCE.test(s)) n++;
  return n;
}

/** Inside a fenced code block (``` or ~~~) or an inline code span, as far as the text before tells. */
function inMarkdownCode(text: string, offset: number): boolean {
  const before = text.slice(Math.max(0, offset - 200_000), offset);
  if (fenceLines(before) % 2 === 1) return true;
  const line = before.slice(lineStart(before, before.length));
  // Code spans: a run of n backticks opens, the next run of n closes (one scan, nothing allocated).
  let open = 0;
  for (let i = line.indexOf('`'); i >= 0; i = line.indexOf('`', i)) {
    let j = i + 1;
    while (line.charCodeAt(j) === 96) j++;
    if (open === 0) open = j - i;
    else if (j - i === open) open = 0;
    i = j;
  }
  return open !== 0;
}

/** Is the `@` at `at` a pandoc citation (not an e-mail address or `\@`)? */
function isCiteAt(text: string, at: number): boolean {
  if (text[at] !== '@') return false;
  const prev = text[at - 1];
  if (prev === undefined) return true;
  if (isWordChar(prev) || prev === '\\' || prev === '@' || prev === '`') return false;
  return true;
}

/** `@key` or `@{key}` at `at`: the key's range. */
function pandocKeyAt(text: string, at: number, limit: number): KeyToken | undefined {
  if (text[at + 1] === '{') {
    // A braced key holds no space or brace: stop there (a line of `@{` costs one step per `@{`).
    let close = at + 2;
    const end = Math.min(limit, at + 2 + 300);
    while (close < end && text.charCodeAt(close) !== 125 && text.charCodeAt(close) !== 123 && !isSpace(text.charCodeAt(close))) close++;
    if (close >= end || text.charCodeAt(close) !== 125) return undefined;
    const key = text.slice(at + 2, close);
    if (!key || /[\s{]/.test(key)) return undefined;
    return { key, start: at + 2, end: close };
  }
  const m = PANDOC_KEY.exec(text.slice(at + 1, Math.min(limit, at + 1 + 300)));
  if (!m) return undefined;
  return { key: m[0], start: at + 1, end: at + 1 + m[0].length };
}

function pandocContextAt(text: string, offset: number, window: number, isKey?: (key: string) => boolean): CiteContext | undefined {
  const from = Math.max(0, offset - window);
  let s = offset;
  let braced = false;
  let phrase = false;
  while (s > from && isPandocKeyChar(text[s - 1])) s--;
  const keyStart = s;
  let at = s - 1;
  if (text[at] !== '@') {
    // `@{key with odd chars}`
    let b = offset;
    while (b > from && text[b - 1] !== '{' && text[b - 1] !== '}' && !/\s/.test(text[b - 1]!)) b--;
    if (text[b - 1] === '{' && text[b - 2] === '@') { braced = true; s = b; at = b - 2; } else {
      // `[@devlin bert|`: a phrase after the `@` of a bracketed citation (checked below).
      const p = phraseStart(text, s, from, c => isPandocKeyChar(String.fromCharCode(c)), i => text.charCodeAt(i) === 64 && isCiteAt(text, i));
      if (!p || p.sep !== p.start - 1) return undefined;
      const first = PANDOC_KEY.exec(text.slice(p.start, Math.min(text.length, p.start + 300)));
      // A space after a complete key starts a locator or suffix (`[@knuth84 p. 7]`).
      if (first && isKey?.(first[0])) return undefined;
      s = p.start; at = p.sep; phrase = true;
    }
  }
  if (at < 0 || !isCiteAt(text, at)) return undefined;
  if (inMarkdownCode(text, at)) return undefined;
  const limit = Math.min(text.length, offset + window);
  let e = offset;
  if (braced) { while (e < limit && text[e] !== '}' && text[e] !== '{' && !/\s/.test(text[e]!)) e++; } else {
    while (e < limit && isPandocKeyChar(text[e])) e++;
    // Trailing punctuation is not part of a pandoc key (`@doe99.` cites doe99).
    const full = PANDOC_KEY.exec(text.slice(keyStart, e));
    e = Math.max(offset, keyStart + (full ? full[0].length : 0));
  }
  const ctx: CiteContext = { kind: 'pandoc', prefix: text.slice(s, offset), start: s, end: offset, keyStart: braced ? s : keyStart, keyEnd: e, keys: [] };
  // Bracketed citation: an unmatched `[` before, a `]` after, no blank line in between.
  let open = -1;
  for (let j = at - 1; j >= Math.max(from, at - 1000); j--) {
    const ch = text[j];
    if (ch === ']') break;
    if (ch === '[') { open = j; break; }
    if (ch === '\n' && blankLineAround(text, j)) break;
  }
  if (open >= 0) {
    let close = -1;
    for (let j = e; j < Math.min(limit, e + 1000); j++) {
      const ch = text[j];
      if (ch === '[') break;
      if (ch === ']') { close = j; break; }
      if (ch === '\n' && blankLineAround(text, j)) break;
    }
    if (close >= 0 || phrase) {
      ctx.group = { start: open + 1, end: close >= 0 ? close : e, closed: close >= 0 };
      for (const t of pandocKeysIn(text, open + 1, close >= 0 ? close : e)) {
        if (t.start === s) continue;
        if (!ctx.keys.includes(t.key)) ctx.keys.push(t.key);
      }
    }
  }
  // A phrase is a query only inside brackets: after a bare `@key` in prose a space ends the key.
  if (phrase && !ctx.group) return undefined;
  return ctx;
}

/** Does the newline at `j` start or end a blank line (a paragraph break)? */
function blankLineAround(text: string, j: number): boolean {
  let k = j - 1;
  while (k >= 0 && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r')) k--;
  if (k < 0 || text[k] === '\n') return true;
  k = j + 1;
  while (k < text.length && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r')) k++;
  return k >= text.length || text[k] === '\n';
}

function pandocKeysIn(text: string, from: number, to: number): KeyToken[] {
  const out: KeyToken[] = [];
  let i = text.indexOf('@', from);
  while (i >= 0 && i < to) {
    if (isCiteAt(text, i)) {
      const t = pandocKeyAt(text, i, to);
      if (t) { out.push(t); i = t.end; }
    }
    i = text.indexOf('@', i + 1);
  }
  return out;
}

// --- API -----------------------------------------------------------------------------------------

/**
 * The citation under the cursor, or undefined. `text` is the document (or any slice holding the
 * cursor, with `offset` relative to it). Never throws.
 */
export function citeContextAt(text: string, offset: number, opts: CiteOptions = {}): CiteContext | undefined {
  if (!(offset >= 0 && offset <= text.length)) return undefined;
  const syntax = opts.syntax ?? 'both';
  const window = Math.max(16, opts.window ?? DEFAULT_WINDOW);
  try {
    if (syntax === 'typst') return typstContextAt(text, offset, window);
    if (syntax === 'rst') return rstContextAt(text, offset, window);
    if (syntax !== 'pandoc') {
      const ctx = latexContextAt(text, offset, citeCommandMatcher(opts.customCommands).match, window, opts.isKey);
      if (ctx) return ctx;
    }
    if (syntax !== 'latex') return pandocContextAt(text, offset, window, opts.isKey);
  } catch {
    // A parser bug must never break typing.
  }
  return undefined;
}

/** Every cited key of a document, in order (for diagnostics). Skips comments and code. */
export function findCitations(text: string, opts: CiteOptions = {}): CitedKey[] {
  const syntax = opts.syntax ?? 'both';
  if (syntax === 'typst') return typstCitations(text);
  if (syntax === 'rst') return rstCitations(text).map(c => ({ key: c.key, start: c.start, end: c.end, kind: 'rst' as const, command: c.role }));
  const out: CitedKey[] = [];
  if (syntax !== 'pandoc') {
    const { match } = citeCommandMatcher(opts.customCommands);
    for (const c of latexCommandsIn(text, 0, text.length, match)) {
      const cite = parseLatexArgs(text, c.start, c.name, c.nameEnd, Math.min(text.length, c.nameEnd + 5000));
      if (!cite) continue;
      for (const g of cite.groups) {
        // An unclosed list is still being typed: its keys are not claims yet.
        if (!g.closed) continue;
        for (const t of g.tokens) out.push({ ...t, kind: 'latex', command: c.name });
      }
    }
  }
  if (syntax !== 'latex') {
    const code = markdownCodeRanges(text);
    const frontMatter = /^---\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text);
    const skipTo = frontMatter ? frontMatter[0].length : 0;
    let c = 0;
    for (const t of pandocKeysIn(text, skipTo, text.length)) {
      // Keys and code ranges both come in text order.
      while (c < code.length && code[c]![1] <= t.start) c++;
      if (c < code.length && code[c]![0] <= t.start) continue;
      out.push({ ...t, kind: 'pandoc' });
    }
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}

// --- Typst --------------------------------------------------------------------------------------
//
// The query inside `#cite(<…` and `#cite(label("…` is everything typed since the `<` or `"`, spaces
// included (as in a LaTeX key list); after `@` a space ends the reference, as Typst reads it.

function typstContextAt(text: string, offset: number, window: number): CiteContext | undefined {
  const scan = scanTypst(text, Math.max(0, offset - window), Math.min(text.length, offset + window));
  let site;
  for (let n = scan.sites.length - 1; n >= 0; n--) {
    const s = scan.sites[n]!;
    if (s.open < offset) { site = s; break; }
  }
  if (!site || offset < site.keyStart || offset > site.keyEnd) return undefined;
  let keyStart = offset;
  while (keyStart > site.keyStart && !isSpace(text.charCodeAt(keyStart - 1))) keyStart--;
  let keyEnd = offset;
  if (site.closed) keyEnd = site.keyEnd;
  else while (keyEnd < site.keyEnd && !isSpace(text.charCodeAt(keyEnd))) keyEnd++;
  // A key holds no space: on a closed `<key>` the whole key is the token.
  if (site.closed && !/\s/.test(text.slice(site.keyStart, site.keyEnd))) keyStart = site.keyStart;
  return {
    kind: 'typst', ...(site.form === 'ref' ? {} : { command: 'cite' }), prefix: text.slice(site.keyStart, offset), start: site.keyStart, end: offset, keyStart, keyEnd, keys: [],
    typst: { form: site.form, open: site.open, closed: site.closed, end: site.end },
  };
}

function typstCitations(text: string): CitedKey[] {
  const { sites, labels } = scanTypst(text);
  const out: CitedKey[] = [];
  for (const s of sites) {
    if (s.keyEnd <= s.keyStart || !s.closed) continue;
    const raw = text.slice(s.keyStart, s.keyEnd);
    if (s.form === 'ref' && labels.has(raw)) continue; // a cross-reference to a heading or figure
    if (s.form === 'angle' && !isTypstLabel(raw)) continue;
    const key = s.form === 'string' ? raw.replace(/\\(.)/g, '$1') : raw;
    out.push({ key, start: s.keyStart, end: s.keyEnd, kind: 'typst', ...(s.form === 'ref' ? {} : { command: 'cite' }) });
  }
  return out;
}

/** sphinxcontrib-bibtex roles (`:cite:p:`a, b``): the query is the phrase since the last `,` or backtick. */
function rstContextAt(text: string, offset: number, window: number): CiteContext | undefined {
  const site = rstSiteAt(text, offset, window);
  if (!site) return undefined;
  const keys = site.role.keys.filter(k => !(k.end >= site.start && k.start <= site.keyEnd)).map(k => k.key);
  return {
    kind: 'rst', command: site.role.role, prefix: text.slice(site.start, offset), start: site.start, end: offset,
    keyStart: site.keyStart, keyEnd: site.keyEnd, keys, group: { start: site.role.open, end: site.role.close, closed: site.role.closed },
  };
}

/** Fenced blocks and inline code spans of a Markdown text, sorted and disjoint; linear time. */
function markdownCodeRanges(text: string): [number, number][] {
  const fences: [number, number][] = [];
  const fence = /^[ ]{0,3}(```|~~~)[^\n]*$/gm;
  let m: RegExpExecArray | null;
  let openAt = -1;
  let marker = '';
  while ((m = fence.exec(text))) {
    if (openAt < 0) { openAt = m.index; marker = m[1]!; } else if (m[1] === marker) { fences.push([openAt, m.index + m[0].length]); openAt = -1; }
  }
  if (openAt >= 0) fences.push([openAt, text.length]);
  // Backtick runs outside fences; a run opens a span that the next run of the same length closes.
  const runs: { start: number; end: number; fence: number }[] = [];
  let f = 0;
  for (let i = text.indexOf('`'); i >= 0; i = text.indexOf('`', i)) {
    while (f < fences.length && fences[f]![1] <= i) f++;
    if (f < fences.length && fences[f]![0] <= i) { i = fences[f]![1]; continue; }
    let j = i;
    while (j < text.length && text.charCodeAt(j) === 96) j++;
    runs.push({ start: i, end: j, fence: f }); // fences[f]: the first fence after the run
    i = j;
  }
  const next = new Int32Array(runs.length).fill(-1);
  const lastOfLength = new Map<number, number>();
  for (let r = runs.length - 1; r >= 0; r--) {
    const len = runs[r]!.end - runs[r]!.start;
    next[r] = lastOfLength.get(len) ?? -1;
    lastOfLength.set(len, r);
  }
  const out: [number, number][] = [];
  let fi = 0;
  const pushFencesBefore = (at: number) => { while (fi < fences.length && fences[fi]![0] < at) out.push(fences[fi++]!); };
  for (let r = 0; r < runs.length;) {
    const close = next[r]!;
    // A span ends before the next fence.
    const fenceAfter = fences[runs[r]!.fence];
    if (close >= 0 && !(fenceAfter && fenceAfter[0] < runs[close]!.start)) {
      pushFencesBefore(runs[r]!.start);
      out.push([runs[r]!.start, runs[close]!.end]);
      r = close + 1;
    } else r++;
  }
  pushFencesBefore(text.length);
  return out;
}

/** The cited key at `offset` (cursor anywhere on it), for hover and go-to-definition. */
export function citedKeyAt(text: string, offset: number, opts: CiteOptions = {}): CitedKey | undefined {
  const ctx = citeContextAt(text, offset, opts);
  if (!ctx || ctx.keyEnd <= ctx.keyStart) return undefined;
  const key = text.slice(ctx.keyStart, ctx.keyEnd);
  return { key, start: ctx.keyStart, end: ctx.keyEnd, kind: ctx.kind, ...(ctx.command ? { command: ctx.command } : {}) };
}

/** Which syntaxes a document speaks, from its language id and file name. */
export function citeSyntaxFor(languageId: string, fileName = ''): CiteSyntax {
  if (languageId === 'typst' || /\.typ$/i.test(fileName)) return 'typst';
  if (languageId === 'restructuredtext' || /\.rst$/i.test(fileName)) return 'rst';
  if (languageId === 'latex' || languageId === 'tex' || languageId === 'bibtex' || /\.(?:tex|ltx|sty|cls|dtx)$/i.test(fileName)) return 'latex';
  if (languageId === 'markdown' || languageId === 'rmd' || languageId === 'rmarkdown' || languageId === 'quarto' || /\.(?:md|markdown|rmd|qmd)$/i.test(fileName)) return 'both';
  // Plain text (a .tex without a LaTeX extension, or notes): LaTeX only, so e-mail-like `@` stays quiet.
  return 'latex';
}

/** VS Code's fuzzy filter reads at most this many characters of an item's filter text. */
const FILTER_TEXT_MAX = 128;

/**
 * A completion item's filter text: the query it answers, then (where a space continues the query)
 * the paper's key, first authors and title. Answered in time, every item matches the query the same
 * way, so the list keeps PaperCite's order. Answered late (keys typed while the host was busy, as
 * while a library loads), the editor filters the items against the longer text the user typed by
 * now: the papers whose key, authors or title go on with those letters stay listed until the next
 * answer, instead of the whole list being dropped.
 */
export function completionFilterText(query: string, paper: { id: string; title?: string; author?: readonly { family?: string; literal?: string }[] }, spaceContinues: boolean): string {
  if (!spaceContinues) return (query + paper.id).slice(0, Math.max(FILTER_TEXT_MAX, query.length));
  const authors = (paper.author ?? []).slice(0, 3).map(a => a.family ?? a.literal ?? '').filter(Boolean).join(' ');
  const text = `${query} ${paper.id} ${authors} ${paper.title ?? ''}`.replace(/\s+/g, ' ');
  return text.slice(0, Math.max(FILTER_TEXT_MAX, query.length + 1));
}
