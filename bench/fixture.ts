// Papers for PaperCite's search tests and benchmark while the built corpus (corpus/papers.json) is
// missing: the curated metadata records (titles, full author lists, years) with abstracts taken
// from the raw pages.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Paper } from '../src/core/model';
import { fold } from '../src/core/search/text';

interface MetadataRecordLike {
  identify: { title?: string; abstractBegins?: string };
  title: string;
  authors: string[];
  year: number;
  arxiv?: string | null;
}

/** The bundled corpus when built, else papers made from the metadata records. */
export function loadCorpus(root: string): { papers: Paper[]; from: string } {
  const built = path.join(root, 'corpus/papers.json');
  if (fs.existsSync(built)) {
    const papers = JSON.parse(fs.readFileSync(built, 'utf8')) as Paper[];
    if (Array.isArray(papers) && papers.length > 0) return { papers, from: 'corpus/papers.json' };
  }
  return { papers: fixtureFromRecords(root), from: 'corpus/metadata/records.json + corpus/raw (corpus/papers.json not built yet)' };
}

export function fixtureFromRecords(root: string): Paper[] {
  const records = JSON.parse(
    fs.readFileSync(path.join(root, 'corpus/metadata/records.json'), 'utf8'),
  ) as MetadataRecordLike[];
  const rawDir = path.join(root, 'corpus/raw');
  const lines = fs.readdirSync(rawDir).sort()
    .flatMap(f => fs.readFileSync(path.join(rawDir, f), 'utf8').split('\n'))
    .map(l => l.replace(/^Abstract:\s*/, '').trim());
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const taken = new Set<string>();
  return records.map(r => {
    let abstract: string | undefined;
    if (r.identify.abstractBegins) {
      const begins = squash(r.identify.abstractBegins);
      abstract = lines.find(l => squash(l).startsWith(begins));
    } else if (r.identify.title) {
      const t = squash(r.identify.title);
      const at = lines.findIndex(l => squash(l).includes(t));
      if (at >= 0) abstract = lines.slice(at + 1).find(l => l.length > 200);
    }
    const author = r.authors.map(n => {
      const parts = n.trim().split(/\s+/);
      return { family: parts.pop()!, given: parts.join(' ') };
    });
    const word = r.title.toLowerCase().split(/[^a-z0-9]+/).find(w => w.length > 3) ?? 'paper';
    let id = fold(author[0]?.family ?? 'anon').replace(/[^a-z]/g, '') + r.year + word;
    while (taken.has(id)) id += 'a';
    taken.add(id);
    return {
      id, type: 'article', title: r.title, author, issued: { 'date-parts': [[r.year]] },
      ...(abstract ? { abstract } : {}), custom: r.arxiv ? { arxiv: r.arxiv } : {},
    } satisfies Paper;
  });
}
