import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, ViewId, encodeRef } from '../../src/slack/ids.js';
import { press, startValues, type StartValues } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { input } from '../support/slack-requests.js';
import { stateOf } from '../rollback/helpers.js';

const ADMIN = 'UADMIN01';
const OPS = 'COPSROOM';
// checkout/production as the outsider found it, with deployers, admins and second-person overrides added.
const CONFIG = `
version: 1
admins: [${ADMIN}]
services:
  checkout:
    ops_channel: ${OPS}
    environments:
      production:
        deployers: [${PEOPLE.deployer}]
        rollback_users: [${PEOPLE.ops}]
        template: standard-release
        locked: [approvers, template]
        approvers: { dev_lead: [${PEOPLE.dev}], qa_lead: [${PEOPLE.qa}], ops_lead: [${PEOPLE.ops}] }
`;

let h: Harness;
beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'liftoff-trust-')), 'liftoff.yml');
  writeFileSync(file, CONFIG);
  h = await startHarness({ env: { LIFTOFF_CONFIG: file, LOG_LEVEL: 'warn' } });
  h.fake.addUser(ADMIN, { name: 'admin' });
  h.fake.addChannel(OPS, { name: 'ops' });
});
afterAll(async () => {
  await h.stop();
});

const say = (user: string, text: string) => h.slack.command(text, { user, channel: CHANNELS.deploys });
const deployments = () => h.query<{ id: number }>('SELECT id FROM deployments ORDER BY id');
const audit = () =>
  h.query<{ actor: string; type: string; subject: string; data: string }>(
    'SELECT actor, type, subject, data FROM audit ORDER BY id',
  );
const eventsOf = (id: number) =>
  h.query<{ type: string; actor: string; data: string }>(
    'SELECT type, actor, data FROM events WHERE deployment_id = ? ORDER BY seq',
    id,
  );

/** Opens the start form as `user` and submits it; the HTTP answer (inline errors) and the new deployment, if any. */
async function submitStart(user: string, v: StartValues = {}) {
  await say(user, `start checkout 6.6.6 ${v.environment ?? 'prod'}`);
  await h.settled();
  const opened = h.fake.lastView()!;
  const before = deployments().length;
  const res = await h.slack.submitView({
    user,
    callbackId: ViewId.start,
    privateMetadata: (opened.view as { private_metadata?: string }).private_metadata ?? '',
    values: startValues(h, { version: '6.6.6', deployer: user, ...v }),
    viewId: opened.id,
  });
  await h.settled();
  const created = deployments().slice(before);
  return { res, errors: (res.json as { errors?: Record<string, string> } | undefined)?.errors, id: created[0]?.id };
}

async function override(user: string, id: number) {
  const res = await h.slack.submitView({
    user,
    callbackId: ViewId.overrideGate,
    privateMetadata: encodeRef({ d: id, g: 'start' }),
    values: { reason: { value: input.text('urgent hotfix') } },
  });
  await h.settled();
  return res;
}

