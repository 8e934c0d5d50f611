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
 * Watches this thread's event loop (a tick every 50 ms): the longest time it was blocked, and each
 * block of `minMs` or more with when it ended, so a slow first list can be matched against them.
 */
export class StallWatch {
  longestMs = 0;
  readonly stalls: { ms: number; endedMs: number }[] = [];
  private last = performance.now();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly minMs = 250, private readonly max = 50) {
    this.timer = setInterval(() => {
      const now = performance.now();
      const stall = now - this.last - 50;
      this.last = now;
      this.longestMs = Math.max(this.longestMs, stall);
      if (stall >= this.minMs && this.stalls.length < this.max) this.stalls.push({ ms: Math.round(stall), endedMs: Math.round(sinceActivation()) });
    }, 50);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Watches this thread until `forMs` after activation, then reports its stalls once (see StallWatch). */
export function watchStalls(report: (stalls: { ms: number; endedMs: number }[]) => void, forMs = 30_000, minMs = 250): { dispose(): void } {
  const watch = new StallWatch(minMs);
  const done = setTimeout(() => {
    watch.stop();
    report(watch.stalls);
  }, Math.max(0, forMs - sinceActivation()));
  done.unref?.();
  return { dispose: () => { clearTimeout(done); watch.stop(); } };
}
