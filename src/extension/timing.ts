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
