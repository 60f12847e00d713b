import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId, encodeRef } from '../../src/slack/ids.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
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
  h = await startHarness({ env: { LOG_LEVEL: 'warn' } });
});
afterEach(async () => {
  await h.stop();
});

const figures = {
  requests: 0,
  duplicates: 0,
  lost: 0,
  recordsChecked: 0,
  oneItemChatUpdates: 0,
  itemsOnMessage: 0,
  manyItemsChatUpdates: 0,
};
afterAll(() => report('races', figures));

const PEOPLE_WHO_MAY = [PEOPLE.deployer, PEOPLE.dev, PEOPLE.qa, PEOPLE.ops];

describe('many people clicking at the same moment', () => {
  it('50 concurrent confirmations of one item: one record, the message shows who confirmed it', async () => {
    const { id } = await approvedDeployment(h);
    const item = plainPreItems(stateOf(h, id))[0]!;
    const updatesBefore = h.fake.callsTo('chat.update').length;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        clickOf(h, PEOPLE_WHO_MAY[i % 4]!, ActionId.confirmItem, { d: id, k: item.key }),
      ),
    );
    figures.requests += results.length;
    expect(results.every((r) => r.status === 200)).toBe(true);
    await h.settled();
    const confirmations = eventsOf(h, id).filter((e) => e.type === 'item_confirmed');
    expect(confirmations).toHaveLength(1);
    figures.duplicates += confirmations.length - 1;
    const by = confirmations[0]!.actor;
    expect(stateOf(h, id).items[item.key]).toMatchObject({ state: 'done', by });
    // Everyone else is told who was first, and nothing else is recorded.
    expect(h.fake.ephemerals().filter((e) => /already confirmed/.test(e.text))).toHaveLength(49);
    figures.recordsChecked += expectMessagesInLine(h);
    figures.oneItemChatUpdates = h.fake.callsTo('chat.update').length - updatesBefore;
    // Coalesced: one click changes one message (and the parent's progress); 50 clicks must not make 50 updates.
    expect(figures.oneItemChatUpdates).toBeLessThanOrEqual(6);
    expectNoDoublePosts(h);
  });

  it('50 concurrent clicks on different items of one message: every item recorded once, none lost on the message', async () => {
    const { id } = await approvedDeployment(h);
    const d = stateOf(h, id);
    // The items shown in one checklist message.
    const message = h.fake
      .messages(CHANNELS.deploys)
      .find((m) =>
        plainPreItems(d).some((p) =>
          JSON.stringify(m.blocks).includes(JSON.stringify(encodeRef({ d: id, k: p.key })).slice(1, -1)),
        ),
      )!;
    const items = plainPreItems(d).filter((p) =>
      JSON.stringify(message.blocks).includes(JSON.stringify(encodeRef({ d: id, k: p.key })).slice(1, -1)),
    );
    expect(items.length).toBeGreaterThanOrEqual(3);
    const updatesBefore = h.fake.callsTo('chat.update').length;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        clickOf(h, PEOPLE_WHO_MAY[i % 4]!, ActionId.confirmItem, { d: id, k: items[i % items.length]!.key }),
      ),
    );
    figures.requests += results.length;
    expect(results.every((r) => r.status === 200)).toBe(true);
    await h.settled();
    const after = stateOf(h, id);
    for (const p of items) {
      const n = eventsOf(h, id).filter(
        (e) => e.type === 'item_confirmed' && (JSON.parse(e.data) as { key: string }).key === p.key,
      ).length;
      expect(n, p.key).toBe(1);
      figures.duplicates += Math.max(0, n - 1);
      if (after.items[p.key]?.state !== 'done') figures.lost++;
    }
    expect(figures.lost).toBe(0);
    figures.recordsChecked += expectMessagesInLine(h);
    // The final message shows every item confirmed: no redraw from a stale read won.
    const shown = JSON.stringify(h.fake.message(message.channel, message.ts)!.blocks);
    for (const p of items)
      expect(shown).not.toContain(
        `"action_id":"${ActionId.confirmItem}","value":${JSON.stringify(encodeRef({ d: id, k: p.key }))}`,
      );
    figures.itemsOnMessage = items.length;
    figures.manyItemsChatUpdates = h.fake.callsTo('chat.update').length - updatesBefore;
    expect(figures.manyItemsChatUpdates).toBeLessThan(items.length * 2);
    expectNoDoublePosts(h);
  });

  it('50 concurrent confirms and undos across two deployments end with the database and Slack agreeing', async () => {
    const a = await approvedDeployment(h);
    const b = await approvedDeployment(h);
    const itemsA = plainPreItems(stateOf(h, a.id)).slice(0, 5);
    const itemsB = plainPreItems(stateOf(h, b.id)).slice(0, 5);
    const clicks = Array.from({ length: 50 }, (_, i) => {
      const [dep, items] = i % 2 ? [a.id, itemsA] : [b.id, itemsB];
      const action = i % 3 === 2 ? ActionId.undoItem : ActionId.confirmItem;
      return clickOf(h, PEOPLE.deployer, action, { d: dep, k: items[i % 5]!.key });
    });
    const results = await Promise.all(clicks);
    figures.requests += results.length;
    expect(results.every((r) => r.status === 200)).toBe(true);
    await h.settled();
    // Each confirmation or undo alternates: a fold of the events never confirms twice in a row.
    for (const id of [a.id, b.id]) {
      const seen = new Map<string, string>();
      for (const e of eventsOf(h, id)) {
        if (e.type !== 'item_confirmed' && e.type !== 'item_undone') continue;
        const key = (JSON.parse(e.data) as { key: string }).key;
        expect(seen.get(key), `${key} ${e.type} twice in a row`).not.toBe(e.type);
        seen.set(key, e.type);
      }
    }
    figures.recordsChecked += expectMessagesInLine(h);
    expectNoDoublePosts(h);
  });
});
