import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/core/deployment/types.js';
import { ActionId, ViewId, encodeRef } from '../../src/slack/ids.js';
import { startDeployment } from '../support/flows.js';
import { CHANNELS, PEOPLE, SIGNING_SECRET, startHarness, type Harness } from '../support/harness.js';
import { input, signature } from '../support/slack-requests.js';
import { confirmAll, openRollback, submitRollback, underway } from '../rollback/helpers.js';
import { clickOf, dump, eventsOf, plainPreItems, report, stateOf } from './helpers.js';

let h: Harness;
const figures = { forgedRequests: 0, refusedWith401: 0, authorizationRows: 0, refusalsRecorded: 0 };
beforeAll(async () => {
  // Settings that sound like they might switch verification off change nothing.
  h = await startHarness({
    env: {
      LOG_LEVEL: 'warn',
      SLACK_SIGNATURE_VERIFICATION: 'false',
      SIGNATURE_VERIFICATION: '0',
      NODE_ENV: 'development',
    },
  });
});
afterAll(async () => {
  await h.stop();
  report('auth', figures);
});

describe('requests that do not come from Slack are refused with 401 and change nothing', () => {
  const body = () =>
    new URLSearchParams({
      command: '/deploy',
      text: `cancel DEP-1 forged`,
      user_id: PEOPLE.deployer,
      channel_id: CHANNELS.deploys,
      team_id: 'TFAKETEAM',
    }).toString();
  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ['a forged signature', () => h.slack.raw(body(), { signature: 'v0=' + 'ab'.repeat(32) })],
    [
      'a signature made with another secret',
      () => {
        const ts = now();
        return h.slack.raw(body(), {
          timestamp: ts,
          signature: signature('anothersecret00000000000000000000', ts, body()),
        });
      },
    ],
    ['no signature at all', () => h.slack.raw(body(), { signature: '' })],
    [
      'a timestamp 6 minutes old, correctly signed',
      () => {
        const ts = now() - 360;
        return h.slack.raw(body(), { timestamp: ts, signature: signature(SIGNING_SECRET, ts, body()) });
      },
    ],
    [
      'a signed body changed on the way',
      () => {
        const ts = now();
        return h.slack.raw(body().replace('forged', 'forgex'), {
          timestamp: ts,
          signature: signature(SIGNING_SECRET, ts, body()),
        });
      },
    ],
  ])('%s', async (_name, send) => {
    await startDeployment(h);
    const before = dump(h);
    const res = await send();
    figures.forgedRequests++;
    expect(res.status).toBe(401);
    figures.refusedWith401++;
    await h.settled();
    expect(dump(h)).toEqual(before);
  });
});

describe('the signature is checked before Bolt reads the request (signed-requests.ts)', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${h.liftoff.port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
  const confirmPayload = (id: number, key: string) =>
    JSON.stringify({
      type: 'block_actions',
      user: { id: PEOPLE.deployer },
      team: { id: h.fake.teamId },
      channel: { id: CHANNELS.deploys },
      trigger_id: 'smuggled',
      actions: [{ action_id: ActionId.confirmItem, value: encodeRef({ d: id, k: key }), type: 'button' }],
    });

  it("answers Slack's unsigned SSL check 200 and runs nothing it carries", async () => {
    const { id } = await startDeployment(h);
    const key = plainPreItems(stateOf(h, id))[0]!.key;
    const before = dump(h);
    const plain = await post('/slack/events', 'ssl_check=1&token=legacy');
    expect([plain.status, await plain.text()]).toEqual([200, '']);
    // A payload riding along with the check, unsigned: answered as the check, the click never made.
    const smuggled = await post(
      '/slack/events',
      new URLSearchParams({ ssl_check: '1', payload: confirmPayload(id, key) }).toString(),
    );
    expect([smuggled.status, await smuggled.text()]).toEqual([200, '']);
    await h.settled();
    expect(dump(h)).toEqual(before);
    expect(stateOf(h, id).items[key]).toBeUndefined();
  });

  it('refuses an unsigned click 401 wherever Bolt would take it as Slack’s (a query string, the method in lower case)', async () => {
    const { id } = await startDeployment(h);
    const key = plainPreItems(stateOf(h, id))[0]!.key;
    const before = dump(h);
    const body = new URLSearchParams({ payload: confirmPayload(id, key) }).toString();
    const ts = String(Math.floor(Date.now() / 1000));
    for (const path of ['/slack/events', '/slack/events?retry=1']) {
      expect((await post(path, body)).status, path).toBe(401);
      // A signature but no timestamp: refused too.
      expect((await post(path, body, { 'x-slack-signature': signature(SIGNING_SECRET, 0, body) })).status).toBe(401);
    }
    const lower = await fetch(`http://127.0.0.1:${h.liftoff.port}/slack/events`, {
      method: 'post',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts },
      body,
    });
    expect(lower.status).toBe(401);
    await h.settled();
    expect(dump(h)).toEqual(before);
  });

  it('answers a body past Bolt’s 4 MB limit 413, signed or not, and reads no further', async () => {
    const before = dump(h);
    const body = `payload=${'x'.repeat(4 * 1024 * 1024 + 1)}`;
    expect((await post('/slack/events', body)).status).toBe(413);
    expect((await h.slack.raw(body)).status).toBe(413);
    await h.settled();
    expect(dump(h)).toEqual(before);
  });

  it('still takes a signed click', async () => {
    const { id } = await startDeployment(h);
    const key = plainPreItems(stateOf(h, id))[0]!.key;
    const ts = Math.floor(Date.now() / 1000);
    const body = new URLSearchParams({ payload: confirmPayload(id, key) }).toString();
    const res = await post('/slack/events', body, {
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature(SIGNING_SECRET, ts, body),
    });
    expect(res.status).toBe(200);
    await h.settled();
    expect(stateOf(h, id).items[key]?.by).toBe(PEOPLE.deployer);
  });
});

