/**
 * Slack's rate limits, opt-in per test (`fake.limitRates()`): chat.postMessage takes about one message
 * a second per channel after a short burst; other methods are limited per minute by tier. Beyond that
 * Slack answers HTTP 429 with `Retry-After` (seconds), and nothing is done.
 */
import type { RateLimits, SlackJson } from './types.js';

/**
 * Calls per minute by method, Slack's documented floors (each method's page on docs.slack.dev, "Rate
 * limits": Tier 1 = 1+, Tier 2 = 20+, Tier 3 = 50+, Tier 4 = 100+), for every method Liftoff calls.
 * chat.getPermalink and auth.test are "special": "hundreds of requests per minute" (api.slack.com/methods/
 * chat.getPermalink, docs.slack.dev/reference/methods/auth.test), taken here as 100. conversations.history
 * and .replies stay Tier 3 for internal apps (docs.slack.dev/apis/web-api/rate-limits: the May 2025 limit
 * of one a minute is for commercially distributed apps outside the Marketplace). chat.postMessage is
 * limited per channel instead (`perChannel`).
 */
export const METHOD_TIERS: Record<string, number> = {
  // Tier 2
  'conversations.create': 20,
  'conversations.list': 20,
  'conversations.archive': 20,
  'usergroups.list': 20,
  'usergroups.users.list': 20,
  // Tier 3
  'chat.update': 50,
  'chat.scheduleMessage': 50,
  'chat.deleteScheduledMessage': 50,
  'conversations.invite': 50,
  'conversations.join': 50,
  'conversations.history': 50,
  'conversations.replies': 50,
  'conversations.info': 50,
  'users.lookupByEmail': 50,
  // Tier 4
  'chat.postEphemeral': 100,
  'views.open': 100,
  'views.update': 100,
  'views.push': 100,
  'views.publish': 100,
  'users.info': 100,
  'conversations.members': 100,
  // Special: "hundreds of requests per minute"
  'chat.getPermalink': 100,
  'auth.test': 100,
};

export function createRateLimiter(limits: RateLimits, now: () => number) {
  const minuteMs = limits.minuteMs ?? 60_000;
  const lanes = new Map<string, { tokens: number; at: number }>();
  const windows = new Map<string, number[]>();

  /** Token bucket per channel: `burst` at once, then one per `intervalMs`. */
  function channelAllows(channel: string): boolean {
    const pace = limits.perChannel;
    if (!pace) return true;
    const t = now();
    const lane = lanes.get(channel) ?? { tokens: pace.burst, at: t };
    lane.tokens = Math.min(pace.burst, lane.tokens + (t - lane.at) / pace.intervalMs);
    lane.at = t;
    lanes.set(channel, lane);
    if (lane.tokens < 1) return false;
    lane.tokens -= 1;
    return true;
  }

  function methodAllows(method: string): boolean {
    const perMinute = limits.tiers === false ? undefined : { ...METHOD_TIERS, ...limits.tiers }[method];
    if (perMinute === undefined) return true;
    const t = now();
    const recent = (windows.get(method) ?? []).filter((at) => t - at < minuteMs);
    windows.set(method, recent);
    if (recent.length >= perMinute) return false;
    recent.push(t);
    return true;
  }

  return {
    /** The 429 to answer, or undefined when the call may go on. */
    check(method: string, args: SlackJson): { status: 429; body: SlackJson; retryAfter: number } | undefined {
      const allowed = method === 'chat.postMessage' ? channelAllows(String(args.channel ?? '')) : methodAllows(method);
      if (allowed) return undefined;
      return { status: 429, body: { ok: false, error: 'ratelimited' }, retryAfter: limits.retryAfter ?? 1 };
    },
  };
}
