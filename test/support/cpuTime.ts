// Time bounds that hold on a loaded machine: the CPU time this process spent (user + system), not
// the wall clock, which other processes stretch.

/** CPU milliseconds `fn` took. */
export function cpuMs(fn: () => unknown): number {
  const u0 = process.cpuUsage();
  fn();
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1000;
}

/** The least CPU time of `runs` calls: noise only ever adds. */
export function bestCpuMs(fn: () => unknown, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) best = Math.min(best, cpuMs(fn));
  return best;
}