type Setup = (id: number) => Promise<void>;
interface Row {
  what: string;
  who: keyof typeof PEOPLE;
  allowed: boolean;
  /** The event that records it when allowed; null when allowed means a form opens and nothing is recorded yet. */
  event: string | null;
  /** How the deployment is brought to where the row applies (default: just started). */
  begin?: () => Promise<{ id: number }>;
  setup?: Setup;
  run: (id: number, user: string, d: Deployment) => Promise<unknown>;
}

const firstItem = (d: Deployment) => plainPreItems(d)[0]!.key;
const confirmedBy =
  (user: string): Setup =>
  async (id) => {
    await clickOf(h, user, ActionId.confirmItem, { d: id, k: firstItem(stateOf(h, id)) });
    await h.settled();
  };
const confirm: Row['run'] = (id, user, d) => clickOf(h, user, ActionId.confirmItem, { d: id, k: firstItem(d) });
const undo: Row['run'] = (id, user, d) => clickOf(h, user, ActionId.undoItem, { d: id, k: firstItem(d) });
const approve =
  (role: string): Row['run'] =>
  (id, user) =>
    clickOf(h, user, ActionId.approve, { d: id, r: role });
const override: Row['run'] = (id, user) =>
  h.slack.submitView({
    user,
    callbackId: ViewId.overrideGate,
    privateMetadata: encodeRef({ d: id, g: 'start' }),
    values: { reason: { value: input.text('hotfix cannot wait') } },
  });
const asked: Setup = async (id) => {
  await override(id, PEOPLE.deployer, stateOf(h, id));
  await h.settled();
};
const grant: Row['run'] = (id, user) => clickOf(h, user, ActionId.grantOverride, { d: id, g: 'start' });
const cancel: Row['run'] = (id, user) =>
  h.slack.command(`cancel DEP-${id} window moved`, { user, channel: CHANNELS.deploys });
const rescheduleCommand: Row['run'] = (id, user) =>
  h.slack.command(`reschedule DEP-${id}`, { user, channel: CHANNELS.deploys });
const HOUR = 3600_000;
const rescheduleForm: Row['run'] = (id, user) =>
  h.slack.submitView({
    user,
    callbackId: ViewId.reschedule,
    privateMetadata: encodeRef({ d: id }),
    values: {
      window_start: { value: input.dateTime(Math.floor((h.clock.now() + 48 * HOUR) / 1000)) },
      window_end: { value: input.dateTime(Math.floor((h.clock.now() + 49 * HOUR) / 1000)) },
    },
  });
