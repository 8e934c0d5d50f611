// A saved publication page as a parsed source, through the same build as the bundled corpus.
import * as path from 'node:path';
import { buildCorpus } from '../corpus';
import { SourceError } from '../model';
import { parsePage } from '../pages/index';
import { failedSource, type ParsedSource } from './types';

/**
 * Reads a publication page in any layout the corpus parser knows, through the same build as the
 * bundled corpus (normalization, merging, citation keys). A page the parser cannot read fails as a
 * whole with the file and line it names.
 */
export function readPage(text: string, file: string): ParsedSource {
  const t0 = performance.now();
  const name = path.basename(file);
  try {
    const { papers, report } = buildCorpus([{ file: name, text }], []);
    // Pages are small: a second parse gives each entry's line for the Sources view.
    const lines = new Map(parsePage(text, name).entries.map(e => [e.index, e.line]));
    for (const p of papers) {
      const line = p.custom.sources?.find(s => s.page === name)?.index;
      p.custom = { ...p.custom, origins: [{ path: file, line: line === undefined ? 0 : lines.get(line) ?? 0 }] };
    }
    return { path: file, kind: 'page', papers, problems: [], entries: report.rawEntries, parseMs: performance.now() - t0 };
  } catch (err) {
    if (err instanceof SourceError) {
      const prefix = err.line > 0 ? `${err.file}:${err.line}: ` : `${err.file}: `;
      const msg = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
      return failedSource(file, 'page', msg, err.line, performance.now() - t0);
    }
    return failedSource(file, 'page', `could not be read as a publication page: ${(err as Error).message}`, 0, performance.now() - t0);
  }
}
