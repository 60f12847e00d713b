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