describe("the outsider's path fails at each step", () => {
  it('start: refused in the form, recorded, nothing created', async () => {
    const { errors, id } = await submitStart(PEOPLE.stranger);
    expect(id).toBeUndefined();
    // Plain text under the field: who can, by what they are, never a raw id.
    expect(errors?.service).toBe(
      'Only the deployers the team configuration names can start a deployment of checkout in Production.',
    );
    expect(audit().at(-1)).toMatchObject({
      actor: PEOPLE.stranger,
      type: 'refused',
      subject: 'start checkout/production',
    });
  });

  it('naming an allowed deployer does not help; an allowed submitter cannot name an outsider', async () => {
    expect((await submitStart(PEOPLE.stranger, { deployer: PEOPLE.deployer })).errors?.service).toMatch(/^Only /);
    const named = await submitStart(PEOPLE.deployer, { deployer: PEOPLE.stranger });
    expect(named.id).toBeUndefined();
    expect(named.errors?.deployer).toBe(
      'Only the deployers the team configuration names can be the deployer of checkout in Production.',
    );
  });

  it('look-alike names are the same service: case, soft hyphen, zero-width, NFKC', async () => {
    for (const service of [
      'Checkout',
      'check\u00adout',
      'check\u200bout',
      '\uff43\uff48\uff45\uff43\uff4b\uff4f\uff55\uff54',
    ]) {
      const { errors, id } = await submitStart(PEOPLE.stranger, { service });
      expect(id).toBeUndefined();
      expect(errors?.service).toMatch(/can start a deployment of checkout in Production/);
    }
  });

  it('a version with a bidirectional override is refused in the form', async () => {
    const { errors, id } = await submitStart(PEOPLE.deployer, { version: '6.6.6\u202e1.0' });
    expect(id).toBeUndefined();
    expect(errors?.version).toMatch(/control or text-direction characters/);
  });

  it('override: the deployer only asks; a second person (an approver) grants it, not the deployer nor a stranger', async () => {
    const { id } = await submitStart(PEOPLE.deployer);
    expect(id).toBeDefined();
    await override(PEOPLE.deployer, id!);
    expect(stateOf(h, id!).overrides).toEqual([]);
    expect(stateOf(h, id!).overrideRequests?.start).toMatchObject({ by: PEOPLE.deployer, reason: 'urgent hotfix' });
    for (const user of [PEOPLE.stranger, PEOPLE.deployer]) {
      const told = h.fake.ephemerals({ user }).length;
      await press(h, user, ActionId.grantOverride, { d: id!, g: 'start' });
      expect(eventsOf(id!).at(-1)).toMatchObject({ type: 'refused', actor: user });
      expect(
        h.fake
          .ephemerals({ user })
          .slice(told)
          .map((e) => e.text)
          .join('\n'),
      ).toMatch(/Only someone other than the deployer can grant this override/);
    }
    // Nobody else was told.
    expect(h.fake.ephemerals({ user: PEOPLE.dev })).toEqual([]);
    await press(h, PEOPLE.dev, ActionId.grantOverride, { d: id!, g: 'start' });
    expect(stateOf(h, id!).overrides).toMatchObject([{ gate: 'start', by: PEOPLE.dev, requestedBy: PEOPLE.deployer }]);
  });

  it('an admin overrides at once as an emergency: recorded, marked in the thread, told to the ops channel', async () => {
    const { id } = await submitStart(PEOPLE.deployer, { version: '6.6.7' });
    await override(ADMIN, id!);
    expect(stateOf(h, id!).overrides).toMatchObject([{ gate: 'start', by: ADMIN, emergency: true }]);
    await h.liftoff.scheduler.tick();
    await h.settled();
    expect(
      h.fake
        .messages(OPS)
        .map((m) => m.text)
        .join('\n'),
    ).toMatch(/Admin action on DEP-/);
    expect(JSON.stringify(h.fake.messages(CHANNELS.deploys))).toMatch(/as an emergency/);
  });

  it('lock: refused to a stranger (recorded, told only them); a hand lock needs a reason, lapses, and /deploy list says who can release it', async () => {
    const told = h.fake.ephemerals().length;
    const refused = await say(PEOPLE.stranger, 'lock checkout production mine now');
    expect(JSON.stringify(refused.json)).toMatch(
      /Only the people allowed to deploy checkout in Production .* can lock it/,
    );
    expect(audit().at(-1)).toMatchObject({
      actor: PEOPLE.stranger,
      type: 'refused',
      subject: 'lock checkout/production',
    });
    // Answered to them only: an ephemeral answer, nothing in the channel.
    expect(
      h.fake
        .ephemerals()
        .slice(told)
        .every((e) => e.user === PEOPLE.stranger),
    ).toBe(true);
    expect(JSON.stringify((await say(PEOPLE.deployer, 'lock checkout production')).json)).toMatch(/Say why/);
    // A look-alike name locks the same service.
    expect(JSON.stringify((await say(PEOPLE.deployer, 'lock CHECK\u00adOUT production freeze')).json)).toMatch(
      /Locked\..*lapses/,
    );
    expect(h.query('SELECT service FROM locks WHERE released_at IS NULL')).toEqual([{ service: 'checkout' }]);
    expect(
      (await submitStart(PEOPLE.deployer, { service: 'check\u200bout', version: '6.6.8' })).errors?.service,
    ).toMatch(/checkout in Production is locked/);
    await say(PEOPLE.deployer, 'list');
    await h.settled();
    expect(JSON.stringify(h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1))).toMatch(
      /Released by whoever locked it \(<@UDEPLOYER>\).*an admin \(<@UADMIN01>\)/,
    );
    // The holder is reminded before it lapses, then it lapses with a notice.
    h.clock.advance(23.5 * 3600_000);
    await h.liftoff.scheduler.tick();
    h.clock.advance(3600_000);
    await h.liftoff.scheduler.tick();
    await h.settled();
    const dms = h.fake
      .callsTo('chat.postMessage')
      .filter((c) => (c.args as { channel?: string }).channel === PEOPLE.deployer)
      .map((c) => String((c.args as { text?: string }).text));
    expect(dms).toEqual([
      expect.stringMatching(/^⏳ Your lock of checkout in Production/),
      expect.stringMatching(/lapsed/),
    ]);
    expect(h.query('SELECT service FROM locks WHERE released_at IS NULL')).toEqual([]);
  });

  it('an admin releases any lock: recorded and told to the ops channel', async () => {
    await say(PEOPLE.deployer, 'lock checkout production freeze');
    const res = await say(ADMIN, 'unlock checkout production');
    await h.settled();
    expect(JSON.stringify(res.json)).toMatch(/unlocked/);
    expect(audit().at(-1)).toMatchObject({ actor: ADMIN, type: 'admin', subject: 'unlock checkout/production' });
    expect(
      h.fake
        .messages(OPS)
        .map((m) => m.text)
        .join('\n'),
    ).toMatch(/\(admin\) released the lock of checkout in Production/);
  });

  it('rollback: refused to a stranger, recorded', async () => {
    const id = stateOf(h, 1) ? deployments().at(-1)!.id : 0;
    const before = eventsOf(id).length;
    const res = await say(PEOPLE.stranger, `rollback DEP-${id}`);
    expect(JSON.stringify(res.json)).toMatch(
      /Only the deployer, the approvers or the people named for rollbacks can roll back/,
    );
    expect(
      eventsOf(id)
        .slice(before)
        .map((e) => [e.type, e.actor]),
    ).toEqual([['refused', PEOPLE.stranger]]);
  });

  it('an admin cancels any deployment; its deployer is not needed', async () => {
    const { id } = await submitStart(PEOPLE.deployer, { version: '6.6.9' });
    await say(ADMIN, `cancel DEP-${id} wrong version`);
    expect(stateOf(h, id!).status).toBe('cancelled');
    await h.liftoff.scheduler.tick();
    await h.settled();
    expect(
      h.fake
        .messages(OPS)
        .map((m) => m.text)
        .join('\n'),
    ).toMatch(new RegExp(`Admin action on DEP-${id}`));
  });
});

describe('where deployers are not set (staging): open, and the named deployer is told by DM', () => {
  it('a stranger may start and name another deployer, who gets a DM', async () => {
    const { id, errors } = await submitStart(PEOPLE.dev, {
      environment: 'staging',
      version: '7.0.0',
      deployer: PEOPLE.qa,
      approvers: { dev_lead: PEOPLE.dev, qa_lead: PEOPLE.ops, ops_lead: PEOPLE.product },
    });
    expect(errors).toBeUndefined();
    expect(id).toBeDefined();
    const dm = h.fake.callsTo('chat.postMessage').find((c) => (c.args as { channel?: string }).channel === PEOPLE.qa);
    expect(String((dm?.args as { text?: string } | undefined)?.text)).toMatch(/named you the deployer of DEP-/);
  });
});
