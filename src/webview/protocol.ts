// Messages between the abstract panel's page (src/webview/panel.ts) and the extension host
// (src/extension/browse/paperPanel.ts), one union per direction. Types only: the page imports them
// without any host code. The page says `ready` before the host sends `showPaper`; every string is
// corpus text and the page renders it with textContent (math through KaTeX, untrusted). The host
// checks each page message with parsePageMessage (src/extension/browse/protocol.ts).
import type { RichText } from '../core/render';

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

/** What the page stores with `setState`, handed back to the host after a window reload. */
export interface PanelState { key: string }

export type HostToPage =
  | { type: 'showPaper'; paper: PaperView }
  | { type: 'missing'; key: string };

export type PageToHost =
  | { type: 'ready' }
  | { type: 'openPaper'; key: string }
  | { type: 'revealAuthor'; name: string }
  | { type: 'openExternal'; url: string }
  | { type: 'action'; action: PanelAction; key: string }
  /** The page's Content-Security-Policy blocked something (logged: a bug or an injection attempt). */
  | { type: 'cspViolation'; directive: string; blocked: string };
