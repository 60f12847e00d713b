import { schedule } from 'node-cron';

/** Every 15 seconds: due jobs wait at most that long (changes also tick at once). */
export const TICK_EVERY = '*/15 * * * * *';

/** Runs `tick` on the cron schedule until `stop`; a tick still running is never overlapped. */
export function startTicking(tick: () => Promise<void>, expression: string = TICK_EVERY): { stop(): Promise<void> } {
  const task = schedule(expression, () => tick(), {
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
