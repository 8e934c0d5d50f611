/** Edit distance (Levenshtein) with an early exit once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

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
