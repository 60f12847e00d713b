import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { PEOPLE, startHarness, type Harness } from '../support/harness.js';
import {
  approvedDeployment,
  clickOf,
  expectMessagesInLine,
  expectNoDoublePosts,
  plainPreItems,
  report,
  stateOf,
} from './helpers.js';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

const figures = { requests: 0, faultsInjected: 0, messagesChecked: 0, lost: 0 };
afterAll(() => report('slack-faults', figures));

/** Liftoff with a short Web API timeout, so timeouts happen within a test. */
const start = () => startHarness({ env: { LIFTOFF_SLACK_TIMEOUT_MS: '400', LOG_LEVEL: 'info' } });

const faultsAnswered = () =>
  h.fake.calls.filter((c) => c.status >= 500 || c.status === 429 || (c.response as { ok?: boolean }).ok === false)
    .length;

/** The index in the fake's call log of the first call after `from` for which `pick` holds. */
const callIndex = (from: number, pick: (c: (typeof h.fake.calls)[number]) => boolean) =>
  h.fake.calls.findIndex((c, i) => i >= from && pick(c));

describe('Slack answers 5xx, times out or rate-limits', () => {
  it('5xx answers are retried with backoff; the message ends up matching the database', async () => {
    h = await start();
    const { id } = await approvedDeployment(h);
    const items = plainPreItems(stateOf(h, id)).slice(0, 3);
    h.fake.fail('chat.update', { status: 500 }, 3);
    for (const p of items) {
      expect((await clickOf(h, PEOPLE.deployer, ActionId.confirmItem, { d: id, k: p.key })).status).toBe(200);
      figures.requests++;
    }
    await h.settled();
    figures.faultsInjected += faultsAnswered();
    figures.messagesChecked += expectMessagesInLine(h);
    expectNoDoublePosts(h);
  });

  it('a call that times out is abandoned and retried; while it hangs, another deployment is served', async () => {
    h = await start();
    const a = await approvedDeployment(h);
    const b = await approvedDeployment(h);
    const from = h.fake.calls.length;
    // The next two updates hang far beyond the 400 ms timeout.
    h.fake.fail('chat.update', { delayMs: 1500 }, 2);
    const itemA = plainPreItems(stateOf(h, a.id))[0]!;
    const itemB = plainPreItems(stateOf(h, b.id))[0]!;
    await clickOf(h, PEOPLE.deployer, ActionId.confirmItem, { d: a.id, k: itemA.key });
    await h.fake.waitFor(() => h.fake.calls.slice(from).filter((c) => c.method === 'chat.update').length >= 2);
    // While A's redraws hang, a click on B is acknowledged, stored and drawn.
    const res = await clickOf(h, PEOPLE.deployer, ActionId.confirmItem, { d: b.id, k: itemB.key });
    expect(res.status).toBe(200);
    expect(stateOf(h, b.id).items[itemB.key]?.state).toBe('done');
    figures.requests += 2;
    await h.settled();
    // Let the hung calls finish arriving at Slack: a late answer must not leave an old state on screen.
    await new Promise((r) => setTimeout(r, 1600));
    figures.faultsInjected += 2;
    figures.messagesChecked += expectMessagesInLine(h);
    expectNoDoublePosts(h);
  });

  it('429 with Retry-After: waits and retries; meanwhile clicks on other deployments are acknowledged and stored', async () => {
    h = await start();
    const a = await approvedDeployment(h);
    const b = await approvedDeployment(h);
    const from = h.fake.calls.length;
    h.fake.fail('chat.update', { status: 429, retryAfter: 1 }, 1);
    const itemA = plainPreItems(stateOf(h, a.id))[0]!;
    await clickOf(h, PEOPLE.deployer, ActionId.confirmItem, { d: a.id, k: itemA.key });
    await h.fake.waitFor(() => callIndex(from, (c) => c.status === 429) >= 0);
    const limitedAt = callIndex(from, (c) => c.status === 429);
    // Clicks on B during the pause are answered at once and stored, before Slack is called again.
    for (const p of plainPreItems(stateOf(h, b.id)).slice(0, 3)) {
      expect((await clickOf(h, PEOPLE.deployer, ActionId.confirmItem, { d: b.id, k: p.key })).status).toBe(200);
      expect(stateOf(h, b.id).items[p.key]?.state).toBe('done');
      figures.requests++;
    }
    expect(callIndex(limitedAt + 1, (c) => c.method === 'chat.update')).toBe(-1);
    await h.settled();
    figures.faultsInjected += 1;
    figures.messagesChecked += expectMessagesInLine(h);
  });

  it('when Slack stays down longer than the retries, the failure is logged and the message is redrawn once Slack is back', async () => {
    h = await start();
    const { id } = await approvedDeployment(h);
    const item = plainPreItems(stateOf(h, id))[0]!;
    // More 500s than one redraw's retries (1 + 4 per call).
    h.fake.fail('chat.update', { status: 500 }, 7);
    await clickOf(h, PEOPLE.deployer, ActionId.confirmItem, { d: id, k: item.key });
    figures.requests++;
    await h.settled();
    figures.faultsInjected += 7;
    const warnings = h.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'could not bring a Slack message in line');
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatchObject({ deployment: `DEP-${id}` });
    // No new click: Liftoff tries again by itself.
    await h.fake.waitFor(() => {
      try {
        return expectMessagesInLine(h);
      } catch {
        return 0;
      }
    }, 120_000);
    figures.messagesChecked += expectMessagesInLine(h);
  }, 180_000);
});
