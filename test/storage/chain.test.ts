import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createdEvent } from '../../src/core/deployment/create.js';
import { eventHash } from '../../src/storage/chain.js';
import { openDatabase } from '../../src/storage/db.js';
import { createRepositories } from '../../src/storage/index.js';
import { migrate, MIGRATIONS } from '../../src/storage/migrations/index.js';
import { deploymentInput, T0, template, USERS } from '../core/fixtures.js';
import { seedPastDeployments } from '../support/past-deployments.js';
import { auditorVerifies, type ChainRow } from '../support/audit-chain.js';
import { useTempDatabases } from './helpers.js';

const temp = useTempDatabases();

interface Row extends ChainRow {
  deployment_id: number;
}

const rowsOf = (db: Database.Database) =>
  db
    .prepare<[], Row>(
      `SELECT 'DEP-' || deployment_id AS deployment, deployment_id, seq, type, actor, at, data, prev_hash, hash,
         (SELECT plan FROM plans WHERE sha256 = data ->> '$.planSha256') AS plan FROM events ORDER BY deployment_id, seq`,
    )
    .all();

async function check(file: string) {
  let out = '';
  const code = await main(['db', 'check', file], {
    out: { write: (s: string) => (out += s) },
    err: { write: (s: string) => (out += s) },
    env: {},
  });
  return { code, out };
}

/** Writes to the file as someone with access to it would: the append-only triggers dropped first. */
function tamper(file: string, sql: string) {
  const db = new Database(file);
  db.exec(
    'DROP TRIGGER IF EXISTS events_are_append_only_update; DROP TRIGGER IF EXISTS events_are_append_only_delete;',
  );
  db.exec(sql);
  db.close();
}

function seeded() {
  const file = temp.file();
  const db = openDatabase(file);
  seedPastDeployments(createRepositories(db), 3, { from: T0 });
  db.close();
  return file;
}

describe('the event chain', () => {
  it('every event written carries the hash of the previous one of its deployment and of its own content', () => {
    const repos = temp.repos();
    seedPastDeployments(repos, 4, { from: T0 });
    const rows = rowsOf(repos.db);
    expect(rows.length).toBeGreaterThan(8);
    expect(rows.filter((r) => r.seq === 1).every((r) => r.prev_hash === '0'.repeat(64))).toBe(true);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);
    expect(auditorVerifies(rows)).toBe(true);
  });

  it('the migration chains the events a database already holds, and keeps events append-only', () => {
    const file = temp.file();
    temp.open(file).close();
    const db = new Database(file);
    db.exec(`DROP TRIGGER events_are_append_only_update; DROP TRIGGER events_are_append_only_delete;`);
    db.exec('DROP TABLE events');
    db.pragma('user_version = 0');
    db.exec(
      'DROP TABLE drawn; DROP TABLE listing; DROP TABLE deployments; DROP TABLE messages; DROP TABLE submissions; DROP TABLE jobs; DROP TABLE locks; DROP TABLE audit; DROP TABLE api_idempotency; DROP TABLE freezes; DROP TABLE plans;',
    );
    migrate(db, MIGRATIONS.slice(0, 4));
    // Written the way schema 4 stored them: no chain columns.
    db.prepare(`INSERT INTO deployments (ref, service, environment, version, status, channel_id, window_start, window_end, revision, state, created_at, updated_at)
      VALUES ('DEP-1', 'web', 'production', '1', 'scheduled', 'C1', 0, 0, 2, '{}', 0, 0), ('DEP-2', 'web', 'production', '1', 'scheduled', 'C1', 0, 0, 1, '{}', 0, 0)`).run();
    const insert = db.prepare(
      'INSERT INTO events (deployment_id, seq, type, actor, at, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    insert.run(1, 1, 'created', USERS.deployer, T0, '{"input":{"service":"wéb \\u2028"}}');
    insert.run(1, 2, 'approved', USERS.dev, T0 + 1, '{"role":"dev_lead"}');
    insert.run(2, 1, 'created', USERS.deployer, T0 + 2, '{}');
    expect(migrate(db)).toBe(MIGRATIONS.length);
    const rows = rowsOf(db);
    expect(rows.map((r) => [r.deployment_id, r.seq])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    expect(rows[2]!.prev_hash).toBe('0'.repeat(64));
    expect(auditorVerifies(rows)).toBe(true);
    expect(() => db.exec("UPDATE events SET actor = 'x'")).toThrow(/append-only/);
    // New events chain on from what the migration wrote.
    createRepositories(db).deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0);
    expect(auditorVerifies(rowsOf(db))).toBe(true);
    db.close();
  });
});

describe('liftoff db check names where the chain breaks', () => {
  it('an event changed with its hash recomputed breaks the link from the next event', async () => {
    const file = seeded();
    const db = new Database(file);
    const row = db
      .prepare<[], Row>(
        "SELECT 'DEP-2' AS deployment, deployment_id, seq, type, actor, at, data, prev_hash, hash FROM events WHERE deployment_id = 2 AND seq = 2",
      )
      .get()!;
    const hash = eventHash({
      deployment: 'DEP-2',
      seq: 2,
      type: row.type,
      actor: 'UMALLORY',
      at: row.at,
      data: row.data,
      prevHash: row.prev_hash,
    });
    db.close();
    tamper(file, `UPDATE events SET actor = 'UMALLORY', hash = '${hash}' WHERE deployment_id = 2 AND seq = 2`);
    const { code, out } = await check(file);
    expect(code).toBe(1);
    expect(out).toMatch(
      /^DEP-2: chain breaks at event 3: it does not follow event 2 \(its prev_hash is not that event's hash\)/m,
    );
  });

  it('passes an untouched database', async () => {
    expect(await check(seeded())).toEqual({ code: 0, out: '3 deployment(s) checked, 0 mismatch(es).\n' });
  });

  it.each([
    [
      'an event changed',
      "UPDATE events SET actor = 'UMALLORY' WHERE deployment_id = 2 AND seq = 2",
      /^DEP-2: chain breaks at event 2: changed after it was written/m,
    ],
    [
      'an event removed from the middle',
      'DELETE FROM events WHERE deployment_id = 1 AND seq = 2',
      /^DEP-1: chain breaks at event 2: missing \(the next one stored is event 3\)/m,
    ],
    [
      'an event moved to another deployment',
      'UPDATE events SET deployment_id = 3, seq = 9 WHERE deployment_id = 1 AND seq = 3',
      /^DEP-1: snapshot is at revision 3, events at 2\n(.*\n)*DEP-3: chain breaks at event 3: missing \(the next one stored is event 9\)/m,
    ],
    [
      'a whole deployment removed',
      'DELETE FROM events WHERE deployment_id = 2; DELETE FROM listing WHERE deployment_id = 2; DELETE FROM deployments WHERE id = 2',
      /^DEP-2: missing \(removed with all its events\)/m,
    ],
  ])('%s', async (_name, sql, problem) => {
    const file = seeded();
    tamper(file, sql);
    const { code, out } = await check(file);
    expect(code).toBe(1);
    expect(out).toMatch(problem);
  });
});
