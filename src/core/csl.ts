// Formatted references (APA, Vancouver, Harvard) and RIS through citation-js. Styles bundled with
// @citation-js/plugin-csl 0.7: apa, vancouver, harvard1; locale en-US.

import { Cite } from '@citation-js/core';
import '@citation-js/plugin-csl';
import '@citation-js/plugin-ris';
import type { Paper } from './model';

export type ReferenceStyle = 'apa' | 'vancouver' | 'harvard1';

/** The CSL item citation-js sees: the paper without PaperCite's `custom` object. */
function cslItem(p: Paper): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (k !== 'custom' && v !== undefined && v !== null) item[k] = v;
  item.id = p.id;
  // An arXiv preprint without a URL still gets one, so the reference can be found.
  const arxiv = p.custom?.arxiv;
  if (typeof arxiv === 'string' && arxiv && !item.URL) item.URL = `https://arxiv.org/abs/${arxiv}`;
  return item;
}

/**
 * One paper as a reference in `style`. `text` (default) is plain text; `html` is escaped HTML
 * (citation-js escapes `<`, `&`; titles are text, not markup).
 */
export function formatReference(p: Paper, style: ReferenceStyle, format: 'text' | 'html' = 'text'): string {
  const cite = new Cite([cslItem(p)], { forceType: '@csl/list+object' });
  const out = cite.format('bibliography', { format, template: style, lang: 'en-US' }) as string;
  return format === 'text' ? out.trim() : out;
}

/** Papers as RIS records (Zotero, EndNote, Mendeley import). */
export function toRis(papers: readonly Paper[]): string {
  if (papers.length === 0) return '';
  return new Cite(papers.map(cslItem), { forceType: '@csl/list+object' }).format('ris') as string;
}
