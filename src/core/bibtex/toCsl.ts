// One BibTeX entry → one PaperCite paper (a CSL-JSON item). LaTeX is decoded for display; the entry's
// own text is kept in `custom.bibtex` so that citing it writes exactly what the user had.

import type { CslDate, CslName, Paper, PaperCustom } from '../model';
import { formatEntry, type BibEntry } from './parse';
import { isPlainLatex, latexToUnicode } from './latex';
import { detach, stickyEnd } from '../strings';

/** BibTeX/biblatex entry type → CSL type (as citation-js maps them). */
const TYPES: Record<string, string> = {
  article: 'article-journal', inproceedings: 'paper-conference', conference: 'paper-conference',
  book: 'book', mvbook: 'book', booklet: 'book', bookinbook: 'chapter', proceedings: 'book',
  mvproceedings: 'book', collection: 'book', mvcollection: 'book', reference: 'book',
  inbook: 'chapter', incollection: 'chapter', inreference: 'entry', suppbook: 'chapter',
  suppcollection: 'chapter', phdthesis: 'thesis', mastersthesis: 'thesis', thesis: 'thesis',
  techreport: 'report', report: 'report', manual: 'report', unpublished: 'manuscript',
  misc: 'document', online: 'webpage', electronic: 'webpage', www: 'webpage', webpage: 'webpage',
  dataset: 'dataset', software: 'software', patent: 'patent', periodical: 'periodical',
  standard: 'standard', review: 'review', letter: 'personal_communication', movie: 'motion_picture',
  video: 'motion_picture', audio: 'song', music: 'song', artwork: 'graphic', image: 'graphic',
  legislation: 'legislation', jurisdiction: 'legal_case', performance: 'performance',
};

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9,
  sept: 9, october: 10, november: 11, december: 12,
};

/** MONTHS by the spellings files use (`jul`, `July`, `JULY`): found without lower-casing the value. */
const MONTH_SPELLED = new Map<string, number>();
for (const [k, m] of Object.entries(MONTHS)) for (const w of [k, k[0]!.toUpperCase() + k.slice(1), k.toUpperCase()]) MONTH_SPELLED.set(w, m);

const ARXIV_NEW = /^(\d{4}\.\d{4,5})(v\d+)?$/;
const ARXIV_OLD = /^([a-z-]+(?:\.[A-Z]{2})?\/\d{7})(v\d+)?$/;
const ARXIV_WORD = /arxiv/i;
const ARXIV_AT = /arxiv/gi;
const ARXIV_SEPARATORS = /[:./\s]*/y;
const ABS_OR_PDF = /(?:abs|pdf)\//iy;
const NEW_ID_AT = /\d{4}\.\d{4,5}/y;
const ARCHIVE_AT = /[a-z-]+/iy;
const OLD_TAIL_AT = /(?:\.[A-Z]{2})?\/\d{7}/iy;

/**
 * The id `/arxiv[:./\s]*(?:abs\/|pdf\/)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?/i`
 * captures in `v`. That regex rescanned a run of letters from each `arxiv` in it (`arxivarxiv…`); here
 * a run's end is found once and reused by the later starts inside it.
 */
function arxivInText(v: string): string | undefined {
  let runFrom = -1, runEnd = -1, tail = -1;
  const idAt = (q: number): string | undefined => {
    const n = stickyEnd(NEW_ID_AT, v, q);
    if (n >= 0) return v.slice(q, n);
    if (!(q > runFrom && q < runEnd)) {
      runEnd = stickyEnd(ARCHIVE_AT, v, q);
      if (runEnd < 0) return undefined;
      runFrom = q;
      tail = stickyEnd(OLD_TAIL_AT, v, runEnd);
    }
    return tail >= 0 ? v.slice(q, tail) : undefined;
  };
  ARXIV_AT.lastIndex = 0;
  while (ARXIV_AT.test(v)) {
    const q = stickyEnd(ARXIV_SEPARATORS, v, ARXIV_AT.lastIndex);
    const after = stickyEnd(ABS_OR_PDF, v, q);
    const id = (after >= 0 ? idAt(after) : undefined) ?? idAt(q);
    if (id !== undefined) return id;
  }
  return undefined;
}

