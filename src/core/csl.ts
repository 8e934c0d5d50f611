// Formatted references (APA, Vancouver, Harvard) and RIS through citation-js. Styles bundled with
// @citation-js/plugin-csl 0.7: apa, vancouver, harvard1; locale en-US.

import { citationJs } from './citationJs';
import type { Paper } from './model';

export type ReferenceStyle = 'apa' | 'vancouver' | 'harvard1';

// Stands for the authors a truncated list leaves out: CSL-JSON has no "et al." name.
const ET_AL = 'PaperCiteEtAl';

/** The style's ", & X." / ", X." / ", and X" before the stand-in becomes "et al." (APA, Vancouver: after a comma; Harvard: a space). */
export function etAl(out: string, style: ReferenceStyle): string {
  const by = style === 'harvard1' ? ' et al.' : ', et al.';
  // What `out.replace(/(?:,?\s*(?:&amp;|&#38;|&|and))?,?\s*PaperCiteEtAl\.?/g, by)` gives, found back
  // from each stand-in: that regex tried every space of the text as a start (quadratic in a long run).
  let res = '', done = 0;
  for (let at = out.indexOf(ET_AL); at >= 0; at = out.indexOf(ET_AL, done)) {
    let from = commaSpacesBefore(out, at, done);
    const conj = CONJUNCTIONS.find(c => from - c.length >= done && out.startsWith(c, from - c.length));
    if (conj) from = commaSpacesBefore(out, from - conj.length, done);
    let end = at + ET_AL.length;
    if (out[end] === '.') end++;
    res += out.slice(done, from) + by;
    done = end;
  }
  return done ? res + out.slice(done) : out;
}

const CONJUNCTIONS = ['&amp;', '&#38;', '&', 'and'];

/** Where `,?\s*` ending at `at` starts (not before `floor`). */
function commaSpacesBefore(s: string, at: number, floor: number): number {
  let i = at;
  while (i > floor && /\s/.test(s[i - 1]!)) i--;
  if (i > floor && s[i - 1] === ',') i--;
  return i;
}

/** The CSL item citation-js sees: the paper without PaperCite's `custom` object. */
function cslItem(p: Paper, etAlName = false): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (k !== 'custom' && v !== undefined && v !== null) item[k] = v;
  item.id = p.id;
  // An arXiv preprint without a URL still gets one, so the reference can be found.
  // A list the source cut short ("et al." on the page) ends in a name the output turns into "et al.".
  if (etAlName && p.custom?.authorsTruncated === true && Array.isArray(p.author) && p.author.length) item.author = [...p.author, { literal: ET_AL }];
  const arxiv = p.custom?.arxiv;
  if (typeof arxiv === 'string' && arxiv && !item.URL) item.URL = `https://arxiv.org/abs/${arxiv}`;
  return item;
}

/**
 * One paper as a reference in `style`. `text` (default) is plain text; `html` is escaped HTML
 * (citation-js escapes `<`, `&`; titles are text, not markup).
 */
export function formatReference(p: Paper, style: ReferenceStyle, format: 'text' | 'html' = 'text'): string {
  const { Cite } = citationJs();
  const cite = new Cite([cslItem(p, true)], { forceType: '@csl/list+object' });
  const out = etAl(cite.format('bibliography', { format, template: style, lang: 'en-US' }) as string, style);
  return format === 'text' ? out.trim() : out;
}

/** Papers as RIS records (Zotero, EndNote, Mendeley import). */
export function toRis(papers: readonly Paper[]): string {
  if (papers.length === 0) return '';
  const { Cite } = citationJs();
  return new Cite(papers.map(p => cslItem(p)), { forceType: '@csl/list+object' }).format('ris') as string;
}
