// Papers → BibTeX that compiles with pdflatex+bibtex (natbib/plainnat) and with biblatex+biber.
//
// citation-js (@citation-js/plugin-bibtex 0.7) chooses the entry type and maps CSL fields to BibTeX
// ones; PaperCite then rewrites the values citation-js gets wrong for LaTeX (measured in
// test/unit/bibtex-export.test.ts):
// - it ignores the paper's key unless told to (`useIdAsLabel`), and then still checks it;
// - it drops characters it has no command for, so a CJK author becomes an empty name (`and , `),
//   which bibtex reports as a warning;
// - it brace-protects every capitalised word except a title's first (`Absolute {Zero}`, but
//   `CRaSh: …` unprotected, so plainnat prints "Crash");
// - it writes arXiv preprints as @article with `howpublished` = url, not as arXiv's own export
//   (@misc with eprint, archivePrefix, primaryClass);
// - it has no `and others` for a truncated author list.
// Text values are written for the chosen encoding (`ascii`: LaTeX commands where LaTeX has them,
// `utf8`: only the specials escaped); nothing is replaced by `?` or dropped: a character LaTeX has no
// ASCII form for stays UTF-8 and is reported, since pdflatex needs a package or font for it.
//
// Keys: a paper whose id bibtex, biber or `\cite` would reject gets a key from PaperCite's scheme
// (citekey.ts); the renames are returned so the caller reports them once.

import { citationJs } from '../citationJs';
import type { CslName, Paper } from '../model';
import { bibKeyAccepted, isSafeCiteKey, safeCiteKey } from '../citekey';
import { unicodeToLatex, unicodeToLatexUtf8 } from './latex';

/** `ascii`: LaTeX commands for accents and symbols (pdflatex, bibtex); `utf8`: characters as they are. */
export type BibEncoding = 'ascii' | 'utf8';

export interface BibExportOptions {
  encoding?: BibEncoding;
  /** Leave out the `@preamble` (the caller writes `preambleFor` once for several exports). */
  noPreamble?: boolean;
}

export interface BibExport {
  text: string;
  /** Papers written under another key than their id. */
  renamed: { id: string; key: string }[];
  /** Characters written as UTF-8 in `ascii` encoding (no LaTeX command exists): pdflatex needs a package or font for them. */
  unicode: string[];
}

/** How one export writes text: the encoding, and what it had to keep as UTF-8. */
interface Ctx {
  utf8: boolean;
  kept: Set<string>;
}

function text(ctx: Ctx, s: string): string {
  return ctx.utf8 ? unicodeToLatexUtf8(s) : unicodeToLatex(s, ctx.kept);
}

interface CjsEntry {
  type: string;
  label: string;
  properties: Record<string, string>;
}

let configured = false;
function configure(): void {
  if (configured) return;
  const cfg = citationJs().plugins.config.get('@bibtex') as { format: { useIdAsLabel: boolean; checkLabel: boolean; asciiOnly: boolean } };
  cfg.format.useIdAsLabel = true; // the key is the paper's id
  cfg.format.checkLabel = false; // PaperCite keys are already safe; keep them exactly
  cfg.format.asciiOnly = true;
  configured = true;
}

/**
 * One paper as BibTeX, preceded by the `@preamble` its text uses. A paper read from a user's .bib
 * (`custom.bibtex`) is emitted as written, only its key set to the paper's id if the library renamed
 * it (so the citation finds it).
 */
export function paperToBibtex(p: Paper, opts: BibExportOptions = {}): string {
  return exportBibtex([p], opts).text;
}