/**
 * A value and what it became, for the values consecutive entries repeat: the entries of one
 * proceedings volume (most of a large export such as the ACL Anthology) share its editors,
 * booktitle, publisher and address. A hit is a value equal in full. Both are kept as copies, since a
 * slice of the file's text would keep the whole text alive after the conversion.
 */
class Last<T> {
  private value: string | undefined;
  private result: T | undefined;
  /** `keep`: the result as kept (its strings detached); `share`: a kept result handed out again. */
  constructor(private readonly convert: (v: string) => T, private readonly keep: (r: T) => T, private readonly share: (r: T) => T) {}
  get(v: string): T {
    if (v === this.value) return this.share(this.result!);
    const r = this.convert(v);
    this.value = detach(v);
    this.result = this.keep(r);
    return r;
  }
}

type Names = { names: CslName[]; truncated: boolean };
// Names are objects: each paper gets its own copies (of the same shape; the strings are shared).
const lastEditors = new Last<Names>(parseNames, r => ({
  names: r.names.map(n => {
    const c: CslName = { ...n };
    for (const k in c) (c as Record<string, string>)[k] = detach((c as Record<string, string>)[k]!);
    return c;
  }),
  truncated: r.truncated,
}), r => ({ names: r.names.map(n => ({ ...n })), truncated: r.truncated }));
const same = <T>(x: T) => x;
const lastContainer = new Last(latexToUnicode, detach, same);
const lastPublisher = new Last(latexToUnicode, detach, same);
const lastPlace = new Last(latexToUnicode, detach, same);

export function bibEntryToPaper(e: BibEntry, file: string): Paper {
  const f = e.fields;
  const custom: PaperCustom = { origins: [{ path: file, line: e.line }], bibtex: e.raw ?? formatEntry(e) };
  const p: Paper = { id: e.key, type: TYPES[e.type] ?? 'document', custom };

  if (f.title !== undefined) p.title = latexToUnicode(f.title);
  if (f.author !== undefined) {
    const { names, truncated } = parseNames(f.author);
    if (names.length) p.author = names;
    if (truncated) custom.authorsTruncated = true;
  }
  if (f.editor !== undefined) {
    const { names } = lastEditors.get(f.editor);
    if (names.length) p.editor = names;
  }
  const issued = bibDate(f.year, f.month, f.date, f.day);
  if (issued) p.issued = issued;

  // Venue: the journal of an article, the book or proceedings of a part.
  const container = e.type === 'article' ? (f.journal ?? f.journaltitle ?? f.booktitle) : (f.booktitle ?? f.journal ?? f.journaltitle);
  if (container !== undefined) p['container-title'] = lastContainer.get(container);

  if (f.abstract !== undefined) p.abstract = latexToUnicode(f.abstract, { keepMath: true });
  const doi = f.doi !== undefined ? cleanDoi(f.doi) : undefined;
  if (doi) p.DOI = doi;
  const url = f.url !== undefined ? cleanUrl(f.url) : f.howpublished !== undefined && /\\url|https?:\/\//.test(f.howpublished) ? cleanUrl(f.howpublished) : undefined;
  if (url) p.URL = url;

  const publisher = f.publisher ?? f.school ?? f.institution ?? f.organization;
  if (publisher !== undefined) p.publisher = lastPublisher.get(publisher);
  const place = f.address ?? f.location;
  if (place !== undefined) p['publisher-place'] = lastPlace.get(place);
  if (f.pages !== undefined) p.page = pages(f.pages);
  if (f.volume !== undefined) p.volume = latexToUnicode(f.volume);
  if (f.number !== undefined) {
    if (e.type === 'article') p.issue = latexToUnicode(f.number);
    else p.number = latexToUnicode(f.number);
  }
  if (f.issue !== undefined && p.issue === undefined) p.issue = latexToUnicode(f.issue);
  if (f.note !== undefined) p.note = latexToUnicode(f.note);
  if (f.series !== undefined) p['collection-title'] = latexToUnicode(f.series);
  if (f.edition !== undefined) p.edition = latexToUnicode(f.edition);
  if (f.chapter !== undefined) p['chapter-number'] = latexToUnicode(f.chapter);
  if (f.isbn !== undefined) p.ISBN = f.isbn.trim();
  if (f.issn !== undefined) p.ISSN = f.issn.trim();
  if (f.keywords !== undefined) p.keyword = latexToUnicode(f.keywords);
  if (f.language !== undefined) p.language = latexToUnicode(f.language);
  if (f.type !== undefined && (e.type === 'phdthesis' || e.type === 'mastersthesis' || e.type === 'techreport' || e.type === 'thesis' || e.type === 'report')) {
    p.genre = latexToUnicode(f.type);
  } else if (e.type === 'phdthesis') p.genre = 'PhD thesis';
  else if (e.type === 'mastersthesis') p.genre = "Master's thesis";
  if (f.urldate !== undefined) {
    const d = bibDate(undefined, undefined, f.urldate, undefined);
    if (d) p.accessed = d;
  }

  const arxiv = arxivId(f);
  if (arxiv) {
    custom.arxiv = arxiv;
    const cls = f.primaryclass ?? f.eprintclass;
    if (cls !== undefined) custom.category = cls.trim();
    // A preprint filed as @misc/@unpublished is an article in CSL (what citation-js does for arXiv).
    if (e.type === 'misc' || e.type === 'unpublished' || e.type === 'online') p.type = 'article';
    if (!p.URL) p.URL = `https://arxiv.org/abs/${arxiv}`;
  }
  return p;
}

