import { WebAPIRateLimitedError } from '@slack/web-api';

/**
 * Liftoff's own pace, so Slack never has to answer 429. Slack limits each Web
 * API method per workspace and app (its "tiers", calls per minute), and takes
 * about one message a second per channel. Every call waits here for its turn:
 *
 * - Each method has a lane of its own, counting its calls over a sliding minute
 *   and staying under Slack's documented limit (`SLACK_METHOD_LIMITS`, with a
 *   margin): waiting for chat.update never holds a views.publish, an ephemeral
 *   or a post.
 * - Posts and edits also wait for their channel's turn (a token bucket per
 *   channel): a new deployment's card and dozens of thread messages go out as
 *   fast as Slack takes them, and one busy channel never holds up another.
 * - Inside a lane, what a person just did goes first, and background work
 *   (start-up reconciliation, timer redraws) only fills part of a minute and
 *   never takes a channel's last turn, so a click's redraw always finds room
 *   (a call's urgency: `atUrgency`).
 * - A 429 that comes all the same pauses only that method's lane (or, for a
 *   post, that channel) for its Retry-After: the rest of the bot goes on.
 */
export interface Pace {
  /** Messages a quiet channel may take at once. */
  burst: number;
  /** Then one message every `intervalMs` per channel; 0 turns channel pacing off. */
  intervalMs: number;
  /** How long a minute of Slack's method tiers lasts (60 000; tests shorten it); 0 turns tier pacing off. */
  minuteMs?: number;
}

/**
 * Slack's pace for chat.postMessage and chat.update per channel, with a margin: a message every 1.1 s,
 * and a burst one short of what Slack tolerates (3), so a post delayed on its way to Slack never
 * makes the next one arrive early.
 */
export const SLACK_POST_PACE: Pace = { burst: 2, intervalMs: 1_100, minuteMs: 60_000 };

/**
 * Calls per minute Slack documents for every Web API method Liftoff calls (per
 * workspace, per app): Tier 2 = 20+, Tier 3 = 50+, Tier 4 = 100+ (each method's
 * page on docs.slack.dev, "Rate limits"). chat.getPermalink and auth.test say
 * "hundreds of requests per minute" (special): taken as 100. chat.postMessage
 * is limited per channel instead (about one a second), paced by `Pace`.
 * conversations.history and .replies keep Tier 3 for internal apps (the 2025
 * limit of one a minute is for commercially distributed apps outside the
 * Marketplace).
 */
export const SLACK_METHOD_LIMITS: Readonly<Record<string, number>> = {
  'chat.update': 50,
  'chat.postEphemeral': 100,
  'chat.getPermalink': 100,
  'views.open': 100,
  'views.update': 100,
  'views.push': 100,
  'views.publish': 100,
  'conversations.create': 20,
  'conversations.list': 20,
  'conversations.archive': 20,
  'conversations.invite': 50,
  'conversations.join': 50,
  'conversations.history': 50,
  'conversations.replies': 50,
  'conversations.info': 50,
  'conversations.members': 100,
  'users.info': 100,
  'users.lookupByEmail': 50,
  'usergroups.list': 20,
  'usergroups.users.list': 20,
  'auth.test': 100,
};

/** The share of a method's limit Liftoff uses: the rest is margin (clock differences, the client's own retries of 5xx). */
const MARGIN = 0.9;
/** The share of that background work may fill in any minute: the rest is kept for what a person does. */
const BACKGROUND_SHARE = 0.7;

/** The Web API methods that post or edit a message in a channel: paced per channel too. */
const CHANNEL_PACED: ReadonlySet<string> = new Set(['chat.postMessage', 'chat.update']);

/**
 * How urgent the calls made inside `withUrgency` are. Not urgent: background
 * work. `raise()` makes them urgent, including a call already waiting (a
 * person's change arrived for a deployment whose background redraw is queued).
 */
export interface Urgency {
  readonly urgent: boolean;
  raise(): void;
}

interface UrgencyState extends Urgency {
  urgent: boolean;
  /** Lanes holding a call of this urgency, told when it is raised. */
  waiting: Set<() => void>;
}

export function createUrgency(urgent: boolean): Urgency {
  const u: UrgencyState = {
    urgent,
    waiting: new Set(),
    raise() {
      if (u.urgent) return;
      u.urgent = true;
      for (const pump of [...u.waiting]) pump();
    },
  };
  return u;
}

/** Where a call's arguments carry its urgency: a symbol, so it is never sent to Slack (the client sends their entries). */
const URGENCY = Symbol('urgency');

/**
 * A Web API call's arguments, made at urgency `u` (undefined: urgent, as every call is that says
 * nothing). Passed explicitly, call by call: an async context would tax every promise the process
 * makes (Node 20's AsyncLocalStorage runs a hook for each).
 */
export function atUrgency<T extends object>(u: Urgency | undefined, args: T): T {
  return u ? { ...args, [URGENCY]: u } : args;
}

