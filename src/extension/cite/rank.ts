// One ranking for completion and quick pick: keys starting with the query first (the user may
// know the key), then the search index's hits (title words, authors, year, typos), best first.
import type { Paper } from '../../core/model';
import { sourceOrders, withKeyPrefix, type SourceOrders } from '../../core/sources/orders';

export interface Searchable {
  readonly papers: readonly Paper[];
  search(query: string, limit?: number): { paper: Paper; score: number }[];
  /** Papers whose key starts with a prefix, shortest first (the library keeps sorted keys per source). */
  keysStartingWith?(prefix: string, max: number): Paper[];
  /** The newest papers (the library merges each source's newest-first order). */
  newest?(limit: number): Paper[];
}

const orders = new WeakMap<readonly Paper[], SourceOrders>();
/** The papers' orders, for a list that is not a Library (sorted once per array). */
function ordersFor(papers: readonly Paper[]): SourceOrders {
  let o = orders.get(papers);
  if (!o) orders.set(papers, (o = sourceOrders(papers)));
  return o;
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
    const newest = lib.newest ? lib.newest(limit + exclude.size) : Array.from(ordersFor(lib.papers).newest.subarray(0, limit + exclude.size), i => lib.papers[i]!);
    for (const p of newest) { push(p); if (out.length >= limit) break; }
    return out;
  }
  const lq = q.toLowerCase();
  // Keys the query ends a word of (`zhao` of `zhao2025absolute`, `devlin-etal` of
  // `devlin-etal-2019-bert`) come first; keys it only begins a word of (`glove` of `glover-1982-session`)
  // after the search's hits, which rank the word itself (GloVe's title) above longer words it begins.
  const later: Paper[] = [];
  if (lq.length >= 2 && !/\s/.test(lq)) {
    const keyed = lib.keysStartingWith ? lib.keysStartingWith(lq, 10)
      : withKeyPrefix(lib.papers, ordersFor(lib.papers).byKey, lq).sort((a, b) => a.id.length - b.id.length).slice(0, 10);
    for (const p of keyed) if (endsKeyWord(p.id, lq)) push(p); else later.push(p);
  }
  // Keys are written as words run together (`zhao2025absolute`), and users join words with hyphens,
  // underscores or plus signs (`global-vectors`, `devlin_bert`, `devlin+bert`): search the words.
  const words = q.replace(/[_:./+-]+/g, ' ');
  for (const h of lib.search(words, limit + exclude.size + out.length)) { push(h.paper); if (out.length >= limit) return out; }
  for (const p of later) { push(p); if (out.length >= limit) break; }
  return out;
}

const LOWER = /^\p{Ll}$/u, UPPER = /^\p{Lu}$/u, NOT_LETTER = /\P{L}/u;

/**
 * Whether the lower-cased query `lq`, a prefix of `key`, is more than the start of the key's word:
 * it holds a digit or a separator (a key being typed), or the key's word ends where it ends.
 */
export function endsKeyWord(key: string, lq: string): boolean {
  if (NOT_LETTER.test(lq)) return true;
  if (key.length <= lq.length) return true;
  const next = key.charAt(lq.length), prev = key.charAt(lq.length - 1);
  // `glove|r`, `jos|é`, `BER|T`: inside a word. `Devlin|2019`, `devlin|BERT`, `zhao|-`: at its end.
  if (LOWER.test(next)) return false;
  return !(UPPER.test(next) && UPPER.test(prev));
}