/** The arXiv id of an entry: eprint (with archivePrefix/eprinttype arXiv, or shaped like one), else from journal, url or doi. */
export function arxivId(f: Record<string, string>): string | undefined {
  const eprint = f.eprint?.trim().replace(/^arxiv:/i, '');
  if (eprint) {
    const prefix = (f.archiveprefix ?? f.eprinttype ?? '').toLowerCase();
    const m = ARXIV_NEW.exec(eprint) ?? ARXIV_OLD.exec(eprint);
    if (m && (prefix === '' || prefix === 'arxiv')) return m[1];
  }
  return inText(f.journal) ?? inText(f.url) ?? inText(f.doi) ?? inText(f.note) ?? inText(f.howpublished);
}

function inText(v: string | undefined): string | undefined {
  if (v === undefined || !ARXIV_WORD.test(v)) return undefined;
  return arxivInText(v);
}

/** `12--34` → `12-34` (CSL page ranges use a hyphen). */
function pages(v: string): string {
  const dash = v.indexOf('--');
  if (dash > 0 && v.indexOf('-', dash + 2) < 0 && isDigits(v.slice(0, dash)) && isDigits(v.slice(dash + 2))) return `${v.slice(0, dash)}-${v.slice(dash + 2)}`;
  // Split and trimmed, not `replace(/\s*[–—]\s*/g, '-')`, which rescanned a run of spaces at each of its spaces.
  const parts = latexToUnicode(v).split(/[–—]/);
  if (parts.length === 1) return parts[0]!;
  return parts.map((x, i) => (i > 0 ? x.trimStart() : x)).map((x, i) => (i < parts.length - 1 ? x.trimEnd() : x)).join('-');
}

// ---------------------------------------------------------------------------------------------
// Names

/**
 * A BibTeX name list (`A and B and others`) → CSL names. Handles `Last, First`, `First Last`,
 * `von Last, Jr, First`, `{Corporate Name}` (a literal) and `and others` (→ truncated).
 */
export function parseNames(value: string): { names: CslName[]; truncated: boolean } {
  if (isPlainLatex(value) && !OTHER_SPACE.test(value)) return parsePlainNames(value);
  const names: CslName[] = [];
  let truncated = false;
  for (const raw of splitAnd(value)) {
    const one = raw.trim();
    if (one === '') continue;
    if (one === 'others' || one === 'et al.' || one === 'et al') { truncated = true; continue; }
    const n = parseName(one);
    if (n) names.push(n);
  }
  return { names: fitted(names), truncated };
}

