import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/db.js';
import { createRepositories } from '../../src/storage/index.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { seedPastDeployments, seedScheduled } from '../support/past-deployments.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const DAY = 86_400_000;

/**
 * 1,000 finished deployments by the deployer, one a day up to yesterday, of
 * services checkout and search in turn; and `active`
 * scheduled ones, each waiting on the QA lead's approval.
 */
function seed(active: number) {
  const db = openDatabase(h.dbFile);
  try {
    const repos = createRepositories(db);
    seedPastDeployments(repos, 1000, {
      from: h.clock.now() - 1000 * DAY,
      service: (i) => (i % 2 ? 'checkout' : 'search'),
      deployerId: PEOPLE.deployer,
      channelId: CHANNELS.deploys,
    });
    seedScheduled(repos, active, {
      now: h.clock.now(),
      deployerId: PEOPLE.deployer,
      approvers: { dev_lead: [PEOPLE.dev], qa_lead: [PEOPLE.qa], ops_lead: [PEOPLE.ops] },
      channelId: () => CHANNELS.deploys,
    });
  } finally {
    db.close();
  }
}

async function openHome(user: string) {
  await h.slack.event({ type: 'app_home_opened', user, tab: 'home', channel: 'D123' });
  await h.settled();
  const view = h.fake.views.filter((v) => v.kind === 'home' && v.user === user).at(-1);
  expect(view, 'Home was published').toBeDefined();
  return (view!.view as { blocks: Array<{ type: string; text?: { text: string } }> }).blocks;
}

describe('App Home: history and delivery stats', () => {
  it('stays within Slack’s limits with 1,000 past and 150 active deployments, with the history page and the DORA measures', async () => {
    seed(150);
    for (const user of [PEOPLE.deployer, PEOPLE.qa, PEOPLE.stranger]) {
      const blocks = await openHome(user);
      expect(blocks.length).toBeLessThanOrEqual(100);
      const text = JSON.stringify(blocks);
      expect(text).toContain('Page 1 of 100 · 1000 past deployments');
      expect(text).toContain('*📊 Delivery* · all services · last 30 days');
      // The last 30 days hold deployments 971 to 1,000: 7 completed, 7 rolled back, 8 failed their rollback, 8 cancelled.
      expect(text).toContain('*Deployment frequency*\\n5.1 a week (22 in 30 days)');
      expect(text).toContain('*Change failure rate*\\n68% (15 of 22)');
      expect(text).toContain('*Time to restore*\\n< 1 min median');
      expect(text).toContain('*Lead time for changes*\\n');
      // Only the deployer deployed anything: their services' measures are theirs alone.
      expect(text.includes('*Your services* (checkout, search)')).toBe(user === PEOPLE.deployer);
    }
    expect(h.fake.warnings).toEqual([]);
  });

  it('as days pass, the measures follow the period as a fresh start would draw them', async () => {
    seed(0);
    const measures = async (user: string) =>
      JSON.stringify(await openHome(user)).match(/📊 Delivery.*?The four DORA measures/)?.[0];
    const before = await measures(PEOPLE.deployer);
    // Five days later (a new minute, no change): the period has lost its five oldest days.
    h.clock.advance(5 * DAY);
    const kept = await measures(PEOPLE.deployer);
    expect(kept).not.toEqual(before);
    await h.restart();
    expect(await measures(PEOPLE.deployer)).toEqual(kept);
  });

  it('shows the measures of an empty history without rates it cannot know', async () => {
    const text = JSON.stringify(await openHome(PEOPLE.stranger));
    expect(text).toContain('*Deployment frequency*\\n0.0 a week (0 in 30 days)');
    expect(text).toContain('*Change failure rate*\\nnothing went out');
    expect(text).toContain('*Time to restore*\\nno rollback completed');
    expect(text).not.toContain('Your services');
  });
});