function original(p: Paper, key: string, withCrossref = false): string | undefined {
  const text = withCrossref ? p.custom.crossref!.bibtex.trim() : typeof p.custom?.bibtex === 'string' ? p.custom.bibtex.trim() : '';
  if (!text) return undefined;
  const m = /^(@\s*[A-Za-z]+\s*[{(]\s*)([^,\s{}()]*)/.exec(text);
  if (!m || m[2] === key) return text + '\n';
  return m[1] + key + text.slice(m[0].length) + '\n';
}

/** Several papers, separated by blank lines. */
export function toBibtex(papers: readonly Paper[], opts: BibExportOptions = {}): string {
  return exportBibtex(papers, opts).text;
}

/**
 * Papers as one .bib text: the `@preamble` definitions the entries use first (once, as
 * `\providecommand` so a .bib that defines them too still compiles), then the entries.
 */
export function exportBibtex(papers: readonly Paper[], opts: BibExportOptions = {}): BibExport {
  const ctx: Ctx = { utf8: opts.encoding === 'utf8', kept: new Set() };
  const keys = exportKeys(papers);
  const renamed: { id: string; key: string }[] = [];
  // Ids the CSL-JSON reader rekeyed were reported when read (sources/cslJson.ts): only new renames here.
  papers.forEach((p, i) => { if (keys[i] !== p.id) renamed.push({ id: p.id, key: keys[i]! }); });
  const out: string[] = new Array(papers.length);
  const generated: Paper[] = [];
  const slots: number[] = [];
  const { own, parents, strings } = crossrefs(papers);
  papers.forEach((p, i) => {
    const asWritten = original(p, keys[i]!, own.has(i));
    if (asWritten !== undefined) out[i] = asWritten;
    else { generated.push(p); slots.push(i); }
  });
  const texts = generate(generated, slots.map(i => keys[i]!), ctx);
  slots.forEach((slot, k) => { out[slot] = texts[k]!; });
  // BibTeX wants a crossref's parent after every entry naming it.
  const order = [...out.keys()].filter(i => !parents.has(i)).concat([...parents].sort((a, b) => a - b));
  const head = (opts.noPreamble ? '' : preambleFor(papers)) + Object.entries(strings).map(([k, v]) => `@string{${k} = {${v}}}\n`).join('');
  return { text: (head ? head + '\n' : '') + order.map(i => out[i]!).join('\n'), renamed, unicode: [...ctx.kept] };
}

/**
 * Entries that keep their `crossref` (written as the user wrote them, with the `@string` macros
 * they use) because their parent is exported too; the others carry the inherited fields in.
 */
function crossrefs(papers: readonly Paper[]): { own: Set<number>; parents: Set<number>; strings: Record<string, string> } {
  const own = new Set<number>(), parents = new Set<number>();
  const strings: Record<string, string> = {};
  if (!papers.some(p => p.custom?.crossref)) return { own, parents, strings };
  const at = new Map<string, number>();
  papers.forEach((p, i) => { if (!at.has(p.id.toLowerCase())) at.set(p.id.toLowerCase(), i); });
  papers.forEach((p, i) => {
    const c = p.custom?.crossref;
    const parent = c ? at.get(c.key.toLowerCase()) : undefined;
    if (!c || parent === undefined || parent === i) return;
    // A macro name another entry uses with another value cannot be shared: keep this one resolved.
    if (Object.entries(c.strings ?? {}).some(([k, v]) => strings[k] !== undefined && strings[k] !== v)) return;
    Object.assign(strings, c.strings);
    own.add(i);
    parents.add(parent);
  });
  return { own, parents, strings };
}

/**
 * The key each paper is written under: its id when bibtex, biber and `\cite` take it. An entry from
 * a .bib keeps a key those tools accept even if it is not in PaperCite's safe set (`müller2020`);
 * any other id that is not safe gets a key from the scheme.
 */
function exportKeys(papers: readonly Paper[]): string[] {
  const taken = new Set<string>();
  for (const p of papers) taken.add(p.id.toLowerCase());
  return papers.map(p => {
    const fromBib = typeof p.custom?.bibtex === 'string' && p.custom.bibtex !== '';
    if (fromBib ? bibKeyAccepted(p.id) : isSafeCiteKey(p.id)) return p.id;
    const key = safeCiteKey({ ...p, id: '' }, taken);
    taken.add(key.toLowerCase());
    return key;
  });
}

/** The distinct `@preamble` texts the papers carry, as one `@preamble` entry (or ''). */
export function preambleFor(papers: readonly Paper[], present = ''): string {
  const seen = new Set<string>();
  for (const p of papers) {
    const pre = p.custom?.preamble;
    if (!Array.isArray(pre)) continue;
    for (const t of pre) if (typeof t === 'string' && t.trim() && !present.includes(t)) seen.add(t);
  }
  if (!seen.size) return '';
  const body = [...seen].map(t => t.replace(/\\(?:re)?newcommand\b/g, '\\providecommand')).join(' ');
  return `@preamble{ {${body}} }\n`;
}

/** The CSL item citation-js sees: only CSL fields (no `custom`), text fields as plain strings. */
function cslFor(p: Paper): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === 'custom' || v === undefined || v === null) continue;
    item[k] = v;
  }
  item.id = p.id;
  return item;
}

function generate(papers: readonly Paper[], keys: readonly string[], ctx: Ctx): string[] {
  if (papers.length === 0) return [];
  configure();
  const { Cite } = citationJs();
  let entries: CjsEntry[];
  try {
    entries = new Cite(papers.map(cslFor), { forceType: '@csl/list+object' }).format('bibtex', { format: 'object' }) as unknown as CjsEntry[];
  } catch {
    // citation-js rejects some odd items as a whole list; fall back to one at a time.
    entries = papers.map(p => {
      try {
        return (new Cite([cslFor(p)], { forceType: '@csl/list+object' }).format('bibtex', { format: 'object' }) as unknown as CjsEntry[])[0]!;
      } catch {
        return { type: 'misc', label: p.id, properties: {} };
      }
    });
  }
  return papers.map((p, i) => write(fixEntry(p, entries[i] ?? { type: 'misc', label: p.id, properties: {} }, keys[i]!, ctx)));
}

