/**
 * App Home at an organisation's scale: deployments in many deploy channels, some private. What Home
 * asks Slack is bounded (who is in which channel is known from one pass and kept by the membership
 * events; links are built, not fetched), and who sees what follows the channels' members.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/db.js';
import { createRepositories } from '../../src/storage/index.js';
import { seedScheduled } from '../support/past-deployments.js';
import { ActionId } from '../../src/slack/ids.js';
import { press } from '../support/flows.js';
import { PEOPLE, startHarness, type Harness } from '../support/harness.js';

const CHANNELS = Array.from({ length: 12 }, (_, i) => `CTEAM${String(i).padStart(2, '0')}`);
/** The first two deploy channels are private: the deployer and the development lead are in them. */
const PRIVATE = new Set(CHANNELS.slice(0, 2));
const ACTIVE = 120;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  for (const id of CHANNELS)
    h.fake.addChannel(id, {
      isPrivate: PRIVATE.has(id),
      members: PRIVATE.has(id) ? [PEOPLE.deployer, PEOPLE.dev] : Object.values(PEOPLE),
    });
  const db = openDatabase(h.dbFile);
  try {
    seedScheduled(createRepositories(db), ACTIVE, {
      now: h.clock.now(),
      deployerId: PEOPLE.deployer,
      approvers: { dev_lead: [PEOPLE.dev], qa_lead: [PEOPLE.qa], ops_lead: [PEOPLE.ops] },
      channelId: (i) => CHANNELS[i % CHANNELS.length]!,
    });
  } finally {
    db.close();
  }
});
afterEach(async () => {
  await h.stop();
});

/** Opens `user`'s Home: the view published, and the Web API calls it made, by method. */
async function openHome(user: string) {
  const from = h.fake.calls.length;
  await h.slack.event({ type: 'app_home_opened', user, tab: 'home', channel: 'D123' });
  await h.settled();
  const calls = h.fake.calls.slice(from);
  const published = calls.filter((c) => c.method === 'views.publish' && c.args.user_id === user);
  expect(published).toHaveLength(1);
  const count: Record<string, number> = {};
  // auth.test: Bolt's and the workspace's address, each asked once ever.
  for (const c of calls) if (c.method !== 'auth.test') count[c.method] = (count[c.method] ?? 0) + 1;
  return { view: JSON.stringify(published[0]!.args.view), count };
}

/** Whether Home shows deployment i (its service and version). */
const shows = (view: string, i: number) => view.includes(`service-${i} 3.${i}.0`);

/** service-0 lives in the first private channel, service-1 in the second; service-2 in a public one. */
const membership = (type: 'member_joined_channel' | 'member_left_channel', user: string, channel: string) => {
  h.fake.setMember(channel, user, type === 'member_joined_channel');
  return h.slack.event({ type, user, channel, channel_type: 'C', team: h.fake.teamId });
};

describe('App Home with many deployments in many channels', () => {
  it('an approver named on every deployment sees the first ten approvals and how many more, following what they sign', async () => {
    const approvals = async () => JSON.stringify((await openHome(PEOPLE.qa)).view).match(/Your approvals.*?more_/)?.[0];
    const before = await approvals();
    expect(before).toContain('*DEP-3* · *service-2 3.2.0*');
    expect(before).toContain('_and 90 more_');
    await press(h, PEOPLE.qa, ActionId.approve, { d: 3, r: 'qa_lead' });
    const after = await approvals();
    expect(after).not.toContain('DEP-3*');
    expect(after).toContain('_and 89 more_');
    expect(await approvals()).toEqual(after);
  });

  it('asks Slack about the channels once, then opens from what it knows; no permalink is fetched', async () => {
    const first = await openHome(PEOPLE.deployer);
    // One list pass says which channels are public; the two private ones' members are read.
    expect(first.count).toEqual({
      'conversations.list': 1,
      'conversations.info': 2,
      'conversations.members': 2,
      'views.publish': 1,
    });
    expect(shows(first.view, 0) && shows(first.view, 1)).toBe(true);
    const asked = h.fake.callsTo('auth.test').length;
    for (const user of [PEOPLE.qa, PEOPLE.stranger, PEOPLE.dev]) {
      expect((await openHome(user)).count).toEqual({ 'views.publish': 1 });
    }
    // A minute and more later: Home opens at once from what is known, and Slack is asked again behind it, once.
    h.clock.advance(5 * 60_000);
    const later = await openHome(PEOPLE.deployer);
    expect(shows(later.view, 0)).toBe(true);
    expect(later.count).toEqual(first.count);
    expect((await openHome(PEOPLE.qa)).count).toEqual({ 'views.publish': 1 });
    expect(h.fake.callsTo('auth.test')).toHaveLength(asked);
    expect(h.fake.warnings).toEqual([]);
  });

  it('Homes opened at once are each published once, each as its person may see it', async () => {
    await openHome(PEOPLE.deployer);
    const users = [PEOPLE.deployer, PEOPLE.qa, PEOPLE.dev, PEOPLE.stranger];
    const from = h.fake.calls.length;
    await Promise.all(
      users.map((user) => h.slack.event({ type: 'app_home_opened', user, tab: 'home', channel: 'D123' })),
    );
    await h.settled();
    const published = h.fake.calls.slice(from).filter((c) => c.method === 'views.publish');
    expect(published.map((c) => c.args.user_id).sort()).toEqual([...users].sort());
    for (const c of published) {
      const member = c.args.user_id === PEOPLE.deployer || c.args.user_id === PEOPLE.dev;
      expect(shows(JSON.stringify(c.args.view), 0)).toBe(member);
    }
  });

  it('follows the members: who joins a private channel sees its deployments in Home, who leaves no longer does', async () => {
    const before = (await openHome(PEOPLE.qa)).view;
    expect(shows(before, 0)).toBe(false);
    expect(shows(before, 2)).toBe(true);
    expect(before).toContain('🔒 DEP-1, DEP-2,');
    expect(shows((await openHome(PEOPLE.deployer)).view, 1)).toBe(true);

    await membership('member_joined_channel', PEOPLE.qa, CHANNELS[0]!);
    await membership('member_left_channel', PEOPLE.deployer, CHANNELS[1]!);
    const qa = await openHome(PEOPLE.qa);
    expect(shows(qa.view, 0)).toBe(true);
    expect(shows(qa.view, 1)).toBe(false);
    expect(qa.view).toContain('🔒 DEP-2,');
    const deployer = await openHome(PEOPLE.deployer);
    expect(shows(deployer.view, 0)).toBe(true);
    expect(shows(deployer.view, 1)).toBe(false);
    expect(deployer.view).toContain('🔒 DEP-2,');
    // QA is named on every deployment: ten approvals listed, the rest counted (those they now see).
    expect(before).toContain('_and 90 more_');
    expect(qa.view).toContain('_and 100 more_');
    // Neither asked Slack again: the events said it.
    expect(qa.count).toEqual({ 'views.publish': 1 });
    expect(deployer.count).toEqual({ 'views.publish': 1 });
  });
});