/** The urgency `atUrgency` gave a call's arguments, if any. */
export function urgencyOf(args: unknown): Urgency | undefined {
  return args && typeof args === 'object' ? ((args as { [URGENCY]?: Urgency })[URGENCY] ?? undefined) : undefined;
}

export interface TurnOptions {
  /** The channel a post or edit goes to. */
  channel?: string;
  /** Refuse (as a 429 would: WebAPIRateLimitedError) rather than wait longer than this. */
  maxWaitMs?: number;
  /** How urgent the call is; urgent when absent. */
  urgency?: Urgency | undefined;
}

export interface Pacer {
  /**
   * Resolves when `method` (to `channel`) may be called, with `done`, to call when Slack has answered;
   * rejects when it would wait longer than `maxWaitMs`.
   */
  turn(method: string, options?: TurnOptions): Promise<Done>;
  /** Slack answered 429: no call of `method` (a post: to that channel) before `ms` have passed. */
  pause(method: string, ms: number, channel?: string): void;
  /**
   * How many background calls of `method` would be let through now: what the background share of its
   * minute has left, less the calls already waiting in its lane (they go first). 0 while a 429 pauses
   * it; Infinity for a method without a tier. Work that can wait (timer redraws) asks before it
   * renders, so nothing is drawn only to wait for the minute.
   */
  backgroundRoom(method: string): number;
}

/**
 * Told when Slack has answered the call: its place in the minute counts from then. A call reaches
 * Slack some time after it is let through (a busy event loop, a slow network), so counting from the
 * answer never lets a minute of Slack's hold more calls than the limit.
 */
export type Done = () => void;

interface Ticket {
  channel: string | undefined;
  urgency: UrgencyState | undefined;
  resolve: (done: Done) => void;
  timer: NodeJS.Timeout | null;
}

interface Lane {
  /** Calls allowed in a minute (Infinity: no tier). */
  limit: number;
  /** The calls of the last minute, oldest first: when each was let through, or answered once it was. */
  sent: Slot[];
  waiting: Ticket[];
  pausedUntil: number;
  timer: NodeJS.Timeout | null;
  pump: () => void;
}

interface Slot {
  at: number;
}

interface Bucket {
  tokens: number;
  at: number;
  pausedUntil: number;
}

const NOTHING: Done = () => undefined;

