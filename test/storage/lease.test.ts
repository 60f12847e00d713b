import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { LEASE_MS, takeLease } from '../../src/storage/lease.js';
import { useTempDatabases } from './helpers.js';

const temp = useTempDatabases();
const T0 = 1_800_000_000_000;
const here = (pid: number) => ({ pid, host: 'host-a' });
const alive = (pids: number[]) => (pid: number) => pids.includes(pid);

describe('the one-process lease', () => {
  it('refuses a second holder while the first is alive, saying who holds it and what to do', () => {
    const file = temp.file();
    const first = temp.open(file);
    takeLease(first, { holder: here(100), now: () => T0, isAlive: alive([100, 200]) });
    const second = new Database(file);
    try {
      let error: unknown;
      try {
        takeLease(second, { holder: here(200), now: () => T0 + 1000, isAlive: alive([100, 200]) });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(
        /Another Liftoff \(process 100 on host-a\) is using the database .*liftoff\.db\. Only one Liftoff may run on a database file: stop the other one first\. If it is gone, its lease lapses in 29 s/,
      );
    } finally {
      second.close();
    }
  });

  it('is taken over at once from a process of this host that no longer exists (a crash, then a restart)', () => {
    const db = temp.open();
    takeLease(db, { holder: here(100), now: () => T0, isAlive: alive([]) });
    const next = takeLease(db, { holder: here(200), now: () => T0 + 1, isAlive: alive([200]) });
    expect(next.renew(T0 + 2)).toBe(true);
  });

  it('from another host, only once its heartbeat has stopped for the lease time', () => {
    const db = temp.open();
    const first = takeLease(db, { holder: { pid: 1, host: 'pod-a' }, now: () => T0, isAlive: alive([]) });
    expect(first.renew(T0 + 10_000)).toBe(true);
    const other = { holder: { pid: 1, host: 'pod-b' }, isAlive: alive([]) };
    expect(() => takeLease(db, { ...other, now: () => T0 + 10_000 + LEASE_MS - 1 })).toThrow(ConfigError);
    takeLease(db, { ...other, now: () => T0 + 10_000 + LEASE_MS });
    // The first holder learns it lost the database on its next heartbeat.
    expect(first.renew(T0 + 10_000 + LEASE_MS + 1)).toBe(false);
  });

  it('is given up on a clean stop, so the next start takes it at once', () => {
    const db = temp.open();
    takeLease(db, { holder: { pid: 1, host: 'pod-a' }, now: () => T0 }).release();
    expect(() => takeLease(db, { holder: { pid: 2, host: 'pod-b' }, now: () => T0 + 1 })).not.toThrow();
  });

  it('a heartbeat that cannot be written throws (the health probe says why)', () => {
    const file = temp.file();
    const db = temp.open(file);
    const lease = takeLease(db, { now: () => T0 });
    db.pragma('query_only = ON');
    expect(() => lease.renew(T0 + 1)).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
  });
});
