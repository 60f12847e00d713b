/**
 * What real Slack does that a naive fake would not, and what Liftoff does about it:
 * late answers, history only where the bot is a member, and the rest of issue "Real Slack".
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId, encodeRef } from '../../src/slack/ids.js';
import { fakeClock } from '../support/clock.js';
import { press, startDeployment, startValues, textOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness, type HarnessOptions } from '../support/harness.js';
import { input } from '../support/slack-requests.js';
import { stateOf as storedState } from '../support/stored.js';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

const cardsIn = (channel: string) => h.fake.messages(channel).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
const recorded = (key: string) =>
  h.query<{ ts: string | null }>('SELECT ts FROM messages WHERE key = ?', key)[0]?.ts ?? null;

describe('a post Slack made but answered too late', () => {
  it('a late-answered card post produces one card, found by its metadata, and its thread follows', async () => {
    h = await startHarness({ env: { LIFTOFF_SLACK_TIMEOUT_MS: '300' } });
    // The card is posted at once, but the answer comes after the client gave up.
    h.fake.fail('chat.postMessage', { lateMs: 900 }, 1);
    await startDeployment(h);
    await h.fake.waitFor(() => recorded('parent'), 10_000);
    await h.settled();
    const cards = cardsIn(CHANNELS.deploys);
    expect(cards).toHaveLength(1);
    expect(recorded('parent')).toBe(cards[0]!.ts);
    expect(cards[0]!.metadata).toMatchObject({ event_type: 'liftoff_message', event_payload: { key: 'parent' } });
    // The thread went out under that one card.
    await h.fake.waitFor(() => h.fake.thread(CHANNELS.deploys, cards[0]!.ts).length > 3, 5_000);
    expect(
      h.fake.messages(CHANNELS.deploys).every((m) => m.thread_ts === undefined || m.thread_ts === cards[0]!.ts),
    ).toBe(true);
  }, 20_000);

  it('in a public channel the bot posts to without being a member, it joins to read the history, and still posts one card', async () => {
    h = await startHarness({ env: { LIFTOFF_SLACK_TIMEOUT_MS: '300' } });
    h.fake.addChannel('CNOTJOINED', { name: 'releases', botIsMember: false });
    h.fake.fail('chat.postMessage', { lateMs: 900 }, 1);
    await startDeployment(h, {}, 'CNOTJOINED');
    await h.fake.waitFor(() => recorded('parent'), 10_000);
    await h.settled();
    expect(cardsIn('CNOTJOINED')).toHaveLength(1);
    expect(h.fake.callsTo('conversations.history').map((c) => c.response.error ?? 'ok')).toEqual([
      'not_in_channel',
      'ok',
    ]);
    expect(h.fake.callsTo('conversations.join').map((c) => c.args.channel)).toEqual(['CNOTJOINED']);
  }, 20_000);
});

describe('a scheduler notice answered too late, in a public channel the bot has not joined', () => {
  it('is looked for in the history after joining the channel, found, and marked sent: not uncertain, not posted twice', async () => {
    h = await startHarness({
      env: { LIFTOFF_SLACK_TIMEOUT_MS: '300' },
      clock: fakeClock(Math.floor(Date.now() / 60_000) * 60_000),
      slackFollowsClock: true,
    });
    h.fake.addChannel('CNOTJOINED', { name: 'announcements-public', botIsMember: false });
    const now = Math.floor(h.clock.now() / 1000);
    // The window is in 2 h: the announcement is due at once.
    const { id } = await startDeployment(h, {
      announce: 'CNOTJOINED',
      windowStart: now + 2 * 3600,
      windowEnd: now + 3 * 3600,
    });
    // The announcement lands, but its answer comes after the client gave up.
    h.fake.fail('chat.postMessage', { lateMs: 900 }, 1);
    await h.liftoff.scheduler.tick();
    await h.settled();
    const job = h.query<{ status: string; result: string }>(
      "SELECT status, result FROM jobs WHERE deployment_id = ? AND kind = 'announcement'",
      id,
    )[0]!;
    const posted = h.fake.messages('CNOTJOINED');
    expect(posted).toHaveLength(1);
    expect(job.status).toBe('sent');
    expect(JSON.parse(job.result)).toEqual({ channel: 'CNOTJOINED', ts: posted[0]!.ts });
    // Read as Slack allows: refused before joining, read after.
    expect(h.fake.callsTo('conversations.history').map((c) => c.response.error ?? 'ok')).toEqual([
      'not_in_channel',
      'ok',
    ]);
    expect(h.fake.callsTo('conversations.join').map((c) => c.args.channel)).toEqual(['CNOTJOINED']);
    // Nobody is alerted about a notice that went out.
    expect(h.query("SELECT key FROM jobs WHERE deployment_id = ? AND kind = 'alert'", id)).toEqual([]);
  }, 20_000);
});

/** A harness with a team configuration (YAML text). */
async function withConfig(yaml: string, opts: HarnessOptions = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'liftoff-real-')), 'liftoff.yml');
  writeFileSync(file, yaml);
  return startHarness({ ...opts, env: { LIFTOFF_CONFIG: file, ...opts.env } });
}

