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

const byKeyIndex = new WeakMap<readonly Paper[], { keys: string[]; papers: Paper[] }>();
/** Papers whose key starts with `lower` (shortest keys first): a binary search in sorted keys. */
function keysStartingWith(papers: readonly Paper[], lower: string, max: number): Paper[] {
  let idx = byKeyIndex.get(papers);
  if (!idx) {
    const sorted = papers.map(p => ({ k: p.id.toLowerCase(), p })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    idx = { keys: sorted.map(e => e.k), papers: sorted.map(e => e.p) };
    byKeyIndex.set(papers, idx);
  }
  let lo = 0, hi = idx.keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (idx.keys[mid]! < lower) lo = mid + 1; else hi = mid;
  }
  const out: Paper[] = [];
  // Look at a bounded run of matches; keep the shortest keys (closest to what was typed).
  for (let i = lo; i < idx.keys.length && i < lo + 200 && idx.keys[i]!.startsWith(lower); i++) out.push(idx.papers[i]!);
  return out.sort((a, b) => a.id.length - b.id.length).slice(0, max);
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
    for (const p of keysStartingWith(lib.papers, lq, 10)) push(p);
  }
  // Keys are written as words run together (`zhao2025absolute`): search their words.
  const words = q.replace(/[_:./-]+/g, ' ');
  for (const h of lib.search(words, limit + exclude.size + out.length)) { push(h.paper); if (out.length >= limit) break; }
  return out;
}
