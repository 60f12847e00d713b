import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main as cli } from '../../src/cli/main.js';
import type { Deployment } from '../../src/core/deployment/types.js';
import { ActionId } from '../../src/slack/ids.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { buttonsOf, press, startDeployment, textOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { stateOf as storedState } from '../support/stored.js';

const config = (extra = '') => `
dedicated_channels:
  prefix: deploy
  archive_after_hours: 6
${extra}
services:
  checkout:
    deploy_channel: ${CHANNELS.deploys}
    location: channel
`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function withConfig(yaml = config()) {
  const file = join(mkdtempSync(join(tmpdir(), 'liftoff-room-')), 'liftoff.yml');
  writeFileSync(file, yaml);
  return startHarness({ env: { LIFTOFF_CONFIG: file } });
}

const stateOf = (harness: Harness, id: number): Deployment => storedState(harness, id);

/** The channels Liftoff created, with the name each asked for. */
const created = (harness: Harness) =>
  harness.fake
    .callsTo('conversations.create')
    .filter((c) => c.response.ok === true)
    .map((c) => ({
      id: (c.response.channel as { id: string }).id,
      name: String(c.args.name),
      private: String(c.args.is_private) === 'true',
    }));

const topLevel = (harness: Harness, channel: string) =>
  harness.fake.messages(channel).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
const invited = (harness: Harness, channel: string) =>
  harness.fake
    .callsTo('conversations.invite')
    .filter((c) => c.args.channel === channel)
    .flatMap((c) => String(c.args.users).split(','));

function dbCheck(harness: Harness) {
  let out = '';
  const io = {
    out: { write: (s: string) => (out += s) },
    err: { write: (s: string) => (out += s) },
    env: { LIFTOFF_DB: harness.dbFile },
  };
  return cli(['db', 'check', harness.dbFile], io).then((code) => ({ code, out }));
}

/** Starts a deployment in its own channel and cancels it from there. */
async function cancelInRoom(harness: Harness) {
  const { id } = await startDeployment(harness);
  const room = created(harness)[0]!.id;
  await harness.slack.command(`cancel DEP-${id} moved to next week`, { user: PEOPLE.deployer, channel: room });
  await harness.settled();
  return { id, room };
}

/** The cancelled notice's job and the archive job, with their status. */
const lastJobs = (harness: Harness, id: number) =>
  harness.query<{ kind: string; status: string }>(
    'SELECT kind, status FROM jobs WHERE deployment_id = ? AND kind IN (?, ?)',
    id,
    'cancelled',
    'archive_room',
  );