describe('inviting people to a dedicated channel', () => {
  const ROOM = `
dedicated_channels: { prefix: deploy, archive_after_hours: 6 }
services:
  checkout:
    deploy_channel: ${CHANNELS.deploys}
    location: channel
    approvers:
      dev_lead: "@everyone-dev"
      qa_lead: [${PEOPLE.qa}]
      ops_lead: [${PEOPLE.ops}]
    locked: [approvers]
`;
  const startChecked = async () => {
    await h.slack.command('start checkout 2.4.0 prod', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    const opened = h.fake.lastView()!;
    const values: Record<string, unknown> = {
      ...startValues(h, { approvers: {} }),
      service: { 'start.service': input.select('checkout') },
    };
    delete values.template;
    const res = await h.slack.submitView({
      user: PEOPLE.deployer,
      callbackId: 'deploy.start',
      privateMetadata: (opened.view as { private_metadata: string }).private_metadata,
      values: values as never,
      viewId: opened.id,
    });
    expect(res.json?.errors).toBeUndefined();
    await h.settled();
    const created = h.fake.callsTo('conversations.create').find((c) => c.response.ok);
    return (created?.response.channel as { id: string } | undefined)?.id ?? '';
  };

  it('a hundred and fifty approvers are invited in batches of at most 100, and all of them are in', async () => {
    h = await withConfig(ROOM);
    const devs = Array.from({ length: 150 }, (_, i) => `UDEV${String(i).padStart(4, '0')}`);
    for (const id of devs) h.fake.addUser(id);
    h.fake.addUserGroup('S0EVERYDEV', 'everyone-dev', devs);
    await h.liftoff.refreshUserGroups();
    const room = await startChecked();
    const calls = h.fake.callsTo('conversations.invite');
    expect(calls.every((c) => c.response.ok === true)).toBe(true);
    expect(Math.max(...calls.map((c) => String(c.args.users).split(',').length))).toBeLessThanOrEqual(100);
    const invited = new Set(calls.flatMap((c) => String(c.args.users).split(',')));
    for (const id of [...devs, PEOPLE.deployer, PEOPLE.qa, PEOPLE.ops]) expect(invited.has(id)).toBe(true);
    expect(h.fake.messages(room).map(textOf).join('\n')).not.toContain('could not invite');
  });

  it('an invite Slack refuses is said in the channel, not only logged', async () => {
    h = await withConfig(ROOM.replace('"@everyone-dev"', `[${PEOPLE.dev}]`));
    h.fake.fail('conversations.invite', { error: 'restricted_action' });
    const room = await startChecked();
    const said = h.fake
      .messages(room)
      .map(textOf)
      .find((t) => t.includes('could not invite'));
    expect(said).toContain('restricted_action');
    expect(said).toContain(`<@${PEOPLE.dev}>`);
    expect(said).toContain(`<#${CHANNELS.deploys}>`);
  });
});

describe('ephemeral answers appear where the person clicked', () => {
  it('a click on the card in the channel is answered in the channel; a click in the thread, in the thread', async () => {
    h = await startHarness();
    const { id, parentTs } = await startDeployment(h);
    // The card (a top-level message with replies: Slack sends thread_ts = ts) is clicked in the channel.
    await h.slack.action({
      user: PEOPLE.stranger,
      actionId: ActionId.approve,
      value: encodeRef({ d: id, r: 'dev_lead' }),
      channel: CHANNELS.deploys,
      messageTs: parentTs,
    });
    await h.settled();
    const onCard = h.fake.ephemerals({ user: PEOPLE.stranger }).at(-1)!;
    expect(onCard).toMatchObject({ via: 'chat.postEphemeral', shown: 'channel' });
    expect(onCard.thread_ts).toBeUndefined();
    // The approvals message in the thread.
    await press(h, PEOPLE.stranger, ActionId.approve, { d: id, r: 'dev_lead' });
    const inThread = h.fake.ephemerals({ user: PEOPLE.stranger }).at(-1)!;
    expect(inThread).toMatchObject({ via: 'chat.postEphemeral', shown: 'thread', thread_ts: parentTs });
    expect(h.fake.ephemerals().filter((e) => e.shown === 'hidden')).toEqual([]);
  });
});

describe('slash command text arrives HTML-escaped', () => {
  it('a cancel reason typed with &, < and > is stored and shown as typed', async () => {
    h = await startHarness();
    const { id } = await startDeployment(h);
    await h.slack.command(`cancel DEP-${id} moved: a < b & c > d`, {
      user: PEOPLE.deployer,
      channel: CHANNELS.deploys,
    });
    await h.settled();
    const state = storedState(h, id);
    expect(state.cancelled?.reason).toBe('moved: a < b & c > d');
    const shown = h.fake.messages(CHANNELS.deploys).map(textOf).join('\n');
    // Escaped once for mrkdwn (Slack shows "a < b & c > d"), never twice.
    expect(shown).toContain('a &lt; b &amp; c &gt; d');
    expect(shown).not.toContain('&amp;lt;');
  });
});

describe('nothing left unanswered', () => {
  const interaction = (payload: object) =>
    h.slack.raw(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());

  it('a form from an older version (unknown callback_id) is answered at once: the modal says it is out of date, nothing is saved', async () => {
    h = await startHarness();
    const res = await h.slack.submitView({
      user: PEOPLE.deployer,
      callbackId: 'deploy.start.v1',
      privateMetadata: '',
      values: {},
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_action: 'update' });
    expect(textOf({ text: '', blocks: (res.json as { view: { blocks: unknown[] } }).view.blocks } as never)).toContain(
      'older version of Liftoff',
    );
    expect(h.query('SELECT id FROM deployments')).toEqual([]);
  });

  it('an unknown shortcut and an options request are answered at once', async () => {
    h = await startHarness();
    const team = { id: h.fake.teamId, domain: 'fake' };
    const user = { id: PEOPLE.deployer, username: 'deployer', team_id: h.fake.teamId };
    const shortcut = await interaction({
      type: 'shortcut',
      callback_id: 'old_shortcut',
      trigger_id: h.fake.issueTriggerId(PEOPLE.deployer),
      user,
      team,
      token: 'x',
      action_ts: '1',
    });
    expect(shortcut.status).toBe(200);
    const options = await interaction({
      type: 'block_suggestion',
      action_id: 'old.select',
      block_id: 'b',
      value: 'ab',
      user,
      team,
      token: 'x',
      container: { type: 'view', view_id: 'V1' },
    });
    expect(options.status).toBe(200);
    expect(options.json).toEqual({ options: [] });
    await h.settled();
  });
});

describe('modal field errors', () => {
  it('are plain text keyed to an input block of that modal: the evidence modal, out of date or refused', async () => {
    h = await startHarness();
    const { id } = await startDeployment(h);
    const d = storedState(h, id);
    const item = itemsOfStage(d.plan, 'pre').find((p) => p.item.evidence)!;
    await press(h, PEOPLE.deployer, ActionId.confirmItem, { d: id, k: item.key });
    const view = h.fake.lastView()!;
    expect((view.view as { callback_id: string }).callback_id).toBe('item.evidence');

    // Out of date (no reference in the metadata): the error names the modal's only input, its evidence field.
    const stale = await h.slack.submitView({
      user: PEOPLE.deployer,
      callbackId: 'item.evidence',
      privateMetadata: 'garbage',
      values: { evidence: { value: input.text('x') } },
      viewId: view.id,
    });
    expect(Object.keys((stale.json as { errors: object }).errors)).toEqual(['evidence']);

    // Refused (someone else): the reason reads as plain text, with no <@U…> or mrkdwn.
    const refused = await h.slack.submitView({
      user: PEOPLE.stranger,
      callbackId: 'item.evidence',
      privateMetadata: (view.view as { private_metadata: string }).private_metadata,
      values: { evidence: { value: input.text('https://ci.example.com/1') } },
      viewId: view.id,
    });
    const message = (refused.json as { errors: Record<string, string> }).errors.evidence!;
    expect(message).not.toMatch(/<@|&lt;|&amp;|\*/);
    expect(message.length).toBeLessThanOrEqual(300);
    expect(h.fake.warnings).toEqual([]);
  });
});

describe('App Home and /deploy list', () => {
  it('link to every card without a chat.getPermalink per deployment: built from the workspace address, as Slack builds them', async () => {
    h = await startHarness();
    const cards: string[] = [];
    for (let i = 0; i < 4; i++) cards.push((await startDeployment(h, { service: `svc-${i}` })).parentTs);
    await h.slack.event({ type: 'app_home_opened', user: PEOPLE.deployer, tab: 'home', channel: 'D123' });
    await h.slack.command('list', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    expect(h.fake.callsTo('chat.getPermalink')).toEqual([]);
    const home = JSON.stringify(h.fake.callsTo('views.publish').at(-1)!.args.view);
    const listed = JSON.stringify(h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1));
    for (const ts of cards) {
      // What chat.getPermalink answers for that message.
      const link = `https://fake.slack.test/archives/${CHANNELS.deploys}/p${ts.replace('.', '')}`;
      expect(home).toContain(link);
      expect(listed).toContain(link);
    }
  });
});
