import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionId, encodeRef } from '../../src/slack/ids.js';
import { buttonsOf, startDeployment } from '../support/flows.js';
import { PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { expectMessagesInLine, plainPreItems, stateOf } from '../reliability/helpers.js';

/**
 * Slack's limits, sped up 30 times: a minute of the method tiers lasts 2 s (chat.update: 50 in any
 * 2 s), posts take a burst of 3 then one every 50 ms per channel; a 429 says "wait 3 s". Liftoff is
 * told the same minute, and paces posts at one every 60 ms.
 */
const MINUTE_MS = 2_000;
/**
 * Background work (the start-up reconciliation) may fill this much of chat.update's minute: 70% of
 * the 45 Liftoff allows itself of Slack's 50 (pacing.ts).
 */
const BACKGROUND_SHARE = 31;
const CHANNELS = ['CLANE1', 'CLANE2', 'CLANE3', 'CLANE4'];

let h: Harness;
afterEach(async () => {
  await h.stop();
});

async function start(minuteMs = MINUTE_MS) {
  h = await startHarness({
    env: { LIFTOFF_SLACK_POST_INTERVAL_MS: '60', LIFTOFF_SLACK_TIER_MINUTE_MS: String(minuteMs) },
  });
  for (const c of CHANNELS) h.fake.addChannel(c, { name: c.toLowerCase() });
}

const limitRates = (minuteMs = MINUTE_MS) =>
  h.fake.limitRates({ perChannel: { burst: 3, intervalMs: 50 }, minuteMs, retryAfter: 3 });

/** `n` deployments spread over the four channels; returns their ids and channels. */
async function deployments(n: number) {
  const made: Array<{ id: number; channel: string }> = [];
  for (let i = 0; i < n; i++) {
    const channel = CHANNELS[i % CHANNELS.length]!;
    const { id } = await startDeployment(h, { service: `svc-${i}` }, channel);
    made.push({ id, channel });
  }
  return made;
}

/** Presses a button as `user` without waiting for its redraws. */
function click(user: string, actionId: string, ref: Parameters<typeof encodeRef>[0], channel: string) {
  const value = encodeRef(ref);
  const message = h.fake
    .messages(channel)
    .find((m) => buttonsOf(m).some((b) => b.actionId === actionId && b.value === value));
  return h.slack.action({
    user,
    actionId,
    value,
    channel,
    ...(message ? { messageTs: message.ts, ...(message.thread_ts ? { threadTs: message.thread_ts } : {}) } : {}),
  });
}

const APPROVERS = [
  ['dev_lead', PEOPLE.dev],
  ['qa_lead', PEOPLE.qa],
  ['ops_lead', PEOPLE.ops],
] as const;

describe('Liftoff paces itself by Slack’s method tiers', () => {
  it('a burst of approvals and checklist clicks on twelve deployments in four channels: no 429, every message ends in its final state', async () => {
    await start();
    const ds = await deployments(12);
    limitRates();
    const approvals = await Promise.all(
      ds.flatMap((d) =>
        APPROVERS.map(([role, user]) => click(user, ActionId.approve, { d: d.id, r: role }, d.channel)),
      ),
    );
    expect(approvals.every((r) => r.status === 200)).toBe(true);
    await h.fake.waitFor(() => ds.every((d) => plainPreItems(stateOf(h, d.id)).length > 0 && buttonsReady(d)));
    const clicks = await Promise.all(
      ds.flatMap((d) =>
        plainPreItems(stateOf(h, d.id))
          .slice(0, 5)
          .map((p) => click(PEOPLE.deployer, ActionId.confirmItem, { d: d.id, k: p.key }, d.channel)),
      ),
    );
    expect(clicks.every((r) => r.status === 200)).toBe(true);
    await h.settled();

    expect(h.fake.rateLimited().map((c) => `${c.method} ${String(c.args.channel)}`)).toEqual([]);
    // Enough edits to fill Slack's chat.update minute more than once: the tier, not luck, kept the 429s away. (A burst's
    // redraws wait for its clicks to be answered, so one edit shows several clicks: five clicks per deployment.)
    expect(h.fake.callsTo('chat.update').length).toBeGreaterThan(50);
    for (const d of ds) {
      const s = stateOf(h, d.id);
      expect(APPROVERS.every(([role]) => s.approvals[role]?.decision === 'approved')).toBe(true);
      expect(
        plainPreItems(s)
          .slice(0, 5)
          .every((p) => s.items[p.key]?.state === 'done'),
      ).toBe(true);
    }
    expect(expectMessagesInLine(h)).toBeGreaterThan(12 * 5);
  }, 120_000);

  it('start-up reconciliation of many deployments draws no 429, and a click’s redraw, a Home tab and an ephemeral made meanwhile go before its backlog’s next update', async () => {
    // A minute of 10 s: the backlog outlasts it, and the moments below fall well inside one.
    const minuteMs = 10_000;
    await start(minuteMs);
    const ds = await deployments(10);
    // A new version draws every message differently: at start, every message of every deployment is redrawn.
    const db = new Database(h.dbFile);
    db.pragma('busy_timeout = 5000');
    db.prepare("UPDATE messages SET rendered_hash = 'drawn by an older version' WHERE ts IS NOT NULL").run();
    db.close();
    const stale = h.query<{ n: number }>('SELECT COUNT(*) AS n FROM messages WHERE ts IS NOT NULL')[0]!.n;
    // More than a minute's worth: the backlog is still there when the minute is full.
    expect(stale).toBeGreaterThan(45);
    limitRates(minuteMs);
    const from = h.fake.calls.length;
    await h.restart();
    const updatesSince = (i: number) => h.fake.calls.slice(i).filter((c) => c.method === 'chat.update');
    // The backlog has filled its share of the minute; the rest of it waits for the next minute.
    await h.fake.waitFor(() => updatesSince(from).length >= BACKGROUND_SHARE);

    // Meanwhile: the QA lead approves one deployment, opens the Home tab, and presses a button they may not.
    const target = ds[ds.length - 1]!;
    const clicked = h.fake.calls.length;
    const approved = await click(PEOPLE.qa, ActionId.approve, { d: target.id, r: 'qa_lead' }, target.channel);
    expect(approved.status).toBe(200);
    await h.slack.event({ type: 'app_home_opened', user: PEOPLE.qa, tab: 'home', channel: 'D123' });
    const refused = await click(PEOPLE.stranger, ActionId.approve, { d: ds[0]!.id, r: 'dev_lead' }, ds[0]!.channel);
    expect(refused.status).toBe(200);
    await h.settled();

    const calls = h.fake.calls.slice(from);
    expect(h.fake.rateLimited().map((c) => `${c.method} ${String(c.args.channel)}`)).toEqual([]);
    const updates = calls.filter((c) => c.method === 'chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(stale);
    // The backlog's first update after the click: one of another deployment's messages.
    const targetTs = new Set(
      h.query<{ ts: string }>('SELECT ts FROM messages WHERE deployment_id = ?', target.id).map((m) => m.ts),
    );
    const backlogNext = calls.indexOf(
      updatesSince(clicked).find((c) => !targetTs.has(String(c.args.ts))) ?? calls[calls.length - 1]!,
    );
    const redraw = calls.findIndex(
      (c) => c.method === 'chat.update' && JSON.stringify(c.args).includes(`Approved by <@${PEOPLE.qa}>`),
    );
    const home = calls.findIndex((c) => c.method === 'views.publish' && c.args.user_id === PEOPLE.qa);
    const ephemeral = calls.findIndex((c) => c.method === 'chat.postEphemeral' && c.args.user === PEOPLE.stranger);
    // A first-come lane would have served the backlog's next updates first: they were asked for earlier.
    for (const served of [redraw, home, ephemeral]) {
      expect(served).toBeGreaterThanOrEqual(0);
      expect(served).toBeLessThan(backlogNext);
    }
    expect(stateOf(h, target.id).approvals.qa_lead?.decision).toBe('approved');
    expectMessagesInLine(h);
  }, 150_000);

  it('more Home tabs opened than views.publish’s minute holds: every one is published, the late ones drawn when they go, one person’s opens coalesce, no 429', async () => {
    // A minute of 5 s: the Homes past the first 90 wait for it, and the test sees them wait.
    const minuteMs = 5_000;
    await start(minuteMs);
    await deployments(1);
    // views.publish takes 100 a minute; Liftoff allows itself 90 (pacing.ts). 100 people open Home at once.
    const people = Array.from({ length: 100 }, (_, i) => `UHOME${String(i).padStart(3, '0')}`);
    for (const id of people) h.fake.addUser(id, { name: id.toLowerCase() });
    limitRates(minuteMs);
    const from = h.fake.calls.length;
    const publishes = () => h.fake.calls.slice(from).filter((c) => c.method === 'views.publish');
    const open = (user: string) => h.slack.event({ type: 'app_home_opened', user, tab: 'home', channel: 'D123' });
    expect((await Promise.all(people.map(open))).every((r) => r.status === 200)).toBe(true);
    await h.fake.waitFor(() => publishes().length >= 90);
    // An hour passes while the last ten wait (Liftoff's clock): what they show is drawn when they go.
    h.clock.advance(3_600_000);
    // Someone whose Home is still waiting opens it five more times.
    const waiting = people.find((user) => !publishes().some((c) => c.args.user_id === user));
    expect(waiting).toBeDefined();
    for (let i = 0; i < 5; i++) expect((await open(waiting!)).status).toBe(200);
    await h.fake.waitFor(() => people.every((user) => publishes().some((c) => c.args.user_id === user)), 20_000);
    await h.settled();

    expect(h.fake.rateLimited()).toEqual([]);
    const calls = publishes();
    expect(calls.filter((c) => !c.response.ok).map((c) => c.response)).toEqual([]);
    // One publish per person: the five extra opens joined the waiting one.
    expect(calls.map((c) => c.args.user_id).sort()).toEqual([...people].sort());
    const asOf = (c: (typeof calls)[number]) => Number(/As of <!date\^(\d+)/.exec(JSON.stringify(c.args.view))?.[1]);
    const first = asOf(calls[0]!);
    expect(calls.slice(0, 90).every((c) => asOf(c) < first + 60)).toBe(true);
    expect(calls.slice(90).map((c) => asOf(c) >= first + 3600)).toEqual(Array(10).fill(true));
  }, 60_000);

  it('a form Slack cannot open within a trigger’s life is refused at once: the person is told, nothing waits, other lanes go on', async () => {
    await start();
    // Slack answers the first views.open 429 "wait 30 s": the views.open lane waits that long, no other.
    h.fake.fail('views.open', { status: 429, retryAfter: 30 }, 1);
    const told = () => h.fake.ephemerals({ user: PEOPLE.deployer });
    for (let i = 1; i <= 2; i++) {
      expect(
        (await h.slack.command('start checkout 2.4.0 prod', { user: PEOPLE.deployer, channel: CHANNELS[0]! })).status,
      ).toBe(200);
      await h.fake.waitFor(() => told().length >= i);
      expect(told()[i - 1]?.text).toMatch(/try again in a moment/);
    }
    // The second was refused without asking Slack: it did not sit in a queue while its trigger_id expired.
    expect(h.fake.callsTo('views.open')).toHaveLength(1);
    await h.slack.event({ type: 'app_home_opened', user: PEOPLE.qa, tab: 'home', channel: 'D123' });
    await h.fake.waitFor(() => h.fake.callsTo('views.publish').some((c) => c.response.ok));
  }, 60_000);
});

/** The deployment's approvals are all in and its checklist buttons are drawn. */
function buttonsReady(d: { id: number; channel: string }) {
  const first = plainPreItems(stateOf(h, d.id))[0];
  if (!first) return false;
  const value = encodeRef({ d: d.id, k: first.key });
  return h.fake.messages(d.channel).some((m) => buttonsOf(m).some((b) => b.value === value));
}
