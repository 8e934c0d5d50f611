// Work on big arrays split across turns of the event loop, so a 73k-paper library never holds the
// editor's thread for more than a few milliseconds at a time.

/** Resolves on the next turn of the event loop (after pending I/O). */
export function nextTurn(): Promise<void> {
  return new Promise<void>(r => setImmediate(r));
}

/**
 * Calls `step(i)` for i from 0 to n - 1, for at most `sliceMs` per turn of the event loop (at least
 * 64 calls), holding off before a slice while `wait()` says how long (for at most `maxWaitMs` in
 * all), until done or `stopped()` says yes.
 */
export async function forEachInTurns(n: number, step: (i: number) => void, opts: { sliceMs?: number; wait?: () => number; maxWaitMs?: number; stopped?: () => boolean } = {}): Promise<void> {
  const { sliceMs = 8, wait, maxWaitMs = Infinity, stopped } = opts;
  let i = 0;
  let waited = 0;
  while (i < n) {
    for (let ms = wait?.() ?? 0; ms > 0 && waited < maxWaitMs; ms = wait!()) {
      const t = performance.now();
      await new Promise<void>(r => setTimeout(r, Math.min(ms, maxWaitMs - waited)));
      waited += performance.now() - t;
    }
    if (stopped?.()) return;
    const t = performance.now();
    for (let k = 0; i < n && (k < 64 || performance.now() - t < sliceMs); k++, i++) step(i);
    if (i < n) await nextTurn();
  }
}

/** Elements sorted with the built-in sort before they are merged in turns. */
const RUN = 512;
/** Elements merged between checks of the clock. */
const STEP = 1024;

/**
 * Sorts `a` in place into exactly the order `a.sort(cmp)` gives (a stable sort: runs sorted by
 * the built-in stable sort, merged left-first on ties), giving the event loop a turn whenever
 * `sliceMs` of work has passed. `cancelled()` is asked after each turn; when it says yes, the
 * sort stops (leaving `a` in some order) and the promise resolves to false.
 */
export async function sortInTurns<T>(a: T[], cmp: (x: T, y: T) => number, opts: { sliceMs?: number; cancelled?: () => boolean } = {}): Promise<boolean> {
  const n = a.length;
  const sliceMs = opts.sliceMs ?? 8;
  let t = performance.now();
  /** True when the sort is to stop. */
  const pause = async (): Promise<boolean> => {
    if (performance.now() - t < sliceMs) return false;
    await nextTurn();
    t = performance.now();
    return opts.cancelled?.() ?? false;
  };
  for (let lo = 0; lo < n; lo += RUN) {
    const run = a.slice(lo, lo + RUN).sort(cmp);
    for (let k = 0; k < run.length; k++) a[lo + k] = run[k]!;
    if (await pause()) return false;
  }
  let src = a;
  let dst = new Array<T>(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let i = lo, j = mid, k = lo;
      while (k < hi) {
        for (const end = Math.min(hi, k + STEP); k < end; k++) {
          // Left first on ties: the order of equal elements is kept, as in a stable sort.
          dst[k] = j >= hi || (i < mid && cmp(src[i]!, src[j]!) <= 0) ? src[i++]! : src[j++]!;
        }
        if (await pause()) return false;
      }
    }
    [src, dst] = [dst, src];
  }
  if (src !== a) for (let k = 0; k < n; k++) a[k] = src[k]!;
  return true;
}
