import type { AddressInfo, Server } from 'node:net';
import { systemClock, type Clock } from './core/clock.js';
import { createCatalog } from './core/template/catalog.js';
import { readRuntimeConfig, type RuntimeConfig } from './config/env.js';
import { ConfigError } from './config/errors.js';
import { loadTeamSetup, teamPolicy, type ConfigProblem } from './config/team.js';
import { sourceLabel } from './config/templates.js';
import { createApiServer } from './api/server.js';
import { createRoutes } from './api/routes.js';
import { withPipelines } from './config/team/pipelines.js';
import { watchAcks } from './slack/acks.js';
import { buildSlackApp } from './slack/app.js';
import { SLACK_POST_PACE } from './slack/pacing.js';
import { permalinkOf } from './slack/listeners/permalinks.js';
import { createChangeFeed } from './usecases/watch.js';
import { registerListeners } from './slack/listeners/index.js';
import { createMessageSync } from './slack/sync.js';
import { createChannelAccess } from './slack/membership.js';
import { createUndeliverableNotifier } from './slack/undeliverable.js';
import { createResponders } from './slack/reply.js';
import {
  createPlanner,
  createScheduler,
  startTicking,
  tickWhenQuiet,
  timingsFrom,
  wakeAtNextDue,
  type Scheduler,
} from './scheduler/index.js';
import { createUserGroups } from './slack/usergroups.js';
import { openDatabase } from './storage/db.js';
import { takeLease, type Lease } from './storage/lease.js';
import { startHealth } from './health/index.js';
import { startCheckpoints } from './storage/checkpoints.js';
import { createDurability, type LogSync } from './storage/durability.js';
import { createRepositories } from './storage/index.js';
import { createLogger, type Logger } from './support/logger.js';
import { createDeploymentService } from './usecases/deployments.js';
import { createHomeUseCase } from './usecases/home.js';
import { createRollbackService } from './usecases/rollback.js';
import { createStartUseCase } from './usecases/start.js';
import { createCalendarUseCase } from './usecases/calendar.js';
import { createLockKeeper } from './scheduler/locks.js';
import { createHookRunner, presenceOf, type HookLookup } from './hooks/jobs.js';
import { createHealthCheckRunner } from './hooks/health-checks.js';
import { createHealthCheckUseCase } from './usecases/health-checks.js';
import { createRoomEffects } from './rooms/effects.js';
import type { Environment } from './core/deployment/types.js';
import { createMetrics } from './metrics/index.js';
import { metricsHandler, startMetricsServer } from './metrics/server.js';
import { ackTimer, measuredFetch, measureRedraws } from './metrics/slack.js';
import { createStatsRepository } from './storage/stats.js';

export interface StartOptions {
  env: Record<string, string | undefined>;
  clock?: Clock;
  cwd?: string;
  /** Where log lines go (stdout by default). */
  writeLog?: (line: string) => void;
  /**
   * Run the scheduler on its cron tick and after each change that planned something, once the
   * requests waiting are answered (default true).
   * Tests turn it off and drive `scheduler.tick()` with a fake clock.
   */
  autoTick?: boolean;
  /** Wraps each sync of the write-ahead log to disk (tests hold it to see what waits for it). */
  logSync?: LogSync;
}

export interface RunningLiftoff {
  config: RuntimeConfig;
  /** The HTTP port actually listened on (HTTP mode; useful with PORT=0). */
  port: number | null;
  /** The port of GET /metrics when METRICS_PORT is set (else it is served on `port`). */
  metricsPort: number | null;
  logger: Logger;
  /** Looks the configuration's user groups up again now; returns what Slack does not know. */
  refreshUserGroups(): Promise<ConfigProblem[]>;
  /** Resolves once every change made so far is shown in Slack (or failed to be). */
  settled(): Promise<void>;
  /** The communication plan's scheduler: `tick()` sends what is due now. */
  scheduler: Pick<Scheduler, 'tick' | 'idle'>;
  /** Stops taking work, lets in-flight redraws finish, closes the database. */
  stop(): Promise<void>;
}

