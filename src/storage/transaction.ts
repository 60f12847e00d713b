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
  if (db.inTransaction) return write();
  const level = db.pragma('synchronous', { simple: true }) as number;
  db.pragma('synchronous = NORMAL');
  try {
    return write();
  } finally {
    db.pragma(`synchronous = ${level}`);
  }
}
