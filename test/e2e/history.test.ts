import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { openDatabase } from '../../src/storage/db.js';
import { createRepositories } from '../../src/storage/index.js';
import { buttonsOf, startDeployment, textOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { seedPastDeployments } from '../support/past-deployments.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const DAY = 24 * 3_600_000;

/** 1,000 finished deployments written through the storage layer (a second connection), the newest ending 2 days ago. */
function seedThousand() {
  const db = openDatabase(h.dbFile);
  try {
    seedPastDeployments(createRepositories(db), 1000, {
      from: h.clock.now() - 1002 * DAY,
      service: (i) => (i % 2 ? 'checkout' : 'search'),
      channelId: CHANNELS.deploys,
    });
  } finally {
    db.close();
  }
}

const lastEphemeral = () => h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1)!;

describe('/deploy history', () => {
  it('lists past deployments with outcome, duration, deployer and thread link, ten a page, with Next and Previous', async () => {
    seedThousand();
    const { parentTs } = await startDeployment(h);
    await h.slack.command('cancel DEP-1001 window moved', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();

    await h.slack.command('history', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    const first = lastEphemeral();
    const text = textOf(first as never);
    const link = `https://fake.slack.test/archives/${CHANNELS.deploys}/p${parentTs.replace('.', '')}`;
    expect(text).toContain(`<${link}|DEP-1001>`);
    expect(text).toContain('Cancelled');
    expect(text).toContain('never started');
    expect(text).toMatch(/\*DEP-1000\* · \*checkout 1\.999\.0\* → Production · 🆘 Rollback failed/);
    expect(text).toMatch(/ran 17 h 09 min · deployed by <@U0DEPLOYER1>/); // 30 + 999 minutes
    expect(text).toContain('Page 1 of 101 · 1001 past deployments');
    expect(first.blocks.length).toBeLessThanOrEqual(50);
    expect(buttonsOf(first as never).map((b) => b.text)).toEqual(['Next →']);

    // Next replaces the answer in place (through the click's response_url).
    const next = buttonsOf(first as never)[0]!;
    await h.slack.action({
      user: PEOPLE.deployer,
      actionId: ActionId.historyNext,
      value: next.value,
      channel: CHANNELS.deploys,
      ephemeral: true,
    });
    await h.settled();
    const second = h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1)!;
    expect(second.replace_original).toBe(true);
    expect(textOf(second as never)).toContain('Page 2 of 101');
    expect(textOf(second as never)).toContain('*DEP-991*');
    expect(buttonsOf(second as never).map((b) => b.text)).toEqual(['← Previous', 'Next →']);
    expect(h.fake.warnings).toEqual([]);
  });

  it('filters by service and environment and goes straight to a page; the last page has no Next', async () => {
    seedThousand();
    await h.slack.command('history checkout prod page 50', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    const answer = lastEphemeral();
    expect(textOf(answer as never)).toContain('checkout in Production');
    expect(textOf(answer as never)).toContain('Page 50 of 50 · 500 past deployments');
    expect(textOf(answer as never)).not.toContain('search');
    expect(buttonsOf(answer as never).map((b) => b.text)).toEqual(['← Previous']);

    await h.slack.command('history billing staging', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    expect(textOf(lastEphemeral() as never)).toContain('None yet');
  });

  it('App Home shows a page of the history within Slack’s limits, and its Next republishes Home with the next page', async () => {
    seedThousand();
    await startDeployment(h);
    await h.slack.event({ type: 'app_home_opened', user: PEOPLE.qa, tab: 'home', channel: 'D123' });
    await h.settled();
    const home = () => h.fake.views.filter((v) => v.kind === 'home' && v.user === PEOPLE.qa).at(-1)!;
    const blocks = (home().view as { blocks: unknown[] }).blocks;
    expect(blocks.length).toBeLessThanOrEqual(100);
    const shown = JSON.stringify(blocks);
    expect(shown).toContain('Waiting for you');
    expect(shown).toContain('Past deployments');
    expect(shown).toContain('Page 1 of 100');

    const next = buttonsOf({ blocks } as never).find((b) => b.actionId === ActionId.homeHistoryNext)!;
    await h.slack.action({ user: PEOPLE.qa, actionId: ActionId.homeHistoryNext, value: next.value, viewId: home().id });
    await h.settled();
    expect(JSON.stringify((home().view as { blocks: unknown[] }).blocks)).toContain('Page 2 of 100');
    expect(h.fake.warnings).toEqual([]);
  });
});
