/**
 * Private stays private: a deployment in a private channel is shown in
 * /deploy list, /deploy status and App Home only to that channel's members;
 * everyone else learns only that it exists.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ViewId } from '../../src/slack/ids.js';
import { startDeployment, startValues } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { openRollback, submitRollback, underway } from '../rollback/helpers.js';

const SECRET = 'CSECRETOPS';
let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.fake.addChannel(SECRET, { name: 'secret-ops', isPrivate: true, members: [PEOPLE.deployer, PEOPLE.dev] });
});
afterEach(async () => {
  await h.stop();
});

/** The last ephemeral answer `user` got, as one string (text and blocks). */
const answerTo = (user: string) => JSON.stringify(h.fake.ephemerals({ user }).at(-1));
const command = async (text: string, user: string) => {
  await h.slack.command(text, { user, channel: 'CDEPLOYS' });
  await h.settled();
  return answerTo(user);
};
const home = async (user: string) => {
  await h.slack.event({ type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME' });
  await h.settled();
  return JSON.stringify(
    h.fake.views.filter((v) => v.kind === 'home' && (v as { user?: string }).user === user).at(-1) ?? h.fake.lastView(),
  );
};

describe('a deployment in a private channel', () => {
  it('members see it in full in list, status and Home; others see only that it exists', async () => {
    const { id } = await startDeployment(h, {}, SECRET);
    const ref = `DEP-${id}`;

    const memberList = await command('list', PEOPLE.dev);
    expect(memberList).toContain('checkout');
    expect(memberList).toContain(ref);
    const memberStatus = await command(`status ${ref}`, PEOPLE.dev);
    expect(memberStatus).toContain('checkout');

    const strangerList = await command('list', PEOPLE.stranger);
    expect(strangerList).toContain(`🔒 ${ref} is in a private channel you are not in`);
    expect(strangerList).not.toMatch(/checkout|2\.4\.0/);
    const strangerStatus = await command(`status ${ref}`, PEOPLE.stranger);
    expect(strangerStatus).toContain(`🔒 ${ref} is in a private channel you are not in`);
    expect(strangerStatus).not.toMatch(/checkout|2\.4\.0/);

    expect(await home(PEOPLE.dev)).toContain('checkout');
    const strangerHome = await home(PEOPLE.stranger);
    expect(strangerHome).toContain(`🔒 ${ref} is in a private channel you are not in`);
    expect(strangerHome).not.toMatch(/checkout|2\.4\.0/);
    expect(h.fake.callsTo('conversations.members').length).toBeGreaterThan(0);
  });

  it('follows the channel: someone who joins sees it at once, someone who leaves no longer does', async () => {
    const { id } = await startDeployment(h, {}, SECRET);
    const ref = `DEP-${id}`;
    expect(await command(`status ${ref}`, PEOPLE.qa)).toContain('🔒');
    h.fake.setMember(SECRET, PEOPLE.qa, true);
    await h.slack.event({
      type: 'member_joined_channel',
      user: PEOPLE.qa,
      channel: SECRET,
      channel_type: 'C',
      team: h.fake.teamId,
    });
    expect(await command(`status ${ref}`, PEOPLE.qa)).toContain('checkout');

    h.fake.setMember(SECRET, PEOPLE.dev, false);
    await h.slack.event({
      type: 'member_left_channel',
      user: PEOPLE.dev,
      channel: SECRET,
      channel_type: 'C',
      team: h.fake.teamId,
    });
    const after = await command(`status ${ref}`, PEOPLE.dev);
    expect(after).toContain('🔒');
    expect(after).not.toContain('checkout');
  });

  /** The lock lines of an answer (its blocks after the deployments: from the first lock line on). */
  const lockPart = (answer: string) => answer.slice(answer.indexOf('is locked') - 60);

  it('a hand lock taken for it: others see that the environment is locked and who can release it, not why nor by which deployment', async () => {
    const { id } = await startDeployment(h, {}, SECRET);
    await h.slack.command('lock checkout production schema migration of 2.4.0', {
      user: PEOPLE.deployer,
      channel: SECRET,
    });
    await h.settled();
    expect(await command('list', PEOPLE.dev)).toContain('schema migration of 2.4.0');

    const stranger = await command('list', PEOPLE.stranger);
    expect(stranger).toContain(
      'checkout in Production* is locked, for a deployment in a private channel you are not in',
    );
    expect(stranger).toContain(`Released by whoever locked it (<@${PEOPLE.deployer}>)`);
    expect(stranger).not.toContain('schema migration');
    expect(stranger).not.toMatch(/2\.4\.0/);
    expect(lockPart(stranger)).not.toContain(`DEP-${id}`);

    // The start form refuses them the same way: locked, and who can release it; not why.
    const approvers = { dev_lead: PEOPLE.qa, qa_lead: PEOPLE.ops, ops_lead: PEOPLE.product };
    const errorOf = async (user: string) =>
      JSON.stringify((await startDeployment(h, { deployer: user, version: '2.4.1', approvers })).submitted.json);
    const told = await errorOf(PEOPLE.stranger);
    expect(told).toContain(
      '🔒 checkout in Production is locked, for a deployment in a private channel you are not in. Released by whoever locked it',
    );
    expect(told).not.toMatch(/schema migration|DEP-|<@|U0/);
    expect(await errorOf(PEOPLE.dev)).toContain('schema migration of 2.4.0');
  });

  it("a rollback's lock: others see that it is locked and who can release it, never the deployment's reference or version", async () => {
    const { id } = await underway(h, {}, SECRET);
    await submitRollback(h, PEOPLE.deployer, (await openRollback(h, PEOPLE.deployer, id))!);
    expect(await command('list', PEOPLE.dev)).toContain(`(DEP-${id})`);

    const stranger = await command('list', PEOPLE.stranger);
    expect(stranger).toContain(
      'checkout in Production* is locked, for a deployment in a private channel you are not in',
    );
    expect(stranger).toContain('Released by');
    expect(stranger).not.toMatch(/2\.4\.0/);
    expect(lockPart(stranger)).not.toContain(`DEP-${id}`);
    expect(lockPart(stranger)).toContain('the deployment that took it');
  });

  it('a deployment in a public channel is seen by everyone', async () => {
    const { id } = await startDeployment(h);
    expect(await command(`status DEP-${id}`, PEOPLE.stranger)).toContain('checkout');
    expect(await command('list', PEOPLE.stranger)).not.toContain('🔒');
  });
});

describe('the notices of a deployment in a private channel', () => {
  /** Opens the start form in `channel` and submits it with an announcement channel; the inline errors, if any. */
  async function startAnnounced(channel: string) {
    await h.slack.command('start checkout 2.4.0 prod', { user: PEOPLE.deployer, channel });
    await h.settled();
    const opened = h.fake.lastView()!;
    const res = await h.slack.submitView({
      user: PEOPLE.deployer,
      callbackId: ViewId.start,
      privateMetadata: (opened.view as { private_metadata?: string }).private_metadata ?? '',
      values: startValues(h, { announce: CHANNELS.announce }),
      viewId: opened.id,
    });
    await h.settled();
    return (res.json as { errors?: Record<string, string> } | undefined)?.errors;
  }
  const count = () => h.query<{ n: number }>('SELECT COUNT(*) AS n FROM deployments')[0]!.n;

  it('refuses an announcement channel the configuration does not name, inline, and creates nothing', async () => {
    const errors = await startAnnounced(SECRET);
    expect(Object.values(errors ?? {})).toEqual([
      expect.stringMatching(
        /^This deployment is in a private channel: it is announced only in the channel its team configuration names/,
      ),
    ]);
    expect(count()).toBe(0);
    expect(h.fake.messages(CHANNELS.announce)).toEqual([]);
  });

  it('takes the announcement channel its team configuration names', async () => {
    await h.stop();
    const file = join(mkdtempSync(join(tmpdir(), 'liftoff-private-')), 'liftoff.yml');
    writeFileSync(file, `services:\n  checkout:\n    announce_channel: ${CHANNELS.announce}\n`);
    h = await startHarness({ env: { LIFTOFF_CONFIG: file } });
    h.fake.addChannel(SECRET, { name: 'secret-ops', isPrivate: true, members: [PEOPLE.deployer, PEOPLE.dev] });
    expect(await startAnnounced(SECRET)).toBeUndefined();
    const states = h.query<{ state: string }>('SELECT state FROM deployments');
    expect(states.map((r) => (JSON.parse(r.state) as { announceChannelId: string }).announceChannelId)).toEqual([
      CHANNELS.announce,
    ]);
  });

  it('takes the announcement channel of a deployment in a public channel', async () => {
    expect(await startAnnounced(CHANNELS.deploys)).toBeUndefined();
    expect(count()).toBe(1);
  });
});
