import type { App } from '@slack/bolt';

/** How long a redraw waits at most for the requests waiting on their acknowledgement. */
const ACKS_FIRST_CEILING_MS = 250;

/** Told of each request's acknowledgement: its body, and the seconds from Bolt handing it over to `ack()`. */
export type OnAcked = (body: Record<string, unknown>, seconds: number) => void;

/**
 * The requests Slack waits on: handed to the app and not yet acknowledged (HTTP and Socket Mode
 * alike). Slack shows a person an error after 3 s without an acknowledgement, and a form closes
 * only with it, so work that only shows a change (a redraw) waits while any request does, at most
 * `ceilingMs`: twenty forms sent at once are answered before the first of their cards is drawn.
 * `onAcked` hears each acknowledgement as it is sent (the metrics time them).
 */
export function watchAcks(app: App, onAcked: OnAcked = () => undefined) {
  let waiting = 0;
  let quietNow: Array<() => void> = [];
  const inner = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    const start = performance.now();
    waiting++;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      if (--waiting === 0) for (const resolve of quietNow.splice(0)) resolve();
    };
    let acked = false;
    try {
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
    /** Resolves once no request waits for its acknowledgement, or after `ceilingMs`. */
    quiet(ceilingMs = ACKS_FIRST_CEILING_MS): Promise<void> {
      if (waiting === 0) return Promise.resolve();
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
      });
    },
  };
}
