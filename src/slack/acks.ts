import type { App } from '@slack/bolt';
import { takingTurns } from '../support/turns.js';

/** How long a redraw waits at most for the requests waiting on their acknowledgement. */
const ACKS_FIRST_CEILING_MS = 250;
/**
 * How long after the last request was handed over the app counts as quiet: the next request of a
 * burst is on its way (read and checked by the receiver, or sent by a person just answered).
 */
const LULL_MS = 10;

/** Told of each request's acknowledgement: its body, and the seconds from Bolt handing it over to `ack()`. */
export type OnAcked = (body: Record<string, unknown>, seconds: number) => void;

export interface AckWatchOptions {
  /** Told of each acknowledgement (the metrics time them). */
  onAcked?: OnAcked;
  /** Quiet only once no request was handed over for this long (ms; LULL_MS). */
  lullMs?: number;
  /** The clock (ms; tests set it). */
  now?: () => number;
}

/**
 * The requests Slack waits on: handed to the app and not yet acknowledged (HTTP and Socket Mode
 * alike). Slack shows a person an error after 3 s without an acknowledgement, and a form closes
 * only with it, so work that only shows a change (a redraw) waits while any request does, and
 * until none came for a moment (`lullMs`), at most `ceilingMs`: twenty forms sent at once are
 * answered before the first of their cards is drawn, and a burst of clicks is answered before the
 * redraws it set off, not between them.
 *
 * Requests also take turns: one starts per turn of the event loop, in the order they came, and the
 * loop polls between two. Node accepts one new connection per turn (libuv 1.45 and later,
 * libuv/libuv#3696): twenty requests worked through in one turn left a connection opened
 * meanwhile, and the request on it, waiting behind them all (a burst that needed new connections:
 * its first requests waited 0.1–0.3 s before Bolt saw them).
 */
export function watchAcks(
  app: App,
  { onAcked = () => undefined, lullMs = LULL_MS, now = () => performance.now() }: AckWatchOptions = {},
) {
  let waiting = 0;
  /** When the last request was handed to the app. */
  let lastHanded = Number.NEGATIVE_INFINITY;
  let quietNow: Array<() => void> = [];
  /** Set while the app waits out a lull before telling `quietNow`. */
  let lull: NodeJS.Timeout | undefined;
  const isQuiet = () => waiting === 0 && now() - lastHanded >= lullMs;
  /** Tells those waiting for quiet once it is: no request waiting, none handed over for `lullMs`. */
  const tellWhenQuiet = () => {
    if (lull || waiting > 0 || quietNow.length === 0) return;
    const left = lastHanded + lullMs - now();
    if (left <= 0) {
      for (const resolve of quietNow.splice(0)) resolve();
      return;
    }
    lull = setTimeout(() => {
      lull = undefined;
      tellWhenQuiet();
    }, Math.ceil(left));
  };
  const inner = app.processEvent.bind(app);
  const turn = takingTurns();
  app.processEvent = async (event) => {
    const start = performance.now();
    lastHanded = now();
    waiting++;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      if (--waiting === 0) tellWhenQuiet();
    };
    let acked = false;
    try {
      // Its turn first: a connection waiting to be accepted, or a sync that finished, is heard between two requests.
      await turn();
      return await inner({
        ...event,
        ack: async (response) => {
          try {
            const result = await event.ack(response);
            if (!acked) onAcked(event.body, (performance.now() - start) / 1000);
            acked = true;
            return result;
          } finally {
            settle();
          }
        },
      });
    } finally {
      settle();
    }
  };
  return {
    /** How many requests wait for their acknowledgement now. */
    waiting: () => waiting,
    /** Resolves once no request waits for its acknowledgement and none came for `lullMs`, or after `ceilingMs`. */
    quiet(ceilingMs = ACKS_FIRST_CEILING_MS): Promise<void> {
      if (isQuiet()) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          quietNow = quietNow.filter((f) => f !== done);
          resolve();
        }, ceilingMs);
        quietNow.push(done);
        tellWhenQuiet();
      });
    },
  };
}