/** The array without the spare room `push` left in it (a large library keeps some 200,000 lists). */
function fitted<T>(a: T[]): T[] {
  return a.length === 0 ? a : a.slice();
}

/** White space `trim()` removes that isPlainLatex lets through. */
const OTHER_SPACE = /[\u1680\u2028\u2029\u202f\u205f]/;

/**
 * parseNames for a list with nothing to decode (no braces, commands, `~` or control characters, and
 * no white space but the space): the same names, read by offsets instead of split and trimmed
 * copies. A name that is not `Last, First` goes to parseName as before.
 */
function parsePlainNames(v: string): { names: CslName[]; truncated: boolean } {
  const names: CslName[] = [];
  let truncated = false;
  const n = v.length;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    // splitAnd's rule, where the only white space is the space.
    if (i < n) {
      if (v.charCodeAt(i) !== 32 || i + 4 >= n) continue;
      if ((v.charCodeAt(i + 1) | 32) !== 97 || (v.charCodeAt(i + 2) | 32) !== 110 || (v.charCodeAt(i + 3) | 32) !== 100 || v.charCodeAt(i + 4) !== 32) continue;
    }
    let s = start, e = i;
    i += 4;
    start = i + 1;
    while (s < e && v.charCodeAt(s) === 32) s++;
    while (e > s && v.charCodeAt(e - 1) === 32) e--;
    const len = e - s;
    if (len === 0) continue;
    if ((len === 6 && v.startsWith('others', s)) || (len === 6 && v.startsWith('et al.', s)) || (len === 5 && v.startsWith('et al', s))) { truncated = true; continue; }
    // simpleName: one comma, and the family name does not start lower-case (a von part).
    const comma = v.indexOf(',', s);
    let fe = comma;
    if (comma >= 0 && comma < e) while (fe > s && v.charCodeAt(fe - 1) === 32) fe--;
    const c0 = v.charCodeAt(s);
    if (comma < 0 || comma >= e || (v.indexOf(',', comma + 1) >= 0 && v.indexOf(',', comma + 1) < e) || (fe > s && c0 >= 97 && c0 <= 122)) {
      const name = parseName(v.slice(s, e));
      if (name) names.push(name);
      continue;
    }
    let gs = comma + 1;
    while (gs < e && v.charCodeAt(gs) === 32) gs++;
    if (fe === s) { if (gs < e) names.push({ family: v.slice(gs, e) }); continue; }
    names.push(gs < e ? { family: v.slice(s, fe), given: v.slice(gs, e) } : { family: v.slice(s, fe) });
  }
  return { names: fitted(names), truncated };
}

/** Split at ` and ` (any case) outside braces. */
function splitAnd(v: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  const n = v.length;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125) { if (depth > 0) depth--; }
    else if (depth === 0 && isWs(c) && i + 4 < n) {
      const a = v.charCodeAt(i + 1) | 32, b = v.charCodeAt(i + 2) | 32, d = v.charCodeAt(i + 3) | 32;
      if (a === 97 && b === 110 && d === 100 && isWs(v.charCodeAt(i + 4))) {
        out.push(v.slice(start, i));
        i += 4;
        start = i + 1;
      }
    }
  }
  out.push(v.slice(start));
  return out;
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 126; // `~` ties words like a space
}

/** Split at `sep` (a char code) outside braces. */
function splitTop(v: string, sep: number): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125) { if (depth > 0) depth--; }
    else if (depth === 0 && c === sep) { out.push(v.slice(start, i)); start = i + 1; }
  }
  out.push(v.slice(start));
  return out;
}

