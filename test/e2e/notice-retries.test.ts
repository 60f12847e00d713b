import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock } from '../support/clock.js';
import { startDeployment, textOf } from '../support/flows.js';
import { CHANNELS, startHarness, type Harness } from '../support/harness.js';

const MIN = 60_000;
let h: Harness;
afterEach(async () => {
  await h?.stop();
});

const announcements = () =>
  h.fake
    .messages(CHANNELS.announce)
    .map(textOf)
    .filter((t) => t.includes('Upcoming deployment'));
const postsTo = (channel: string) => h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);

describe('a notice whose post timed out is never posted twice', () => {
  it('the post is not retried blindly by the Web API client; the scheduler finds the late message in the history and marks it sent', async () => {
    h = await startHarness({
      env: { LIFTOFF_SLACK_TIMEOUT_MS: '200' },
      clock: fakeClock(Math.floor(Date.now() / MIN) * MIN),
      slackFollowsClock: true,
    });
    // The window is in 2 h: the announcement is due at once.
    const now = Math.floor(h.clock.now() / 1000);
    const { id } = await startDeployment(h, {
      announce: CHANNELS.announce,
      windowStart: now + 2 * 3600,
      windowEnd: now + 3 * 3600,
    });
    // Slack takes longer than the client waits, then posts anyway.
    h.fake.fail('chat.postMessage', { delayMs: 700 }, 1);
    await h.liftoff.scheduler.tick();
    await h.settled();
    const row = () =>
      h.query<{ status: string; result: string }>(
        `SELECT status, result FROM jobs WHERE deployment_id = ? AND kind = 'announcement'`,
        id,
      )[0]!;
    // One call, not the client's retries; not in the history when checked, so it waits.
    expect(postsTo(CHANNELS.announce)).toHaveLength(1);
    expect(row()).toMatchObject({ status: 'pending' });
    expect(row().result).toContain('not found yet');

    await h.fake.waitFor(() => announcements().length === 1, 60_000);
    h.clock.set(h.clock.now() + 2 * MIN);
    await h.liftoff.scheduler.tick();
    await h.settled();
    expect(row().status).toBe('sent');
    expect(announcements()).toHaveLength(1);
    expect(postsTo(CHANNELS.announce)).toHaveLength(1);
  });
});
