import { describe, expect, it } from 'vitest';
import { probeDisk, probeWrite } from '../../src/health/probes.js';
import { createSlackReadiness } from '../../src/slack/health.js';
import { takeLease } from '../../src/storage/lease.js';
import { useTempDatabases } from '../storage/helpers.js';
import Database from 'better-sqlite3';

const temp = useTempDatabases();

describe('the database probe is a real write', () => {
  it('is ok while the heartbeat can be committed', () => {
    const db = temp.open();
    const lease = takeLease(db);
    expect(probeWrite(() => lease.renew())).toEqual({ ok: true });
  });

  it('says the database is read-only when the write is refused', () => {
    const db = temp.open();
    const lease = takeLease(db);
    db.pragma('query_only = ON');
    expect(probeWrite(() => lease.renew())).toEqual({
      ok: false,
      problem: 'the database cannot be written: it is read-only',
    });
  });

  it('says another connection holds the write lock when it cannot get it within the busy timeout', () => {
    const file = temp.file();
    const db = temp.open(file);
    const lease = takeLease(db);
    db.pragma('busy_timeout = 50');
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      expect(probeWrite(() => lease.renew())).toEqual({
        ok: false,
        problem: 'the database cannot be written: another connection holds its write lock',
      });
    } finally {
      other.close();
    }
  });

  it('says another Liftoff took the database over once the lease is lost', () => {
    expect(probeWrite(() => false)).toEqual({ ok: false, problem: 'another Liftoff took this database over' });
  });
});

describe('the disk probe', () => {
  it('is ok with room to spare and says the disk is full below the floor', () => {
    const statfs = (free: number) => () => ({ bavail: free / 4096, bsize: 4096 });
    expect(probeDisk('/data/liftoff.db', 16 * 1_048_576, statfs(64 * 1_048_576))).toEqual({ ok: true });
    expect(probeDisk('/data/liftoff.db', 16 * 1_048_576, statfs(4096))).toEqual({
      ok: false,
      problem: 'the disk is full (0 MB free, at least 16 MB needed)',
    });
  });
});

describe("Slack's readiness", () => {
  const client = (answers: Array<'ok' | string>) =>
    ({
      auth: {
        test: async () => {
          const a = answers.shift() ?? 'ok';
          if (a === 'ok') return { ok: true };
          throw Object.assign(new Error('An API error occurred'), { data: { ok: false, error: a } });
        },
      },
    }) as never;

  it('asks auth.test again once the last answer is old, and says a refused token by its variable', async () => {
    let now = 0;
    const r = createSlackReadiness({
      client: client(['ok', 'token_revoked']),
      socket: null,
      now: () => now,
      recheckMs: 60_000,
    });
    expect(await r.check()).toEqual({ ok: true });
    now = 59_000;
    expect(await r.check()).toEqual({ ok: true });
    now = 60_000;
    expect(await r.check()).toEqual({ ok: false, problem: 'Slack refuses SLACK_BOT_TOKEN (token_revoked)' });
  });

  it('in Socket Mode, needs the socket connected', async () => {
    let connected = false;
    const r = createSlackReadiness({ client: client(['ok']), socket: () => connected });
    expect(await r.check()).toEqual({ ok: false, problem: 'the Socket Mode connection is not open' });
    connected = true;
    expect(await r.check()).toEqual({ ok: true });
  });
});
