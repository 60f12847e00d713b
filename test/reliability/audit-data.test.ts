import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main as cli } from '../../src/cli/main.js';
import { startLiftoff } from '../../src/liftoff.js';
import { openDatabase } from '../../src/storage/db.js';
import { MIGRATIONS } from '../../src/storage/migrations/index.js';
import { ActionId } from '../../src/slack/ids.js';
import { CHANNELS, PEOPLE, SIGNING_SECRET, TOKEN, startHarness, type Harness } from '../support/harness.js';
import { approvedDeployment, clickOf, eventsOf, plainPreItems, reader, report, stateOf } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ env: { LOG_LEVEL: 'warn' } });
});
afterEach(async () => {
  await h.stop();
});
const figures = { tamperAttempts: 0, tamperBlocked: 0, tamperedSnapshotsDetected: 0, backupEventsChecked: 0 };
afterAll(() => report('audit-data', figures));

function capture() {
  let out = '';
  let err = '';
  return { io: { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) }, env: { LIFTOFF_DB: h.dbFile } }, text: () => out + err };
}

describe('the audit trail cannot be rewritten', () => {
  it('UPDATE and DELETE on events are refused by the database, even while Liftoff runs', async () => {
    const { id } = await approvedDeployment(h);
    const db = new Database(h.dbFile);
    try {
      const before = eventsOf(h, id);
      for (const sql of [
        "UPDATE events SET actor = 'UEVIL' WHERE deployment_id = ?",
        "UPDATE events SET data = '{}' WHERE deployment_id = ?",
        'DELETE FROM events WHERE deployment_id = ?',
      ]) {
        figures.tamperAttempts++;
        expect(() => db.prepare(sql).run(id)).toThrow(/append-only/);
        figures.tamperBlocked++;
      }
      expect(eventsOf(h, id)).toEqual(before);
    } finally {
      db.close();
    }
  });

  it.each([
    ['the snapshot says completed', "UPDATE deployments SET state = json_set(state, '$.status', 'completed') WHERE id = ?", /DEP-\d+: snapshot differs/],
    ['an approval removed from the snapshot', "UPDATE deployments SET state = json_remove(state, '$.approvals.dev_lead') WHERE id = ?", /DEP-\d+: snapshot differs/],
    ['the status column changed', "UPDATE deployments SET status = 'completed' WHERE id = ?", /DEP-\d+: columns differ from the snapshot: status/],
    ['a revision rolled back', "UPDATE deployments SET state = json_set(state, '$.revision', 1) WHERE id = ?", /DEP-\d+: snapshot is at revision 1/],
  ])('liftoff db check exits 1 when %s', async (_name, sql, problem) => {
    const { id } = await approvedDeployment(h);
    const ok = capture();
    expect(await cli(['db', 'check', h.dbFile], ok.io)).toBe(0);
    const db = new Database(h.dbFile);
    db.prepare(sql).run(id);
    db.close();
    const bad = capture();
    expect(await cli(['db', 'check', h.dbFile], bad.io)).toBe(1);
    expect(bad.text()).toMatch(problem);
    expect(bad.text()).toMatch(/1 mismatch/);
    figures.tamperedSnapshotsDetected++;
  });
});

describe('data safety', () => {
  it('the database runs in WAL mode with a busy timeout and synchronous FULL', () => {
    expect(reader(h.dbFile).query<{ journal_mode: string }>('PRAGMA journal_mode')[0]!.journal_mode).toBe('wal');
    const db = openDatabase(join(h.dir, 'other.db'));
    try {
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      db.close();
    }
  });

  it('refuses to start on a database written by a newer Liftoff, and leaves it untouched', async () => {
    const file = join(h.dir, 'newer.db');
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    const env = { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: h.fake.url, PORT: '0', LIFTOFF_DB: file };
    await expect(startLiftoff({ env, cwd: h.dir, writeLog: () => undefined })).rejects.toThrow(/written by a newer Liftoff/);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    expect(after.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    after.close();
  });

  it('liftoff db backup while clicks are being stored writes a consistent copy that db check passes and that restores', async () => {
    const { id } = await approvedDeployment(h);
    const items = plainPreItems(stateOf(h, id));
    const target = join(h.dir, 'backup.db');
    const { io } = capture();
    // Clicks and the backup at the same time.
    const clicks = Promise.all(items.flatMap((p) => [clickOf(h, PEOPLE.deployer, ActionId.confirmItem, { d: id, k: p.key }), clickOf(h, PEOPLE.stranger, ActionId.confirmItem, { d: id, k: p.key })]));
    const code = await cli(['db', 'backup', target], io);
    await clicks;
    await h.settled();
    expect(code).toBe(0);
    expect(existsSync(target)).toBe(true);
    const quiet = capture();
    expect(await cli(['db', 'check', target], quiet.io)).toBe(0);
    const copied = reader(target).query<{ n: number }>('SELECT COUNT(*) AS n FROM events')[0]!.n;
    expect(copied).toBeGreaterThan(0);
    expect(copied).toBeLessThanOrEqual(eventsOf(h).length);
    figures.backupEventsChecked += copied;

    // Restore as README says: stop, copy the backup over the database (removing -wal/-shm), start.
    await h.liftoff.stop();
    for (const suffix of ['-wal', '-shm']) rmSync(h.dbFile + suffix, { force: true });
    copyFileSync(target, h.dbFile);
    await h.restart();
    expect(h.query<{ n: number }>('SELECT COUNT(*) AS n FROM events')[0]!.n).toBe(copied);
    expect((await h.slack.command(`status DEP-${id}`, { user: PEOPLE.deployer, channel: CHANNELS.deploys })).status).toBe(200);
    const check = capture();
    expect(await cli(['db', 'check', h.dbFile], check.io)).toBe(0);
  });
});