export function createPacer(
  pace: Pace,
  now: () => number = Date.now,
  limits: Readonly<Record<string, number>> = SLACK_METHOD_LIMITS,
): Pacer {
  const minuteMs = pace.minuteMs ?? 60_000;
  const lanes = new Map<string, Lane>();
  const buckets = new Map<string, Bucket>();

  const isUrgent = (t: Ticket) => t.urgency?.urgent ?? true;
  const channelPaced = (method: string) => pace.intervalMs > 0 && CHANNEL_PACED.has(method);

  function bucketOf(channel: string, t: number): Bucket {
    let b = buckets.get(channel);
    if (!b) {
      // Forget channels that have been quiet long enough to refill.
      if (buckets.size > 500)
        for (const [c, old] of buckets)
          if (old.pausedUntil <= t && t - old.at >= pace.burst * pace.intervalMs) buckets.delete(c);
      b = { tokens: pace.burst, at: t, pausedUntil: 0 };
      buckets.set(channel, b);
    }
    b.tokens = Math.min(pace.burst, b.tokens + (t - b.at) / pace.intervalMs);
    b.at = t;
    return b;
  }

  /**
   * When `channel` can take a message: now (t) or later. Background work leaves the channel's last
   * turn to what a person does (`need` 2 of a burst of 2): a timer's redraw never makes a click's
   * redraw or a due notice in the same channel wait for the next second.
   */
  function channelReadyAt(channel: string | undefined, method: string, t: number, urgent: boolean): number {
    if (channel === undefined || !channelPaced(method)) return t;
    const b = bucketOf(channel, t);
    const need = urgent ? 1 : Math.min(2, pace.burst);
    return Math.max(b.pausedUntil, b.tokens >= need ? t : t + (need - b.tokens) * pace.intervalMs);
  }

  function laneOf(method: string): Lane {
    let lane = lanes.get(method);
    if (!lane) {
      const perMinute = limits[method];
      const l: Lane = {
        limit:
          perMinute === undefined || minuteMs <= 0
            ? Number.POSITIVE_INFINITY
            : Math.max(1, Math.floor(perMinute * MARGIN)),
        sent: [],
        waiting: [],
        pausedUntil: 0,
        timer: null,
        pump: () => pump(method, l),
      };
      lane = l;
      lanes.set(method, lane);
    }
    return lane;
  }

  /** Forgets the calls more than a minute old. */
  function forget(lane: Lane, t: number) {
    while (lane.sent.length && t - lane.sent[0]!.at >= minuteMs) lane.sent.shift();
  }

  /** The calls a minute may hold for background work. */
  const backgroundCap = (lane: Lane) => Math.max(1, Math.floor(lane.limit * BACKGROUND_SHARE));

  /** Lets through every waiting call that may go now, urgent ones first; wakes up again when the next one may. */
  function pump(method: string, lane: Lane) {
    if (lane.timer) clearTimeout(lane.timer);
    lane.timer = null;
    const t = now();
    forget(lane, t);
    let wakeAt = Number.POSITIVE_INFINITY;
    if (t < lane.pausedUntil) wakeAt = lane.pausedUntil;
    // The minute is full even for a person's call: nothing goes before its oldest call is a minute old.
    else if (lane.sent.length >= lane.limit) wakeAt = lane.sent[lane.sent.length - lane.limit]!.at + minuteMs;
    else {
      const order = [...lane.waiting.filter(isUrgent), ...lane.waiting.filter((w) => !isUrgent(w))];
      for (const ticket of order) {
        const cap = isUrgent(ticket) ? lane.limit : backgroundCap(lane);
        if (lane.sent.length >= cap) {
          // Room comes when the call that put the minute at its cap is a minute old.
          wakeAt = Math.min(wakeAt, lane.sent[lane.sent.length - cap]!.at + minuteMs);
          continue;
        }
        const ready = channelReadyAt(ticket.channel, method, t, isUrgent(ticket));
        if (ready > t) {
          wakeAt = Math.min(wakeAt, ready);
          continue;
        }
        if (ticket.channel !== undefined && channelPaced(method)) bucketOf(ticket.channel, t).tokens -= 1;
        settle(lane, ticket);
        ticket.resolve(Number.isFinite(lane.limit) ? answered(lane, t) : NOTHING);
      }
    }
    if (lane.waiting.length && Number.isFinite(wakeAt)) {
      lane.timer = setTimeout(lane.pump, Math.max(1, Math.ceil(wakeAt - t)));
      lane.timer.unref?.();
    }
  }

  /** Takes a place in `lane`'s minute at `t`; moves it to the answer's time when told. */
  function answered(lane: Lane, t: number): Done {
    const slot: Slot = { at: t };
    lane.sent.push(slot);
    return () => {
      const i = lane.sent.indexOf(slot);
      if (i < 0) return;
      // Every other place is at or before now: the moved one goes last, and the order holds.
      lane.sent.splice(i, 1);
      lane.sent.push({ at: Math.max(t, now()) });
    };
  }

  /** Takes a ticket out of its lane (served or given up). */
  function settle(lane: Lane, ticket: Ticket) {
    lane.waiting.splice(lane.waiting.indexOf(ticket), 1);
    if (ticket.timer) clearTimeout(ticket.timer);
    if (ticket.urgency && !lane.waiting.some((w) => w.urgency === ticket.urgency))
      ticket.urgency.waiting.delete(lane.pump);
  }

  return {
    turn(method, { channel, maxWaitMs, urgency: given } = {}) {
      const lane = laneOf(method);
      const t = now();
      // Paused by a 429 for longer than the caller can wait: refused at once, as Slack would.
      if (maxWaitMs !== undefined && lane.pausedUntil - t > maxWaitMs)
        return Promise.reject(new WebAPIRateLimitedError(Math.ceil((lane.pausedUntil - t) / 1000)));
      const paced = Number.isFinite(lane.limit) || (channel !== undefined && channelPaced(method));
      if (!paced && t >= lane.pausedUntil) return Promise.resolve(NOTHING);
      return new Promise<Done>((resolve, reject) => {
        const urgency = given as UrgencyState | undefined;
        const ticket: Ticket = { channel, urgency, resolve, timer: null };
        lane.waiting.push(ticket);
        urgency?.waiting.add(lane.pump);
        if (maxWaitMs !== undefined) {
          ticket.timer = setTimeout(() => {
            if (!lane.waiting.includes(ticket)) return;
            settle(lane, ticket);
            reject(new WebAPIRateLimitedError(Math.max(1, Math.ceil((lane.pausedUntil - now()) / 1000))));
          }, maxWaitMs);
          ticket.timer.unref?.();
        }
        pump(method, lane);
      });
    },
    pause(method, ms, channel) {
      const until = now() + ms;
      if (channel !== undefined && method === 'chat.postMessage' && pace.intervalMs > 0) {
        const b = bucketOf(channel, now());
        b.pausedUntil = Math.max(b.pausedUntil, until);
      } else {
        const lane = laneOf(method);
        lane.pausedUntil = Math.max(lane.pausedUntil, until);
      }
      pump(method, laneOf(method));
    },
    backgroundRoom(method) {
      const lane = laneOf(method);
      const t = now();
      if (t < lane.pausedUntil) return 0;
      if (!Number.isFinite(lane.limit)) return Number.POSITIVE_INFINITY;
      forget(lane, t);
      return Math.max(0, backgroundCap(lane) - lane.sent.length - lane.waiting.length);
    },
  };
}
