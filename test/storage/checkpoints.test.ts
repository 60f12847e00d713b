import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startCheckpoints } from '../../src/storage/checkpoints.js';
import type { Db } from '../../src/storage/db.js';
import { createDurability } from '../../src/storage/durability.js';
import { useTempDatabases } from './helpers.js';

const temp = useTempDatabases();

/** Gives the event loop turns until `done()` (the syncs run on the thread pool). */
async function until(done: () => boolean) {
  const give = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > give) throw new Error('waited 5 s in vain');
    await new Promise((r) => setTimeout(r, 1));
  }
}

const size = (file: string) => statSync(file).size;

/** Syncs held until released: `held` gets one release per sync asked for. */
function heldSyncs() {
  const held: Array<() => void> = [];
  const sync = async (datasync: () => Promise<void>) => {
    await new Promise<void>((release) => held.push(release));
    await datasync();
  };
  return { held, sync };
}

/** A table of 4 KB rows: each commit of one writes at least a page to the log. */
function pages(db: Db) {
  db.exec('CREATE TABLE IF NOT EXISTS t (v BLOB)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  return (n: number) => {
    for (let i = 0; i < n; i++) insert.run(Buffer.alloc(4000, i % 256));
  };
}

describe('checkpoints off the event loop', () => {
  it('commits make no checkpoint of their own: the log grows past the 1,000 pages where SQLite would copy it', async () => {
    const file = temp.file();
    const db = temp.open(file);
    const checkpoints = startCheckpoints(db, createDurability(db), { everyMs: 3_600_000 });
    const write = pages(db);
    const dbBefore = size(file);
    write(1500);
    expect(size(`${file}-wal`)).toBeGreaterThan(1500 * 4096);
    expect(size(file)).toBe(dbBefore);
    await checkpoints.stop();
  });

  it('copies the log into the database file, syncs that file off the event loop, and keeps the log until it is synced', async () => {
    const file = temp.file();
    const db = temp.open(file);
    const { held, sync } = heldSyncs();
    const checkpoints = startCheckpoints(db, createDurability(db), { everyMs: 3_600_000, fileSync: sync });
    const write = pages(db);
    write(50);
    const dbBefore = size(file);
    const first = checkpoints.run();
    await until(() => held.length === 1);
    // Copied (the database file holds the rows), not yet synced: the log is not started afresh.
    expect(size(file)).toBeGreaterThan(dbBefore + 50 * 4000);
    const log = size(`${file}-wal`);
    write(1);
    expect(size(`${file}-wal`)).toBeGreaterThan(log);
    held[0]!();
    await first;
    // The row written meanwhile is copied by the next one; once that is synced, the log starts afresh.
    const second = checkpoints.run();
    await until(() => held.length === 2);
    held[1]!();
    await second;
    const copiedLog = size(`${file}-wal`);
    write(1);
    expect(size(`${file}-wal`)).toBe(copiedLog);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 52 });
    await checkpoints.stop();
  });

  it('copies only what the log has on disk: the log is synced first', async () => {
    const file = temp.file();
    const db = temp.open(file);
    const { held, sync } = heldSyncs();
    const durability = createDurability(db, sync);
    const checkpoints = startCheckpoints(db, durability, { everyMs: 3_600_000 });
    const write = pages(db);
    const dbBefore = size(file);
    durability.deferred(() => write(20));
    const run = checkpoints.run();
    await until(() => held.length === 1);
    expect(size(file)).toBe(dbBefore);
    held[0]!();
    await run;
    expect(size(file)).toBeGreaterThan(dbBefore + 20 * 4000);
    await checkpoints.stop();
    await durability.close();
  });

  it('a checkpoint that fails is told once and gives the log back to SQLite’s own checkpoints; nothing stays pinned', async () => {
    const file = temp.file();
    const db = temp.open(file);
    const errors: unknown[] = [];
    const checkpoints = startCheckpoints(db, createDurability(db), {
      everyMs: 3_600_000,
      fileSync: async () => {
        throw new Error('EIO: the disk went away');
      },
      onError: (error) => errors.push(error),
    });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    pages(db)(10);
    await checkpoints.run();
    expect(errors.map((e) => (e as Error).message)).toEqual(['EIO: the disk went away']);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // No read transaction is left open: a full checkpoint copies everything and empties the log.
    const other = new Database(file);
    try {
      expect(other.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
    } finally {
      other.close();
    }
    await checkpoints.stop();
  });

  it('copies once a hundred rows were written, or anything and 30 s passed, looking every `idleEveryMs`', async () => {
    const file = temp.file();
    const db = temp.open(file);
    let now = 0;
    const checkpoints = startCheckpoints(db, createDurability(db), { everyMs: 2, idleEveryMs: 2, now: () => now });
    const write = pages(db);
    const dbBefore = size(file);
    write(99);
    await new Promise((r) => setTimeout(r, 30));
    expect(size(file)).toBe(dbBefore);
    now += 30_000;
    await until(() => size(file) > dbBefore);
    const afterTime = size(file);
    write(100);
    await until(() => size(file) > afterTime);
    await checkpoints.stop();
  });
  it('looks soon after a commit through durability, and otherwise only every `idleEveryMs`: an idle process sleeps', async () => {
    const file = temp.file();
    const db = temp.open(file);
    const durability = createDurability(db);
    const checkpoints = startCheckpoints(db, durability, { everyMs: 2, idleEveryMs: 3_600_000 });
    const write = pages(db);
    const dbBefore = size(file);
    // Written outside durability: nothing looks until the idle look, an hour away.
    write(150);
    await new Promise((r) => setTimeout(r, 50));
    expect(size(file)).toBe(dbBefore);
    // One commit through it: a look 2 ms later finds the 151 rows and copies them.
    durability.deferred(() => write(1));
    await until(() => size(file) > dbBefore);
    await checkpoints.stop();
  });
});

