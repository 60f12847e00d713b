import { type FileHandle, open } from 'node:fs/promises';
import type { Db } from './db.js';
import { withoutDiskSync } from './transaction.js';

/**
 * Commits that reach the disk off the event loop, for writes acknowledged
 * afterwards. The connection syncs every commit to disk (synchronous=FULL):
 * a few milliseconds on a busy disk during which no other request is
 * answered. `deferred` commits without that sync (WAL, synchronous=NORMAL:
 * nothing is lost if the process crashes), and `durable()` resolves once
 * the write-ahead log is synced to disk by the thread pool, one sync for
 * every commit made before it started. A caller acknowledges only after
 * `durable()`: what a person was told is done survives a crash of the
 * machine, as with a full commit. An in-memory database syncs nothing.
 */
export function createDurability(db: Db) {
  const wal = db.memory ? null : `${db.name}-wal`;
  /** Deferred commits made, and how many of them the last completed sync covers. */
  let written = 0;
  let synced = 0;
  let handle: Promise<FileHandle> | null = null;
  let running: Promise<void> | null = null;

  async function syncAll(): Promise<void> {
    while (synced < written) {
      const target = written;
      try {
        handle ??= open(wal!, 'r');
        await (await handle).datasync();
      } catch {
        // The log could not be synced on its own: a checkpoint syncs it, then the database file.
        handle = null;
        db.pragma('wal_checkpoint(PASSIVE)');
      }
      synced = Math.max(synced, target);
    }
  }

  return {
    /** Runs `write` (its transactions, synchronous) with commits that are not synced to disk at once. */
    deferred<T>(write: () => T): T {
      if (!wal || db.inTransaction) return write();
      try {
        return withoutDiskSync(db, write);
      } finally {
        written++;
      }
    },
    /** Resolves once every commit made so far is on disk. */
    durable(): Promise<void> {
      const mine = written;
      const wait = (): Promise<void> => {
        if (synced >= mine) return Promise.resolve();
        running ??= syncAll().finally(() => {
          running = null;
        });
        return running.then(wait);
      };
      return wait();
    },
    /** Closes the log's file handle (at stop, before the database closes). */
    async close(): Promise<void> {
      const h = handle;
      handle = null;
      await (await h)?.close().catch(() => undefined);
    },
  };
}

export type Durability = ReturnType<typeof createDurability>;
