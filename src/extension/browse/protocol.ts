// Messages between the abstract panel's page (media/panel.js) and the extension host: one union.
// The page says `ready` before the host sends `showPaper`; every string is corpus text and the page
// renders it with textContent (math through KaTeX, untrusted).
import type { RichText } from '../../core/render';

export interface RelatedView {
  key: string;
  title: string;
  year?: number;
  authors: string;
  score: number;
}

export interface PaperView {
  key: string;
  title: RichText;
  /** Plain title, for the panel tab and aria labels. */
  titleText: string;
  /** Names as written, in order (a name may repeat: two people can share one). */
  authors: string[];
  /** The page listed only the first authors. */
  authorsTruncated: boolean;
  /** When the paper first appeared, e.g. "May 6, 2025". */
  firstDate?: string;
  /** The venue's date when it differs from the first appearance. */
  venueDate?: string;
  venue?: string;
  category?: string;
  score?: number;
  /** http(s) only. */
  codeUrl?: string;
  /** http(s) only: the paper's page (URL, DOI or arXiv). */
  links: { label: string; url: string }[];
  /** Publication pages the paper was listed on: owner names and page files. */
  owners: string[];
  pages: string[];
  /** User-library files (path:line) the entry came from. */
  origins: string[];
  abstract: RichText;
  related: RelatedView[];
  bibtex: string;
  /** Set when BibTeX could not be produced. */
  bibtexError?: string;
}

export type PanelAction = 'insert' | 'copyKey' | 'copyBibtex' | 'copyReference' | 'reveal';

export type PanelMessage =
  // page -> host
  | { type: 'ready' }
  | { type: 'openPaper'; key: string }
  | { type: 'revealAuthor'; name: string }
  | { type: 'openExternal'; url: string }
  | { type: 'action'; action: PanelAction; key: string }
  /** The page's Content-Security-Policy blocked something (logged: a bug or an injection attempt). */
  | { type: 'cspViolation'; directive: string; blocked: string }
  // host -> page
  | { type: 'showPaper'; paper: PaperView }
  | { type: 'missing'; key: string };

const ACTIONS: readonly string[] = ['insert', 'copyKey', 'copyBibtex', 'copyReference', 'reveal'];

/** A message from the page, checked field by field; anything else is dropped. */
export function parsePageMessage(m: unknown): PanelMessage | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' && (o[k] as string).length <= 4000 ? (o[k] as string) : undefined);
  switch (o.type) {
    case 'ready': return { type: 'ready' };
    case 'openPaper': { const key = str('key'); return key ? { type: 'openPaper', key } : undefined; }
    case 'revealAuthor': { const name = str('name'); return name ? { type: 'revealAuthor', name } : undefined; }
    case 'openExternal': { const url = str('url'); return url ? { type: 'openExternal', url } : undefined; }
    case 'action': {
      const key = str('key'), action = str('action');
      return key && action && ACTIONS.includes(action) ? { type: 'action', action: action as PanelAction, key } : undefined;
    }
    case 'cspViolation': return { type: 'cspViolation', directive: (str('directive') ?? '').slice(0, 200), blocked: (str('blocked') ?? '').slice(0, 200) };
    default: return undefined;
  }
}
