import type { WebClient } from '@slack/web-api';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createdEvent } from '../../src/core/deployment/create.js';
import { createMessageSync } from '../../src/slack/sync.js';
import type { Db } from '../../src/storage/db.js';
import { createDurability, type Durability } from '../../src/storage/durability.js';
import { createRepositories } from '../../src/storage/index.js';
import { createLogger } from '../../src/support/logger.js';
import { deploymentInput, T0, template, USERS } from '../core/fixtures.js';
import { useTempDatabases } from '../storage/helpers.js';

const temp = useTempDatabases();

interface Row {
  key: string;
  ts: string | null;
  hash: string | null;
}

/** A deployment, its message sync over a stub Slack, and a second connection that sees only what was committed. */
function setup(
  postMessage: (args: { thread_ts?: string }) => Promise<{ ts: string }>,
  durabilityOf?: (db: Db) => Durability,
) {
  const file = temp.file();
  const db = temp.open(file);
  const repos = createRepositories(db);
  const d = repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0);
  const reader = new Database(file, { readonly: true });
  const committed = () =>
    reader
      .prepare<[], Row>('SELECT key, ts, rendered_hash AS hash FROM messages WHERE deployment_id = 1 ORDER BY key')
      .all();
  const client = { chat: { postMessage, update: async () => ({ ok: true }) } } as unknown as WebClient;
  const sync = createMessageSync({
    client,
    repos,
    clock: { now: () => T0 },
    logger: createLogger({ write: () => undefined }),
    ...(durabilityOf ? { durability: durabilityOf(db) } : {}),
  });
  return { d, sync, committed, close: () => reader.close() };
}

describe('the records of a redraw', () => {
  it('a message being posted is already marked in the file, and every posted one is recorded when the pass ends', async () => {
    let n = 0;
    const seenWhilePosting: Array<Row[]> = [];
    const { d, sync, committed, close } = setup(async () => {
      seenWhilePosting.push(committed());
      return { ts: `1700000000.${String(++n).padStart(6, '0')}` };
    });
    await sync.sync(d.id);
    // Each post found its own record marked "posting" (or already posted) in the file: a crash then does not post twice.
    expect(seenWhilePosting.length).toBe(n);
    expect(seenWhilePosting.every((rows) => rows.length === n)).toBe(true);
    expect(seenWhilePosting[0]!.every((r) => r.hash === 'posting' && r.ts === null)).toBe(true);
    const after = committed();
    expect(after).toHaveLength(n);
    expect(after.every((r) => r.ts !== null && r.hash !== 'posting')).toBe(true);
    close();
  });

  it('a pass stopped by a refused post takes back the marks of the messages it never tried', async () => {
    const { d, sync, committed, close } = setup(async (args) => {
      if (args.thread_ts)
        throw Object.assign(new Error('An API error occurred: channel_not_found'), {
          code: 'slack_webapi_platform_error',
          data: { ok: false, error: 'channel_not_found' },
        });
      return { ts: '1700000000.000001' };
    });
    await sync.sync(d.id);
    const rows = committed();
    expect(rows.find((r) => r.key === 'parent')?.ts).toBe('1700000000.000001');
    // Nothing is left "posting": the next pass posts them without first searching Slack's history.
    expect(rows.filter((r) => r.hash === 'posting')).toEqual([]);
    close();
  });

  it('the marks are synced off the event loop: the first post waits until they are on disk', async () => {
    let release = () => {};
    const disk = new Promise<void>((r) => (release = r));
    let syncs = 0;
    const posted: Array<Row[]> = [];
    let n = 0;
    const { d, sync, committed, close } = setup(
      async () => {
        posted.push(committed());
        return { ts: `1700000000.${String(++n).padStart(6, '0')}` };
      },
      (db) =>
        createDurability(db, async (datasync) => {
          syncs++;
          await disk;
          await datasync();
        }),
    );
    const pass = sync.sync(d.id);
    // The sync starts once the log's file is open (the thread pool: a few turns, more on a busy machine).
    for (let i = 0; i < 2_000 && syncs === 0; i++) await new Promise((r) => setTimeout(r, 1));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    // Committed (another connection reads them) and being synced; nothing posted yet.
    expect(syncs).toBe(1);
    expect(posted).toEqual([]);
    const marks = committed();
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((r) => r.hash === 'posting' && r.ts === null)).toBe(true);
    release();
    await pass;
    expect(posted.length).toBe(n);
    expect(posted[0]).toEqual(marks);
    close();
  });
});
