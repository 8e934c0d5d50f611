// A source's papers in the two orders completion lists them by: citation key (lower case, for
// "keys starting with what was typed") and newest first (for an empty `\cite{}`). Sorting 73k
// papers takes a few hundred ms, so a big source's orders are made in the parse worker, cached
// with its rows, and handed over as two permutations.
import { paperYear, type Paper } from '../model';

export interface SourceOrders {
  /** Positions of the papers by lower-case key. */
  byKey: Uint32Array;
  /** Positions of the papers newest first (then by key). */
  newest: Uint32Array;
}

/** Newest first, then by key: the order of an empty completion list. */
export function compareNewest(a: Paper, b: Paper): number {
  return (paperYear(b) ?? 0) - (paperYear(a) ?? 0) || a.id.localeCompare(b.id);
}

export function sourceOrders(papers: readonly Paper[]): SourceOrders {
  const n = papers.length;
  const keys = new Array<string>(n);
  for (let i = 0; i < n; i++) keys[i] = papers[i]!.id.toLowerCase();
  const byKey = Array.from({ length: n }, (_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
  // The order of `compareNewest`, with each year read once instead of per comparison.
  const years = new Float64Array(n);
  for (let i = 0; i < n; i++) years[i] = paperYear(papers[i]!) ?? 0;
  const newest = Array.from({ length: n }, (_, i) => i).sort((a, b) => years[b]! - years[a]! || papers[a]!.id.localeCompare(papers[b]!.id));
  return { byKey: Uint32Array.from(byKey), newest: Uint32Array.from(newest) };
}

/** Whether orders fit a source of `n` papers (a damaged cache is not trusted). */
export function ordersFit(o: SourceOrders, n: number): boolean {
  return o.byKey.length === n && o.newest.length === n;
}

/** Papers whose lower-case key starts with `lower`, by a binary search in `byKey`; at most `run`, in key order. */
export function withKeyPrefix(papers: readonly Paper[], byKey: Uint32Array, lower: string, run = 200): Paper[] {
  const keyAt = (i: number) => papers[byKey[i]!]!.id.toLowerCase();
  let lo = 0, hi = byKey.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyAt(mid) < lower) lo = mid + 1; else hi = mid;
  }
  const out: Paper[] = [];
  for (let i = lo; i < byKey.length && out.length < run && keyAt(i).startsWith(lower); i++) out.push(papers[byKey[i]!]!);
  return out;
}