const CONFERENCE = /\b(proceedings|proc\.|conference|workshop|symposium|congress|meeting|neurips|nips|icml|iclr|acl|naacl|eacl|aacl|emnlp|coling|lrec|cvpr|iccv|eccv|aaai|ijcai|kdd|sigir|www|colm|interspeech|icassp|uai|aistats|corl|rss|icra|iros|findings)\b/i;

/** Post-process citation-js's entry: key, type, escaped values, arXiv fields, `and others`. */
function fixEntry(p: Paper, e: CjsEntry, key: string, ctx: Ctx): { type: string; key: string; fields: [string, string][] } {
  const props = { ...e.properties };
  const latex = (s: string) => text(ctx, s.replace(/\s+/g, ' ').trim());
  const arxiv = typeof p.custom?.arxiv === 'string' && p.custom.arxiv ? p.custom.arxiv : undefined;
  const venue = p['container-title'] ?? (typeof p.custom?.venue === 'string' ? p.custom.venue : undefined);
  let type = e.type;

  // Venue papers keep their venue; a CSL `article` with a conference-like container is a paper.
  if (venue) {
    // A chapter with its own title in a book: bibtex's @inbook would print the chapter's title as
    // the book's and drop the book.
    if (p.type === 'chapter') type = 'incollection';
    else if (p.type === 'article' || p.type === 'document' || type === 'misc') {
      type = CONFERENCE.test(venue) ? 'inproceedings' : 'article';
    }
    delete props.booktitle; delete props.journal;
    if (type === 'inproceedings' || type === 'incollection' || type === 'inbook') props.booktitle = latex(venue);
    else if (type === 'article') props.journal = latex(venue);
    else props.howpublished = latex(venue);
  }
  const preprint = arxiv !== undefined && !venue;
  if (preprint) {
    type = 'misc';
    delete props.month; delete props.journal; delete props.howpublished;
    if (/^arxiv$/i.test(String(p.publisher ?? ''))) delete props.publisher;
  }

  // Values citation-js escapes lossily: redo them from the paper.
  if (p.title) props.title = protectTitle(p.title, { utf8: ctx.utf8, kept: ctx.kept, math: latexOrigin(p) });
  const authors = nameList(p.author, p.custom?.authorsTruncated === true, ctx);
  if (authors) props.author = authors; else delete props.author;
  const editors = nameList(p.editor, false, ctx);
  if (editors) props.editor = editors; else delete props.editor;
  // biblatex prints it ("Trans. by …"); bibtex's standard styles leave it out, silently.
  const translators = nameList(p.translator, false, ctx);
  if (translators) props.translator = translators; else delete props.translator;
  for (const [field, csl] of [['publisher', 'publisher'], ['address', 'publisher-place'], ['note', 'note'], ['series', 'collection-title'], ['edition', 'edition'], ['volume', 'volume'], ['school', 'publisher'], ['institution', 'publisher'], ['organization', 'publisher']] as const) {
    const v = p[csl];
    if (props[field] !== undefined && typeof v === 'string') props[field] = latex(v);
  }
  if (props.number !== undefined && typeof (p.number ?? p.issue) === 'string') props.number = latex(String(p.number ?? p.issue));
  if (typeof p.page === 'string') props.pages = pageRanges(p.page, latex);
  if (p.DOI) props.doi = verbatim(p.DOI);
  if (p.URL) props.url = verbatim(p.URL);
  if (props.howpublished !== undefined && p.URL && props.howpublished === props.url) delete props.howpublished;
  if (props.howpublished !== undefined && /^https?:/.test(props.howpublished)) delete props.howpublished;
  // A year is required by plainnat's label; keep citation-js's month only with a year.
  const year = p.issued?.['date-parts']?.[0]?.[0] ?? p['original-date']?.['date-parts']?.[0]?.[0];
  if (typeof year === 'number') props.year = String(year);
  if (props.month !== undefined) {
    const m = p.issued?.['date-parts']?.[0]?.[1];
    if (typeof m === 'number' && m >= 1 && m <= 12) props.month = MONTHS[m - 1]!; else delete props.month;
  }
  if (arxiv) {
    props.eprint = verbatim(arxiv);
    props.archivePrefix = 'arXiv';
    const cls = typeof p.custom?.category === 'string' ? p.custom.category : undefined;
    if (cls && /^[a-zA-Z.-]+$/.test(cls)) props.primaryClass = cls;
    if (!p.URL) props.url = `https://arxiv.org/abs/${verbatim(arxiv)}`;
  }
  // An entry type whose required fields are missing makes bibtex warn ("empty journal in …"):
  // such a paper is a @misc, its venue (if any) in `howpublished`.
  const need = REQUIRED[type];
  if (type !== 'misc' && (!need || need.some(f => !props[f]))) {
    const where = props.journal ?? props.booktitle;
    for (const f of ['journal', 'booktitle', 'school', 'institution']) delete props[f];
    if (where && !props.howpublished) props.howpublished = where;
    type = 'misc';
  }
  // Without author or editor, plainnat sorts by `key`.
  // It is plainnat's label too (`\bibitem[key(year)]`): braced when it holds a `]`, which would end it.
  if (!props.author && !props.editor) {
    const k = p.title ? latex(plainTitle(p.title).split(/\s+/).slice(0, 4).join(' ')) : key;
    props.key = k.includes(']') ? `{${k}}` : k;
  }
  // No field may hold unbalanced braces, whatever citation-js made of it.
  for (const k of Object.keys(props)) props[k] = balance(props[k]!);

  const order = preprint ? ARXIV_ORDER : FIELD_ORDER;
  const fields = Object.entries(props).filter(([, v]) => v !== '');
  fields.sort((a, b) => rank(order, a[0]) - rank(order, b[0]));
  return { type, key, fields };
}