/** Words of a name part, split at whitespace and `~` outside braces. */
function words(v: string): string[] {
  const out: string[] = [];
  let depth = 0, start = -1;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125) { if (depth > 0) depth--; }
    if (depth === 0 && isWs(c)) { if (start >= 0) { out.push(v.slice(start, i)); start = -1; } }
    else if (start < 0) start = i;
  }
  if (start >= 0) out.push(v.slice(start));
  return out;
}

/**
 * BibTeX's rule for a "von" word: its first letter at brace depth 0 is lower case; a leading
 * `{\cmd …}` special character counts by the letter it makes; other braced words are not von.
 */
function isVon(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c === 123) {
      if (w.charCodeAt(i + 1) !== 92) return false; // {Braced} words keep their case: not von
      const decoded = latexToUnicode(w.slice(i));
      const ch = decoded.charAt(0);
      return ch !== '' && ch === ch.toLowerCase() && ch !== ch.toUpperCase();
    }
    if (c === 92) { // \'e at depth 0
      const decoded = latexToUnicode(w.slice(i));
      const ch = decoded.charAt(0);
      return ch !== '' && ch === ch.toLowerCase() && ch !== ch.toUpperCase();
    }
    if (c >= 97 && c <= 122) return true;
    if (c >= 65 && c <= 90) return false;
    if (c > 127) {
      const ch = w.charAt(i);
      if (ch.toLowerCase() !== ch.toUpperCase()) return ch === ch.toLowerCase();
    }
  }
  return false;
}

/** `Last, First` without braces or commands (nearly every name in large files): no tokenizing. */
function simpleName(one: string): CslName | undefined | null {
  if (one.indexOf('{') >= 0 || one.indexOf('\\') >= 0) return null;
  const comma = one.indexOf(',');
  if (comma < 0 || one.indexOf(',', comma + 1) >= 0) return null;
  const fam = one.slice(0, comma).trim();
  // A lower-case first word is a von part ("van der Berg"): the general path handles it.
  const c0 = fam.charCodeAt(0);
  if (c0 >= 97 && c0 <= 122) return null;
  const family = latexToUnicode(fam);
  const given = latexToUnicode(one.slice(comma + 1));
  if (!family) return given ? { family: given } : undefined;
  return given ? { family, given } : { family };
}

function parseName(one: string): CslName | undefined {
  const simple = simpleName(one);
  if (simple !== null) return simple;
  // `{Coq Development Team}`: one braced group is an organisation.
  if (one.charCodeAt(0) === 123 && matchingBrace(one, 0) === one.length - 1) {
    const literal = latexToUnicode(one);
    return literal ? { literal } : undefined;
  }
  const parts = splitTop(one, 44).map(s => s.trim());
  let given = '', von = '', last = '', jr = '';
  if (parts.length === 1) {
    const w = words(parts[0]!);
    if (w.length === 0) return undefined;
    if (w.length === 1) { last = w[0]!; }
    else {
      // First von Last: von runs from the first lower-case word to the last one before Last.
      let vs = -1, ve = -1;
      for (let i = 0; i < w.length - 1; i++) if (isVon(w[i]!)) { if (vs < 0) vs = i; ve = i; }
      if (vs < 0) { given = w.slice(0, -1).join(' '); last = w[w.length - 1]!; }
      else { given = w.slice(0, vs).join(' '); von = w.slice(vs, ve + 1).join(' '); last = w.slice(ve + 1).join(' '); }
    }
  } else {
    const w = words(parts[0]!);
    // von Last: von = leading lower-case words, but Last keeps at least one word.
    let k = 0;
    while (k < w.length - 1 && isVon(w[k]!)) k++;
    von = w.slice(0, k).join(' ');
    last = w.slice(k).join(' ');
    if (parts.length === 2) given = parts[1]!;
    else { jr = parts[1]!; given = parts.slice(2).join(', '); }
  }
  const family = latexToUnicode(von ? `${von} ${last}` : last);
  const g = latexToUnicode(given);
  if (!family && !g) return undefined;
  if (!family) return { family: g };
  const name: CslName = g ? { family, given: g } : { family };
  // CSL's `suffix` (Jr., III): not in PaperCite's CslName yet, but CSL processors read it.
  if (jr) (name as CslName & { suffix?: string }).suffix = latexToUnicode(jr);
  return name;
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Dates, DOIs, URLs

/** year/month/day or a biblatex `date` (`2020-01-30`, `2020-01`, `2020/2021`) → CSL date. */
export function bibDate(year?: string, month?: string, date?: string, day?: string): CslDate | undefined {
  if (date !== undefined) {
    const m = /^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?/.exec(date);
    if (m) {
      const parts = [Number(m[1])];
      if (m[2]) parts.push(Number(m[2]));
      if (m[2] && m[3]) parts.push(Number(m[3]));
      return { 'date-parts': [parts] };
    }
  }
  if (year === undefined) return undefined;
  // The common case, `year = 2020` with `month = jul` (→ "July") or none, without regular expressions.
  if (year.length === 4 && date === undefined && day === undefined && isDigits(year)) {
    const y = Number(year);
    if (month === undefined) return { 'date-parts': [[y]] };
    const m = MONTH_SPELLED.get(month) ?? MONTHS[month.toLowerCase()];
    if (m) return { 'date-parts': [[y, m]] };
  }
  const y = /\d{4}/.exec(year);
  if (!y) return { 'date-parts': [], raw: latexToUnicode(year) };
  const parts = [Number(y[0])];
  if (month !== undefined) {
    const mo = parseMonth(month);
    if (mo) {
      parts.push(mo.month);
      const d = day !== undefined ? parseInt(day, 10) : mo.day;
      if (d && d >= 1 && d <= 31) parts.push(d);
    }
  }
  const out: CslDate = { 'date-parts': [parts] };
  if (!/^\s*\d{4}\s*$/.test(year)) out.raw = latexToUnicode(year);
  return out;
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 48 || c > 57) return false; }
  return true;
}

