import { parseBibtex } from '../bibtex/parse';
import { bibEntryToPaper } from '../bibtex/toCsl';
import type { Paper, SourceProblem } from '../model';
import { failedSource, type ParsedSource, type ProgressFn } from './types';

/**
 * Reads a `.bib` file with the tolerant BibTeX reader: every good entry loads, each bad one is a
 * problem with its line. `entries` counts the good entries.
 */
export function readBibtex(text: string, file: string, onProgress?: ProgressFn): ParsedSource {
  const t0 = performance.now();
  let result: ReturnType<typeof parseBibtex>;
  onProgress?.(0, 1, 'parsing');
  try {
    result = parseBibtex(text, file);
  } catch (err) {
    // The reader is meant to be total; if it is not, the file still fails alone.
    return failedSource(file, 'bibtex', `could not be read as BibTeX: ${(err as Error).message}`, 0, performance.now() - t0);
  }
  const problems: SourceProblem[] = [...result.problems];
  const papers: Paper[] = [];
  // Where each paper's original text is (char offsets), so a big library need not carry it around.
  const spans: number[] = [];
  const total = result.entries.length;
  for (let i = 0; i < total; i++) {
    const e = result.entries[i]!;
    if (onProgress && i % 2000 === 0) onProgress(i, total, 'converting');
    try {
      const p = bibEntryToPaper(e, file);
      if (!p.custom.origins?.length) p.custom = { ...p.custom, origins: [{ path: file, line: e.line }] };
      papers.push(p);
      if (e.raw !== undefined && p.custom.bibtex === e.raw) spans.push(e.start, e.end);
      else spans.push(-1, -1);
    } catch (err) {
      problems.push({ file, line: e.line, severity: 'error', message: `@${e.type}{${e.key}: could not be converted: ${(err as Error).message}` });
    }
  }
  onProgress?.(total, total, 'converting');
  return { path: file, kind: 'bibtex', papers, problems, entries: result.entries.length, parseMs: performance.now() - t0, charSpans: spans };
}
