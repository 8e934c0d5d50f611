// Authoritative BibTeX for an online record. A provider's BibTeX answer is read with PaperCite's own
// BibTeX reader and written again: one entry only (whatever else the answer holds), the caller's key,
// balanced braces, ASCII-only values, months as macros, the title's capitals protected. A preprint
// gets arXiv's own form (export.ts).
import { protectTitle, toBibtex } from '../bibtex/export';
import { latexOutsideMath, unicodeToLatex } from '../bibtex/latex';
import { balanceBraces, parseBibtex } from '../bibtex/parse';
import { bibEntryToPaper } from '../bibtex/toCsl';
import { makeRecord } from './provider';
import type { OnlineRecord, ProviderName } from './types';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Bookkeeping fields of the services, not bibliography data. */
const DROP = new Set(['crossref', 'timestamp', 'biburl', 'bibsource']);
const TYPES = new Set(['article', 'book', 'booklet', 'inbook', 'incollection', 'inproceedings', 'manual', 'mastersthesis', 'misc', 'phdthesis', 'proceedings', 'techreport', 'unpublished']);
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'" };
const ENTITY = /&(?:amp|lt|gt|quot|#39|apos);/g;
/** A key BibTeX and biber both accept. */
export const SAFE_KEY = /^[A-Za-z0-9_:.+/-]{1,120}$/;

/** Non-ASCII runs as LaTeX (the rest is already LaTeX). */
function ascii(v: string): string {
  return v.replace(/[^\x00-\x7f]+/g, m => unicodeToLatex(m)).replace(/[\x00-\x1f\x7f]+/g, ' ');
}

function month(v: string): string | undefined {
  const t = v.trim().toLowerCase();
  if (/^\d{1,2}$/.test(t)) return MONTHS[Number(t) - 1];
  const m = MONTHS.find(x => t.startsWith(x));
  return m && (t === m || t.length >= 3) && /^[a-z]+\.?$/.test(t) ? m : undefined;
}

/** The first entry of a BibTeX answer, re-keyed and rewritten; undefined when the answer has none. */
export function rekeyBibtex(text: string, key: string): string | undefined {
  if (!SAFE_KEY.test(key)) throw new Error(`"${key}" is not a safe BibTeX key`);
  const parsed = parseBibtex(text.slice(0, 200_000), 'answer');
  const e = parsed.entries[0];
  if (!e || !e.fields.title) return undefined;
  const type = TYPES.has(e.type) ? e.type : 'misc';
  const lines = [`@${type}{${key},`];
  for (const [name, value] of Object.entries(e.fields)) {
    if (DROP.has(name) || !/^[a-z][a-z0-9_-]*$/.test(name)) continue;
    const v = value.replace(/\s+/g, ' ').trim();
    if (!v) continue;
    if (name === 'month') {
      const m = month(v);
      if (m) { lines.push(`  month = ${m},`); continue; }
    }
    // Services leave a title's capitals to the style (plainnat printed "common lisp" for Crossref's
    // "Common Lisp"): protected as PaperCite's own entries are.
    // Crossref's BibTeX can hold an HTML entity escaped once more (`{\&}amp;`): read as its character.
    if (name === 'title') { lines.push(`  title = {${balanceBraces(protectTitle(latexOutsideMath(v).replace(ENTITY, e => ENTITIES[e]!), { math: true }))}},`); continue; }
    if (name === 'pages') { lines.push(`  pages = {${balanceBraces(ascii(v.replace(/(\d)\s*(?:[–—]|-+)\s*(\d)/g, '$1--$2')))}},`); continue; }
    lines.push(`  ${name} = {${balanceBraces(ascii(v))}},`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** A preprint: on arXiv, not (yet) published at a venue. */
export function isPreprint(r: OnlineRecord): boolean {
  const doi = r.ids.doi ?? r.paper.DOI;
  return !!(r.ids.arxiv ?? r.paper.custom.arxiv) && (!doi || /^10\.48550\//i.test(doi)) && !r.paper['container-title'];
}

/** PaperCite's own BibTeX for the record (arXiv form for a preprint), under `key`. */
export function generatedBibtex(r: OnlineRecord, key: string): string {
  const paper = { ...r.paper, id: key, custom: { ...r.paper.custom } };
  delete paper.custom.online;
  if (isPreprint(r)) delete paper.DOI;
  return toBibtex([paper]);
}

/** A BibTeX answer (DBLP's `.bib`, DOI content negotiation) → record, from its first entry. */
export function bibAnswerRecord(provider: ProviderName, body: string, dblpKey?: string): OnlineRecord | undefined {
  const e = parseBibtex(body.slice(0, 200_000), 'answer').entries[0];
  if (!e) return undefined;
  const p = bibEntryToPaper(e, provider);
  const key = dblpKey ?? (provider === 'dblp' && e.key.startsWith('DBLP:') ? e.key.slice(5) : undefined);
  const doi = p.DOI && !/^10\.48550\//i.test(p.DOI) ? p.DOI : undefined;
  return makeRecord(provider, {
    type: p.type,
    title: p.title,
    authors: p.author,
    date: p.issued?.['date-parts'][0],
    venue: p.custom.arxiv && /^corr$/i.test(p['container-title'] ?? '') ? undefined : p['container-title'],
    volume: p.volume, issue: p.issue ?? p.number, page: p.page, publisher: p.publisher,
    doi, arxiv: p.custom.arxiv,
    url: key ? `https://dblp.org/rec/${key}` : doi ? `https://doi.org/${doi}` : p.URL,
    ids: { ...(key ? { dblp: key } : {}), ...(doi ? { doi } : {}) },
  });
}