/** A deployment whose rollback the deployer has started (of its own service: the rollback locks the service's environment). */
let services = 0;
const rollingBack = async (service = `rollback-${++services}`) => {
  const started = await underway(h, { service });
  await submitRollback(h, PEOPLE.deployer, (await openRollback(h, PEOPLE.deployer, started.id))!);
  expect(stateOf(h, started.id).status).toBe('rolling_back');
  return started;
};
const rollbackComplete: Row['run'] = (id, user) => clickOf(h, user, ActionId.rollbackComplete, { d: id });
const rollbackFail: Row['run'] = (id, user) => clickOf(h, user, ActionId.rollbackFail, { d: id });

const TABLE: Row[] = [
  { what: 'confirm an item', who: 'deployer', allowed: true, event: 'item_confirmed', run: confirm },
  { what: 'confirm an item', who: 'dev', allowed: true, event: 'item_confirmed', run: confirm },
  { what: 'confirm an item', who: 'stranger', allowed: false, event: 'item_confirmed', run: confirm },
  { what: 'approve as Development Lead', who: 'dev', allowed: true, event: 'approved', run: approve('dev_lead') },
  { what: 'approve as Development Lead', who: 'qa', allowed: false, event: 'approved', run: approve('dev_lead') },
  { what: 'approve as Development Lead', who: 'deployer', allowed: false, event: 'approved', run: approve('dev_lead') },
  { what: 'approve as QA Lead', who: 'qa', allowed: true, event: 'approved', run: approve('qa_lead') },
  { what: 'approve as QA Lead', who: 'stranger', allowed: false, event: 'approved', run: approve('qa_lead') },
  { what: 'approve as Operations Lead', who: 'ops', allowed: true, event: 'approved', run: approve('ops_lead') },
  { what: 'approve as Operations Lead', who: 'dev', allowed: false, event: 'approved', run: approve('ops_lead') },
  // Production: the deployer only asks; a second person (an approver) grants.
  { what: 'override the start gate', who: 'deployer', allowed: true, event: 'override_requested', run: override },
  { what: 'override the start gate', who: 'dev', allowed: false, event: 'override_requested', run: override },
  { what: 'override the start gate', who: 'stranger', allowed: false, event: 'override_requested', run: override },
  { what: 'grant the override', who: 'dev', allowed: true, event: 'gate_overridden', setup: asked, run: grant },
  { what: 'grant the override', who: 'deployer', allowed: false, event: 'gate_overridden', setup: asked, run: grant },
  { what: 'grant the override', who: 'stranger', allowed: false, event: 'gate_overridden', setup: asked, run: grant },
  { what: 'cancel', who: 'deployer', allowed: true, event: 'cancelled', run: cancel },
  { what: 'cancel', who: 'ops', allowed: false, event: 'cancelled', run: cancel },
  { what: '/deploy reschedule', who: 'deployer', allowed: true, event: null, run: rescheduleCommand },
  { what: '/deploy reschedule', who: 'dev', allowed: false, event: null, run: rescheduleCommand },
  { what: '/deploy reschedule', who: 'stranger', allowed: false, event: null, run: rescheduleCommand },
  { what: 'submit the reschedule form', who: 'deployer', allowed: true, event: 'rescheduled', run: rescheduleForm },
  { what: 'submit the reschedule form', who: 'dev', allowed: false, event: 'rescheduled', run: rescheduleForm },
  { what: 'submit the reschedule form', who: 'stranger', allowed: false, event: 'rescheduled', run: rescheduleForm },
  {
    what: 'undo their own confirmation',
    who: 'dev',
    allowed: true,
    event: 'item_undone',
    setup: confirmedBy(PEOPLE.dev),
    run: undo,
  },
  {
    what: "undo someone else's confirmation",
    who: 'deployer',
    allowed: true,
    event: 'item_undone',
    setup: confirmedBy(PEOPLE.dev),
    run: undo,
  },
  {
    what: "undo someone else's confirmation",
    who: 'qa',
    allowed: false,
    event: 'item_undone',
    setup: confirmedBy(PEOPLE.dev),
    run: undo,
  },
  {
    what: "undo someone else's confirmation",
    who: 'stranger',
    allowed: false,
    event: 'item_undone',
    setup: confirmedBy(PEOPLE.dev),
    run: undo,
  },
  {
    what: 'press Rollback complete',
    who: 'stranger',
    allowed: false,
    event: 'rollback_completed',
    begin: () => rollingBack(),
    run: rollbackComplete,
  },
  {
    what: 'press Rollback failed',
    who: 'stranger',
    allowed: false,
    event: 'rollback_failed',
    begin: () => rollingBack(),
    run: rollbackFail,
  },
  {
    what: 'press Rollback failed',
    who: 'deployer',
    allowed: true,
    event: null,
    begin: () => rollingBack(),
    run: rollbackFail,
  },
];

