import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { openDatabase } from '../../src/storage/db.js';
import { migrate, MIGRATIONS } from '../../src/storage/migrations/index.js';
import { createdEvent } from '../../src/core/deployment/create.js';
import { createRepositories } from '../../src/storage/index.js';
import { deploymentInput, KEYS, T0, template, USERS } from '../core/fixtures.js';
import { m015Plans } from '../../src/storage/migrations/015-plans.js';
import { withPlansInline } from '../support/stored.js';
import { useTempDatabases } from './helpers.js';

const temp = useTempDatabases();

describe('opening the database', () => {
  it('creates the file and its folder, and applies every migration', () => {
    const file = temp.file();
    const db = temp.open(file);
    expect(existsSync(file)).toBe(true);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  });

  it('creates only STRICT tables', () => {
    const db = temp.open();
    const tables = db
      .prepare<[], { name: string; strict: number }>(
        "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all();
    expect(tables.map((t) => t.name)).toEqual([
      'api_idempotency',
      'audit',
      'deployments',
      'drawn',
      'events',
      'freezes',
      'jobs',
      'listing',
      'locks',
      'messages',
      'plans',
      'submissions',
    ]);
    expect(tables.every((t) => t.strict === 1)).toBe(true);
  });

  it('turns on WAL, foreign keys and full sync', () => {
    const db = temp.open();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('enforces foreign keys: an event for a deployment that does not exist is refused', () => {
    const db = temp.open();
    expect(() =>
      db
        .prepare(
          "INSERT INTO events (deployment_id, seq, type, actor, at, data) VALUES (99, 1, 'created', 'U1', 0, '{}')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });

  it('re-opening a migrated database changes nothing', () => {
    const file = temp.file();
    const db = temp.open(file);
    const schema = () => db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').all();
    const before = schema();
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(schema()).toEqual(before);
    db.close();
    const again = temp.open(file);
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  });

  it('refuses a database written by a newer Liftoff, with a ConfigError that says what to do', () => {
    const file = temp.file();
    temp.open(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    let error: unknown;
    try {
      openDatabase(file).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(
      `schema ${MIGRATIONS.length + 1}; this one knows up to ${MIGRATIONS.length}`,
    );
    expect((error as Error).message).toContain('restore a backup');
  });

  it('applies pending migrations in one transaction: a failing one leaves the version and schema as they were', () => {
    const db = new Database(':memory:');
    const broken = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'broken',
        up: 'CREATE TABLE later (x INTEGER) STRICT; SELECT * FROM nowhere;',
      },
    ];
    expect(() => migrate(db, broken)).toThrow(/nowhere/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all()).toEqual([]);
    db.close();
  });

  it('refuses a list of migrations whose versions are not 1, 2, 3…', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'skipped', up: '' }])).toThrow(
      'migration skipped has version 2, expected 1',
    );
    db.close();
  });
});

describe('the events table', () => {
  it('refuses UPDATE and DELETE: the audit trail is append-only', () => {
    const db = temp.open();
    db.prepare(
      "INSERT INTO deployments (ref, service, environment, version, status, channel_id, window_start, window_end, revision, state, created_at, updated_at) VALUES ('DEP-1', 's', 'e', 'v', 'scheduled', 'C1', 0, 0, 1, '{}', 0, 0)",
    ).run();
    db.prepare(
      "INSERT INTO events (deployment_id, seq, type, actor, at, data) VALUES (1, 1, 'created', 'U1', 0, '{}')",
    ).run();
    expect(() => db.prepare("UPDATE events SET actor = 'U2'").run()).toThrow('events are append-only');
    expect(() => db.prepare('DELETE FROM events').run()).toThrow('events are append-only');
    expect(db.prepare('SELECT actor FROM events').all()).toEqual([{ actor: 'U1' }]);
  });
});

describe('migration 013: snapshots without their frozen plan', () => {
  it('takes the plan out of every stored snapshot, the other keys as they were; reads and db check take it from the created event', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.slice(0, 12));
    db.exec(m015Plans.up);
    const repos = createRepositories(db);
    const d = repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0);
    const changed = repos.deployments.change(d.id, () => [{ type: 'item_confirmed', key: KEYS.tests }], USERS.dev, T0)!;
    withPlansInline(db);
    // What Liftoff wrote before 013: the whole state, the plan in its place among the keys.
    const old = JSON.stringify(changed.deployment);
    expect(old.indexOf('"plan":')).toBeGreaterThan(1);
    db.prepare('UPDATE deployments SET state = ? WHERE id = ?').run(old, d.id);

    expect(migrate(db)).toBe(MIGRATIONS.length);
    const { state } = db.prepare<[number], { state: string }>('SELECT state FROM deployments WHERE id = ?').get(d.id)!;
    expect(state).toBe(JSON.stringify({ ...changed.deployment, plan: undefined }));
    const fresh = createRepositories(db).deployments;
    expect(fresh.get(d.id)).toEqual(JSON.parse(old));
    expect(fresh.verify(d.id)).toEqual({ ok: true, ref: d.ref });
    db.close();
  });
});

describe('migration 015: frozen plans kept once, by their hash', () => {
  it('leaves the created events written before it as they were (their plan inline); new ones name theirs; both read and check', () => {
    const db = new Database(':memory:');
    migrate(db);
    const repos = createRepositories(db);
    const d = repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0);
    repos.deployments.change(d.id, () => [{ type: 'item_confirmed', key: KEYS.tests }], USERS.dev, T0);
    // As schema 14 held it: the plan inline in the created event, no plans table.
    withPlansInline(db);
    db.pragma('user_version = 14');
    const before = db.prepare('SELECT seq, data, prev_hash, hash FROM events ORDER BY seq').all();
    expect(JSON.parse((before[0] as { data: string }).data)).toHaveProperty('plan.id', template.id);

    expect(migrate(db)).toBe(15);
    expect(db.prepare('SELECT seq, data, prev_hash, hash FROM events ORDER BY seq').all()).toEqual(before);
    const fresh = createRepositories(db).deployments;
    expect(fresh.get(d.id)!.plan).toEqual(JSON.parse(JSON.stringify(d.plan)));
    expect(fresh.verify(d.id)).toEqual({ ok: true, ref: d.ref });
    const next = fresh.create(createdEvent(deploymentInput({ service: 'api' }), template), USERS.deployer, T0);
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM plans').get()!.n).toBe(1);
    expect(createRepositories(db).deployments.get(next.id)!.plan).toEqual(fresh.get(d.id)!.plan);
    expect(fresh.verify(next.id)).toEqual({ ok: true, ref: next.ref });
    db.close();
  });
});
