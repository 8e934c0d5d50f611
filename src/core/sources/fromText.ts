// A library file's text to a parsed source, by its kind (the one entry point of the readers).
import { readBibtex } from './bibtex';
import { readCslJson } from './cslJson';
import { detectKind } from './detect';
import { readPage } from './page';
import { failedSource, type ParsedSource, type ProgressFn, type SourceKind } from './types';

/** Parses a library file's text by its kind (given, or detected from the path and the text). Never throws. */
export function parseSourceText(path: string, text: string, kind?: Exclude<SourceKind, 'corpus'>, onProgress?: ProgressFn): ParsedSource {
  const k = kind ?? detectKind(path, text);
  try {
    switch (k) {
      case 'bibtex': return readBibtex(text, path, onProgress);
      case 'csl-json': return readCslJson(text, path);
      case 'page': return readPage(text, path);
    }
  } catch (err) {
    return failedSource(path, k, `could not be read: ${(err as Error).message}`);
  }
}
