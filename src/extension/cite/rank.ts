// One ranking for completion and quick pick: keys starting with the query first (the user may
// know the key), then the search index's hits (title words, authors, year, typos), best first.
import { paperYear, type Paper } from '../../core/model';

export interface Searchable {
  readonly papers: readonly Paper[];
  search(query: string, limit?: number): { paper: Paper; score: number }[];
}

const newest = new WeakMap<readonly Paper[], Paper[]>();
/** The papers, newest first (sorted once per library version). */
function newestFirst(papers: readonly Paper[]): Paper[] {
  let sorted = newest.get(papers);
  if (!sorted) {
    sorted = [...papers].sort((a, b) => (paperYear(b) ?? 0) - (paperYear(a) ?? 0) || a.id.localeCompare(b.id));
    newest.set(papers, sorted);
  }
  return sorted;
}

export function rankPapers(lib: Searchable, query: string, opts: { limit?: number; exclude?: ReadonlySet<string> } = {}): Paper[] {
  const limit = opts.limit ?? 50;
  const exclude = opts.exclude ?? new Set<string>();
  const q = query.trim();
  const out: Paper[] = [];
  const seen = new Set<string>();
  const push = (p: Paper) => {
    if (seen.has(p.id) || exclude.has(p.id)) return;
    seen.add(p.id);
    out.push(p);
  };
  if (!q) {
    // Nothing typed yet: the newest papers.
    for (const p of newestFirst(lib.papers)) { push(p); if (out.length >= limit) break; }
    return out;
  }
  const lq = q.toLowerCase();
  if (lq.length >= 2 && !/\s/.test(lq)) {
    const byKey = lib.papers.filter(p => p.id.toLowerCase().startsWith(lq)).sort((a, b) => a.id.length - b.id.length).slice(0, 10);
    for (const p of byKey) push(p);
  }
  // Keys are written as words run together (`zhao2025absolute`): search their words.
  const words = q.replace(/[_:./-]+/g, ' ');
  for (const h of lib.search(words, limit + exclude.size + out.length)) { push(h.paper); if (out.length >= limit) break; }
  return out;
}
