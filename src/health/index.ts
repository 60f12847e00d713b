import { WHERE, type RuntimeConfig } from '../config/env.js';
import { ConfigError } from '../config/errors.js';
import type { SlackAppParts } from '../slack/app.js';
import { createSlackReadiness, socketConnected, verifyToken, type SlackReadiness } from '../slack/health.js';
import { BUSY_TIMEOUT_MS, type Db } from '../storage/db.js';
import type { Durability } from '../storage/durability.js';
import { LEASE_MS, type Lease } from '../storage/lease.js';
import type { Logger } from '../support/logger.js';
import { combine, probeDisk, probeWrite, type Check } from './probes.js';
import type { HealthChecks } from './routes.js';

/** How long the probe's write may wait for another writer (it runs on the event loop). */
const PROBE_BUSY_MS = 1_000;

/**
 * Liveness and readiness, and the lease's heartbeat. The database probe is a
 * real write (the heartbeat), so a read-only file, a full disk or a lost
 * lease make /healthz 503; /readyz also needs Slack to accept the token.
 */
export function startHealth({
  config,
  db,
  durability,
  lease,
  logger,
  now,
}: {
  config: Pick<RuntimeConfig, 'dbFile' | 'minFreeMb'>;
  db: Db;
  /** The heartbeat is committed without its own sync and synced off the event loop. */
  durability: Pick<Durability, 'deferred' | 'durable'>;
  lease: Lease;
  logger: Logger;
  /** The clock that decides when auth.test is asked again. */
  now: () => number;
}) {
  const log = logger.child({ component: 'health' });
  let slack: SlackReadiness | null = null;
  let lastProblems = '';

  /**
   * The heartbeat, committed, and then synced to disk off the event loop (`durable()`): a probe
   * every few seconds made no request wait for the disk, however slow it is. A write refused (a
   * read-only file, a full disk) or a sync that fails is a problem.
   */
  const database = async (): Promise<Check> => {
    if (!db.open) return { ok: false, problem: 'the database is closed' };
    db.pragma(`busy_timeout = ${PROBE_BUSY_MS}`);
    let written: Check;
    try {
      written = probeWrite(() => durability.deferred(() => lease.renew()));
    } finally {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
    if (!written.ok) return written;
    try {
      await durability.durable();
      return written;
    } catch (error) {
      const code = String((error as { code?: unknown })?.code ?? 'an error');
      return { ok: false, problem: `the database cannot be synced to disk (${code})` };
    }
  };
  const storage = async () => [await database(), probeDisk(config.dbFile, config.minFreeMb * 1_048_576)];
  const live = async () => {
    const report = combine(...(await storage()));
    // Said once when it changes, not on every probe.
    const now = report.problems.join('; ');
    if (now !== lastProblems)
      log.with(report.ok ? 'info' : 'error', report.ok ? 'the database can be written again' : `unhealthy: ${now}`);
    lastProblems = now;
    return report;
  };
  const heartbeat = setInterval(() => void live(), LEASE_MS / 6);
  heartbeat.unref();

  const checks: HealthChecks = {
    live,
    async ready() {
      const slackCheck: Check = slack ? await slack.check() : { ok: false, problem: 'Slack has not been asked yet' };
      return combine(...(await storage()), slackCheck);
    },
  };

  return {
    checks,
    /** Asks Slack whether it accepts the token: a refusal is a ConfigError naming SLACK_BOT_TOKEN; no answer is only logged. */
    async watchSlack(parts: Pick<SlackAppParts, 'client' | 'receiver'>) {
      slack = createSlackReadiness({ client: parts.client, socket: socketConnected(parts.receiver), now });
      const verdict = await verifyToken(parts.client, 5_000);
      slack.record(verdict);
      if (verdict.ok) return;
      if (verdict.refused)
        throw new ConfigError(
          `Liftoff cannot start: Slack refused SLACK_BOT_TOKEN (${verdict.refused}). ${WHERE.SLACK_BOT_TOKEN}`,
        );
      log.with('warn', 'Slack could not be reached to check the bot token; /readyz answers 503 until it can');
    },
    stop() {
      clearInterval(heartbeat);
    },
  };
}
