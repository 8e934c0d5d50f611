import { editDistance } from '../core/editDistance';

export { editDistance };
/** The keys closest to an unknown one: same prefix first, then smallest edit distance. */
export function closestKeys(key: string, keys: Iterable<string>, count = 3): string[] {
  const k = key.toLowerCase();
  const max = Math.max(2, Math.floor(k.length / 3));
  const scored: { key: string; d: number }[] = [];
  for (const cand of keys) {
    const c = cand.toLowerCase();
    let d: number;
    if (c === k) d = 0;
    else if (k.length >= 4 && (c.startsWith(k) || k.startsWith(c))) d = 0.5;
    else d = editDistance(k, c, max);
    if (d <= max) scored.push({ key: cand, d });
  }
  scored.sort((x, y) => x.d - y.d || x.key.localeCompare(y.key));
  return scored.slice(0, count).map(s => s.key);
}
