import { type FileHandle, open } from 'node:fs/promises';
import type { Db } from './db.js';
import { takingTurns } from '../support/turns.js';
import { withoutDiskSync } from './transaction.js';

/** Syncs the write-ahead log to disk (`datasync` of its file); a caller may wrap it (tests hold it). */
export type LogSync = (datasync: () => Promise<void>) => Promise<void>;

/**
 * Commits that reach the disk off the event loop. The connection syncs every commit to disk
 * (synchronous=FULL): a few milliseconds on a busy disk during which no other request is
 * answered. `deferred` commits without that sync (WAL, synchronous=NORMAL: a crash of the
 * process loses nothing, a crash of the machine may), and `durable()` resolves once the
 * write-ahead log is synced to disk by the thread pool, one sync for every commit made before it
 * started. What shows a person a change (a redraw, an answer, a modal that closes) waits for
 * `durable()`: nothing shown is taken back by a crash of the machine. An in-memory database
 * syncs nothing.
 */
export function createDurability(db: Db, logSync: LogSync = (datasync) => datasync()) {
  const wal = db.memory ? null : `${db.name}-wal`;
  /** Deferred commits made, and how many of them the last completed sync covers. */
  let written = 0;
  let synced = 0;
  let handle: Promise<FileHandle> | null = null;
  let running = false;
  /** `synced` writes take turns, one per turn of the event loop. */
  const turn = takingTurns();
  /** Who waits for which commit to be on disk, oldest first: each is told after the sync that covers it. */
  const waiting: Array<{ mine: number; done: () => void; failed: (e: unknown) => void }> = [];
  /** Told after each deferred commit (the checkpoints look at the log soon after one). */
  let onWritten: () => void = () => undefined;

  async function syncAll(): Promise<void> {
    try {
      while (synced < written) {
        const target = written;
        try {
          handle ??= open(wal!, 'r');
          const h = await handle;
          await logSync(() => h.datasync());
        } catch {
          // The log could not be synced on its own: a checkpoint syncs it, then the database file.
          handle = null;
          db.pragma('wal_checkpoint(PASSIVE)');
        }
        synced = Math.max(synced, target);
        // Told at once, not after the commits made meanwhile are synced too (a steady stream of clicks).
        while (waiting.length && waiting[0]!.mine <= synced) waiting.shift()!.done();
      }
    } catch (error) {
      for (const w of waiting.splice(0)) w.failed(error);
    }
  }

  /** Runs `write` (its transactions, synchronous) with commits that are not synced to disk at once. */
  function deferred<T>(write: () => T): T {
    if (!wal || db.inTransaction) return write();
    try {
      return withoutDiskSync(db, write);
    } finally {
      written++;
      onWritten();
    }
  }

  /** Resolves once every commit made so far is on disk. */
  function durable(): Promise<void> {
    const mine = written;
    if (synced >= mine) return Promise.resolve();
    const told = new Promise<void>((done, failed) => waiting.push({ mine, done, failed }));
    syncing();
    return told;
  }

  /** Starts the syncs unless they run; one asked for as they ended is started again. */
  function syncing(): void {
    if (running) return;
    running = true;
    void syncAll().finally(() => {
      running = false;
      if (waiting.length) syncing();
    });
  }

  return {
    deferred,
    durable,
    /**
     * `write` as `deferred` runs it, resolved (or rejected, when it throws: a refusal it recorded)
     * once its commits are on disk: for what a person is told is accepted (a form that closes).
     *
     * Such writes take turns, one per turn of the event loop. A sync's completion is heard only
     * between turns, so twenty forms sent at once, written in one go, would all be answered once the
     * last was written; taking turns, each form's sync lands while the next is written, and each is
     * answered in turn. A lone write waits for a turn that is free at once. Requests also take turns
     * (`watchAcks`), but a form may ask Slack something first (the kind of its channel), and the
     * answers to several forms can come in one turn: the writes still take theirs here.
     */
    async synced<T>(write: () => T): Promise<T> {
      await turn();
      try {
        return deferred(write);
      } finally {
        await durable();
      }
    },
    /** `listener` is told after each commit made through `deferred` or `synced` (one listener: the checkpoints'). */
    whenWritten(listener: () => void): void {
      onWritten = listener;
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