/** Wires configuration, storage, the core and Slack together, and starts listening. */
export async function startLiftoff({
  env,
  clock = systemClock,
  cwd,
  writeLog,
  autoTick = true,
  logSync,
}: StartOptions): Promise<RunningLiftoff> {
  const config = readRuntimeConfig(env, cwd);
  const secrets = [config.botToken, config.appToken, config.signingSecret].filter((s): s is string => !!s);
  const logger = createLogger({ level: config.logLevel, secrets, ...(writeLog ? { write: writeLog } : {}) });

  // The team configuration and the templates (built-in and the team's own); every mistake stops the start,
  // except a refused file in templates_dir: it is logged and left out, and the others load.
  const setup = loadTeamSetup(config.configFile, env);
  for (const skipped of setup.skipped ?? [])
    logger.with('error', 'a template file was refused and left out; fix it (liftoff config check) and restart', {
      problem: skipped.message,
    });
  // The pipelines' API tokens are redacted from every log line like Slack's.
  secrets.push(...setup.team.pipelines.map((p) => p.token));
  const templates = createCatalog(
    setup.templates.map((t) => t.template),
    undefined,
    Object.fromEntries(setup.templates.map((t) => [t.template.id, sourceLabel(t)])),
  );
  // One Liftoff per database file: the lease is taken before anything is migrated.
  let lease!: Lease;
  const db = openDatabase(config.dbFile, (opened) => (lease = takeLease(opened)));
  const repos = createRepositories(db);
  // A button's or a form's change is synced to disk off the event loop; what shows it waits for that.
  const durability = createDurability(db, logSync);
  /** Redraws waiting for their change to be on disk. */
  const redrawsAfterDisk = new Set<Promise<unknown>>();
  const timingsFor = timingsFrom();
  // The hooks of a service's environment: their calls are jobs, planned only when configured, and read again when made.
  const settingsOf = (t: { service: string; environment: Environment }) =>
    setup.team.settingsFor(t.service, t.environment);
  const noHooks = { rollback: null, maintenanceStart: null, maintenanceEnd: null };
  const hooksFor: HookLookup = (t) => settingsOf(t)?.hooks ?? noHooks;
  // Health checks Liftoff runs itself: `health_check_settings` of the environment, read when they run.
  const healthCheckSettingsFor = (t: { service: string; environment: Environment }) =>
    settingsOf(t)?.healthCheckSettings ?? null;
  const planJobs = createPlanner({
    jobs: repos.jobs,
    timingsFor,
    hooksFor: presenceOf(hooksFor),
    healthChecksEvery: (d) => healthCheckSettingsFor(d)?.everyMinutes ?? null,
  });
  // The HTTP API for pipelines (/api/v1), on the receiver's port in both modes; its routes are served once the use cases exist.
  const api = createApiServer({ pipelines: setup.team.pipelines, repos, clock, logger });
  const feed = createChangeFeed();
  const health = startHealth({ config, db, durability, lease, logger, now: () => clock.now() });
  // GET /metrics: beside /healthz, or on METRICS_PORT (started below) when set.
  const metrics = createMetrics({ stats: createStatsRepository({ db }) });
  const metricsRoute = { path: '/metrics', method: ['GET'], handler: metricsHandler(metrics) };
  const slack = buildSlackApp(
    config,
    logger,
    health.checks,
    { ...SLACK_POST_PACE, intervalMs: config.slackPostIntervalMs, minuteMs: config.slackTierMinuteMs },
    {
      fetch: measuredFetch(metrics),
      routes: [api.route, ...(config.metricsPort === null ? [metricsRoute] : [])],
    },
  );
  const acks = watchAcks(slack.app, { onAcked: ackTimer(metrics) });
  // The notices a change planned (due now) are claimed once the requests waiting are answered (cron.ts).
  const ticksAfterAcks = tickWhenQuiet(
    () => acks.quiet(),
    () => scheduler.tick(),
  );
  const tickSoon = () => {
    if (autoTick) ticksAfterAcks.ask();
  };
  try {
    // A token Slack refuses stops the start; an unreachable Slack does not (/readyz says so until it answers).
    await health.watchSlack(slack);
  } catch (error) {
    health.stop();
    lease.release();
    db.close();
    throw error;
  }

  const userGroups = createUserGroups({ client: slack.client, team: setup.team, logger });

  // How to answer the people who clicked lately (a redraw their click set off may need to tell them something).
  const responders = createResponders(() => clock.now());
  const sync = measureRedraws(
    createMessageSync({
      client: slack.client,
      postClient: slack.noticeClient,
      repos,
      clock,
      logger,
      onUndeliverable: createUndeliverableNotifier({ client: slack.client, logger, responders }),
      durability,
    }),
    metrics,
  );
  // The rollback and maintenance hooks: scheduler jobs, called (at most once) by a tick after the change's acknowledgement.
  const hookRunner = createHookRunner({ client: slack.client, repos, sync, logger, hooksFor });
  const service = createDeploymentService({
    repos,
    clock,
    // The messages and hook calls a change promises are planned in its transaction; a tick sends what is due
    // once the requests waiting are answered. A change that planned nothing (most clicks) sets off no tick: the
    // cron's and the wake-up's find the rest.
    withinChange: (d, events, now) => {
      const planned = planJobs(d, events, now);
      // A cancelled deployment releases the hand locks it allowed its people to take.
      rollback.releaseTakenVia(d, events, now);
      if (planned) tickSoon();
    },
    policyFor: withPipelines(teamPolicy(setup.team, userGroups.expand), setup.team.pipelines),
    // Redraw after the current request has been acknowledged, and those of the requests waiting meanwhile
    // and of the next ones of a burst (acks.ts: a burst of forms is answered before its cards are drawn),
    // and then once the change is on disk (a button's change is synced off the event loop): asked once the
    // requests are answered, one sync covers the whole burst's changes (a sync is a tenth of a millisecond
    // of CPU, most of it the kernel's: asked after each click, it was one a click).
    onChange: (d, events, actor) => {
      const redraw = new Promise((resolve) => setImmediate(resolve))
        .then(() => acks.quiet())
        .then(() => durability.durable())
        .then(() => {
          feed.changed(d.id);
          void sync.sync(d.id, 'now', { by: actor });
          rooms.onChange(d, events);
        });
      // Held until it has started the redraw, so `settled()` and a stop wait for it.
      redrawsAfterDisk.add(redraw);
      void redraw.finally(() => redrawsAfterDisk.delete(redraw));
    },
  });
  const healthCheckRunner = createHealthCheckRunner({
    client: slack.client,
    repos,
    sync,
    logger,
    settingsFor: healthCheckSettingsFor,
    policyFor: service.policyFor,
    record: service.recordHealthChecks,
  });
  const healthChecks = createHealthCheckUseCase({
    repos,
    clock,
    service,
    onPlanned: tickSoon,
  });
  const rollback = createRollbackService({
    repos,
    clock,
    deployments: service,
    handLocks: setup.team.locks,
    services: setup.team.services,
  });
  const lockKeeper = createLockKeeper({ rollback, team: setup.team, client: slack.client, clock, logger });
  const calendar = createCalendarUseCase({ repos, clock, team: setup.team, deployments: service });
  const starts = createStartUseCase({
    repos,
    clock,
    deployments: service,
    rollback,
    team: setup.team,
    templates,
    expandUsers: userGroups.expand,
    calendar,
  });
  // Who sees deployments in private channels: their members (conversations.members, cached briefly, kept by membership events).
  const access = createChannelAccess({ client: slack.client, now: () => clock.now(), logger });
  // The dedicated channel of a `location: channel` deployment, created after its start is acknowledged.
  const rooms = createRoomEffects({
    client: slack.client,
    clock,
    repos,
    logger,
    settings: setup.team.dedicatedChannels,
    kindOf: access.kindOf,
    record: (id, event) => service.recordRoom(id, event),
  });

  // Every request's work, including what a listener does after acknowledging: a stop waits for it.
  const inFlight = new Set<Promise<unknown>>();
  slack.app.use(async ({ next }) => {
    const work = next();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });
  const drain = async () => {
    do {
      await Promise.allSettled([...inFlight, ...redrawsAfterDisk, ticksAfterAcks.waiting()]);
      // Redraws start on the next turn of the event loop (after the acknowledgement).
      await new Promise((resolve) => setImmediate(resolve));
      await sync.idle();
      await rooms.idle();
      // The redraw a new channel causes starts on the next turn.
      await new Promise((resolve) => setImmediate(resolve));
      await sync.idle();
      await scheduler.idle();
      await sync.idle();
      // Who is in which channel, asked again in the background by a list or App Home.
      await access.idle();
    } while (inFlight.size || redrawsAfterDisk.size || ticksAfterAcks.waiting());
  };

  api.serve(
    createRoutes({
      service,
      starts,
      rollback,
      team: setup.team,
      clock,
      client: slack.client,
      feed,
      expandUsers: userGroups.expand,
      drawn: (id) => sync.sync(id),
      permalink: (d) => permalinkOf({ client: slack.client, service }, d),
      // In the caller's transaction; the scheduler posts it once (its metadata finds it again after a crash).
      planNote: (d, note, key) => {
        const now = clock.now();
        repos.jobs.plan(
          [
            {
              key: `pipeline_note:${d.id}:${key}`,
              deploymentId: d.id,
              kind: 'pipeline_note',
              dueAt: now,
              payload: { target: 'thread', note },
            },
          ],
          now,
        );
        tickSoon();
      },
    }),
  );
  registerListeners(slack.app, {
    service,
    starts,
    calendar,
    healthChecks,
    rollback,
    templates,
    team: setup.team,
    expandUsers: userGroups.expand,
    sync,
    durability,
    access,
    home: createHomeUseCase({ service, access, clock }),
    responders,
    client: slack.interactiveClient,
    homeClient: slack.client,
    clock,
    logger,
  });
  const onError = async ({ error, context }: { error: Error; context?: { userId?: string } }) => {
    logger.with('error', 'unhandled error in a listener', { error, user: context?.userId });
  };
  slack.app.error(onError as never);

  // Notices are posted without the client's own retries: the scheduler's history check decides (exactly once).
  const notices = createScheduler({
    repos,
    client: slack.client,
    noticeClient: slack.noticeClient,
    clock,
    logger,
    sync,
    timingsFor,
    pace: slack.pacer,
    durability,
    hooks: hookRunner,
    healthChecks: healthCheckRunner,
    // After each tick's claiming, the wake-up is armed for the next pending job.
    observeTick: (seconds) => {
      metrics.ticked(seconds);
      wake?.arm();
    },
  });
  // Each tick also lapses hand locks past their expiry and reminds their holders.
  // Between cron ticks, a tick when the next job is due (armed after each tick).
  const wake = autoTick
    ? wakeAtNextDue(
        () => scheduler.tick(),
        () => repos.jobs.nextDueIn(clock.now()),
      )
    : null;
  const scheduler: typeof notices = {
    ...notices,
    tick: async () => {
      await lockKeeper.tick();
      await notices.tick();
    },
  };
  // Notices a previous run left half-sent are settled before anything new is sent.
  await scheduler.recover();

  let port: number | null = null;
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | null = null;
  try {
    if (config.mode === 'http') {
      const server = (await slack.app.start(config.port)) as Server;
      port = (server.address() as AddressInfo).port;
    } else {
      await slack.app.start();
    }
    if (config.metricsPort !== null) {
      metricsServer = await startMetricsServer(metrics, config.metricsPort).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EADDRINUSE'
          ? new ConfigError(`METRICS_PORT ${config.metricsPort} is already in use. Set METRICS_PORT to a free port.`)
          : error;
      });
    }
  } catch (error) {
    health.stop();
    lease.release();
    await slack.app.stop().catch(() => undefined);
    db.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(`Port ${config.port} is already in use. Set PORT to a free port.`);
    }
    throw error;
  }
  logger.with('info', 'Liftoff is running', { mode: config.mode, port, database: config.dbFile });
  // The write-ahead log is copied into the database file with its disk syncs off the event loop (not inside a commit).
  const checkpoints = startCheckpoints(db, durability, {
    onError: (error) =>
      logger.with('warn', "could not checkpoint off the event loop; SQLite's own checkpoints from now on", { error }),
  });
  void slack.identify();
  void rooms.provisionPending();
  void sync.reconcileAll();
  // App Home's thirty days of delivery facts are read after a turn (the requests waiting at start
  // come first), not once the reconciliation is over: that waits for Slack's pace, seconds after
  // the first people open Home. Its first open then reads only what changed since.
  setImmediate(() => {
    if (stopping) return;
    try {
      service.warmHomeStats();
    } catch (error) {
      logger.with('warn', 'could not read the delivery facts ahead of App Home', { error });
    }
  });
  // The cron (its first schedule costs ~100 ms) and the first tick start after a turn: the requests waiting at start come first.
  let ticking: ReturnType<typeof startTicking> | null = null;
  const startingTicks = autoTick
    ? new Promise<void>((resolve) =>
        setImmediate(() => {
          if (!stopping) {
            ticking = startTicking(() => scheduler.tick());
            void scheduler.tick();
          }
          resolve();
        }),
      )
    : null;
  // User groups are looked up once Slack is reachable, without holding up the start, then every 15 minutes.
  userGroups.start();

  let stopping: Promise<void> | null = null;
  return {
    config,
    port,
    metricsPort: metricsServer?.port ?? null,
    logger,
    settled: drain,
    scheduler,
    refreshUserGroups: () => userGroups.refresh(),
    stop: () =>
      (stopping ??= (async () => {
        // Waiting pipelines get their answer now, so the server can close.
        api.stop();
        await slack.app.stop().catch(() => undefined);
        await metricsServer?.stop();
        // The scheduler stops before the database closes: no tick starts, the running one finishes.
        await startingTicks;
        await ticking?.stop();
        wake?.stop();
        await scheduler.idle();
        await userGroups.stop();
        await drain();
        sync.stop();
        rooms.stop();
        health.stop();
        lease.release();
        await checkpoints.stop();
        await durability.close();
        db.close();
        logger.with('info', 'Liftoff stopped');
      })()),
  };
}
