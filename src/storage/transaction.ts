import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

/**
 * A write transaction that begins IMMEDIATE: it takes the write lock before
 * its first read. A deferred one that reads and then writes cannot wait for a
 * writer that got in between (SQLite answers SQLITE_BUSY at once, "database
 * is locked"); an immediate one waits the connection's busy timeout instead.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function writeTransaction<F extends (...args: any[]) => any>(db: Db, fn: F): F {
  return db.transaction(fn).immediate as unknown as F;
}

/**
 * Runs `write` (its transactions, synchronous) with commits that are not synced to disk at once
 * (WAL, synchronous=NORMAL: a crash of the process loses nothing, a crash of the machine may lose
 * them until the next synced commit or checkpoint). Inside a transaction it changes nothing: the
 * level cannot change there, and the outer commit decides.
 */
export function withoutDiskSync<T>(db: Db, write: () => T): T {
  return atSyncLevel(db, NORMAL, write);
}

/**
 * Runs `work` with the connection's `synchronous` pragma at `level` (0 OFF, 1 NORMAL, 2 FULL), then
 * sets it back. Inside a transaction it changes nothing (see `withoutDiskSync`).
 */
export function atSyncLevel<T>(db: Db, level: number, work: () => T): T {
  if (db.inTransaction) return work();
  const sync = syncPragmas(db);
  const before = sync.level;
  sync.set(level).run();
  sync.level = level;
  try {
    return work();
  } finally {
    sync.set(before).run();
    sync.level = before;
  }
}

const NORMAL = 1;

/**
 * The connection's `synchronous` pragmas, prepared once (`db.pragma()` compiles its statement on every
 * call), and its level as it is now, read from SQLite once: after the connection is opened only
 * `atSyncLevel` changes it, and it keeps `level` in step (one call inside another puts back the
 * outer one's level), so a write need not ask SQLite for it (a statement less per click).
 */
const prepared = new WeakMap<Db, { level: number; set: (level: number) => Statement }>();
function syncPragmas(db: Db) {
  let sync = prepared.get(db);
  if (!sync) {
    const levels = new Map<number, Statement>();
    sync = {
      level: db.prepare('PRAGMA synchronous').pluck().get() as number,
      set: (level) => {
        let statement = levels.get(level);
        if (!statement) levels.set(level, (statement = db.prepare(`PRAGMA synchronous = ${Math.trunc(level)}`)));
        return statement;
      },
    };
    prepared.set(db, sync);
  }
  return sync;
}
