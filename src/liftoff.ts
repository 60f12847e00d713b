import type { AddressInfo, Server } from 'node:net';
import { systemClock, type Clock } from './core/clock.js';
import { createCatalog } from './core/template/catalog.js';
import { readRuntimeConfig, type RuntimeConfig } from './config/env.js';
import { ConfigError } from './config/errors.js';
import { BUILT_IN_TEMPLATES_DIR, loadTemplates } from './config/templates.js';
import { buildSlackApp } from './slack/app.js';
import { explainSlackError } from './slack/errors.js';
import { registerListeners } from './slack/listeners/index.js';
import { createMessageSync } from './slack/sync.js';
import { isUsable, openDatabase } from './storage/db.js';
import { createRepositories } from './storage/index.js';
import { createLogger, type Logger } from './support/logger.js';
import { createDeploymentService } from './usecases/deployments.js';

export interface StartOptions {
  env: Record<string, string | undefined>;
  clock?: Clock;
  cwd?: string;
  /** Where log lines go (stdout by default). */
  writeLog?: (line: string) => void;
}

export interface RunningLiftoff {
  config: RuntimeConfig;
  /** The HTTP port actually listened on (HTTP mode; useful with PORT=0). */
  port: number | null;
  logger: Logger;
  /** Resolves once every change made so far is shown in Slack (or failed to be). */
  settled(): Promise<void>;
  /** Stops taking work, lets in-flight redraws finish, closes the database. */
  stop(): Promise<void>;
}

/** Wires configuration, storage, the core and Slack together, and starts listening. */
export async function startLiftoff({ env, clock = systemClock, cwd, writeLog }: StartOptions): Promise<RunningLiftoff> {
  const config = readRuntimeConfig(env, cwd);
  const secrets = [config.botToken, config.appToken, config.signingSecret].filter((s): s is string => !!s);
  const logger = createLogger({ level: config.logLevel, secrets, ...(writeLog ? { write: writeLog } : {}) });

  const templates = createCatalog([...loadTemplates(BUILT_IN_TEMPLATES_DIR).values()].map((t) => t.template));
  const db = openDatabase(config.dbFile);
  const repos = createRepositories(db);
  const slack = buildSlackApp(config, logger, () => db.open && isUsable(db));

  const warned = new Set<string>();
  const sync = createMessageSync({
    client: slack.client,
    repos,
    clock,
    logger,
    onUndeliverable: (d, code) => {
      const key = `${d.id}:${code}`;
      if (warned.has(key)) return;
      warned.add(key);
      const text = `I could not post ${d.ref} (${d.service} ${d.version}) in <#${d.channelId}>: ${explainSlackError(code, `<#${d.channelId}>`)}`;
      slack.client.chat.postMessage({ channel: d.deployerId, text }).catch((error: unknown) => {
        logger.with('error', 'could not warn the deployer about an undeliverable deployment', { deployment: d.ref, code, error });
      });
    },
  });
  const service = createDeploymentService({
    repos,
    clock,
    // Redraw after the current request has been acknowledged.
    onChange: (d) => setImmediate(() => void sync.sync(d.id)),
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
      await Promise.allSettled([...inFlight]);
      // Redraws start on the next turn of the event loop (after the acknowledgement).
      await new Promise((resolve) => setImmediate(resolve));
      await sync.idle();
    } while (inFlight.size);
  };

  registerListeners(slack.app, { service, templates, sync, client: slack.client, clock, logger });
  const onError = async ({ error, context }: { error: Error; context?: { userId?: string } }) => {
    logger.with('error', 'unhandled error in a listener', { error, user: context?.userId });
  };
  slack.app.error(onError as never);

  let port: number | null = null;
  try {
    if (config.mode === 'http') {
      const server = (await slack.app.start(config.port)) as Server;
      port = (server.address() as AddressInfo).port;
    } else {
      await slack.app.start();
    }
  } catch (error) {
    db.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError(`Port ${config.port} is already in use. Set PORT to a free port.`);
    }
    throw error;
  }
  logger.with('info', 'Liftoff is running', { mode: config.mode, port, database: config.dbFile });
  void slack.identify();
  void sync.reconcileAll();

  let stopping: Promise<void> | null = null;
  return {
    config,
    port,
    logger,
    settled: drain,
    stop: () =>
      (stopping ??= (async () => {
        await slack.app.stop().catch(() => undefined);
        await drain();
        db.close();
        logger.with('info', 'Liftoff stopped');
      })()),
  };
}
