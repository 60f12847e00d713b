import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import type { FetchFunction, WebClient, WebClientOptions } from '@slack/web-api';
import type { RuntimeConfig } from '../config/env.js';
import { healthRoutes, type HealthChecks } from '../health/routes.js';
import type { Logger } from '../support/logger.js';
import { createSlackClients } from './clients.js';
import type { Pace, Pacer } from './pacing.js';
import { slackErrorCode } from './errors.js';
import { EVENTS_PATH, verifyBeforeBolt } from './signed-requests.js';

export interface SlackAppParts {
  app: App;
  receiver: HTTPReceiver | SocketModeReceiver;
  /** The Web API client for everything outside a request (redraws, scheduler); posts paced per channel. */
  client: WebClient;
  /** Forms and ephemerals: never behind a posting pause, never past a trigger_id's life (see clients.ts). */
  interactiveClient: WebClient;
  /**
   * The same client without retries, for the scheduler's notices: a post that
   * timed out may have been posted, so the scheduler checks the history
   * itself instead of letting a blind retry post it twice. A 429 is rejected
   * at once (nothing was posted) and retried later by the scheduler.
   */
  noticeClient: WebClient;
  /** The clients' pace (pacing.ts): the scheduler asks it before a timer redraw. */
  pacer: Pacer;
  /** Resolves the bot's identity with auth.test; never blocks start-up. */
  identify(): Promise<Identity | null>;
}

/**
 * Web API client options: a request timeout (the client's default has none)
 * and bounded retries for 5xx, timeouts and 429s (which honour Retry-After).
 */
export function webClientOptions(
  config: Pick<RuntimeConfig, 'apiUrl'> & Partial<Pick<RuntimeConfig, 'slackTimeoutMs'>>,
  logger: Logger,
  fetch?: FetchFunction,
): WebClientOptions {
  return {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    ...(fetch ? { fetch } : {}),
    logger,
    timeout: config.slackTimeoutMs ?? 10_000,
    retryConfig: { retries: 4, factor: 2, minTimeout: 200, maxTimeout: 5_000, randomize: true },
    rejectRateLimitedCalls: false,
  };
}

/** What else the app serves and how its Web API calls are made (metrics: src/metrics/). */
export interface SlackAppExtras {
  /** More GET routes beside /healthz (GET /metrics). */
  routes?: CustomRoute[];
  /** The fetch every Web API client uses (one that counts the calls). */
  fetch?: FetchFunction;
}

/** LOG_LEVEL as Bolt names it: Bolt sets its logger (ours) to the level it is given. */
const BOLT_LEVELS: Record<RuntimeConfig['logLevel'], LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

/**
 * Builds the Bolt app: Socket Mode when an app token is set, otherwise the HTTP
 * receiver at POST /slack/events, with GET /healthz and /readyz beside it in both modes.
 * Signature verification is always on in HTTP mode (signed-requests.ts): no setting turns it off.
 */
export function buildSlackApp(
  config: RuntimeConfig,
  logger: Logger,
  health: HealthChecks,
  pace?: Pace,
  extras: SlackAppExtras = {},
): SlackAppParts {
  const routes = [...healthRoutes(health), ...(extras.routes ?? [])];
  const receiver: HTTPReceiver | SocketModeReceiver =
    config.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: config.appToken!,
          logger,
          customRoutes: routes,
          // apps.connections.open goes to SLACK_API_URL too.
          installerOptions: { port: config.port, clientOptions: config.apiUrl ? { slackApiUrl: config.apiUrl } : {} },
        })
      : new HTTPReceiver({
          signingSecret: config.signingSecret!,
          endpoints: EVENTS_PATH,
          customRoutes: routes,
          logger,
          processBeforeResponse: false,
          // Checked before the receiver sees the request (verifyBeforeBolt, just below), never skipped.
          signatureVerification: false,
        });

  if (receiver instanceof HTTPReceiver) {
    verifyBeforeBolt(receiver, config.signingSecret!, logger);
    guardHangingRequests(receiver, logger);
  }

  const options = webClientOptions(config, logger, extras.fetch);
  const {
    client,
    once: noticeClient,
    interactive: interactiveClient,
    pacer,
  } = createSlackClients(config.botToken, options, pace);
  let identity: Promise<Identity | null> | null = null;
  /** The identity once auth.test has answered: a request then waits for nothing and sets no timer. */
  let known: Identity | null = null;
  const identify = () => {
    identity ??= client.auth
      .test()
      .then(
        (r): Identity =>
          (known = {
            ...(r.user_id ? { botUserId: r.user_id } : {}),
            ...(r.bot_id ? { botId: r.bot_id } : {}),
            ...(r.team_id ? { teamId: r.team_id } : {}),
          }),
      )
      .catch((error: unknown) => {
        identity = null;
        const code = slackErrorCode(error);
        const msg =
          code === 'request_failed' || code === null
            ? `could not reach Slack at ${config.apiUrl ?? 'https://slack.com/api/'}; will try again on the next request`
            : `Slack refused the bot token (${code}): check SLACK_BOT_TOKEN`;
        logger.with('error', msg, { code });
        return null;
      });
    return identity;
  };

  const app = new App({
    receiver: receiver as Receiver,
    logger,
    // Bolt sets its logger to this level (to info when none is given: LOG_LEVEL was overridden).
    logLevel: BOLT_LEVELS[config.logLevel],
    clientOptions: options,
    extendedErrorHandler: true,
    // No conversation store: nothing reads `context.conversation`, and its middleware ran on every request.
    convoStore: false,
    // The token is known; the identity comes from one cached auth.test, never one per request.
    authorize: async () => {
      const id = known ?? (await within(identify(), 500));
      return { botToken: config.botToken, ...(id ?? {}) };
    },
  });
  return { app, receiver, client, noticeClient, interactiveClient, pacer, identify };
}

/** What auth.test says of the bot: Bolt's context carries it (ignoring the bot's own events needs it). */
type Identity = { botUserId?: string; botId?: string; teamId?: string };

/**
 * `promise`'s value, or null if it has not settled within `ms`; the timer is cleared either way (a
 * timer per request left to run out would hold its closure past a collection or two).
 */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Bolt's HTTP receiver never answers a signed body that parses to `null`
 * (`payload=null`): its listener rejects and the connection hangs. Answer 400
 * for any request still unanswered after Slack's own 3-second limit has passed.
 */
function guardHangingRequests(receiver: HTTPReceiver, logger: Logger, afterMs = 3_500): void {
  const inner = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    const timer = setTimeout(() => {
      if (res.headersSent || res.writableEnded) return;
      logger.with('warn', 'a request was never answered; replying 400', { path: req.url });
      res.writeHead(400);
      res.end();
    }, afterMs);
    res.once('close', () => clearTimeout(timer));
    return inner(req, res);
  };
}
