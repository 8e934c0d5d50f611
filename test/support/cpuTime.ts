// Time bounds that hold on a loaded machine: the CPU time this process spent (user + system), not
// the wall clock, which other processes stretch.
import { strict as assert } from 'node:assert';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
/** A full garbage collection now, so none owed by earlier tests is charged to a timed call. */
const collect = vm.runInNewContext('gc') as () => void;

/** CPU milliseconds `fn` took. */
export function cpuMs(fn: () => unknown): number {
  const u0 = process.cpuUsage();
  fn();
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1000;
}

/** The least CPU time of `runs` calls, each after a full collection: noise only ever adds. */
export function bestCpuMs(fn: () => unknown, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    collect();
    best = Math.min(best, cpuMs(fn));
  }
  return best;
}

/** `hostile` took at most `factor` times `benign` (both CPU ms, measured in the same run). */
export function assertRelative(hostile: number, benign: number, factor: number, what: string): void {
  assert.ok(hostile <= factor * benign, `${what}: ${hostile.toFixed(1)} ms, more than ${factor}× the benign input's ${benign.toFixed(1)} ms`);
}