/** `jul`, `July`, `7`, `November 14`, `14 Nov`, `Jul.` → month (and day). */
function parseMonth(v: string): { month: number; day?: number } | undefined {
  const s = v.trim().toLowerCase();
  const num = /^(\d{1,2})$/.exec(s);
  if (num) { const m = Number(num[1]); return m >= 1 && m <= 12 ? { month: m } : undefined; }
  const m = /([a-z]+)\.?/.exec(s);
  if (!m) return undefined;
  const month = MONTHS[m[1]!] ?? MONTHS[m[1]!.slice(0, 3)];
  if (!month) return undefined;
  const d = /\b(\d{1,2})\b/.exec(s);
  return d ? { month, day: Number(d[1]) } : { month };
}

export function cleanDoi(v: string): string | undefined {
  const s = unescapeUrl(v).replace(/^\s*(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '').trim();
  return /^10\.\S+\/\S+/.test(s) ? s : undefined;
}

const URL_COMMAND = /\\url\s*\{/g;

/**
 * The argument of the first `\url{…}` in `v`: what `/\\url\s*\{([^}]*)\}/` captures. That regex looked
 * for a `}` after every `\url{`; when the first has none, no later one has either.
 */
export function urlArgument(v: string): string | undefined {
  if (v.indexOf('\\url') < 0) return undefined;
  URL_COMMAND.lastIndex = 0;
  if (!URL_COMMAND.test(v)) return undefined;
  const close = v.indexOf('}', URL_COMMAND.lastIndex);
  return close < 0 ? undefined : v.slice(URL_COMMAND.lastIndex, close);
}

function cleanUrl(v: string): string | undefined {
  const inUrl = urlArgument(v);
  const s = unescapeUrl(inUrl ?? v).trim();
  return s || undefined;
}

/** URL and DOI fields are verbatim, but people escape `_ % & # ~` anyway. */
function unescapeUrl(v: string): string {
  if (v.indexOf('\\') < 0 && v.indexOf('{') < 0) return v;
  return v.replace(/\\(?:textasciitilde|~)\s*(?:\{\})?/g, '~').replace(/\\([_%&#$])/g, '$1').replace(/[{}]/g, '');
}