describe('checkpoints under writes that never pause', () => {
  it('a log past `maxLogPages` is copied whole once the cycle ends, so it can start afresh', async () => {
    const file = temp.file();
    const db = temp.open(file);
    const { held, sync } = heldSyncs();
    const checkpoints = startCheckpoints(db, createDurability(db), {
      everyMs: 3_600_000,
      maxLogPages: 40,
      fileSync: sync,
    });
    const write = pages(db);
    write(50);
    const run = checkpoints.run();
    await until(() => held.length === 1);
    // Written while the database file is synced: not copied by this cycle.
    write(10);
    held[0]!();
    await run;
    const log = size(`${file}-wal`);
    write(1);
    expect(size(`${file}-wal`)).toBe(log);
    await checkpoints.stop();
  });
});

describe('a database file that cannot be synced', () => {
  it('after pages were copied, the log is kept until the file is synced on the event loop, or until the stop', async () => {
    const file = temp.file();
    const db = temp.open(file);
    const errors: unknown[] = [];
    let syncNow = 0;
    const checkpoints = startCheckpoints(db, createDurability(db), {
      everyMs: 3_600_000,
      fileSync: async () => {
        throw new Error('EIO: the disk went away');
      },
      fileSyncNow: () => {
        syncNow++;
        throw new Error('EIO again');
      },
      onError: (error) => errors.push(error),
    });
    const write = pages(db);
    write(10);
    await checkpoints.run();
    expect(syncNow).toBe(1);
    expect(errors).toHaveLength(1);
    // Everything was copied, yet the log does not start afresh: a write appends.
    const log = size(`${file}-wal`);
    write(1);
    expect(size(`${file}-wal`)).toBeGreaterThan(log);
    await checkpoints.stop();
    // Stopped, nothing is pinned: a full checkpoint empties the log.
    expect(db.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
  });
});
