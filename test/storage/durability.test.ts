import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/db.js';
import { createDurability } from '../../src/storage/durability.js';
import { atSyncLevel } from '../../src/storage/transaction.js';
import { useTempDatabases } from './helpers.js';

const temp = useTempDatabases();

const FULL = 2;

/** Gives the event loop turns until `done()` (the log's sync runs on the thread pool). */
async function until(done: () => boolean) {
  while (!done()) await new Promise((r) => setTimeout(r, 1));
}

describe('commits synced to disk off the event loop', () => {
  it('puts back the level it found, when one write without a sync runs inside another too', () => {
    const db = temp.open(temp.file());
    const level = () => db.pragma('synchronous', { simple: true });
    const seen: unknown[] = [];
    atSyncLevel(db, 1, () => {
      seen.push(level());
      atSyncLevel(db, 0, () => seen.push(level()));
      seen.push(level());
    });
    seen.push(level());
    expect(seen).toEqual([1, 0, 1, FULL]);
  });

  it('a deferred commit is committed at once, and the connection syncs every later commit in full again', async () => {
    const file = temp.file();
    const db = temp.open(file);
    const durability = createDurability(db);
    db.exec('CREATE TABLE t (v TEXT)');
    durability.deferred(() => db.prepare("INSERT INTO t VALUES ('clicked')").run());
    expect(db.pragma('synchronous', { simple: true })).toBe(FULL);
    const other = new Database(file, { readonly: true });
    try {
      expect(other.prepare('SELECT v FROM t').all()).toEqual([{ v: 'clicked' }]);
    } finally {
      other.close();
    }
    await durability.durable();
    await durability.close();
  });

  it('every wait resolves, however many commits and waits interleave; a failed write still restores the level', async () => {
    const db = temp.open();
    const durability = createDurability(db);
    db.exec('CREATE TABLE t (v INTEGER)');
    const insert = db.transaction((v: number) => db.prepare('INSERT INTO t VALUES (?)').run(v));
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      durability.deferred(() => insert(i));
      waits.push(durability.durable());
      if (i % 5 === 0) await waits.at(-1);
    }
    expect(() =>
      durability.deferred(() => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(db.pragma('synchronous', { simple: true })).toBe(FULL);
    await Promise.all([...waits, durability.durable()]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 20 });
    await durability.close();
  });

  it('a wait is told once the sync covering its commit is done, not after the syncs of later commits', async () => {
    const db = temp.open();
    const held: Array<() => void> = [];
    const durability = createDurability(db, async (datasync) => {
      await new Promise<void>((release) => held.push(release));
      await datasync();
    });
    db.exec('CREATE TABLE t (v INTEGER)');
    const told: string[] = [];
    durability.deferred(() => db.prepare('INSERT INTO t VALUES (1)').run());
    const first = durability.durable().then(() => told.push('first'));
    await until(() => held.length === 1);
    // A second commit while the first sync runs: it needs a sync of its own.
    durability.deferred(() => db.prepare('INSERT INTO t VALUES (2)').run());
    const second = durability.durable().then(() => told.push('second'));
    held[0]!();
    await first;
    await until(() => held.length === 2);
    expect(told).toEqual(['first']);
    held[1]!();
    await second;
    expect(told).toEqual(['first', 'second']);
    await durability.close();
  });

  it('forms sent at once take turns: each is on disk and answered before the next is written', async () => {
    const db = temp.open();
    // A quick disk: the sync is done as soon as it is asked for (the log's file is opened by the first form).
    const durability = createDurability(db, async () => undefined);
    db.exec('CREATE TABLE t (v INTEGER)');
    await durability.synced(() => db.prepare('INSERT INTO t VALUES (0)').run());
    const order: string[] = [];
    const forms = [1, 2, 3].map((v) =>
      durability
        .synced(() => {
          order.push(`write ${v}`);
          db.prepare('INSERT INTO t VALUES (?)').run(v);
        })
        .then(() => order.push(`answer ${v}`)),
    );
    await Promise.all(forms);
    // Written in one go, all three would be answered only after the last was written.
    expect(order).toEqual(['write 1', 'answer 1', 'write 2', 'answer 2', 'write 3', 'answer 3']);
    await durability.close();
  });

  it('an in-memory database has nothing to sync', async () => {
    const db = openDatabase(':memory:');
    const durability = createDurability(db);
    expect(durability.deferred(() => 7)).toBe(7);
    await durability.durable();
    db.close();
  });
});