/** What `user` was told since `since` ephemeral answers, plus the HTTP answer itself (a form's errors, a command's reply). */
const toldSince = (user: string, since: number, result: unknown) =>
  [
    ...h.fake
      .ephemerals({ user })
      .slice(since)
      .map((e) => e.text ?? ''),
    JSON.stringify((result as { json?: unknown } | undefined)?.json ?? ''),
  ].join('\n');

describe('who may do what', () => {
  it.each(TABLE.map((r) => [r.what, r.who, r.allowed ? 'may' : 'may not', r] as const))(
    '%s: the %s %s',
    async (_w, _who, _a, row) => {
      const { id } = await (row.begin ?? (() => startDeployment(h)))();
      await row.setup?.(id);
      const user = PEOPLE[row.who];
      const before = eventsOf(h, id).length;
      const viewsBefore = h.fake.views.length;
      const answersBefore = h.fake.ephemerals({ user }).length;
      const stateBefore = stateOf(h, id);
      const result = await row.run(id, user, stateBefore);
      await h.settled();
      const added = eventsOf(h, id).slice(before);
      figures.authorizationRows++;
      if (row.allowed && row.event) {
        expect(added.map((e) => [e.type, e.actor])).toContainEqual([row.event, user]);
      } else if (row.allowed) {
        // Allowed to go on: the form opens, nothing is recorded until it is submitted.
        expect(h.fake.views.length).toBe(viewsBefore + 1);
        expect(added).toEqual([]);
      } else {
        // Exactly one audit record of the refusal, and nothing else.
        expect(added.map((e) => [e.type, e.actor])).toEqual([['refused', user]]);
        figures.refusalsRecorded++;
        const { revision: _a, ...after } = stateOf(h, id);
        const { revision: _b, ...prior } = stateBefore;
        expect(after).toEqual(prior);
        expect(h.fake.views.length).toBe(viewsBefore); // no form opened for them
        // The person is told why, only them.
        expect(toldSince(user, answersBefore, result)).toMatch(/Only/);
      }
    },
  );
});

describe('who may roll back', () => {
  it.each([
    ['deployer', true],
    ['ops', true],
    ['stranger', false],
  ] as const)(
    'the %s: allowed %s (the form opens only for those allowed; a refusal is recorded)',
    async (who, allowed) => {
      const { id } = await underway(h);
      const before = eventsOf(h, id).length;
      const view = await openRollback(h, PEOPLE[who], id);
      const added = eventsOf(h, id).slice(before);
      figures.authorizationRows++;
      if (allowed) {
        expect(view).toBeDefined();
        expect(added).toEqual([]);
      } else {
        expect(view).toBeUndefined();
        expect(added.map((e) => [e.type, e.actor])).toEqual([['refused', PEOPLE[who]]]);
        figures.refusalsRecorded++;
      }
    },
  );
});

/** Refusals of a lock or unlock that concerns no deployment, from the append-only `audit` table. */
const auditOf = () =>
  h.query<{ actor: string; type: string; subject: string; data: string }>(
    'SELECT actor, type, subject, data FROM audit ORDER BY id',
  );

