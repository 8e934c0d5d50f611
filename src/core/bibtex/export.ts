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
// Text values are escaped by `unicodeToLatex`: ASCII only, so bibtex's byte-based name handling
// never cuts a UTF-8 character, and biber reads the same LaTeX commands.

import { Cite, plugins } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import type { CslName, Paper } from '../model';
import { unicodeToLatex } from './latex';

interface CjsEntry {
  type: string;
  label: string;
  properties: Record<string, string>;
}

let configured = false;
function configure(): void {
  if (configured) return;
  const cfg = plugins.config.get('@bibtex') as { format: { useIdAsLabel: boolean; checkLabel: boolean; asciiOnly: boolean } };
  cfg.format.useIdAsLabel = true; // the key is the paper's id
  cfg.format.checkLabel = false; // PaperCite keys are already safe; keep them exactly
  cfg.format.asciiOnly = true;
  configured = true;
}

/**
 * One paper as BibTeX. A paper read from a user's .bib (`custom.bibtex`) is emitted as written, only
 * its key set to the paper's id if the library renamed it (so the citation finds it).
 */
export function paperToBibtex(p: Paper): string {
  const asWritten = original(p);
  return asWritten ?? generate([p])[0]!;
}

function original(p: Paper): string | undefined {
  const text = typeof p.custom?.bibtex === 'string' ? p.custom.bibtex.trim() : '';
  if (!text) return undefined;
  const m = /^(@\s*[A-Za-z]+\s*[{(]\s*)([^,\s{}()]*)/.exec(text);
  if (!m || m[2] === p.id) return text + '\n';
  return m[1] + p.id + text.slice(m[0].length) + '\n';
}

/** Several papers, separated by blank lines. */
export function toBibtex(papers: readonly Paper[]): string {
  const out: string[] = new Array(papers.length);
  const generated: Paper[] = [];
  const slots: number[] = [];
  papers.forEach((p, i) => {
    const asWritten = original(p);
    if (asWritten !== undefined) out[i] = asWritten;
    else { generated.push(p); slots.push(i); }
  });
  const texts = generate(generated);
  slots.forEach((slot, k) => { out[slot] = texts[k]!; });
  return out.join('\n');
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

function generate(papers: readonly Paper[]): string[] {
  if (papers.length === 0) return [];
  configure();
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
  return papers.map((p, i) => write(fixEntry(p, entries[i] ?? { type: 'misc', label: p.id, properties: {} })));
}

const CONFERENCE = /\b(proceedings|proc\.|conference|workshop|symposium|congress|meeting|neurips|nips|icml|iclr|acl|naacl|eacl|aacl|emnlp|coling|lrec|cvpr|iccv|eccv|aaai|ijcai|kdd|sigir|www|colm|interspeech|icassp|uai|aistats|corl|rss|icra|iros|findings)\b/i;

/** Post-process citation-js's entry: key, type, escaped values, arXiv fields, `and others`. */
function fixEntry(p: Paper, e: CjsEntry): { type: string; key: string; fields: [string, string][] } {
  const props = { ...e.properties };
  const arxiv = typeof p.custom?.arxiv === 'string' && p.custom.arxiv ? p.custom.arxiv : undefined;
  const venue = p['container-title'] ?? (typeof p.custom?.venue === 'string' ? p.custom.venue : undefined);
  let type = e.type;

  // Venue papers keep their venue; a CSL `article` with a conference-like container is a paper.
  if (venue) {
    if (p.type === 'article' || p.type === 'document' || type === 'misc') {
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
  if (p.title) props.title = protectTitle(p.title);
  const authors = nameList(p.author, p.custom?.authorsTruncated === true);
  if (authors) props.author = authors; else delete props.author;
  const editors = nameList(p.editor, false);
  if (editors) props.editor = editors; else delete props.editor;
  for (const [field, csl] of [['publisher', 'publisher'], ['address', 'publisher-place'], ['note', 'note'], ['series', 'collection-title'], ['edition', 'edition'], ['volume', 'volume'], ['school', 'publisher'], ['institution', 'publisher'], ['organization', 'publisher']] as const) {
    const v = p[csl];
    if (props[field] !== undefined && typeof v === 'string') props[field] = latex(v);
  }
  if (props.number !== undefined && typeof (p.number ?? p.issue) === 'string') props.number = latex(String(p.number ?? p.issue));
  if (typeof p.page === 'string') props.pages = p.page.split(/\s*[-–—]+\s*/).map(latex).join('--');
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
  if (!props.author && !props.editor) props.key = p.title ? latex(p.title.split(/\s+/).slice(0, 4).join(' ')) : p.id.replace(/[{}\\]/g, '');
  // No field may hold unbalanced braces, whatever citation-js made of it.
  for (const k of Object.keys(props)) props[k] = balance(props[k]!);

  const order = preprint ? ARXIV_ORDER : FIELD_ORDER;
  const fields = Object.entries(props).filter(([, v]) => v !== '');
  fields.sort((a, b) => rank(order, a[0]) - rank(order, b[0]));
  return { type, key: p.id, fields };
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
const FIELD_ORDER = ['title', 'author', 'editor', 'key', 'booktitle', 'journal', 'howpublished', 'volume', 'number', 'pages', 'year', 'month', 'publisher', 'address', 'doi', 'url', 'eprint', 'archivePrefix', 'primaryClass', 'note'];
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

function latex(s: string): string {
  return unicodeToLatex(s.replace(/\s+/g, ' ').trim());
}

/** URL, DOI, eprint: kept as is, but `%`, `#`, `{`, `}`, `\` and spaces percent-encoded (they break .bbl files). */
function verbatim(s: string): string {
  return s.trim().replace(/[%#{}\\\s^~]/g, ch => ch === '%' ? '%25' : encodeURIComponent(ch)).replace(/[^\x20-\x7e]/g, ch => encodeURIComponent(ch));
}

/**
 * A title in LaTeX with case protection: words with an inner capital (`GFlowNets`, `CRaSh`), all
 * capitals (`LLM`, `RLVR`) or letters mixed with digits (`GPT4`, `T5`) are braced, so styles that
 * lowercase titles keep them.
 */
export function protectTitle(title: string): string {
  const t = title.replace(/\s+/g, ' ').trim();
  let out = '';
  let last = 0;
  for (const m of t.matchAll(WORD)) {
    const w = m[0];
    const at = m.index!;
    out += unicodeToLatex(t.slice(last, at));
    out += needsProtection(w) ? `{${unicodeToLatex(w)}}` : unicodeToLatex(w);
    last = at + w.length;
  }
  return out + unicodeToLatex(t.slice(last));
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

function needsProtection(w: string): boolean {
  let upper = 0, letters = 0, digits = 0, innerUpper = false;
  let i = 0;
  for (const ch of w) {
    const isUpper = ch !== ch.toLowerCase() && ch === ch.toUpperCase();
    const isLower = ch !== ch.toUpperCase() && ch === ch.toLowerCase();
    if (isUpper) { upper++; letters++; if (i > 0) innerUpper = true; }
    else if (isLower) letters++;
    else if (/\p{N}/u.test(ch)) digits++;
    i++;
  }
  if (letters === 0) return false;
  if (innerUpper) return true; // GFlowNets, CRaSh, LLMs, RLVR
  if (upper > 0 && digits > 0) return true; // T5, GPT4
  return false;
}

/** Names as `Family, Given and …`; organisations braced; `and others` when truncated. */
function nameList(names: readonly CslName[] | undefined, truncated: boolean): string | undefined {
  const parts = (names ?? []).map(formatName).filter((s): s is string => !!s);
  if (truncated && parts.length) parts.push('others');
  return parts.length ? parts.join(' and ') : undefined;
}

const NOT_NAME = /[^\p{L}\p{M}\p{N}\s.'’-]/gu;
const NOT_ORG_NAME = /[^\p{L}\p{M}\p{N}\s.'’&-]/gu;

function formatName(n: CslName): string | undefined {
  const suffix = (n as CslName & { suffix?: string }).suffix;
  if (n.literal && !n.family) {
    const lit = nameText(n.literal, true);
    return lit ? `{${lit}}` : undefined;
  }
  const family = n.family ? nameText(n.family) : '';
  const given = n.given ? nameText(n.given) : '';
  const jr = suffix ? nameText(suffix) : '';
  if (!family && !given) return undefined;
  // A comma inside a part would split the name (biber rejects a name with three commas even when
  // they are braced): such a name is written whole, braced, as BibTeX's one-word form.
  if (!family || /,/.test(family + given + jr) || /^others$/i.test(family)) return `{${[given, family, jr].filter(Boolean).join(' ')}}`;
  if (jr) return `${family}, ${jr}, ${given}`;
  return given ? `${family}, ${given}` : family;
}

/**
 * Escaped name text. Only letters, digits, marks, spaces and `. ' -` are kept (plus `&` in an
 * organisation): biber writes a name's initials unescaped into the .bbl, so a word starting with
 * `\&`, `\%`, `$` or a brace breaks the document. A literal ` and ` is braced so it does not split
 * the list.
 */
function nameText(s: string, organisation = false): string {
  // Each word starts with a letter or digit and does not end in a hyphen (BibTeX splits names at
  // hyphens: `Doe, -` would be a name ending in a comma); words without one are dropped.
  const kept = s.normalize('NFC').replace(organisation ? NOT_ORG_NAME : NOT_NAME, ' ').split(/\s+/)
    .map(w => w.replace(/^[^\p{L}\p{N}]+/u, '').replace(/-+$/, ''))
    .filter(w => /[\p{L}\p{N}]/u.test(w) || (organisation && w === '&')).join(' ');
  // Math (Greek letters, symbols) would put `$` into biber's initials: names get `?` instead.
  const t = latex(kept).replace(/\{\$[^$]*\$\}/g, '?');
  return /\sand\s/i.test(t) ? t.replace(/(\s)(and)(\s)/gi, '$1{$2}$3') : t;
}

/** Drop closers without an opener, close what is left open (counting every brace, as BibTeX does). */
function balance(v: string): string {
  let depth = 0, out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '{') depth++;
    else if (c === '}') { if (depth === 0) continue; depth--; }
    out += c;
  }
  return out + '}'.repeat(depth);
}