/**
 * Whether `$…$` in the paper's title is math: yes for text that came from LaTeX (arXiv, the bundled
 * corpus, a .bib); no for CSL-JSON from reference managers, where `$` is a plain character.
 */
function latexOrigin(p: Paper): boolean {
  const c = p.custom ?? {};
  if (typeof c.arxiv === 'string' && c.arxiv) return true;
  if (Array.isArray(c.sources) && c.sources.length) return true;
  return typeof c.bibtex === 'string' && c.bibtex !== '';
}

/**
 * CSL pages as BibTeX ranges (`12-34` → `12--34`). A run of dashes with an en or em dash, or of two
 * hyphens or more, marks the range; with single hyphens alone, one splits, and of an odd number the
 * middle one (`045301-1-045301-8`, article numbers); other hyphens are part of a page (`e1-e5-7`).
 * One pass, no regex over the runs (`\s*[-–—]+\s*` rescanned a run of spaces at each of its spaces).
 */
function pageRanges(v: string, latex: (s: string) => string): string {
  return v.split(',').map(item => {
    // Dash runs: [start, end, explicit].
    const runs: [number, number, boolean][] = [];
    for (let i = 0; i < item.length;) {
      if (!isDash(item.charCodeAt(i))) { i++; continue; }
      const a = i;
      let explicit = false;
      for (; i < item.length && isDash(item.charCodeAt(i)); i++) if (item.charCodeAt(i) !== 45) explicit = true;
      runs.push([a, i, explicit || i - a > 1]);
    }
    let cuts = runs.filter(r => r[2]);
    if (!cuts.length) cuts = runs.length === 1 ? runs : runs.length % 2 === 1 ? [runs[(runs.length - 1) / 2]!] : [];
    let out = '', from = 0;
    for (const [a, b] of cuts) { out += `${latex(item.slice(from, a))}--`; from = b; }
    return out + latex(item.slice(from));
  }).join(', ');
}

function isDash(c: number): boolean {
  return c === 45 || c === 0x2013 || c === 0x2014;
}

