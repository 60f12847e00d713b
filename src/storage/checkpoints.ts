import { closeSync, fdatasyncSync, openSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import Database from 'better-sqlite3';
import type { Db } from './db.js';
import type { Durability } from './durability.js';
import { atSyncLevel } from './transaction.js';

/** Syncs the database file to disk (`datasync` of its file); a caller may wrap it (tests hold it). */
export type FileSync = (datasync: () => Promise<void>) => Promise<void>;

/** How soon after a commit through `durability` to look whether the log should be copied into the database file. */
const EVERY_MS = 1_000;
/** Copied once this many rows were written since the last copy (a click writes 3 or 4), … */
const CHANGES = 100;
/** … or once anything was and this long has passed (the lease's heartbeat writes every 5 s). */
const AT_LEAST_EVERY_MS = 30_000;
/** A log this long (pages of 4 KB; about 900 clicks at 11 pages each) is copied at once, syncs and all (see `copy`). */
const MAX_LOG_PAGES = 10_000;
const OFF = 0;

/**
 * Checkpoints that never wait for the disk on the event loop. SQLite's own (after a commit that
 * takes the write-ahead log past 1,000 pages: every 90 or so clicks) copies the log into the
 * database file and syncs both files to disk inside that commit, on the event loop: 3–6 ms on a
 * quiet disk, 20–40 ms while something else writes, as long as the disk takes when it stalls, with
 * every request waiting. Here the connection makes none (`wal_autocheckpoint = 0`); once a hundred
 * rows were written (or anything, and 30 s passed), looked at a second after a commit made through
 * `durability` (what requests, the scheduler and the heartbeat write) and every 30 s whatever
 * happens (a write made outside it), never while nothing is written:
 *
 * 1. a second connection opens a read transaction: its snapshot pins the log, which SQLite does not
 *    start afresh (overwriting it) while a reader may still need it;
 * 2. `durable()`: the log is on disk up to that snapshot (synced off the event loop);
 * 3. the log is copied into the database file up to that snapshot (a checkpoint copies no further
 *    while the reader holds it), without syncing (`synchronous = OFF` for that statement): the
 *    copying alone, under a millisecond for thousands of pages;
 * 4. the database file is synced to disk off the event loop (the thread pool's `fdatasync`);
 * 5. the read transaction ends: the next commit may start the log afresh.
 *
 * A crash of the machine at any point finds every commit in the log (synced before it was copied)
 * or in the database file (synced before the log may be overwritten). Should a step fail, `onError`
 * is told once and SQLite's own checkpoints take over again; if the database file's sync failed
 * after pages were copied, it is synced on the event loop before the read transaction ends, and
 * if that fails too the reader keeps the log (it grows, nothing is overwritten) until the stop.
 *
 * Two syncs stay on the event loop, rarer than before: SQLite syncs the log's first page when a
 * commit starts the log afresh (once after a checkpoint that copied all of it: a small sync,
 * where its checkpoint synced two files every 90 clicks); and the log starts afresh only once all
 * of it is copied, which writes that never pause for a cycle's syncs would put off for ever, so a
 * log past `maxLogPages` (about 900 clicks without a pause) is copied by SQLite's own checkpoint,
 * syncs and all. An in-memory database has no log: nothing is done.
 */
export function startCheckpoints(
  db: Db,
  durability: Pick<Durability, 'durable' | 'whenWritten'>,
  {
    fileSync = (datasync) => datasync(),
    fileSyncNow = () => {
      const fd = openSync(db.name, 'r');
      try {
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    everyMs = EVERY_MS,
    idleEveryMs = AT_LEAST_EVERY_MS,
    maxLogPages = MAX_LOG_PAGES,
    now = Date.now,
    onError = () => undefined,
  }: {
    fileSync?: FileSync;
    /** Syncs the database file on the event loop: only when `fileSync` failed after pages were copied. */
    fileSyncNow?: () => void;
    /** How soon after a commit through `durability` to look. */
    everyMs?: number;
    /** How often to look whatever is written (what is written outside `durability`). */
    idleEveryMs?: number;
    maxLogPages?: number;
    now?: () => number;
    onError?: (error: unknown) => void;
  } = {},
) {
  if (db.memory) return { run: async () => undefined, stop: async () => undefined };
  db.pragma('wal_autocheckpoint = 0');
  const changes = db.prepare<[], number>('SELECT total_changes()').pluck();
  let copied = { changes: changes.get()!, at: now() };
  let reader: Database.Database | null = null;
  let handle: Promise<FileHandle> | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  function openReader(): Database.Database {
    if (!reader) {
      reader = new Database(db.name, { fileMustExist: true });
      reader.pragma('busy_timeout = 5000');
      // It reads one page of the schema: no cache to speak of.
      reader.pragma('cache_size = -64');
    }
    return reader;
  }

  async function copy(): Promise<void> {
    const before = changes.get()!;
    const pin = openReader();
    let log = 0;
    /** Pages copied into the database file and not yet synced: the log must outlive them. */
    let unsynced = false;
    pin.exec('BEGIN');
    try {
      // The read transaction takes its snapshot at its first read.
      pin.prepare('SELECT COUNT(*) FROM sqlite_schema').get();
      await durability.durable();
      const [result] = atSyncLevel(db, OFF, () => db.pragma('wal_checkpoint(PASSIVE)')) as Array<{
        log: number;
        checkpointed: number;
      }>;
      log = result?.log ?? 0;
      if ((result?.checkpointed ?? 0) > 0) {
        unsynced = true;
        handle ??= open(db.name, 'r');
        const h = await handle;
        await fileSync(() => h.datasync());
        unsynced = false;
      }
      copied = { changes: before, at: now() };
    } catch (error) {
      // Copied but not synced (SQLite counts it copied, so the log could start afresh over it):
      // the file is synced here, on the event loop, or the reader keeps the log until the stop.
      if (unsynced) {
        try {
          fileSyncNow();
          unsynced = false;
        } catch {
          // Its read transaction stays open: the log is kept.
        }
      }
      throw error;
    } finally {
      if (!unsynced) pin.exec('COMMIT');
    }
    // The log starts afresh only once all of it is copied, and what was written while the file was
    // synced is not: under writes that never pause, it would grow without end. Past `maxLogPages`,
    // SQLite's own checkpoint copies all of it now (both syncs, on the event loop, as before).
    if (log >= maxLogPages) db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** A checkpoint now (a test's, or the timer's when due); resolves once it is done (with the one under way, if any). */
  function run(): Promise<void> {
    running ??= copy()
      .catch((error: unknown) => {
        // SQLite's own from now on (both syncs, on the event loop): safe, as before.
        stopped = true;
        clearInterval(timer);
        clearTimeout(soon);
        const h = handle;
        handle = null;
        void h?.then((f) => f.close()).catch(() => undefined);
        db.pragma('wal_autocheckpoint = 1000');
        onError(error);
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  /** Copies the log when a hundred rows were written since the last copy, or anything and 30 s passed. */
  function look(): void {
    if (stopped || running) return;
    const written = changes.get()! - copied.changes;
    if (written >= CHANGES || (written > 0 && now() - copied.at >= AT_LEAST_EVERY_MS)) void run();
  }
  // A look `everyMs` after a commit through `durability`, and none while nothing is written: a timer
  // that looked every second woke an idle process for nothing (a third of its CPU once the event
  // loop's delay was sampled once a second). Writes made outside it are looked at every `idleEveryMs`.
  let soon: NodeJS.Timeout | undefined;
  durability.whenWritten(() => {
    if (soon || stopped) return;
    soon = setTimeout(() => {
      soon = undefined;
      look();
    }, everyMs);
    soon.unref();
  });
  const timer = setInterval(look, idleEveryMs);
  timer.unref();

  return {
    run,
    /** Stops the timer and waits for a checkpoint under way; closes the second connection (before the database closes). */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      clearTimeout(soon);
      await running;
      // A reader left holding the log ends its read transaction as it closes; the database's close then
      // checkpoints, syncs included.
      reader?.close();
      reader = null;
      const h = handle;
      handle = null;
      await (await h)?.close().catch(() => undefined);
    },
  };
}
