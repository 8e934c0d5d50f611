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

/**
 * With PAPERCITE_PROFILE_DIR set (a diagnostic for developers), records a CPU profile of the
 * extension host's thread for the first `forMs` after activation (PAPERCITE_PROFILE_MS, else 30 s) and writes it there as a
 * `.cpuprofile` (open it in Chrome's DevTools): what held the thread, PaperCite's or not.
 */
export function profileStartup(dir: string | undefined, done: (file: string | undefined, err?: unknown) => void, forMs = 30_000): { dispose(): void } {
  if (!dir) return { dispose() {} };
  // Loaded only when asked for: the inspector is no part of a normal start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const inspector = require('node:inspector') as typeof import('node:inspector');
  const session = new inspector.Session();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 1000 });
    session.post('Profiler.start');
  } catch (err) {
    done(undefined, err);
    return { dispose() {} };
  }
  const stop = () => {
    timer = undefined;
    session.post('Profiler.stop', (err, res) => {
      if (err) return done(undefined, err);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fs = require('node:fs') as typeof import('node:fs');
      const file = `${dir}/papercite-host-${process.pid}-${Date.now()}.cpuprofile`;
      try {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(file, JSON.stringify(res.profile));
        done(file);
      } catch (e) {
        done(undefined, e);
      }
      session.disconnect();
    });
  };
  timer = setTimeout(stop, Math.max(0, forMs - sinceActivation()));
  return { dispose: () => { if (timer) { clearTimeout(timer); stop(); } } };
}
