import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/db.js';
import { createRepositories } from '../../src/storage/index.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { seedPastDeployments } from '../support/past-deployments.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('/deploy stats', () => {
  it('answers the four DORA measures over the period asked for, for one service', async () => {
    const db = openDatabase(h.dbFile);
    // One a day over the last 40 days, outcomes in turn: completed, rolled back, cancelled, rollback failed.
    seedPastDeployments(createRepositories(db), 40, {
      from: h.clock.now() - 40 * 86_400_000 + 60_000,
      service: () => 'web',
    });
    seedPastDeployments(createRepositories(db), 3, { from: h.clock.now() - 5 * 86_400_000, service: () => 'api' });
    db.close();
    await h.slack.command('stats web prod 4w', { user: PEOPLE.stranger, channel: CHANNELS.deploys });
    await h.settled();
    const answer = h.fake.ephemerals({ user: PEOPLE.stranger }).at(-1)!;
    const text = JSON.stringify(answer.blocks);
    // The last 28 days hold deployments 13 to 40: 7 of each outcome.
    expect(text).toContain('*Deployment frequency:* 21 in 28 days');
    expect(text).toContain('7 cancelled before going out');
    expect(text).toContain('*Change failure rate:* 67% (14 of 21 rolled back or failed their rollback)');
    expect(text).toContain('*Time to restore:* < 1 min median over 7');
    expect(text).toContain('*Lead time for changes:*');
    expect(answer.text).toContain('web in Production, last 28 days');
  });

  it('shares a chart of deployments a week where the command was typed, through the external upload flow', async () => {
    seedThirty();
    await h.slack.command('stats web 4w', { user: PEOPLE.stranger, channel: CHANNELS.deploys });
    await h.settled();
    // Slack's three steps, in order: an upload URL, the bytes, then the share in the channel.
    const steps = h.fake.calls.filter((c) => /^(files\.|upload_url$)/.test(c.method));
    expect(steps.map((c) => c.method).join(' → ')).toBe(
      'files.getUploadURLExternal → upload_url → files.completeUploadExternal',
    );
    expect(steps[2]!.args).toMatchObject({ channel_id: CHANNELS.deploys });
    const [file] = h.fake.files();
    expect(file).toMatchObject({
      filename: 'deployments-a-week.png',
      title: 'Deployments a week, by outcome',
      completed: true,
      channel: CHANNELS.deploys,
    });
    expect(file!.threadTs).toBeUndefined();
    const png = file!.bytes!;
    expect(png.length).toBe(file!.length);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThan(500); // width in pixels
    // What the chart shows is said in words too, week by week (the 28 days hold deployments 3 to 30).
    expect(file!.altText).toMatch(
      /^Bar chart of deployments a week, oldest first: \d+ completed, \d+ failed, \d+ cancelled;/,
    );
    expect(file!.initialComment).toBe(
      `📊 Deployments a week by outcome · web · last 28 days (asked for by <@${PEOPLE.stranger}> with \`/deploy stats\`)`,
    );
    expect(h.fake.messages(CHANNELS.deploys).at(-1)?.text).toBe(file!.initialComment);
    expect(h.fake.warnings).toEqual([]);
  });

  it('answers a short period with the measures alone: a week is not a chart', async () => {
    seedThirty();
    await h.slack.command('stats web 7d', { user: PEOPLE.stranger, channel: CHANNELS.deploys });
    await h.settled();
    expect(JSON.stringify(h.fake.ephemerals({ user: PEOPLE.stranger }).at(-1)!.blocks)).toContain(
      'Deployment frequency',
    );
    expect(h.fake.files()).toEqual([]);
  });

  it('says so when the chart cannot be shared where the command was typed, the measures still answered', async () => {
    seedThirty();
    await h.slack.command('stats', { user: PEOPLE.stranger, channel: CHANNELS.privateNoBot });
    await h.settled();
    const said = h.fake.ephemerals({ user: PEOPLE.stranger }).map((e) => e.text);
    expect(said[0]).toContain('Delivery stats (all services, last 30 days)');
    expect(said.at(-1)).toMatch(/^📊 The chart of these stats could not be shared here\. .*\/invite @Liftoff/);
    // Nothing draws a chart again once Liftoff is invited: no promise to catch up.
    expect(said.at(-1)).not.toMatch(/catch up/);
    expect(h.fake.files().filter((f) => f.completed)).toEqual([]);
  });
});

/** One deployment a day over the last 30 days, of service web. */
function seedThirty() {
  const db = openDatabase(h.dbFile);
  seedPastDeployments(createRepositories(db), 30, { from: h.clock.now() - 30 * 86_400_000 + 60_000 });
  db.close();
}
