import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { sqliteProblem } from '../storage/errors.js';

/** What a probe found: ok, or what is wrong in plain words (never a secret). */
export type Check = { ok: true } | { ok: false; problem: string };

const OK: Check = { ok: true };

/**
 * The database probe: a real write (`write`, the lease's heartbeat, committed
 * in an IMMEDIATE transaction), its failure put into words. `write` returns
 * false when this process no longer holds the database.
 */
export function probeWrite(write: () => boolean): Check {
  try {
    return write() ? OK : { ok: false, problem: 'another Liftoff took this database over' };
  } catch (error) {
    return { ok: false, problem: `the database cannot be written: ${sqliteProblem(error)}` };
  }
}

/** The disk holding `file` has at least `minFreeBytes` free for Liftoff (statfs: blocks available to this user). */
export function probeDisk(
  file: string,
  minFreeBytes: number,
  statfs: (dir: string) => { bavail: number; bsize: number } = statfsSync,
): Check {
  if (file === ':memory:') return OK;
  try {
    const s = statfs(dirname(file));
    const free = s.bavail * s.bsize;
    if (free >= minFreeBytes) return OK;
    return {
      ok: false,
      problem: `the disk is full (${Math.floor(free / 1_048_576)} MB free, at least ${Math.ceil(minFreeBytes / 1_048_576)} MB needed)`,
    };
  } catch {
    return { ok: false, problem: 'the disk holding the database cannot be read' };
  }
}

/** All checks together: the first problems, or ok. */
export function combine(...checks: Check[]): { ok: boolean; problems: string[] } {
  const problems = checks.flatMap((c) => (c.ok ? [] : [c.problem]));
  return { ok: problems.length === 0, problems };
}
