import { schedule } from 'node-cron';

/** Every 15 seconds: due jobs wait at most that long (changes also tick at once). */
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
 * due, so a notice goes out at its time rather than at the next quarter minute.
 */
export function wakeAtNextDue(tick: () => Promise<void>, nextDueIn: () => number | null) {
  let timer: NodeJS.Timeout | undefined;
  return {
    arm(): void {
      clearTimeout(timer);
      const ms = nextDueIn();
      if (ms === null || ms > CRON_EVERY_MS) return;
      timer = setTimeout(() => void tick(), ms > 0 ? ms : MIN_WAKE_MS);
      timer.unref();
    },
    stop(): void {
      clearTimeout(timer);
    },
  };
}
