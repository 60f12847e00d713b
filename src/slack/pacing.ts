/**
 * Posting pace: Slack takes about one message a second per channel, with
 * short bursts, and answers 429 beyond that. Posts and edits wait for their
 * channel's turn here (a token bucket per channel), so a new deployment's card
 * and its dozens of thread messages go out as fast as Slack takes them, and one
 * busy channel never holds up another.
 */
export interface Pace {
  /** Messages a quiet channel may take at once. */
  burst: number;
  /** Then one message every `intervalMs` per channel; 0 turns pacing off. */
  intervalMs: number;
}

/** Slack's pace for chat.postMessage and chat.update, with a little margin. */
export const SLACK_POST_PACE: Pace = { burst: 3, intervalMs: 1_100 };

/** The Web API methods that post or edit a message in a channel. */
export const PACED_METHODS: ReadonlySet<string> = new Set(['chat.postMessage', 'chat.update']);

interface Lane {
  tokens: number;
  at: number;
  tail: Promise<void>;
  waiting: number;
}

export interface Pacer {
  /** Resolves when `channel` may take one more message (in the order asked). */
  turn(channel: string): Promise<void>;
}

export function createPacer(pace: Pace, now: () => number = Date.now): Pacer {
  const lanes = new Map<string, Lane>();
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  /** Takes one token, waiting for it when the bucket is empty. */
  async function take(lane: Lane): Promise<void> {
    const t = now();
    lane.tokens = Math.min(pace.burst, lane.tokens + (t - lane.at) / pace.intervalMs);
    lane.at = t;
    if (lane.tokens < 1) {
      await sleep(Math.ceil((1 - lane.tokens) * pace.intervalMs));
      lane.tokens = 1;
      lane.at = now();
    }
    lane.tokens -= 1;
  }

  return {
    turn(channel) {
      if (pace.intervalMs <= 0) return Promise.resolve();
      let lane = lanes.get(channel);
      if (!lane) {
        lane = { tokens: pace.burst, at: now(), tail: Promise.resolve(), waiting: 0 };
        lanes.set(channel, lane);
      }
      const l = lane;
      l.waiting++;
      const mine = l.tail.then(() => take(l));
      l.tail = mine.finally(() => {
        // A lane nobody waits on and that has refilled is forgotten.
        if (--l.waiting === 0 && lanes.size > 100) lanes.delete(channel);
      });
      return mine;
    },
  };
}