describe('a deployment in its own channel (location: channel)', () => {
  it('creates deploy-checkout-2-4-0, invites the deployer and approvers, runs the card and thread there and mirrors the card', async () => {
    h = await withConfig();
    const { id } = await startDeployment(h);
    const rooms = created(h);
    expect(rooms).toEqual([{ id: expect.any(String), name: 'deploy-checkout-2-4-0', private: false }]);
    const room = rooms[0]!.id;
    expect(new Set(invited(h, room))).toEqual(new Set([PEOPLE.deployer, PEOPLE.dev, PEOPLE.qa, PEOPLE.ops]));
    expect(stateOf(h, id)).toMatchObject({
      location: 'channel',
      channelId: CHANNELS.deploys,
      room: { channelId: room, name: 'deploy-checkout-2-4-0', archiveAfterHours: 6 },
    });

    // The card and the whole thread are in the dedicated channel.
    const [card, ...others] = topLevel(h, room);
    expect(others).toEqual([]);
    expect(textOf(card!)).toContain('checkout 2.4.0');
    const thread = h.fake.thread(room, card!.ts).slice(1);
    expect(thread.some((m) => buttonsOf(m).some((b) => b.actionId === ActionId.approve))).toBe(true);
    const records = h.query<{ key: string; channelId: string }>(
      'SELECT key, channel_id AS channelId FROM messages WHERE deployment_id = ?',
      id,
    );
    expect(records.filter((r) => r.key !== 'mirror').every((r) => r.channelId === room)).toBe(true);

    // The deploy channel holds only the mirror: the summary, a link to the room, no buttons, no thread.
    const deploys = h.fake.messages(CHANNELS.deploys);
    expect(deploys).toHaveLength(1);
    const mirror = deploys[0]!;
    expect(textOf(mirror)).toContain(`<#${room}>`);
    expect(textOf(mirror)).toContain('Scheduled');
    expect(buttonsOf(mirror)).toEqual([]);

    // The mirror follows progress: an approval in the room updates it in place.
    await press(h, PEOPLE.dev, ActionId.approve, { d: id, r: 'dev_lead' }, room);
    expect(stateOf(h, id).approvals.dev_lead?.decision).toBe('approved');
    const updated = h.fake.message(CHANNELS.deploys, mirror.ts) as FakeMessage;
    expect(textOf(updated)).toContain('Preparing');
    expect(h.fake.messages(CHANNELS.deploys)).toHaveLength(1);
    expect((await dbCheck(h)).code).toBe(0);
  });

  it('takes the ref as a suffix when the name is taken, and creates private channels when configured', async () => {
    h = await withConfig(config().replace('archive_after_hours: 6', 'archive_after_hours: 6\n  private: true'));
    h.fake.addChannel('CTAKEN', { name: 'deploy-checkout-2-4-0' });
    const { id } = await startDeployment(h);
    const rooms = created(h);
    expect(rooms).toEqual([
      { id: expect.stringMatching(/^G/), name: `deploy-checkout-2-4-0-dep-${id}`, private: true },
    ]);
    expect(topLevel(h, rooms[0]!.id)).toHaveLength(1);
    expect(h.fake.messages('CTAKEN')).toEqual([]);
  });

  it('a private dedicated channel is not mirrored to the deploy channel: its notices stay in its own thread, once each', async () => {
    h = await withConfig(config().replace('archive_after_hours: 6', 'archive_after_hours: 6\n  private: true'));
    const { id, room } = await cancelInRoom(h);
    await h.liftoff.scheduler.tick();
    await h.settled();
    expect(created(h)).toEqual([{ id: room, name: 'deploy-checkout-2-4-0', private: true }]);
    expect(stateOf(h, id).room).toMatchObject({ channelId: room, private: true });
    // Nothing of it reaches the deploy channel, whoever reads there.
    expect(h.fake.messages(CHANNELS.deploys)).toEqual([]);
    expect(h.query('SELECT key FROM messages WHERE deployment_id = ? AND key = ?', id, 'mirror')).toEqual([]);
    // The cancellation is said once, in the dedicated channel's thread.
    const [card] = topLevel(h, room);
    const cancelled = h.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.response.ok === true && JSON.stringify(c.args.metadata ?? '').includes(':cancelled:'))
      .map((c) => [c.args.channel, c.args.thread_ts]);
    expect(cancelled).toEqual([[room, card!.ts]]);
    expect(
      lastJobs(h, id)
        .filter((j) => j.kind === 'cancelled')
        .map((j) => j.status)
        .sort(),
    ).toEqual(['sent', 'skipped']);
  });

  it('a deployment whose deploy channel is private gets a private channel, though dedicated_channels.private is not set', async () => {
    h = await withConfig(config().replace(`deploy_channel: ${CHANNELS.deploys}`, 'deploy_channel: CSECRETOPS'));
    h.fake.addChannel('CSECRETOPS', { name: 'secret-ops', isPrivate: true, members: [PEOPLE.deployer, PEOPLE.dev] });
    const { id } = await startDeployment(h, {}, 'CSECRETOPS');
    const [room] = created(h);
    expect(room).toEqual({ id: expect.stringMatching(/^G/), name: 'deploy-checkout-2-4-0', private: true });
    expect(stateOf(h, id).room).toMatchObject({ channelId: room!.id, private: true });
    expect(topLevel(h, room!.id)).toHaveLength(1);
  });

  it('a deployment whose deploy channel Slack cannot tell (conversations.info refused) gets a private channel: it fails closed', async () => {
    h = await withConfig();
    h.fake.fail('conversations.info', { error: 'internal_error' }, 10);
    const { id } = await startDeployment(h);
    expect(created(h)).toEqual([{ id: expect.stringMatching(/^G/), name: 'deploy-checkout-2-4-0', private: true }]);
    expect(stateOf(h, id).room).toMatchObject({ private: true });
  });

  describe('when the name is taken', () => {
    const BASE = 'deploy-checkout-2-4-0';
    const lookups = (harness: Harness) => harness.fake.callsTo('conversations.list');

    it('adopts the channel a stopped run created and never recorded: no second channel, no suffix, invites sent, the card there', async () => {
      h = await withConfig();
      // Enough other channels that the one sought is on the second page.
      for (let i = 0; i < 210; i++) h.fake.addChannel(`CFILL${i}`, { name: `team-${i}`, botIsMember: false });
      // What a run that died between Slack creating the channel and the database recording it leaves behind.
      h.fake.addChannel('CORPHAN', { name: BASE, creator: h.fake.botUserId });
      const { id } = await startDeployment(h);

      expect(created(h)).toEqual([]);
      expect(h.fake.callsTo('conversations.create').map((c) => [c.args.name, c.response.error])).toEqual([
        [BASE, 'name_taken'],
      ]);
      expect(
        lookups(h).map((c) => [
          c.args.types,
          String(c.args.exclude_archived),
          String(c.args.limit),
          Boolean(c.args.cursor),
        ]),
      ).toEqual([
        ['public_channel,private_channel', 'true', '200', false],
        ['public_channel,private_channel', 'true', '200', true],
      ]);
      expect(stateOf(h, id).room).toMatchObject({ channelId: 'CORPHAN', name: BASE, archiveAfterHours: 6 });
      expect(new Set(invited(h, 'CORPHAN'))).toEqual(new Set([PEOPLE.deployer, PEOPLE.dev, PEOPLE.qa, PEOPLE.ops]));
      const [card, ...others] = topLevel(h, 'CORPHAN');
      expect(others).toEqual([]);
      expect(textOf(card!)).toContain('checkout 2.4.0');
      expect(textOf(h.fake.messages(CHANNELS.deploys)[0]!)).toContain('<#CORPHAN>');
      expect((await dbCheck(h)).code).toBe(0);
    });

    it('a same-name channel a person created is left alone: the suffixed name, as before', async () => {
      h = await withConfig();
      h.fake.addChannel('CPERSON', { name: BASE, creator: PEOPLE.dev });
      const { id } = await startDeployment(h);
      expect(lookups(h)).toHaveLength(1);
      expect(created(h).map((r) => r.name)).toEqual([`${BASE}-dep-${id}`]);
      expect(stateOf(h, id).room).toMatchObject({ channelId: created(h)[0]!.id });
      expect(h.fake.messages('CPERSON')).toEqual([]);
      expect(invited(h, 'CPERSON')).toEqual([]);
    });

    it("a same-name channel that is another deployment's room is left alone: the suffixed name", async () => {
      h = await withConfig();
      const first = await startDeployment(h);
      const firstRoom = created(h)[0]!;
      expect(firstRoom.name).toBe(BASE);
      await h.slack.command(`cancel DEP-${first.id} wrong build`, { user: PEOPLE.deployer, channel: firstRoom.id });
      await h.settled();
      const before = topLevel(h, firstRoom.id).length;

      // The same version again while the first one's channel (created by the bot) is still open.
      const second = await startDeployment(h);
      expect(second.id).not.toBe(first.id);
      expect(lookups(h)).toHaveLength(1);
      expect(created(h).map((r) => r.name)).toEqual([BASE, `${BASE}-dep-${second.id}`]);
      expect(stateOf(h, second.id).room).toMatchObject({ channelId: created(h)[1]!.id });
      expect(stateOf(h, first.id).room).toMatchObject({ channelId: firstRoom.id });
      expect(topLevel(h, firstRoom.id)).toHaveLength(before);
      expect(invited(h, firstRoom.id).length).toBe(4);
    });

    it('an archived channel of ours is not adopted: the suffixed name', async () => {
      h = await withConfig();
      h.fake.addChannel('COLD', { name: BASE, creator: h.fake.botUserId, isArchived: true });
      const { id } = await startDeployment(h);
      expect(created(h).map((r) => r.name)).toEqual([`${BASE}-dep-${id}`]);
      expect(h.fake.messages('COLD')).toEqual([]);
    });

    it('a lookup cut short by a passing problem creates nothing; the next start adopts the channel', async () => {
      h = await withConfig();
      h.fake.addChannel('CORPHAN', { name: BASE, creator: h.fake.botUserId });
      h.fake.fail('conversations.list', { error: 'internal_error' });
      const { id } = await startDeployment(h);
      expect(stateOf(h, id).room).toBeUndefined();
      expect(created(h)).toEqual([]);

      await h.restart();
      await h.settled();
      expect(created(h)).toEqual([]);
      expect(stateOf(h, id).room).toMatchObject({ channelId: 'CORPHAN', name: BASE });
      expect(topLevel(h, 'CORPHAN')).toHaveLength(1);
    });

    it('without the scope to look (an app not reinstalled with channels:read), takes the suffixed name as before', async () => {
      h = await withConfig();
      h.fake.addChannel('CORPHAN', { name: BASE, creator: h.fake.botUserId });
      h.fake.fail('conversations.list', { error: 'missing_scope' });
      const { id } = await startDeployment(h);
      expect(created(h).map((r) => r.name)).toEqual([`${BASE}-dep-${id}`]);
      expect(stateOf(h, id).room).toMatchObject({ channelId: created(h)[0]!.id });
    });
  });

  it('archives the channel the configured hours after the end, with a note first', async () => {
    h = await withConfig();
    const { id, room } = await cancelInRoom(h);
    expect(stateOf(h, id).status).toBe('cancelled');
    const job = () =>
      h!.query<{ status: string; due_at: number }>(
        "SELECT status, due_at FROM jobs WHERE kind = 'archive_room' AND deployment_id = ?",
        id,
      )[0];
    expect(job()?.status).toBe('pending');

    h.clock.advance(5 * 3600_000);
    await h.liftoff.scheduler.tick();
    expect(h.fake.callsTo('conversations.archive')).toHaveLength(0);

    h.clock.advance(3600_000 + 1000);
    await h.liftoff.scheduler.tick();
    await h.settled();
    const archive = h.fake.callsTo('conversations.archive');
    expect(archive.map((c) => c.args.channel)).toEqual([room]);
    expect(archive[0]!.response.ok).toBe(true);
    expect(job()?.status).toBe('sent');
    const note = topLevel(h, room).at(-1)!;
    expect(textOf(note)).toMatch(/archiving this channel/);
    expect(textOf(note)).toContain(`<#${CHANNELS.deploys}>`);

    // The mirror in the deploy channel stays and shows the end.
    expect(textOf(h.fake.messages(CHANNELS.deploys)[0]!)).toContain('Cancelled');
    expect((await dbCheck(h)).code).toBe(0);
  });

  it('with archive_after_hours 0, the last notices are posted in the channel before it is archived', async () => {
    h = await withConfig(config().replace('archive_after_hours: 6', 'archive_after_hours: 0'));
    const { id, room } = await cancelInRoom(h);
    await h.liftoff.scheduler.tick();
    await h.settled();
    expect(lastJobs(h, id)).toEqual(
      expect.arrayContaining([
        { kind: 'cancelled', status: 'sent' },
        { kind: 'archive_room', status: 'sent' },
      ]),
    );
    expect(h.fake.callsTo('conversations.archive').map((c) => c.args.channel)).toEqual([room]);
    // The note saying the channel is archived is the last word there.
    const last = h.fake.messages(room).at(-1)!;
    expect(textOf(last)).toMatch(/archiving this channel/);
    expect(h.fake.messages(PEOPLE.deployer)).toEqual([]);
  });

  it('the archive waits for a last notice that is being retried', async () => {
    h = await withConfig(config().replace('archive_after_hours: 6', 'archive_after_hours: 0'));
    const { id, room } = await cancelInRoom(h);
    h.fake.fail('chat.postMessage', { error: 'message_limit_exceeded' });
    await h.liftoff.scheduler.tick();
    expect(h.fake.callsTo('conversations.archive')).toEqual([]);
    for (let i = 0; i < 3; i++) {
      h.clock.advance(61_000);
      await h.liftoff.scheduler.tick();
    }
    await h.settled();
    expect(lastJobs(h, id)).toEqual(
      expect.arrayContaining([
        { kind: 'cancelled', status: 'sent' },
        { kind: 'archive_room', status: 'sent' },
      ]),
    );
    expect(textOf(h.fake.messages(room).at(-1)!)).toMatch(/archiving this channel/);
  });

  it('falls back to a thread in the deploy channel, and says why, when Slack refuses to create the channel', async () => {
    h = await withConfig();
    h.fake.fail('conversations.create', { error: 'restricted_action' });
    const { id } = await startDeployment(h);
    expect(created(h)).toEqual([]);
    const d = stateOf(h, id);
    expect(d.room).toMatchObject({ failed: { reason: expect.stringContaining('restricted_action') } });
    const [card, ...others] = topLevel(h, CHANNELS.deploys);
    expect(others).toEqual([]);
    const thread = h.fake.thread(CHANNELS.deploys, card!.ts).slice(1);
    expect(thread.some((m) => buttonsOf(m).some((b) => b.actionId === ActionId.approve))).toBe(true);
    const note = thread.find((m) => /could not create a dedicated channel/.test(textOf(m)));
    expect(textOf(note!)).toMatch(/does not let me create channels.*runs here, in this thread/s);
    expect(h.query('SELECT key FROM messages WHERE deployment_id = ? AND key = ?', id, 'mirror')).toEqual([]);
  });

  it('an announcement due before the channel exists waits for it, then points to the channel', async () => {
    h = await withConfig();
    h.fake.fail('conversations.create', { error: 'internal_error' });
    const { id } = await startDeployment(h, { announce: CHANNELS.announce });
    expect(stateOf(h, id).room).toBeUndefined();
    await h.liftoff.scheduler.tick();
    await h.settled();
    // Nothing anywhere while it is not known where the deployment lives.
    expect(h.fake.messages(CHANNELS.announce)).toEqual([]);
    expect(h.fake.messages(CHANNELS.deploys)).toEqual([]);

    await h.restart();
    await h.settled();
    const room = created(h)[0]!.id;
    h.clock.advance(60_000);
    await h.liftoff.scheduler.tick();
    await h.settled();
    // The announcement (the window starts within the hour: it also stands for the reminder), pointing to the channel.
    const announcements = h.fake.messages(CHANNELS.announce).map(textOf);
    expect(announcements).toHaveLength(1);
    for (const text of announcements) {
      expect(text).toContain(`<#${room}>`);
      expect(text).not.toContain(`<#${CHANNELS.deploys}>`);
    }
  });

  it('a restart before the channel is recorded still creates exactly one', async () => {
    h = await withConfig();
    h.fake.fail('conversations.create', { error: 'internal_error' });
    const { id } = await startDeployment(h);
    expect(stateOf(h, id).room).toBeUndefined();
    // Nothing is posted while the channel is not known: not in the deploy channel either.
    expect(h.fake.messages(CHANNELS.deploys)).toEqual([]);

    await h.restart();
    await h.settled();
    const rooms = created(h);
    expect(rooms.map((r) => r.name)).toEqual(['deploy-checkout-2-4-0']);
    expect(stateOf(h, id).room).toMatchObject({ channelId: rooms[0]!.id });
    expect(topLevel(h, rooms[0]!.id)).toHaveLength(1);
    expect(h.fake.messages(CHANNELS.deploys)).toHaveLength(1);

    // Another restart changes nothing.
    await h.restart();
    await h.settled();
    expect(created(h)).toHaveLength(1);
    expect(h.fake.callsTo('conversations.create').filter((c) => c.response.ok)).toHaveLength(1);
    expect((await dbCheck(h)).code).toBe(0);
  });

  it('without an announcement channel, stakeholder notices reply to the mirror card in the deploy channel, where stakeholders follow it', async () => {
    h = await withConfig();
    const now = Math.floor(h.clock.now() / 1000);
    const { id } = await startDeployment(h, { windowStart: now + 3 * 3600, windowEnd: now + 4 * 3600 });
    await h.liftoff.scheduler.tick();
    await h.settled();
    h.clock.advance(2 * 3600 * 1000); // the preparation reminders are due an hour before the window
    await h.liftoff.scheduler.tick();
    await h.settled();
    const record = (key: string) =>
      h!.query<{ ts: string; channelId: string }>(
        'SELECT ts, channel_id AS channelId FROM messages WHERE deployment_id = ? AND key = ?',
        id,
        key,
      )[0]!;
    const [mirror, parent] = [record('mirror'), record('parent')];
    expect(mirror.channelId).toBe(CHANNELS.deploys);
    const posts = (kind: string) =>
      h!.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.response.ok === true && JSON.stringify(c.args.metadata ?? '').includes(`:${kind}:`))
        .map((c) => ({
          channel: String(c.args.channel),
          threadTs: c.args.thread_ts,
          broadcast: String(c.args.reply_broadcast) === 'true',
        }));
    // The preparation reminder goes to the deploy channel, shown there.
    expect(posts('reminder')).toEqual([{ channel: CHANNELS.deploys, threadTs: mirror.ts, broadcast: true }]);
    // No announcement due at once: the card (and its mirror) just posted is the announcement.
    expect(posts('announcement')).toEqual([]);
    // It points to the dedicated channel, where the deployment runs.
    const announced = h.fake.messages(CHANNELS.deploys).filter((m) => m.thread_ts === mirror.ts && m.ts !== mirror.ts);
    expect(announced.map(textOf).join('\n')).toContain(`Follow it in <#${parent.channelId}>.`);
    // Thread notices stay in the dedicated channel's thread.
    const personal = posts('personal_reminder');
    expect(personal.length).toBeGreaterThan(0);
    for (const p of personal) expect(p).toEqual({ channel: parent.channelId, threadTs: parent.ts, broadcast: false });
  });
});