/** Fields a type needs for bibtex's standard styles to stay silent. */
const REQUIRED: Record<string, string[]> = {
  article: ['author', 'title', 'journal', 'year'],
  inproceedings: ['author', 'title', 'booktitle', 'year'],
  incollection: ['author', 'title', 'booktitle', 'publisher', 'year'],
  book: ['title', 'publisher', 'year'],
  inbook: ['title', 'publisher', 'year'],
  phdthesis: ['author', 'title', 'school', 'year'],
  mastersthesis: ['author', 'title', 'school', 'year'],
  techreport: ['author', 'title', 'institution', 'year'],
  manual: ['title'],
  proceedings: ['title', 'year'],
  unpublished: ['author', 'title', 'note'],
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// arXiv's own export: title, author, year, eprint, archivePrefix, primaryClass, url.
const ARXIV_ORDER = ['title', 'author', 'year', 'eprint', 'archivePrefix', 'primaryClass', 'url'];
const FIELD_ORDER = ['title', 'author', 'editor', 'translator', 'key', 'booktitle', 'journal', 'howpublished', 'volume', 'number', 'pages', 'year', 'month', 'publisher', 'address', 'doi', 'url', 'eprint', 'archivePrefix', 'primaryClass', 'note'];
function rank(order: string[], f: string): number {
  const i = order.indexOf(f);
  return i < 0 ? order.length : i;
}

/** Month names are bare macros (`month = may`), which every style defines. */
const BARE = new Set(['month']);

function write(e: { type: string; key: string; fields: [string, string][] }): string {
  const lines = e.fields.map(([k, v]) => BARE.has(k) && /^[a-z]{3}$/.test(v) ? `  ${k} = ${v},` : `  ${k} = {${v}},`);
  return `@${e.type}{${e.key},\n${lines.join('\n')}\n}\n`;
}

/**
 * URL, DOI, eprint: kept as is, but braces, `\`, spaces, `^`, `~` and non-ASCII percent-encoded
 * (they break .bbl files). `%` and `#` stay: `\url` and biblatex's verbatim fields take them, and
 * encoding them changed the link (`%20` became `%2520`, a `#fragment` part of the path).
 */
function verbatim(s: string): string {
  // A lone surrogate (JSON can hold one) is U+FFFD: encodeURIComponent throws on it.
  return s.trim().replace(LONE_SURROGATE, '\ufffd').replace(/[{}\\\s^~]|[^\x20-\x7e]+/g, ch => encodeURIComponent(ch));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export interface TitleOptions {
  utf8?: boolean;
  kept?: Set<string>;
  /** `$…$` is math (the title came from LaTeX); otherwise `$` is a character. */
  math?: boolean;
}

/** A CSL title without its rich-text markup (`<i>`, `<span class="nocase">`, …). */
function plainTitle(title: string): string {
  return title.replace(MARKUP, '');
}

// CSL rich text (the tags CSL processors read in a title): italics, bold, sub- and superscript,
// small caps, and `<span class="nocase">`, text a style must not recase.
const MARKUP = /<(?:i|b|sub|sup|sc|span class="nocase"|span style="font-variant: ?small-caps;?")>|<\/(?:i|b|sub|sup|sc|span)>/g;
const NOCASE_TAG = '<span class="nocase">';
const MARKUP_COMMAND: Record<string, string> = {
  '<i>': '\\textit', '<b>': '\\textbf', '<sub>': '\\textsubscript', '<sup>': '\\textsuperscript', '<sc>': '\\textsc',
};
/** Elements open at once beyond this are written as text (no input decides a depth). */
const MAX_MARKUP_DEPTH = 8;

/** A title's text runs and its markup: text (`nocase` or not), a command opening an element, its end. */
type TitlePiece = { text: string; nocase: boolean } | { open: string } | { close: true };

function titlePieces(t: string): TitlePiece[] {
  const out: TitlePiece[] = [];
  const stack: string[] = []; // the opening tag of each open element
  let nocase = 0, last = 0;
  const text = (s: string) => { if (s) out.push({ text: s, nocase: nocase > 0 }); };
  for (const m of t.matchAll(MARKUP)) {
    const tag = m[0];
    text(t.slice(last, m.index));
    last = m.index! + tag.length;
    if (tag[1] !== '/') {
      if (stack.length >= MAX_MARKUP_DEPTH) { text(tag); continue; }
      stack.push(tag);
      if (tag === NOCASE_TAG) nocase++;
      else out.push({ open: MARKUP_COMMAND[tag] ?? '\\textsc' });
      continue;
    }
    // A closing tag ends its element (and any left open inside it); one without an opener is text.
    const name = tag.slice(2, -1);
    let k = stack.length - 1;
    while (k >= 0 && !stack[k]!.startsWith(`<${name}`)) k--;
    if (k < 0) { text(tag); continue; }
    while (stack.length > k) {
      if (stack.pop() === NOCASE_TAG) nocase--;
      else out.push({ close: true });
    }
  }
  text(t.slice(last));
  for (const open of stack) if (open !== NOCASE_TAG) out.push({ close: true });
  return out;
}

/**
 * A title in LaTeX with case protection as Better BibTeX does it: a word with a capital after its
 * first letter (`GFlowNets`, `BERT`, `iPhone`, `R&D`, `ØRSTED`) or a capital and a digit (`GPT-4`,
 * `T5`) is braced, and so is text a CSL source marks `nocase`. In a title written in sentence case, a
 * capitalised word that does not start the title or a subtitle is a proper noun (`Ørsted`,
 * `Łukasiewicz`) and is braced too; a title-case title leaves such words to the style.
 */
export function protectTitle(title: string, opts: TitleOptions = {}): string {
  const t = title.replace(/\s+/g, ' ').trim();
  const enc = (s: string) => opts.utf8 ? unicodeToLatexUtf8(s) : unicodeToLatex(s, opts.kept);
  // Parts: [text, protected whole?, math?], or the LaTeX of a markup tag.
  const parts: ([string, boolean, boolean] | string)[] = [];
  for (const piece of titlePieces(t)) {
    if ('open' in piece) parts.push(`${piece.open}{`);
    else if ('close' in piece) parts.push('}');
    else if (piece.nocase) parts.push([piece.text, true, false]);
    else if (opts.math) parts.push(...splitMath(piece.text));
    else parts.push([piece.text, false, false]);
  }
  const sentence = sentenceCase(parts.filter(sp => typeof sp !== 'string' && !sp[2]).map(sp => sp[0]).join(' '));
  let out = '';
  let start = true; // nothing written yet
  for (const part of parts) {
    // A command's braces make its text a group bibtex does not recase.
    if (typeof part === 'string') { out += part; continue; }
    const [text, prot, math] = part;
    if (math) { out += `{${text}}`; start = false; continue; }
    if (prot) { out += `{${enc(text)}}`; start = false; continue; }
    let at = 0;
    for (const m of text.matchAll(WORD)) {
      const w = m[0];
      const gap = text.slice(at, m.index);
      // bibtex's change.case$ keeps the title's first character and one after a colon and a space;
      // it lowers every other capital (after `.`, `?` or `(` too).
      const kept = (start && gap === '') || /:\s+$/.test(gap);
      out += enc(gap);
      const capital = /[\p{Lu}\p{Lt}]/u.test(kept ? w.slice(w.codePointAt(0)! > 0xffff ? 2 : 1) : w);
      out += needsProtection(w) || (sentence && capital) ? `{${enc(w)}}` : enc(w);
      start = false;
      at = m.index! + w.length;
    }
    if (at < text.length) start = false;
    out += enc(text.slice(at));
  }
  return out;
}

/**
 * `$…$` spans with balanced braces (math) apart from the text around them. A span opens at a `$`
 * before a non-space and closes at a `$` after a non-space and not before a digit (pandoc's rule);
 * as in TeX, a span holds no other `$`: one that cannot close it opens the next, if it can. So the
 * dollars of a price (`\$5 and \$10`, read from LaTeX as `$5 and $10`) stay text.
 */
function splitMath(s: string): [string, boolean, boolean][] {
  const out: [string, boolean, boolean][] = [];
  let last = 0;
  for (let i = 0, open = -1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 && open >= 0) { i++; continue; } // `\$` inside math
    if (c !== 36) continue;
    const next = s.charCodeAt(i + 1);
    const opens = i + 1 < s.length && next !== 36 && !isSpace(next);
    if (open < 0 || isSpace(s.charCodeAt(i - 1)) || (next >= 48 && next <= 57)) {
      open = opens ? i : -1;
      continue;
    }
    const span = s.slice(open, i + 1);
    if (balanced(span)) {
      if (open > last) out.push([s.slice(last, open), false, false]);
      out.push([span, false, true]);
      last = i + 1;
    }
    open = -1;
  }
  if (last < s.length) out.push([s.slice(last), false, false]);
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2009 || c === 0x202f || c === 0x3000;
}

function balanced(s: string): boolean {
  let d = 0;
  for (const c of s) { if (c === '{') d++; else if (c === '}' && --d < 0) return false; }
  return d === 0 && !/\\$/.test(s.slice(0, -1));
}

// A word, with its hyphen, `&`, `/` and apostrophe joins: `GPT-4`, `R&D`, `TCP/IP`, `don't`.
const WORD = /[\p{L}\p{M}\p{N}]+(?:[-&/'’][\p{L}\p{M}\p{N}]+)*/gu;

// Short words title case leaves in lower case.
const MINOR = new Set('a an the and but or nor for so yet as at by in of off on per to up via vs with from into onto over than upon'.split(' '));

/**
 * Whether a title is in sentence case: some word after the first, not a minor word, is lower case,
 * or fewer than two are capitalised (too little to call it title case: `R&D at Ørsted`).
 */
function sentenceCase(t: string): boolean {
  let i = 0, capitalised = 0;
  for (const m of t.matchAll(WORD)) {
    const w = m[0];
    if (i++ === 0 || MINOR.has(w.toLowerCase())) continue;
    if (/^\p{Ll}/u.test(w)) return true;
    if (!needsProtection(w) && /^\p{Lu}/u.test(w)) capitalised++;
  }
  return capitalised < 2;
}

function needsProtection(w: string): boolean {
  let upper = false, digit = false;
  for (const part of w.split('-')) {
    let i = 0;
    for (const ch of part.replace(/[&/'’]/g, '')) {
      if (/\p{Lu}|\p{Lt}/u.test(ch)) { upper = true; if (i > 0) return true; } // GFlowNets, CRaSh, LLMs, R&D
      else if (/\p{N}/u.test(ch)) digit = true;
      i++;
    }
  }
  return upper && digit; // T5, GPT-4
}

/** Names as `Family, Given and …`; organisations braced; `and others` when truncated. */
function nameList(names: readonly CslName[] | undefined, truncated: boolean, ctx: Ctx): string | undefined {
  const parts = (names ?? []).map(n => formatName(n, ctx)).filter((s): s is string => !!s);
  if (truncated && parts.length) parts.push('others');
  return parts.length ? parts.join(' and ') : undefined;
}

// A middle dot belongs to Catalan names (`Vil·la`).
const NOT_NAME = /[^\p{L}\p{M}\p{N}\s.'’·-]/u;

function formatName(n: CslName, ctx: Ctx): string | undefined {
  const nameText = (s: string, org = false) => nameTextIn(ctx, s, org);
  // Invisible format characters (zero-width spaces, bidi marks) are dropped: kept, they made the
  // name an organisation's, sorted and labelled by its given name.
  const part = (v: unknown) => typeof v === 'string' ? v.replace(/\p{Cf}+/gu, '').trim() : '';
  const suffix = part(n.suffix);
  // CSL keeps particles apart; BibTeX reads them as the lower-case words before the family name.
  const fam = [part(n['dropping-particle']), part(n['non-dropping-particle']), part(n.family)].filter(Boolean).join(' ');
  if (part(n.literal) && !part(n.family)) {
    const lit = nameText(part(n.literal), true);
    return lit ? braced(lit) : undefined;
  }
  const whole = [part(n.given), fam, suffix].filter(Boolean).join(' ');
  const family = fam ? nameText(fam) : '';
  const given = part(n.given) ? nameText(part(n.given)) : '';
  const jr = suffix ? nameText(suffix) : '';
  if (!family && !given) return undefined;
  // A comma inside a part would split the name (biber rejects a name with three commas even when
  // they are braced): such a name is written whole, braced, as BibTeX's one-word form.
  if (!family || /,/.test(family + given + jr) || /^others$/i.test(family)) return `{${[given, family, jr].filter(Boolean).join(' ')}}`;
  if (NOT_NAME.test(whole)) {
    const lit = nameText(whole, true);
    return lit ? braced(lit) : undefined;
  }
  if (jr) return `${family}, ${jr}, ${given}`;
  if (given) return `${family}, ${given}`;
  // A family name alone of several words (`World Health Organization`) is one name, not a given
  // name and a family name.
  return /\s/.test(family) ? braced(family) : family;
}

/**
 * Escaped name text. biber writes a name's initials unescaped into the .bbl, so a word starting
 * with `\&`, `\%`, `$` or a brace breaks the document: a personal name keeps letters, digits, marks,
 * spaces and `. ' -` (formatName writes a name with anything else whole, as an organisation, whose
 * only initial is its first character). A literal ` and ` is braced so it does not split the list.
 */
function nameTextIn(ctx: Ctx, s: string, organisation = false): string {
  // Each word starts with a letter, a digit or an apostrophe (`'t Hooft`) and does not end in a
  // hyphen (BibTeX splits names at hyphens: `Doe, -` would be a name ending in a comma); words
  // without a letter or digit are dropped.
  // An organisation is written braced as one word: biber takes its initial from the group, and
  // keeps every character (measured with `{\$5 \& 100\% …}` and `{{\textless}script…}`).
  const kept = organisation
    ? s.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim()
    : s.normalize('NFC').replace(new RegExp(NOT_NAME.source, 'gu'), ' ').split(/\s+/)
      .map(w => w.replace(/^[^\p{L}\p{N}'’]+/u, '').replace(/-+$/, ''))
      .filter(w => /[\p{L}\p{N}]/u.test(w)).join(' ');
  // Only Latin letters get LaTeX commands: Greek as math would put `$` into biber's initials, so
  // other scripts stay UTF-8.
  const t = kept.replace(/[^\x00-\x7f\u00c0-\u024f\u1e00-\u1eff]+|[\x00-\x7f\u00c0-\u024f\u1e00-\u1eff]+/gu, run => {
    if (ctx.utf8 || /^[\x00-\x7f\u00c0-\u024f\u1e00-\u1eff]/u.test(run)) return text(ctx, run);
    for (const ch of run) ctx.kept.add(ch);
    return run;
  });
  return /\sand\s/i.test(t) ? t.replace(/(\s)(and)(\s)/gi, '$1{$2}$3') : t;
}

/**
 * A name written whole, braced. biber writes its first character, decoded, unescaped into the .bbl
 * as the initial: a name starting with `{\textbraceleft}`, `{\textasciitilde}` or `{\textbackslash}`
 * unbalances it (measured, biber 2.18), so a name not starting with a letter or digit starts with
 * `\relax`, which prints nothing.
 */
function braced(lit: string): string {
  return /^[\p{L}\p{N}]/u.test(lit) ? `{${lit}}` : `{\\relax ${lit}}`;
}

/** Drop closers without an opener, close what is left open (counting every brace, as BibTeX does). */
function balance(v: string): string {
  // Kept runs are sliced, not appended a character at a time (a rope of millions of one-character
  // strings took seconds of garbage collection on a 1 MB value).
  const parts: string[] = [];
  let depth = 0, from = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125) {
      if (depth > 0) depth--;
      else {
        if (i > from) parts.push(v.slice(from, i));
        from = i + 1;
      }
    }
  }
  if (from === 0) return depth ? v + '}'.repeat(depth) : v;
  parts.push(v.slice(from));
  return parts.join('') + '}'.repeat(depth);
}

/**
 * The encoding a document wants: UTF-8 when it is typeset by xelatex or lualatex (it loads
 * `fontspec`, says `% !TEX program = xelatex|lualatex`, or its latexmkrc picks one), else ASCII.
 * Only the first 64 KiB of each text are looked at (a preamble).
 */
export function documentEncoding(texts: { tex?: string[]; latexmkrc?: string[] }): BibEncoding {
  for (const t of texts.tex ?? []) {
    const head = t.slice(0, 65536);
    if (/^[ \t]*%[ \t]*!\s*TeX\s+(?:TS-)?program\s*=\s*(?:xe|lua)(?:la)?tex/im.test(head)) return 'utf8';
    if (loadsUnicodePackage(head)) return 'utf8';
  }
  for (const t of texts.latexmkrc ?? []) {
    if (uncommented(t.slice(0, 65536), UNICODE_ENGINE, '#').length) return 'utf8';
  }
  return 'ascii';
}

const UNICODE_ENGINE = /\$pdf_mode\s*=\s*[45]\b|\$(?:xe|lua)latex\b|-(?:xe|lua)latex\b|\b(?:xe|lua)latex\b/g;
const LOAD_PACKAGE = /\\(?:usepackage|RequirePackage)/g;
const UNICODE_PACKAGE = /\b(?:fontspec|unicode-math|xeCJK|luatexja)\b/g;

/**
 * Where the matches of global `re` in `text` start that no `comment` character precedes on their
 * line: those `/^[^<comment>\n]*(?:re)/m` finds. That form retried the whole line before each match
 * (cubic time with the package pattern below); this is one forward pass.
 */
function uncommented(text: string, re: RegExp, comment: string): number[] {
  const out: number[] = [];
  let pos = 0, commented = false;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    for (; pos < m.index; pos++) {
      const c = text[pos]!;
      if (c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029') commented = false;
      else if (c === comment) commented = true;
    }
    if (!commented) out.push(m.index);
    if (m[0] === '') re.lastIndex++;
  }
  return out;
}

/**
 * Whether a `\usepackage`/`\RequirePackage` outside a comment loads fontspec, unicode-math, xeCJK or
 * luatexja: `/^[^%\n]*\\(?:usepackage|RequirePackage)(?:\[[^\]]*\])?\{[^}]*\b(?:fontspec|…)\b/m`,
 * with the package names and brackets found once and each command's `{…}` looked up among them.
 */
function loadsUnicodePackage(head: string): boolean {
  const loads = uncommented(head, LOAD_PACKAGE, '%');
  if (!loads.length) return false;
  const names = [...head.matchAll(UNICODE_PACKAGE)].map(m => m.index);
  const closeBrackets = positionsOf(head, ']'), closeBraces = positionsOf(head, '}');
  for (const at of loads) {
    let i = at + (head.startsWith('\\usepackage', at) ? 11 : 15);
    if (head[i] === '[') {
      const close = firstFrom(closeBrackets, i + 1);
      if (close < 0) continue;
      i = close + 1;
    }
    if (head[i] !== '{') continue;
    const name = firstFrom(names, i + 1), end = firstFrom(closeBraces, i + 1);
    if (name >= 0 && (end < 0 || name < end)) return true;
  }
  return false;
}

function positionsOf(s: string, ch: string): number[] {
  const out: number[] = [];
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) out.push(i);
  return out;
}

/** The first of the ascending `positions` at or after `from`, or -1. */
function firstFrom(positions: readonly number[], from: number): number {
  let lo = 0, hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid]! < from) lo = mid + 1; else hi = mid;
  }
  return lo < positions.length ? positions[lo]! : -1;
}

/** The one-time note for characters kept as UTF-8 in an ASCII export. */
export function unicodeNote(chars: readonly string[]): string | undefined {
  if (!chars.length) return undefined;
  const shown = chars.slice(0, 12).map(c => `${c} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`).join(', ');
  return `kept as UTF-8 (LaTeX has no ASCII command for them): ${shown}${chars.length > 12 ? ` and ${chars.length - 12} more` : ''}; pdflatex needs a package or font for these (CJKutf8 for CJK, \\DeclareUnicodeCharacter for others); xelatex and lualatex with fontspec set them directly`;
}

/** The one-time note for renamed keys. */
export function renamedNote(renamed: readonly { id: string; key: string }[]): string | undefined {
  if (!renamed.length) return undefined;
  const shown = renamed.slice(0, 20).map(r => `${JSON.stringify(r.id)} → ${r.key}`).join(', ');
  return `${renamed.length} key${renamed.length === 1 ? '' : 's'} changed so that bibtex and biber accept ${renamed.length === 1 ? 'it' : 'them'}: ${shown}${renamed.length > 20 ? ` and ${renamed.length - 20} more` : ''}`;
}
