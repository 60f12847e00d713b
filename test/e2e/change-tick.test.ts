import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock } from '../support/clock.js';
import { startDeployment, textOf } from '../support/flows.js';
import { CHANNELS, startHarness, type Harness } from '../support/harness.js';

// The scheduler as it runs in production (its own ticks, no test driving them): a change that
// plans a notice due now sets off a tick of its own, once the form's answer has gone.

const HOUR = 3_600_000;
let h: Harness;
afterEach(async () => {
  await h?.stop();
});

describe('the tick a change sets off', () => {
  it('a deployment started two hours ahead is announced at once, once, by the tick its start set off', async () => {
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    h = await startHarness({ clock: fakeClock(now), slackFollowsClock: true, autoTick: true });
    // The start-up tick has run; the cron's next is up to 15 s away and the test takes well under a
    // second (a cron tick falling inside it would let it pass without the change's own tick).
    await h.settled();
    const { submitted } = await startDeployment(h, {
      windowStart: (now + 2 * HOUR) / 1000,
      windowEnd: (now + 3 * HOUR) / 1000,
      announce: CHANNELS.announce,
    });
    expect(submitted.status).toBe(200);
    const announced = h.fake.messages(CHANNELS.announce).map(textOf);
    expect(announced).toHaveLength(1);
    expect(announced[0]).toContain('Upcoming deployment');
    const rows = h.query<{ status: string }>("SELECT status FROM jobs WHERE kind = 'announcement'");
    expect(rows.map((r) => r.status)).toEqual(['sent']);
  });
});
