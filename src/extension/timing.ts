// When PaperCite was activated, so features can report how long the user waited for them.
// `activate()` calls `markActivated()` first thing; until it does, times are measured from when
// this module was first loaded (which is during activation too).

const loadedAt = performance.now();
let activatedAt: number | undefined;

/** Records the activation time (the first call wins). */
export function markActivated(): void {
  activatedAt ??= performance.now();
}

/** Milliseconds since activation (or since this module loaded, if activation was not marked). */
export function sinceActivation(): number {
  return performance.now() - (activatedAt ?? loadedAt);
}

/** Whether `markActivated()` was called. */
export function activationMarked(): boolean {
  return activatedAt !== undefined;
}

let typedAt = -Infinity;

/** The user is typing where PaperCite answers (a completion request): background work waits. */
export function noteTyping(): void {
  typedAt = performance.now();
}

/** How long background work should wait before its next slice: until the user paused `quietMs`. */
export function untilTypingPause(quietMs = 300): number {
  return Math.max(0, typedAt + quietMs - performance.now());
}

/**
 * Watches this thread for `forMs` after activation and then reports, once, every time it was blocked
 * for `minMs` or more (another extension starting, a long parse), with when each ended: a slow first
 * list can be matched against them.
 */
export function watchStalls(report: (stalls: { ms: number; endedMs: number }[]) => void, forMs = 30_000, minMs = 250): { dispose(): void } {
  let last = performance.now();
  const stalls: { ms: number; endedMs: number }[] = [];
  const timer = setInterval(() => {
    const now = performance.now();
    const stall = now - last - 50;
    last = now;
    if (stall >= minMs && stalls.length < 50) stalls.push({ ms: Math.round(stall), endedMs: Math.round(sinceActivation()) });
    if (sinceActivation() > forMs) {
      clearInterval(timer);
      report(stalls);
    }
  }, 50);
  timer.unref?.();
  return { dispose: () => clearInterval(timer) };
}
