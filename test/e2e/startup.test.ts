import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketModeReceiver } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { readRuntimeConfig } from '../../src/config/env.js';
import { buildSlackApp } from '../../src/slack/app.js';
import { createLogger } from '../../src/support/logger.js';
import { startHarness, type Harness } from '../support/harness.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs `src/main.ts` as `npm start` does, with exactly the given environment. */
function runMain(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 120_000, // a ceiling: a loaded machine can take many seconds to start node with tsx
  });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('configuration mistakes stop the start with one clear message', () => {
  it.each([
    [{}, /SLACK_BOT_TOKEN is not set.*OAuth & Permissions/s],
    [
      { SLACK_BOT_TOKEN: 'not-a-token', SLACK_SIGNING_SECRET: 'abc123abc123abc123' },
      /SLACK_BOT_TOKEN does not look like a bot token/,
    ],
    [{ SLACK_BOT_TOKEN: 'xoxb-1-2' }, /SLACK_SIGNING_SECRET is not set.*Signing Secret/s],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_APP_TOKEN: 'xoxp-wrong' },
      /SLACK_APP_TOKEN does not look like an app-level token/,
    ],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 'abc123abc123abc123', PORT: 'eighty' },
      /PORT must be a whole number/,
    ],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 'abc123abc123abc123', SLACK_API_URL: 'ftp://x' },
      /SLACK_API_URL must be an http\(s\) URL/,
    ],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_SIGNING_SECRET: 'abc123abc123abc123', METRICS_PORT: '90000' },
      /METRICS_PORT must be a whole number from 0 to 65535/,
    ],
    [
      {
        SLACK_BOT_TOKEN: 'xoxb-1-2',
        SLACK_SIGNING_SECRET: 'abc123abc123abc123',
        LIFTOFF_CONFIG: '/nonexistent/liftoff.yml',
      },
      /LIFTOFF_CONFIG names .* which does not exist/,
    ],
  ])('%j', (env, message) => {
    const { code, stderr } = runMain(env as Record<string, string>);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(stderr).not.toContain('abc123abc123abc123'); // secrets are never echoed
  });
});

describe('running', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('answers GET /healthz with 200 while the database is usable, and creates the database file', async () => {
    h = await startHarness();
    const res = await fetch(`http://127.0.0.1:${h.liftoff.port}/healthz`);
    expect(res.status).toBe(200);
    expect(h.query('SELECT COUNT(*) AS n FROM deployments')).toEqual([{ n: 0 }]);
  });

  it('refuses unsigned requests with 401', async () => {
    h = await startHarness();
    const res = await h.slack.raw('command=%2Fdeploy&text=help', {
      contentType: 'application/x-www-form-urlencoded',
      signature: 'v0=deadbeef',
    });
    expect(res.status).toBe(401);
  });

  it('builds the Socket Mode receiver when SLACK_APP_TOKEN is set (without connecting)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftoff-socket-'));
    try {
      const config = readRuntimeConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2', SLACK_APP_TOKEN: 'xapp-1-A1-2', PORT: '0' }, dir);
      expect(config.mode).toBe('socket');
      expect(config.signingSecret).toBeNull();
      const parts = buildSlackApp(config, createLogger({ write: () => undefined }), {
        live: async () => ({ ok: true, problems: [] }),
        ready: async () => ({ ok: true, problems: [] }),
      });
      expect(parts.receiver).toBeInstanceOf(SocketModeReceiver);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('App Home', () => {
  it('lists the active deployments when a user opens the Home tab', async () => {
    const { startDeployment } = await import('../support/flows.js');
    const h = await startHarness();
    try {
      await startDeployment(h);
      await h.slack.event({ type: 'app_home_opened', user: 'UQALEAD', tab: 'home', channel: 'D123' });
      await h.settled();
      const published = h.fake.callsTo('views.publish');
      expect(published).toHaveLength(1);
      expect(JSON.stringify(published[0]!.args)).toContain('DEP-1');
    } finally {
      await h.stop();
    }
  });
});
