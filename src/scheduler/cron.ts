import { schedule } from 'node-cron';

/**
 * Every 15 seconds: due jobs wait at most that long (a change that planned a notice also ticks, once
 * the requests waiting are answered).
 */
export const TICK_EVERY = '*/15 * * * * *';

/**
 * Runs `tick` on the cron schedule until `stop`. Not awaited: a tick's promise ends when what it
 * sent has been posted, and the next tick must not wait for Slack's pace (the scheduler's own
 * queue never overlaps two ticks' claiming).
 */
export function startTicking(tick: () => Promise<void>, expression: string = TICK_EVERY): { stop(): Promise<void> } {
  const task = schedule(expression, () => void tick(), {
    name: 'liftoff-scheduler',
    noOverlap: true,
    suppressMissedWarning: true,
  });
  return {
    async stop() {
      await task.stop();
      await task.destroy();
    },
  };
}

/** The cron ticks this often (ms): a job due later than that is left to the cron's next tick. */
const CRON_EVERY_MS = 15_000;
/** At least this long between two wake-up ticks, should a due job stay pending (a job due later is woken at its time). */
const MIN_WAKE_MS = 1_000;

/**
 * Between the cron's ticks: `arm` (after each tick) sets one timer for when the next pending job is
 * due, so a notice goes out at its time rather than at the next quarter minute. A job found due
 * already came due after the tick's claim (a timer fires a few milliseconds early by the loop's
 * clock, and the claim takes some): it is woken for at once. Found due again by the next arm, it
 * is one the tick leaves pending (its thread does not exist yet): then once a second at most.
 */
export function wakeAtNextDue(tick: () => Promise<void>, nextDueIn: () => number | null) {
  let timer: NodeJS.Timeout | undefined;
  let dueAtLastArm = false;
  return {
    arm(): void {
      clearTimeout(timer);
      const ms = nextDueIn();
      const wasDue = dueAtLastArm;
      dueAtLastArm = ms !== null && ms <= 0;
      if (ms === null || ms > CRON_EVERY_MS) return;
      // Due already: it came due after the claim (at once), or the tick left it pending (in a second).
      const wait = ms > 0 ? ms : wasDue ? MIN_WAKE_MS : 0;
      timer = setTimeout(() => void tick(), wait);
      timer.unref();
    },
    stop(): void {
      clearTimeout(timer);
    },
  };
}

/**
 * The tick a change asks for (the notices it planned are due now), once the requests waiting for
 * their acknowledgement are answered (`quiet`): a form's announcement is claimed and sent after the
 * burst of forms it came in, not between their answers, as its card is drawn after them. Asks made
 * while one waits share it; one made once its tick has started waits for the next quiet.
 */
export function tickWhenQuiet(quiet: () => Promise<void>, tick: () => Promise<void>) {
  let asked: Promise<void> | null = null;
  return {
    ask(): void {
      asked ??= quiet().then(() => {
        asked = null;
        void tick();
      });
    },
    /** The ask waiting for quiet, if any (a drain waits for it; the tick's own work is the scheduler's). */
    waiting(): Promise<void> | null {
      return asked;
    },
  };
}
