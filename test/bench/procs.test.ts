import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuMsOf } from '../../bench/procs.js';

/** Keeps this thread busy for `ms` of its own CPU time. */
function burn(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

describe("the benchmark's CPU reading", () => {
  // /proc/<pid>/task/<tid>/sched: where the kernel gives it (else the figure counts in clock ticks).
  it.skipIf(!existsSync(`/proc/${process.pid}/task/${process.pid}/sched`))(
    'reads a process’s CPU time to well under a clock tick (10 ms), not in whole ticks',
    () => {
      const steps: number[] = [];
      let last = cpuMsOf(process.pid);
      for (let i = 0; i < 20; i++) {
        burn(1);
        const now = cpuMsOf(process.pid);
        steps.push(now - last);
        last = now;
      }
      // Each millisecond burnt shows (other threads may add a little); counted in ticks, a step is 0 or 10.
      const fine = steps.filter((s) => s >= 0.9 && s < 9);
      expect(fine.length, `steps: ${steps.map((s) => s.toFixed(2)).join(', ')}`).toBeGreaterThanOrEqual(10);
    },
  );
});
