import type { ServerResponse } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { RuntimeConfig } from '../config/env.js';
import type { Logger } from '../support/logger.js';
import { slackErrorCode } from './errors.js';

export interface SlackAppParts {
  app: App;
  receiver: HTTPReceiver | SocketModeReceiver;
  /** The one Web API client for everything outside a request (redraws, scheduler). */
  client: WebClient;
  /**
   * The same client without retries, for the scheduler's notices: a post that
   * timed out may have been posted, so the scheduler checks the history
   * itself instead of letting a blind retry post it twice. A 429 is rejected
   * at once (nothing was posted) and retried later by the scheduler.
   */
  noticeClient: WebClient;
  /** Resolves the bot's identity with auth.test; never blocks start-up. */
  identify(): Promise<{ botUserId?: string; botId?: string; teamId?: string } | null>;
}

/**
 * Web API client options: a request timeout (the client's default has none)
 * and bounded retries for 5xx, timeouts and 429s (which honour Retry-After).
 */
export function webClientOptions(config: Pick<RuntimeConfig, 'apiUrl'> & Partial<Pick<RuntimeConfig, 'slackTimeoutMs'>>, logger: Logger): WebClientOptions {
  return {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    logger,
    timeout: config.slackTimeoutMs ?? 10_000,
    retryConfig: { retries: 4, factor: 2, minTimeout: 200, maxTimeout: 5_000, randomize: true },
    rejectRateLimitedCalls: false,
  };
}

/**
 * Builds the Bolt app: Socket Mode when an app token is set, otherwise the HTTP
 * receiver at POST /slack/events, with GET /healthz (and `routes`, e.g. the API) beside it in both modes.
 * Signature verification is always on in HTTP mode: no setting turns it off.
 */
export function buildSlackApp(config: RuntimeConfig, logger: Logger, healthy: () => boolean, routes: CustomRoute[] = []): SlackAppParts {
  const health = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: unknown, res: ServerResponse) => {
      const ok = healthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok }));
    },
  };
  const receiver: HTTPReceiver | SocketModeReceiver =
    config.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: config.appToken!,
          logger,
          customRoutes: [health, ...routes],
          installerOptions: { port: config.port },
        })
      : new HTTPReceiver({
          signingSecret: config.signingSecret!,
          endpoints: '/slack/events',
          customRoutes: [health, ...routes],
          logger,
          processBeforeResponse: false,
        });

  if (receiver instanceof HTTPReceiver) guardHangingRequests(receiver, logger);

  const options = webClientOptions(config, logger);
  const client = new WebClient(config.botToken, options);
  const noticeClient = new WebClient(config.botToken, { ...options, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  let identity: Promise<{ botUserId?: string; botId?: string; teamId?: string } | null> | null = null;
  const identify = () => {
    identity ??= client.auth
      .test()
      .then((r) => ({
        ...(r.user_id ? { botUserId: r.user_id } : {}),
        ...(r.bot_id ? { botId: r.bot_id } : {}),
        ...(r.team_id ? { teamId: r.team_id } : {}),
      }))
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
    clientOptions: options,
    extendedErrorHandler: true,
    // The token is known; the identity comes from one cached auth.test, never one per request.
    authorize: async () => {
      const id = await Promise.race([identify(), new Promise<null>((r) => setTimeout(() => r(null), 500))]);
      return { botToken: config.botToken, ...(id ?? {}) };
    },
  });
  return { app, receiver, client, noticeClient, identify };
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
