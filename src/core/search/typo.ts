// Typo tolerance: optimal-string-alignment distance (Damerau–Levenshtein where each substring is
// edited once: insertions, deletions, substitutions, adjacent transpositions), bounded so that a
// hopeless pair stops after a row or two, and a letter-set signature to skip most of the vocabulary
// before any distance is computed.

/** Bit i for letter 'a'+i, bit 26 for anything else. */
export function letterSignature(s: string): number {
  let sig = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    sig |= c >= 97 && c <= 122 ? 1 << (c - 97) : 1 << 26;
  }
  return sig;
}

export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Whether two strings can be within `k` edits by their letter sets alone: every edit adds at most
 * one letter to one side that the other lacks.
 */
export function signaturesClose(a: number, b: number, k: number): boolean {
  return popcount(a & ~b) <= k && popcount(b & ~a) <= k;
}

// Three reusable rows (strings in an index are short: callers pass at most 64 chars).
let prev2 = new Int32Array(66);
let prev = new Int32Array(66);
let cur = new Int32Array(66);

/** OSA distance of `a` and `b`, or `k + 1` as soon as it must exceed `k`. */
export function boundedOsa(a: string, b: string, k: number): number {
  const n = a.length, m = b.length;
  if (Math.abs(n - m) > k) return k + 1;
  if (n === 0 || m === 0) return Math.max(n, m);
  if (m + 2 > cur.length) {
    prev2 = new Int32Array(m + 2); prev = new Int32Array(m + 2); cur = new Int32Array(m + 2);
  }
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    const ca = a.charCodeAt(i - 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(j - 1);
      let d = prev[j - 1] + (ca === cb ? 0 : 1);
      const del = prev[j] + 1;
      if (del < d) d = del;
      const ins = cur[j - 1] + 1;
      if (ins < d) d = ins;
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        const tr = prev2[j - 2] + 1;
        if (tr < d) d = tr;
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > k) return k + 1;
    const t = prev2; prev2 = prev; prev = cur; cur = t;
  }
  const d = prev[m];
  return d > k ? k + 1 : d;
}
