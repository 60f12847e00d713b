import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId, ViewId } from '../../src/slack/ids.js';
import { startValues } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { input } from '../support/slack-requests.js';
import { openRollback, rollbackValues, underway } from '../rollback/helpers.js';
import {
  approvedDeployment,
  clickOf,
  eventsOf,
  expectMessagesInLine,
  expectNoDoublePosts,
  plainPreItems,
  report,
  stateOf,
} from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

const figures = { requests: 0, duplicates: 0, recordsChecked: 0 };
afterAll(() => report('idempotency', figures));

const count = (id: number, type: string, pick?: (data: Record<string, unknown>) => boolean) =>
  eventsOf(h, id).filter((e) => e.type === type && (!pick || pick(JSON.parse(e.data) as Record<string, unknown>)))
    .length;

describe('a request Slack retries is recorded once', () => {
  it('a confirmation retried with X-Slack-Retry-Num 1, 2 and 3 is one confirmation', async () => {
    const { id } = await approvedDeployment(h);
    const item = plainPreItems(stateOf(h, id))[0]!;
    for (const retryNum of [undefined, 1, 2, 3]) {
      const res = await clickOf(
        h,
        PEOPLE.deployer,
        ActionId.confirmItem,
        { d: id, k: item.key },
        retryNum === undefined ? {} : { retryNum },
      );
      expect(res.status).toBe(200);
      figures.requests++;
    }
    await h.settled();
    const n = count(id, 'item_confirmed', (e) => e.key === item.key);
    expect(n).toBe(1);
    figures.duplicates += n - 1;
    expect(stateOf(h, id).items[item.key]).toMatchObject({ state: 'done', by: PEOPLE.deployer });
    figures.recordsChecked += eventsOf(h, id).length;
    expectMessagesInLine(h);
    expectNoDoublePosts(h);
  });

  it('an approval retried is one approval, and the retry tells nobody anything', async () => {
    const { id } = await approvedDeployment(h, {
      approvers: { dev_lead: PEOPLE.dev, qa_lead: PEOPLE.qa, ops_lead: PEOPLE.ops },
    });
    const before = h.fake.ephemerals({ user: PEOPLE.dev }).length;
    for (const retryNum of [1, 2, 3]) {
      const res = await clickOf(h, PEOPLE.dev, ActionId.approve, { d: id, r: 'dev_lead' }, { retryNum });
      expect(res.status).toBe(200);
      figures.requests++;
    }
    await h.settled();
    expect(count(id, 'approved', (e) => e.role === 'dev_lead')).toBe(1);
    expect(h.fake.ephemerals({ user: PEOPLE.dev }).length).toBe(before);
    figures.recordsChecked += eventsOf(h, id).length;
  });

  it('the start form retried by Slack creates one deployment and one thread', async () => {
    await h.slack.command('start checkout 2.4.0 prod', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    const opened = h.fake.lastView()!;
    const meta = (opened.view as { private_metadata: string }).private_metadata;
    const submit = (retryNum?: number) =>
      h.slack.submitView(
        {
          user: PEOPLE.deployer,
          callbackId: ViewId.start,
          privateMetadata: meta,
          values: startValues(h),
          viewId: opened.id,
        },
        retryNum === undefined ? undefined : { retryNum },
      );
    const results = await Promise.all([submit(), submit(1), submit(2)]);
    figures.requests += results.length;
    for (const r of results) expect(r.status).toBe(200);
    await h.settled();
    const created = h.query<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE type = 'created'")[0]!.n;
    expect(created).toBe(1);
    figures.duplicates += created - 1;
    expect(h.fake.messages(CHANNELS.deploys).filter((m) => !m.thread_ts || m.thread_ts === m.ts)).toHaveLength(1);
    expectNoDoublePosts(h);
  });
});

describe('double clicks and double submissions are recorded once', () => {
  it('two clicks at the same moment on each button record one confirmation each', async () => {
    const { id } = await approvedDeployment(h);
    const items = plainPreItems(stateOf(h, id)).slice(0, 5);
    const clicks = items.flatMap((p) => [
      clickOf(h, PEOPLE.deployer, ActionId.confirmItem, { d: id, k: p.key }),
      clickOf(h, PEOPLE.dev, ActionId.confirmItem, { d: id, k: p.key }),
    ]);
    const results = await Promise.all(clicks);
    figures.requests += results.length;
    for (const r of results) expect(r.status).toBe(200);
    await h.settled();
    for (const p of items) {
      const n = count(id, 'item_confirmed', (e) => e.key === p.key);
      expect(n).toBe(1);
      figures.duplicates += n - 1;
    }
    figures.recordsChecked += eventsOf(h, id).length;
    expectMessagesInLine(h);
    expectNoDoublePosts(h);
  });

  it('an evidence form submitted twice records one confirmation with its evidence', async () => {
    const { id } = await approvedDeployment(h);
    const withEvidence = itemsOfStage(stateOf(h, id).plan, 'pre').find((p) => p.item.evidence?.kind === 'url')!;
    await clickOf(h, PEOPLE.deployer, ActionId.confirmItem, { d: id, k: withEvidence.key });
    await h.settled();
    const view = h.fake.lastView()!;
    const submit = (retryNum?: number) =>
      h.slack.submitView(
        {
          user: PEOPLE.deployer,
          callbackId: ViewId.evidence,
          privateMetadata: (view.view as { private_metadata: string }).private_metadata,
          values: { evidence: { value: input.text('https://ci.example.com/run/7') } },
          viewId: view.id,
        },
        retryNum === undefined ? undefined : { retryNum },
      );
    const results = await Promise.all([submit(), submit(), submit(1)]);
    figures.requests += results.length;
    // Every copy closes the form: none shows an error for something that succeeded.
    for (const r of results) expect(r.status).toBe(200);
    for (const r of results) expect(r.body).toBe('');
    await h.settled();
    expect(count(id, 'item_confirmed', (e) => e.key === withEvidence.key)).toBe(1);
    expect(stateOf(h, id).items[withEvidence.key]).toMatchObject({ evidence: 'https://ci.example.com/run/7' });
  });

  it('a cancel form and a rejection form submitted twice are recorded once', async () => {
    const a = await approvedDeployment(h);
    const submitReason = (callbackId: string, meta: object, user: string) =>
      h.slack.submitView({
        user,
        callbackId,
        privateMetadata: JSON.stringify(meta),
        values: { reason: { value: input.text('window moved') } },
      });
    const b = await approvedDeployment(h);
    // b: the QA lead rejects — but QA already approved; rejecting changes the decision once.
    const results = await Promise.all([
      submitReason(ViewId.cancel, { d: a.id }, PEOPLE.deployer),
      submitReason(ViewId.cancel, { d: a.id }, PEOPLE.deployer),
      submitReason(ViewId.reject, { d: b.id, r: 'qa_lead' }, PEOPLE.qa),
      submitReason(ViewId.reject, { d: b.id, r: 'qa_lead' }, PEOPLE.qa),
    ]);
    figures.requests += results.length;
    for (const r of results) expect(r.status).toBe(200);
    await h.settled();
    expect(count(a.id, 'cancelled')).toBe(1);
    expect(count(b.id, 'rejected')).toBe(1);
    expect(stateOf(h, a.id).status).toBe('cancelled');
    figures.recordsChecked += eventsOf(h).length;
    expectMessagesInLine(h);
    expectNoDoublePosts(h);
  });
});

describe('a rollback is started once', () => {
  it('the rollback form retried by Slack and submitted twice records one rollback and posts one notice', async () => {
    const { id } = await underway(h);
    const view = (await openRollback(h, PEOPLE.deployer, id))!;
    const submit = (retryNum?: number) =>
      h.slack.submitView(
        {
          user: PEOPLE.deployer,
          callbackId: 'rollback.start',
          privateMetadata: (view.view as { private_metadata: string }).private_metadata,
          values: rollbackValues(),
          viewId: view.id,
        },
        retryNum === undefined ? undefined : { retryNum },
      );
    const results = await Promise.all([submit(), submit(), submit(1), submit(2)]);
    figures.requests += results.length;
    for (const r of results) expect(r.status).toBe(200);
    await h.settled();
    const started = count(id, 'rollback_started');
    expect(started).toBe(1);
    figures.duplicates += started - 1;
    expect(h.fake.messages().filter((m) => /· Rollback plan/.test(m.text))).toHaveLength(1);
    figures.recordsChecked += eventsOf(h, id).length;
    expectMessagesInLine(h);
    expectNoDoublePosts(h);
  });
});
