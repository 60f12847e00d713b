import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRuntimeConfig } from '../../src/config/env.js';
import { ConfigError } from '../../src/config/errors.js';

const BOT = 'xoxb-1234-5678-abcdefSECRETbot';
const APP = 'xapp-1-A111-222-SECRETapp';
const SIGNING = 'a1b2c3d4e5f6SECRETsigning0987654';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'liftoff-env-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const http = (over: Record<string, string | undefined> = {}) => ({
  SLACK_BOT_TOKEN: BOT,
  SLACK_SIGNING_SECRET: SIGNING,
  ...over,
});

function problem(env: Record<string, string | undefined>): string {
  try {
    readRuntimeConfig(env, cwd);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('readRuntimeConfig', () => {
  it('reads an HTTP-mode setup with its defaults', () => {
    expect(readRuntimeConfig(http(), cwd)).toEqual({
      mode: 'http',
      botToken: BOT,
      appToken: null,
      signingSecret: SIGNING,
      port: 3000,
      metricsPort: null,
      apiUrl: null,
      dbFile: join(cwd, 'data', 'liftoff.db'),
      configFile: null,
      logLevel: 'info',
      slackTimeoutMs: 10_000,
      minFreeMb: 16,
      slackPostIntervalMs: 1100,
      slackTierMinuteMs: 60_000,
    });
  });

  it('refuses a missing bot token, saying where to find it', () => {
    const message = problem(http({ SLACK_BOT_TOKEN: undefined }));
    expect(message).toMatch(/^Liftoff cannot start: SLACK_BOT_TOKEN is not set\. /);
    expect(message).toContain('OAuth & Permissions');
    expect(problem(http({ SLACK_BOT_TOKEN: '   ' }))).toContain('SLACK_BOT_TOKEN is not set');
  });

  it('refuses a bot token of the wrong kind without echoing it', () => {
    for (const wrong of [APP, 'xoxp-1234-SECRETuser', 'xoxb-has spaces SECRET']) {
      const message = problem(http({ SLACK_BOT_TOKEN: wrong }));
      expect(message).toContain('SLACK_BOT_TOKEN does not look like a bot token');
      expect(message).not.toContain('SECRET');
    }
  });

  it('trims whitespace around values', () => {
    expect(readRuntimeConfig(http({ SLACK_BOT_TOKEN: `  ${BOT}\n` }), cwd).botToken).toBe(BOT);
  });

  it('needs the signing secret in HTTP mode', () => {
    const message = problem(http({ SLACK_SIGNING_SECRET: undefined }));
    expect(message).toContain('SLACK_SIGNING_SECRET is not set');
    expect(message).toContain('Set SLACK_APP_TOKEN instead to use Socket Mode');
  });

  it('switches to Socket Mode when SLACK_APP_TOKEN is set, and then needs no signing secret', () => {
    const config = readRuntimeConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP }, cwd);
    expect(config).toMatchObject({ mode: 'socket', appToken: APP, signingSecret: null });
  });

  it('still checks a signing secret given in Socket Mode', () => {
    const message = problem({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, SLACK_SIGNING_SECRET: 'short-SECRET!' });
    expect(message).toContain('SLACK_SIGNING_SECRET contains characters other than letters and digits');
    expect(message).not.toContain('SECRET!');
  });

  it('says what is wrong with a signing secret: its length, or its characters', () => {
    expect(problem(http({ SLACK_SIGNING_SECRET: 'abc123SECRET' }))).toContain(
      "SLACK_SIGNING_SECRET is 12 characters long; Slack's signing secrets are 32",
    );
    const quoted = problem(http({ SLACK_SIGNING_SECRET: '"0123456789abcdef0123456789abcdef"' }));
    expect(quoted).toContain('SLACK_SIGNING_SECRET contains characters other than letters and digits');
    expect(quoted).not.toContain('0123456789abcdef');
  });

  it('refuses an app token of the wrong kind without echoing it', () => {
    const message = problem(http({ SLACK_APP_TOKEN: 'xoxb-1-SECRETnotapp' }));
    expect(message).toContain('SLACK_APP_TOKEN does not look like an app-level token');
    expect(message).not.toContain('SECRETnotapp');
  });

  it('refuses a port that is not a whole number from 0 to 65535', () => {
    for (const bad of ['http', '-1', '65536', '80.5', '1e3', '0x50']) {
      expect(problem(http({ PORT: bad })), bad).toContain('PORT must be a whole number from 0 to 65535');
    }
    expect(readRuntimeConfig(http({ PORT: '8080' }), cwd).port).toBe(8080);
    expect(readRuntimeConfig(http({ PORT: '0' }), cwd).port).toBe(0);
  });

  it('reads SLACK_API_URL as an http(s) base ending in "/"', () => {
    expect(readRuntimeConfig(http({ SLACK_API_URL: 'http://localhost:4000/api' }), cwd).apiUrl).toBe(
      'http://localhost:4000/api/',
    );
    expect(readRuntimeConfig(http({ SLACK_API_URL: 'https://slack.com/api/' }), cwd).apiUrl).toBe(
      'https://slack.com/api/',
    );
    for (const bad of ['slack.com/api', 'ftp://slack.com/api', 'javascript:alert(1)']) {
      expect(problem(http({ SLACK_API_URL: bad })), bad).toContain('SLACK_API_URL must be an http(s) URL');
    }
  });

  it('puts the database under data/ by default, or where LIFTOFF_DB says, relative to the working folder', () => {
    expect(readRuntimeConfig(http(), cwd).dbFile).toBe(join(cwd, 'data/liftoff.db'));
    expect(readRuntimeConfig(http({ LIFTOFF_DB: 'db/x.db' }), cwd).dbFile).toBe(join(cwd, 'db/x.db'));
    expect(readRuntimeConfig(http({ LIFTOFF_DB: '/srv/liftoff.db' }), cwd).dbFile).toBe('/srv/liftoff.db');
  });

  it('uses data/liftoff.yml when it exists, and refuses a LIFTOFF_CONFIG that does not', () => {
    mkdirSync(join(cwd, 'data'));
    writeFileSync(join(cwd, 'data/liftoff.yml'), 'x: 1\n');
    expect(readRuntimeConfig(http(), cwd).configFile).toBe(join(cwd, 'data/liftoff.yml'));
    expect(problem(http({ LIFTOFF_CONFIG: 'nope.yml' }))).toContain(
      `LIFTOFF_CONFIG names ${join(cwd, 'nope.yml')}, which does not exist.`,
    );
  });

  it('reads LOG_LEVEL in any case and refuses unknown levels', () => {
    expect(readRuntimeConfig(http({ LOG_LEVEL: 'DEBUG' }), cwd).logLevel).toBe('debug');
    expect(problem(http({ LOG_LEVEL: 'loud' }))).toContain('LOG_LEVEL must be debug, info, warn or error.');
  });

  it('reports every problem at once, one per line, and echoes no secret', () => {
    const message = problem({
      SLACK_BOT_TOKEN: 'xoxp-SECRET-1',
      PORT: 'eighty',
      SLACK_API_URL: 'nope',
      LOG_LEVEL: 'loud',
    });
    const lines = message.split('\n');
    expect(lines[0]).toBe('Liftoff cannot start:');
    expect(lines.slice(1).map((l) => l.split(/ (does|must|is)/)[0])).toEqual([
      '- SLACK_BOT_TOKEN',
      '- SLACK_SIGNING_SECRET',
      '- PORT',
      '- SLACK_API_URL',
      '- LOG_LEVEL',
    ]);
    expect(message).not.toMatch(/SECRET-\d/);
  });
});
