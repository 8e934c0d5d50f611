import * as path from 'node:path';
import type { Paper } from '../model';
import { SourceError } from '../model';
import { parsePage } from '../pages/index';
import { failedSource, type ParsedSource } from './types';

/**
 * Reads a publication page in any layout the corpus parser knows. A page the parser cannot read
 * fails as a whole with the file and line it names.
 */
export function readPage(text: string, file: string): ParsedSource {
  const t0 = performance.now();
  try {
    const page = parsePage(text, path.basename(file));
    const taken = new Set<string>();
    const papers: Paper[] = page.entries.map(e => {
      const authors = (e.authors ?? []).map(n => {
        const parts = n.trim().split(/\s+/);
        return parts.length > 1 ? { family: parts.pop()!, given: parts.join(' ') } : { literal: n };
      });
      const p: Paper = {
        id: '',
        type: 'article',
        ...(e.title ? { title: e.title } : {}),
        ...(authors.length ? { author: authors } : {}),
        ...(e.date ? { issued: { 'date-parts': [e.date] } } : {}),
        abstract: e.abstract,
        custom: {
          ...(e.authorsTruncated ? { authorsTruncated: true } : {}),
          ...(e.category ? { category: e.category } : {}),
          ...(e.score !== undefined ? { score: e.score } : {}),
          ...(e.hasCode ? { hasCode: true } : {}),
          ...(e.affiliations?.length ? { affiliations: e.affiliations } : {}),
          ...(page.owner ? { profiles: [page.owner] } : {}),
          sources: [{ page: path.basename(file), index: e.index }],
          origins: [{ path: file, line: e.line }],
        },
      };
      p.id = keyFor(p, taken);
      return p;
    });
    return { path: file, kind: 'page', papers, problems: [], entries: papers.length, parseMs: performance.now() - t0 };
  } catch (err) {
    if (err instanceof SourceError) {
      const prefix = err.line > 0 ? `${err.file}:${err.line}: ` : `${err.file}: `;
      const msg = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
      return failedSource(file, 'page', msg, err.line, performance.now() - t0);
    }
    return failedSource(file, 'page', `could not be read as a publication page: ${(err as Error).message}`, 0, performance.now() - t0);
  }
}

function keyFor(p: Paper, taken: Set<string>): string {
  const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
  const fam = fold(p.author?.[0]?.family ?? p.author?.[0]?.literal ?? 'anon');
  const year = p.issued?.['date-parts'][0]?.[0] ?? '';
  const word = (p.title ?? p.abstract ?? '').split(/\s+/).map(fold).find(w => w.length > 3) ?? '';
  const base = `${fam}${year}${word}`;
  let k = base;
  for (let i = 0; taken.has(k); i++) k = base + String.fromCharCode(97 + (i % 26)) + (i >= 26 ? Math.floor(i / 26) : '');
  taken.add(k);
  return k;
}
