import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './errors.js';

export interface RuntimeConfig {
  mode: 'socket' | 'http';
  botToken: string;
  appToken: string | null;
  signingSecret: string | null;
  port: number;
  /** GET /metrics on its own port (METRICS_PORT), or null to serve it beside /healthz on PORT. */
  metricsPort: number | null;
  /** Web API base URL ending in "/", or null for Slack's default. */
  apiUrl: string | null;
  dbFile: string;
  /** The team configuration file, or null when there is none. */
  configFile: string | null;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** How long one Web API call may take before it is abandoned and retried (ms). */
  slackTimeoutMs: number;
  /** /healthz answers 503 when the database's disk has less free space than this (MB). */
  minFreeMb: number;
  /** Posts per channel: one every this many ms after a short burst (Slack: about one a second); 0 turns pacing off. */
  slackPostIntervalMs: number;
  /** How long a minute of Slack's per-method rate tiers lasts for Liftoff's pacing (60000; tests shorten it); 0 turns it off. */
  slackTierMinuteMs: number;
}

export const WHERE = {
  SLACK_BOT_TOKEN:
    'It is the Bot User OAuth Token (starts with "xoxb-"): https://api.slack.com/apps → your app → OAuth & Permissions.',
  SLACK_APP_TOKEN:
    'It is an app-level token (starts with "xapp-") with the connections:write scope: https://api.slack.com/apps → your app → Basic Information → App-Level Tokens. Leave it unset to run in HTTP mode.',
  SLACK_SIGNING_SECRET:
    'HTTP mode needs it to check that requests come from Slack: https://api.slack.com/apps → your app → Basic Information → App Credentials → Signing Secret. (Set SLACK_APP_TOKEN instead to use Socket Mode.)',
} as const;

type Env = Record<string, string | undefined>;

/**
 * Reads Liftoff's environment variables. Every problem is reported at once,
 * each naming the variable and where to get its value; secrets are never echoed.
 */
export function readRuntimeConfig(env: Env, cwd = process.cwd()): RuntimeConfig {
  const problems: string[] = [];
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : null;
  };

  const botToken = get('SLACK_BOT_TOKEN');
  if (!botToken) problems.push(`SLACK_BOT_TOKEN is not set. ${WHERE.SLACK_BOT_TOKEN}`);
  else if (!/^xoxb-[A-Za-z0-9-]+$/.test(botToken)) {
    problems.push(`SLACK_BOT_TOKEN does not look like a bot token. ${WHERE.SLACK_BOT_TOKEN}`);
  }

  const appToken = get('SLACK_APP_TOKEN');
  if (appToken && !/^xapp-[A-Za-z0-9-]+$/.test(appToken)) {
    problems.push(`SLACK_APP_TOKEN does not look like an app-level token. ${WHERE.SLACK_APP_TOKEN}`);
  }
  const mode = appToken ? 'socket' : 'http';

  const signingSecret = get('SLACK_SIGNING_SECRET');
  if (mode === 'http' && !signingSecret)
    problems.push(`SLACK_SIGNING_SECRET is not set. ${WHERE.SLACK_SIGNING_SECRET}`);
  else if (signingSecret) {
    const wrong = signingSecretProblem(signingSecret);
    if (wrong) problems.push(`SLACK_SIGNING_SECRET ${wrong}. ${WHERE.SLACK_SIGNING_SECRET}`);
  }

  const portText = get('PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535 (got "${portText.slice(0, 20)}").`);
  }

  const metricsText = get('METRICS_PORT');
  const metricsPort = metricsText === null ? null : Number(metricsText);
  if (metricsText !== null && (!/^\d+$/.test(metricsText) || metricsPort! < 0 || metricsPort! > 65535)) {
    problems.push(`METRICS_PORT must be a whole number from 0 to 65535, or unset (got "${metricsText.slice(0, 20)}").`);
  }

  let apiUrl = get('SLACK_API_URL');
  if (apiUrl) {
    try {
      const url = new URL(apiUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('protocol');
      apiUrl = url.toString().endsWith('/') ? url.toString() : `${url.toString()}/`;
    } catch {
      problems.push('SLACK_API_URL must be an http(s) URL, e.g. https://slack.com/api/ (or leave it unset).');
    }
  }

  const dbFile = resolve(cwd, get('LIFTOFF_DB') ?? 'data/liftoff.db');

  let configFile = get('LIFTOFF_CONFIG');
  if (configFile) {
    configFile = resolve(cwd, configFile);
    if (!existsSync(configFile)) problems.push(`LIFTOFF_CONFIG names ${configFile}, which does not exist.`);
  } else {
    const fallback = resolve(cwd, 'data/liftoff.yml');
    configFile = existsSync(fallback) ? fallback : null;
  }

  const logLevel = (get('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    problems.push('LOG_LEVEL must be debug, info, warn or error.');

  const timeoutText = get('LIFTOFF_SLACK_TIMEOUT_MS') ?? '10000';
  const slackTimeoutMs = Number(timeoutText);
  if (!/^\d+$/.test(timeoutText) || slackTimeoutMs < 100 || slackTimeoutMs > 120_000) {
    problems.push(
      `LIFTOFF_SLACK_TIMEOUT_MS must be a whole number of milliseconds from 100 to 120000 (got "${timeoutText.slice(0, 20)}").`,
    );
  }

  const minFreeText = get('LIFTOFF_MIN_FREE_MB') ?? '16';
  const minFreeMb = Number(minFreeText);
  if (!/^\d+$/.test(minFreeText) || minFreeMb > 1_000_000) {
    problems.push(`LIFTOFF_MIN_FREE_MB must be a whole number of megabytes (got "${minFreeText.slice(0, 20)}").`);
  }

  const paceText = get('LIFTOFF_SLACK_POST_INTERVAL_MS') ?? '1100';
  const slackPostIntervalMs = Number(paceText);
  if (!/^\d+$/.test(paceText) || slackPostIntervalMs > 10_000) {
    problems.push(
      `LIFTOFF_SLACK_POST_INTERVAL_MS must be a whole number of milliseconds from 0 to 10000 (got "${paceText.slice(0, 20)}").`,
    );
  }

  const minuteText = get('LIFTOFF_SLACK_TIER_MINUTE_MS') ?? '60000';
  const slackTierMinuteMs = Number(minuteText);
  if (!/^\d+$/.test(minuteText) || slackTierMinuteMs > 600_000) {
    problems.push(
      `LIFTOFF_SLACK_TIER_MINUTE_MS must be a whole number of milliseconds from 0 to 600000 (got "${minuteText.slice(0, 20)}").`,
    );
  }

  if (problems.length) {
    throw new ConfigError(
      problems.length === 1
        ? `Liftoff cannot start: ${problems[0]}`
        : `Liftoff cannot start:\n- ${problems.join('\n- ')}`,
    );
  }
  return {
    mode,
    botToken: botToken!,
    appToken,
    signingSecret,
    port,
    metricsPort,
    apiUrl,
    dbFile,
    configFile,
    logLevel: logLevel as RuntimeConfig['logLevel'],
    slackTimeoutMs,
    minFreeMb,
    slackPostIntervalMs,
    slackTierMinuteMs,
  };
}

/** What is wrong with a signing secret, in words that never repeat it (Slack's are 32 hexadecimal characters). */
function signingSecretProblem(secret: string): string | null {
  if (/[^A-Za-z0-9]/.test(secret))
    return 'contains characters other than letters and digits (a space, quote or line break copied with it?)';
  if (secret.length < 16 || secret.length > 128)
    return `is ${secret.length} characters long; Slack's signing secrets are 32`;
  return null;
}