describe('who may lock and unlock an environment', () => {
  const say = (user: string, text: string) => h.slack.command(text, { user, channel: CHANNELS.deploys });
  const locksNow = () =>
    h.query('SELECT id, service, environment, reason, deployment_id, locked_by, released_at FROM locks ORDER BY id');
  it.each([
    ['/deploy lock with nothing of theirs under way', 'lock', null, 'audit', 'lock'],
    ['/deploy unlock of a lock set by hand', 'unlock', 'manual', 'audit', 'unlock'],
    ['/deploy lock to change the reason of a lock set by hand', 'lock', 'manual', 'audit', 'change the lock of'],
    ["/deploy unlock of a rollback's lock", 'unlock', 'rollback', 'deployment', null],
  ] as const)(
    'a stranger: %s is refused, answered to them only, recorded, and changes no lock',
    async (_what, verb, lock, recordedIn, subject) => {
      const service = `locked-${++services}`;
      let id: number | null = null;
      if (lock === 'rollback') id = (await rollingBack(service)).id;
      if (lock === 'manual') {
        id = (await startDeployment(h, { service })).id;
        expect(JSON.stringify((await say(PEOPLE.deployer, `lock ${service} production freeze`)).json)).toMatch(
          /Locked/,
        );
      }
      const locks = locksNow();
      const audit = auditOf().length;
      const events = id ? eventsOf(h, id).length : 0;
      const answersBefore = h.fake.ephemerals({ user: PEOPLE.stranger }).length;
      const res = await say(PEOPLE.stranger, `${verb} ${service} production${verb === 'lock' ? ' mine now' : ''}`);
      await h.settled();
      figures.authorizationRows++;
      expect(res.status).toBe(200);
      expect(locksNow()).toEqual(locks);
      expect(toldSince(PEOPLE.stranger, answersBefore, res)).toMatch(/Only .* can (lock|unlock|change the lock of) it/);
      const addedAudit = auditOf().slice(audit);
      const addedEvents = id ? eventsOf(h, id).slice(events) : [];
      if (recordedIn === 'audit') {
        expect(addedEvents).toEqual([]);
        expect(addedAudit.map((a) => [a.type, a.actor, a.subject])).toEqual([
          ['refused', PEOPLE.stranger, `${subject} ${service}/production`],
        ]);
        expect(JSON.parse(addedAudit[0]!.data)).toMatchObject({
          service,
          environment: 'production',
          reason: expect.stringMatching(/^Only /),
        });
      } else {
        expect(addedAudit).toEqual([]);
        expect(addedEvents.map((e) => [e.type, e.actor])).toEqual([['refused', PEOPLE.stranger]]);
      }
      figures.refusalsRecorded++;
    },
  );

  it('the audit table is append-only too', () => {
    const db = new Database(h.dbFile);
    try {
      db.prepare("INSERT INTO audit (at, actor, type, subject) VALUES (1, 'UX', 'refused', 'lock x/production')").run();
      expect(() => db.prepare("UPDATE audit SET actor = 'UEVIL'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });
});

describe('a rollback_users person (team configuration) may roll back a deployment they are not named on', () => {
  let team: Harness;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'liftoff-auth-team-')), 'liftoff.yml');
    writeFileSync(file, `services:\n  checkout:\n    rollback_users: [${PEOPLE.product}]\n`);
    team = await startHarness({ env: { LOG_LEVEL: 'warn', LIFTOFF_CONFIG: file } });
  });
  afterAll(async () => {
    await team.stop();
  });

  it.each([
    ['product', true, 'production'],
    ['stranger', false, 'staging'],
  ] as const)('the %s (rollback_users: %s)', async (who, allowed, environment) => {
    const { id } = await underway(team, { service: 'checkout', environment });
    const user = PEOPLE[who];
    expect(Object.values(stateOf(team, id).approvers).flat()).not.toContain(user);
    const before = eventsOf(team, id).length;
    const view = await openRollback(team, user, id);
    figures.authorizationRows++;
    if (!allowed) {
      expect(view).toBeUndefined();
      expect(
        eventsOf(team, id)
          .slice(before)
          .map((e) => [e.type, e.actor]),
      ).toEqual([['refused', user]]);
      figures.refusalsRecorded++;
      return;
    }
    expect(view).toBeDefined();
    await submitRollback(team, user, view!);
    expect(
      eventsOf(team, id)
        .slice(before)
        .map((e) => [e.type, e.actor]),
    ).toContainEqual(['rollback_started', user]);
    expect(stateOf(team, id).status).toBe('rolling_back');
    // And they may finish it (once its checklists are done: a press before that is refused for what is missing, whoever presses).
    await confirmAll(team, id, 'rollback', PEOPLE.ops);
    await confirmAll(team, id, 'rollback_validation', PEOPLE.ops);
    await clickOf(team, user, ActionId.rollbackComplete, { d: id });
    await team.settled();
    expect(eventsOf(team, id).some((e) => e.type === 'refused' && e.actor === user)).toBe(false);
    expect(eventsOf(team, id).at(-1)).toMatchObject({ type: 'rollback_completed', actor: user });
    expect(stateOf(team, id).status).toBe('rolled_back');
  });
});
