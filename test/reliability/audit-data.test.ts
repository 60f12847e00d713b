import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
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
const figures = {
  tamperAttempts: 0,
  tamperBlocked: 0,
  tamperedSnapshotsDetected: 0,
  backupEventsChecked: 0,
  refusedOpensUnchanged: 0,
};
afterAll(() => report('audit-data', figures));

function capture() {
  let out = '';
  let err = '';
  return {
    io: {
      out: { write: (s: string) => (out += s) },
      err: { write: (s: string) => (err += s) },
      env: { LIFTOFF_DB: h.dbFile },
    },
    text: () => out + err,
  };
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
    [
      'the snapshot says completed',
      "UPDATE deployments SET state = json_set(state, '$.status', 'completed') WHERE id = ?",
      /DEP-\d+: snapshot differs/,
    ],
    [
      'an approval removed from the snapshot',
      "UPDATE deployments SET state = json_remove(state, '$.approvals.dev_lead') WHERE id = ?",
      /DEP-\d+: snapshot differs/,
    ],
    [
      'the status column changed',
      "UPDATE deployments SET status = 'completed' WHERE id = ?",
      /DEP-\d+: columns differ from the snapshot: status/,
    ],
    [
      'a revision rolled back',
      "UPDATE deployments SET state = json_set(state, '$.revision', 1) WHERE id = ?",
      /DEP-\d+: snapshot is at revision 1/,
    ],
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

  /** A database file at schema `version` (rollback journal, as an older SQLite tool or Liftoff leaves it), with one table of data. */
  function databaseAt(name: string, version: number) {
    const file = join(h.dir, name);
    const db = new Database(file);
    db.exec("CREATE TABLE from_elsewhere (x TEXT); INSERT INTO from_elsewhere VALUES ('kept')");
    db.pragma(`user_version = ${version}`);
    db.close();
    return file;
  }
  /** The file's bytes are the same as before and no WAL or shared-memory file appeared. */
  function expectUnchanged(file: string, bytes: Buffer) {
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(existsSync(`${file}-shm`)).toBe(false);
    figures.refusedOpensUnchanged++;
  }

  it('refuses to start on a database written by a newer Liftoff, and leaves it untouched (same bytes, no WAL switch)', async () => {
    const file = databaseAt('newer.db', MIGRATIONS.length + 1);
    const bytes = readFileSync(file);
    const env = {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: h.fake.url,
      PORT: '0',
      LIFTOFF_DB: file,
    };
    await expect(startLiftoff({ env, cwd: h.dir, writeLog: () => undefined })).rejects.toThrow(
      /written by a newer Liftoff/,
    );
    expectUnchanged(file, bytes);
    expect(() => openDatabase(file)).toThrow(/written by a newer Liftoff \(schema \d+; this one knows up to \d+\)/);
    expectUnchanged(file, bytes);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(after.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    after.close();
  });

  it.each([
    ['newer', MIGRATIONS.length + 1, /written by a newer Liftoff/],
    ['older', 1, /has schema 1; this Liftoff expects \d+\. It is not changed here/],
  ])(
    'liftoff db check on a %s schema refuses with what to do, and does not migrate or touch the file',
    async (_name, version, message) => {
      const file = databaseAt(`check-${version}.db`, version);
      const bytes = readFileSync(file);
      const out = capture();
      expect(await cli(['db', 'check', file], out.io)).toBe(1);
      expect(out.text()).toMatch(message);
      expectUnchanged(file, bytes);
    },
  );

  it.each([
    ['newer', MIGRATIONS.length + 1],
    ['older', 1],
  ])(
    'liftoff db backup of a %s schema copies it as it is, read-only, leaving the source untouched',
    async (_name, version) => {
      const file = databaseAt(`backup-${version}.db`, version);
      const bytes = readFileSync(file);
      const target = join(h.dir, `copy-${version}.db`);
      const out = capture();
      out.io.env.LIFTOFF_DB = file;
      expect(await cli(['db', 'backup', target], out.io)).toBe(0);
      expectUnchanged(file, bytes);
      const copy = reader(target);
      expect(copy.query('PRAGMA user_version')).toEqual([{ user_version: version }]);
      expect(copy.query('SELECT x FROM from_elsewhere')).toEqual([{ x: 'kept' }]);
    },
  );

  it('liftoff db backup while clicks are being stored writes a consistent copy that db check passes and that restores', async () => {
    const { id } = await approvedDeployment(h);
    const items = plainPreItems(stateOf(h, id));
    const target = join(h.dir, 'backup.db');
    const { io } = capture();
    // Clicks and the backup at the same time.
    const clicks = Promise.all(
      items.flatMap((p) => [
        clickOf(h, PEOPLE.deployer, ActionId.confirmItem, { d: id, k: p.key }),
        clickOf(h, PEOPLE.stranger, ActionId.confirmItem, { d: id, k: p.key }),
      ]),
    );
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
    expect(
      (await h.slack.command(`status DEP-${id}`, { user: PEOPLE.deployer, channel: CHANNELS.deploys })).status,
    ).toBe(200);
    const check = capture();
    expect(await cli(['db', 'check', h.dbFile], check.io)).toBe(0);
  });
});
