import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/core/deployment/types.js';
import { ActionId, ViewId, encodeRef } from '../../src/slack/ids.js';
import { startDeployment } from '../support/flows.js';
import { CHANNELS, PEOPLE, SIGNING_SECRET, startHarness, type Harness } from '../support/harness.js';
import { input, signature } from '../support/slack-requests.js';
import { openRollback, underway } from '../rollback/helpers.js';
import { clickOf, dump, eventsOf, plainPreItems, report, stateOf } from './helpers.js';

let h: Harness;
const figures = { forgedRequests: 0, refusedWith401: 0, authorizationRows: 0, refusalsRecorded: 0 };
beforeAll(async () => {
  // Settings that sound like they might switch verification off change nothing.
  h = await startHarness({ env: { LOG_LEVEL: 'warn', SLACK_SIGNATURE_VERIFICATION: 'false', SIGNATURE_VERIFICATION: '0', NODE_ENV: 'development' } });
});
afterAll(async () => {
  await h.stop();
  report('auth', figures);
});

describe('requests that do not come from Slack are refused with 401 and change nothing', () => {
  const body = () => new URLSearchParams({ command: '/deploy', text: `cancel DEP-1 forged`, user_id: PEOPLE.deployer, channel_id: CHANNELS.deploys, team_id: 'TFAKETEAM' }).toString();
  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ['a forged signature', () => h.slack.raw(body(), { signature: 'v0=' + 'ab'.repeat(32) })],
    ['a signature made with another secret', () => { const ts = now(); return h.slack.raw(body(), { timestamp: ts, signature: signature('anothersecret00000000000000000000', ts, body()) }); }],
    ['no signature at all', () => h.slack.raw(body(), { signature: '' })],
    ['a timestamp 6 minutes old, correctly signed', () => { const ts = now() - 360; return h.slack.raw(body(), { timestamp: ts, signature: signature(SIGNING_SECRET, ts, body()) }); }],
    ['a signed body changed on the way', () => { const ts = now(); return h.slack.raw(body().replace('forged', 'forgex'), { timestamp: ts, signature: signature(SIGNING_SECRET, ts, body()) }); }],
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

type Setup = (id: number) => Promise<void>;
interface Row {
  what: string;
  who: keyof typeof PEOPLE;
  allowed: boolean;
  /** The event that records it when allowed. */
  event: string;
  setup?: Setup;
  run: (id: number, user: string, d: Deployment) => Promise<unknown>;
}

const firstItem = (d: Deployment) => plainPreItems(d)[0]!.key;
const confirmedBy = (user: string): Setup => async (id) => {
  await clickOf(h, user, ActionId.confirmItem, { d: id, k: firstItem(stateOf(h, id)) });
  await h.settled();
};
const confirm: Row['run'] = (id, user, d) => clickOf(h, user, ActionId.confirmItem, { d: id, k: firstItem(d) });
const undo: Row['run'] = (id, user, d) => clickOf(h, user, ActionId.undoItem, { d: id, k: firstItem(d) });
const approve = (role: string): Row['run'] => (id, user) => clickOf(h, user, ActionId.approve, { d: id, r: role });
const override: Row['run'] = (id, user) =>
  h.slack.submitView({ user, callbackId: ViewId.overrideGate, privateMetadata: encodeRef({ d: id, g: 'start' }), values: { reason: { value: input.text('hotfix cannot wait') } } });
const cancel: Row['run'] = (id, user) => h.slack.command(`cancel DEP-${id} window moved`, { user, channel: CHANNELS.deploys });

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
  { what: 'override the start gate', who: 'deployer', allowed: true, event: 'gate_overridden', run: override },
  { what: 'override the start gate', who: 'dev', allowed: false, event: 'gate_overridden', run: override },
  { what: 'override the start gate', who: 'stranger', allowed: false, event: 'gate_overridden', run: override },
  { what: 'cancel', who: 'deployer', allowed: true, event: 'cancelled', run: cancel },
  { what: 'cancel', who: 'ops', allowed: false, event: 'cancelled', run: cancel },
  { what: 'undo their own confirmation', who: 'dev', allowed: true, event: 'item_undone', setup: confirmedBy(PEOPLE.dev), run: undo },
  { what: "undo someone else's confirmation", who: 'deployer', allowed: true, event: 'item_undone', setup: confirmedBy(PEOPLE.dev), run: undo },
  { what: "undo someone else's confirmation", who: 'qa', allowed: false, event: 'item_undone', setup: confirmedBy(PEOPLE.dev), run: undo },
  { what: "undo someone else's confirmation", who: 'stranger', allowed: false, event: 'item_undone', setup: confirmedBy(PEOPLE.dev), run: undo },
];

describe('who may do what', () => {
  it.each(TABLE.map((r) => [r.what, r.who, r.allowed ? 'may' : 'may not', r] as const))('%s: the %s %s', async (_w, _who, _a, row) => {
    const { id } = await startDeployment(h);
    await row.setup?.(id);
    const user = PEOPLE[row.who];
    const before = eventsOf(h, id).length;
    const stateBefore = stateOf(h, id);
    await row.run(id, user, stateBefore);
    await h.settled();
    const added = eventsOf(h, id).slice(before);
    figures.authorizationRows++;
    if (row.allowed) {
      expect(added.map((e) => [e.type, e.actor])).toContainEqual([row.event, user]);
    } else {
      // Exactly one audit record of the refusal, and nothing else.
      expect(added.map((e) => [e.type, e.actor])).toEqual([['refused', user]]);
      figures.refusalsRecorded++;
      const { revision: _a, ...after } = stateOf(h, id);
      const { revision: _b, ...prior } = stateBefore;
      expect(after).toEqual(prior);
      // The person is told why, only them.
      const told = h.fake.ephemerals({ user }).at(-1)?.text ?? JSON.stringify(h.fake.views.at(-1)?.errors ?? h.fake.calls.at(-1)?.response ?? '');
      expect(told).toMatch(/Only|someone else|deployer/);
    }
  });
});

describe('who may roll back', () => {
  it.each([
    ['deployer', true],
    ['ops', true],
    ['stranger', false],
  ] as const)('the %s: allowed %s (the form opens only for those allowed; a refusal is recorded)', async (who, allowed) => {
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
  });
});
