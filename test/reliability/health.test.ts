/**
 * Health tells the truth: /healthz is a real write and a look at the disk;
 * /readyz also needs Slack to accept the token. A token Slack refuses stops
 * the start, naming SLACK_BOT_TOKEN.
 */
import type { SocketModeReceiver } from '@slack/bolt';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startLiftoff } from '../../src/liftoff.js';
import { readRuntimeConfig } from '../../src/config/env.js';
import { buildSlackApp } from '../../src/slack/app.js';
import { createLogger } from '../../src/support/logger.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const get = async (path: string) => {
  const res = await fetch(`http://127.0.0.1:${h!.liftoff.port}${path}`);
  return { status: res.status, body: (await res.json()) as { ok: boolean; problems: string[] } };
};

describe('/healthz and /readyz', () => {
  it('both answer 200 while the database can be written and Slack accepts the token', async () => {
    h = await startHarness();
    expect(await get('/healthz')).toEqual({ status: 200, body: { ok: true, problems: [] } });
    expect(await get('/readyz')).toEqual({ status: 200, body: { ok: true, problems: [] } });
  });

  it('a full disk: /healthz and /readyz answer 503 and say so', async () => {
    h = await startHarness({ env: { LIFTOFF_MIN_FREE_MB: '1000000' } });
    const health = await get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body.problems).toEqual([
      expect.stringMatching(/^the disk is full \(\d+ MB free, at least 1000000 MB needed\)$/),
    ]);
    expect((await get('/readyz')).status).toBe(503);
  });

  it('a database that cannot be written (another connection holds its write lock): 503, then 200 once it is free', async () => {
    h = await startHarness();
    const other = new Database(h.dbFile);
    try {
      other.exec('BEGIN IMMEDIATE');
      expect(await get('/healthz')).toEqual({
        status: 503,
        body: { ok: false, problems: ['the database cannot be written: another connection holds its write lock'] },
      });
      other.exec('ROLLBACK');
      expect((await get('/healthz')).status).toBe(200);
    } finally {
      other.close();
    }
  });

  it('a token Slack revokes while running: /readyz answers 503 once auth.test is asked again, /healthz stays 200', async () => {
    h = await startHarness();
    expect((await get('/readyz')).status).toBe(200);
    h.fake.fail('auth.test', { error: 'token_revoked' }, 5);
    h.clock.advance(61_000);
    expect(await get('/readyz')).toEqual({
      status: 503,
      body: { ok: false, problems: ['Slack refuses SLACK_BOT_TOKEN (token_revoked)'] },
    });
    expect((await get('/healthz')).status).toBe(200);
  });
});

describe('a token Slack refuses at start', () => {
  it('stops the start with a message naming SLACK_BOT_TOKEN and where to get it', async () => {
    const fake = await startFakeSlack({ token: 'xoxb-the-right-one' });
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/liftoff-token-`);
    try {
      const start = startLiftoff({
        env: {
          SLACK_BOT_TOKEN: 'xoxb-revoked-one',
          SLACK_SIGNING_SECRET: 'e2etestsigningsecret0123456789ab',
          SLACK_API_URL: fake.url,
          PORT: '0',
          LIFTOFF_DB: `${dir}/liftoff.db`,
        },
        writeLog: () => undefined,
        autoTick: false,
      });
      await expect(start).rejects.toThrow(
        /^Liftoff cannot start: Slack refused SLACK_BOT_TOKEN \(invalid_auth\)\. It is the Bot User OAuth Token .*OAuth & Permissions/,
      );
      // Nothing was posted, and the database is free for the next start.
      expect(fake.calls.map((c) => c.method)).toEqual(['auth.test']);
      const db = new Database(`${dir}/liftoff.db`, { readonly: true });
      expect(db.prepare('SELECT COUNT(*) AS n FROM process_lease').get()).toEqual({ n: 0 });
      db.close();
    } finally {
      await fake.stop();
      (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Socket Mode', () => {
  it('opens its connection (apps.connections.open) through SLACK_API_URL', async () => {
    const fake = await startFakeSlack();
    try {
      const config = readRuntimeConfig({
        SLACK_BOT_TOKEN: 'xoxb-1-2',
        SLACK_APP_TOKEN: 'xapp-1-A1-2',
        SLACK_API_URL: fake.url,
        PORT: '0',
        LIFTOFF_DB: ':memory:',
      });
      const parts = buildSlackApp(config, createLogger({ write: () => undefined }), {
        live: async () => ({ ok: true, problems: [] }),
        ready: async () => ({ ok: true, problems: [] }),
      });
      const receiver = parts.receiver as SocketModeReceiver;
      void receiver.start().catch(() => undefined);
      const call = await fake.waitFor(() => fake.callsTo('apps.connections.open')[0], 5000);
      await receiver.stop().catch(() => undefined);
      expect(call.method).toBe('apps.connections.open');
    } finally {
      await fake.stop();
    }
  });
});
