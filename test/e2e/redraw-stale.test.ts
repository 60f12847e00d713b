import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/core/deployment/types.js';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId, encodeRef } from '../../src/slack/ids.js';
import { buttonsOf, startDeployment, textOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { stateOf as storedState } from '../support/stored.js';

let h: Harness;
afterEach(async () => h?.stop());

const stateOf = (id: number): Deployment => storedState(h, id);

/** Presses a button on the message that holds it; resolves with the acknowledgement, not what follows. */
async function click(actionId: string, ref: Parameters<typeof encodeRef>[0]) {
  const value = encodeRef(ref);
  const message = h.fake
    .messages(CHANNELS.deploys)
    .find((m) => buttonsOf(m).some((b) => b.actionId === actionId && b.value === value))!;
  const res = await h.slack.action({
    user: PEOPLE.qa,
    actionId,
    value,
    channel: CHANNELS.deploys,
    messageTs: message.ts,
    ...(message.thread_ts ? { threadTs: message.thread_ts } : {}),
  });
  expect(res.status).toBe(200);
  return message;
}

describe('a redraw never sends what a newer change has made stale', () => {
  it('a second click while the first one’s card update waits for Slack: the checklist message is edited once, showing both', async () => {
    h = await startHarness();
    const { id, parentTs } = await startDeployment(h);
    const [a, b] = itemsOfStage(stateOf(id).plan, 'pre').filter((p) => !p.item.evidence);
    const from = h.fake.callsTo('chat.update').length;
    // Slack answers the first edit (the card, drawn first) late: the redraw waits there.
    h.fake.fail('chat.update', { lateMs: 400 });
    const checklist = await click(ActionId.confirmItem, { d: id, k: a!.key });
    // The redraw has started and waits for the card's answer when the second click comes.
    await new Promise((r) => setTimeout(r, 150));
    await click(ActionId.confirmItem, { d: id, k: b!.key });
    await h.settled();

    const edits = h.fake.callsTo('chat.update').slice(from);
    expect(edits[0]?.args.ts).toBe(parentTs);
    const checklistEdits = edits.filter((c) => c.args.ts === checklist.ts);
    expect(checklistEdits).toHaveLength(1);
    const shown = textOf(h.fake.message(CHANNELS.deploys, checklist.ts)!);
    for (const item of [a!, b!])
      expect(shown).toMatch(new RegExp(`✅[^\\n]*${item.item.text.slice(0, 20)}[^\\n]*<@${PEOPLE.qa}>`));
  });
});
