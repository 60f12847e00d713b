import { WebClient, type WebAPICallResult, type WebClientOptions } from '@slack/web-api';
import { createPacer, SLACK_POST_PACE, urgencyOf, type Pace, type Pacer } from './pacing.js';

/** Times a call that Slack answered 429 is tried again (after Retry-After) before its caller is told. */
const RATE_LIMITED_TRIES = 3;

/**
 * How long a call of the interactive client may wait for its turn, 429s
 * included. A `trigger_id` lives 3 s, and Slack shows an error if the form is
 * not open by then: beyond this the call is refused at once, the way a 429 is
 * (WebAPIRateLimitedError), and the person is told to try again in a moment.
 */
const INTERACTIVE_MAX_WAIT_MS = 1_000;

/** Where a call's arguments say they are drawn at its turn: a symbol, so it is never sent to Slack. */
const DRAW = Symbol('draw');

/**
 * A call's arguments, drawn when its turn comes rather than before it waits: a call that waits for
 * its method's minute (a hundred people opened App Home in it) sends what is true when it goes.
 * Drawn again if Slack answers 429 and the call is tried again. Only the clients made here draw it
 * (another WebClient would send nothing). Not for a post: its channel must be known to wait for
 * the channel's turn.
 */
export function drawnAtTurn<T extends object>(draw: () => Promise<T>): T {
  return { [DRAW]: draw } as unknown as T;
}

/** Arguments the client sends as JSON text: Block Kit and message metadata. */
const JSON_ARGS: readonly string[] = ['blocks', 'view', 'metadata'];

/**
 * `args` with its Block Kit written as the JSON text Slack receives, once. Given objects, the
 * client walks them three times a call: it copies them for a debug line (built whatever the log
 * level), writes that copy out, then writes them for the request. A card's blocks are hundreds of
 * objects, and a chat.update or an App Home is made of them.
 */
function withJsonText(args: Record<string, unknown>): Record<string, unknown> {
  if (!JSON_ARGS.some((k) => args[k] !== null && typeof args[k] === 'object')) return args;
  const out = { ...args };
  for (const k of JSON_ARGS) if (out[k] !== null && typeof out[k] === 'object') out[k] = JSON.stringify(out[k]);
  return out;
}

/**
 * A Web API client whose every call waits for its turn (pacing.ts): its
 * method's lane, and for posts and edits their channel's. Every method of
 * WebClient goes through `apiCall`. A 429 is rejected by WebClient itself
 * (`rejectRateLimitedCalls`) instead of pausing this client's whole queue:
 * here it pauses only that method's lane for Retry-After, and the call is tried
 * again (nothing was done: a retry is always safe), up to RATE_LIMITED_TRIES
 * times or, with `maxWaitMs`, while the wait stays within it.
 */
class PacedWebClient extends WebClient {
  constructor(
    token: string,
    options: WebClientOptions,
    private readonly pacer: Pacer,
    private readonly maxWaitMs?: number,
  ) {
    super(token, { ...options, rejectRateLimitedCalls: true });
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    const draw = (options as { [DRAW]?: () => Promise<Record<string, unknown>> } | undefined)?.[DRAW];
    const channel = typeof options?.channel === 'string' ? options.channel : undefined;
    const urgency = urgencyOf(options);
    const deadline = this.maxWaitMs === undefined ? undefined : Date.now() + this.maxWaitMs;
    for (let tries = 1; ; tries++) {
      const done = await this.pacer.turn(method, {
        ...(channel !== undefined ? { channel } : {}),
        ...(urgency ? { urgency } : {}),
        ...(deadline !== undefined ? { maxWaitMs: Math.max(0, deadline - Date.now()) } : {}),
      });
      try {
        const args = draw ? await draw() : options;
        return await super.apiCall(method, args ? withJsonText(args) : args);
      } catch (error) {
        const retryAfter = (error as { code?: unknown; retryAfter?: unknown }).retryAfter;
        if ((error as { code?: unknown }).code !== 'slack_webapi_rate_limited_error') throw error;
        const waitMs = Math.max(1, Number(retryAfter) || 1) * 1000;
        this.pacer.pause(method, waitMs, channel);
        if (tries >= RATE_LIMITED_TRIES || (deadline !== undefined && Date.now() + waitMs > deadline)) throw error;
      } finally {
        done();
      }
    }
  }
}

export interface SlackClients {
  /**
   * Messages, redraws, channels, invites and App Home: paced, with no deadline; retries 5xx and
   * timeouts, and 429s in their lane.
   */
  client: WebClient;
  /**
   * Posts that must not be repeated blindly (a post that timed out may have
   * landed): no retries of 5xx or timeouts; a 429 (nothing was posted) is
   * tried again in its lane. Paced with `client`, as both post to the same channels.
   */
  once: WebClient;
  /**
   * What a person waits for: views.open/update/push, ephemerals. Its calls
   * never wait behind another method's lane, and never longer than
   * INTERACTIVE_MAX_WAIT_MS in their own: past that they are refused at once,
   * as a 429 would be.
   */
  interactive: WebClient;
  /** Their pace: asked by work that can wait whether a background call would go out now. */
  pacer: Pacer;
}

/**
 * The three Web API clients Liftoff uses outside Bolt's own. They share one
 * pacer: Slack's limits are per method and per channel for the whole app,
 * whichever client calls.
 */
export function createSlackClients(
  token: string,
  options: WebClientOptions,
  pace: Pace = SLACK_POST_PACE,
): SlackClients {
  const pacer = createPacer(pace);
  return {
    client: new PacedWebClient(token, options, pacer),
    once: new PacedWebClient(token, { ...options, retryConfig: { retries: 0 } }, pacer),
    interactive: new PacedWebClient(
      token,
      { ...options, retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 300 } },
      pacer,
      INTERACTIVE_MAX_WAIT_MS,
    ),
    pacer,
  };
}
