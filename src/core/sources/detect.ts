// Which kind of library file a path (and its first text) is: BibTeX, CSL-JSON or a publication page.
import type { SourceKind } from './types';

const BIB_EXT = /\.(bib|bibtex|biblatex)$/i;
const JSON_EXT = /\.(json|csljson)$/i;

/**
 * The kind of a library file: by extension first (`.bib`, `.json`), else by sniffing the start of
 * its text (`[`/`{` is CSL-JSON, an `@type{` line is BibTeX, anything else a publication page).
 */
export function detectKind(path: string, text?: string): Exclude<SourceKind, 'corpus'> {
  if (BIB_EXT.test(path)) return 'bibtex';
  if (JSON_EXT.test(path)) return 'csl-json';
  if (text === undefined) return 'page';
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  if (/^\s*[[{]/.test(head)) return 'csl-json';
  if (/^\s*@[A-Za-z]+\s*[{(]/m.test(head)) return 'bibtex';
  return 'page';
}
