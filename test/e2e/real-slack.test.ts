/**
 * What real Slack does that a naive fake would not, and what Liftoff does about it:
 * late answers, history only where the bot is a member, and the rest of issue "Real Slack".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDeployment } from '../support/flows.js';
import { CHANNELS, startHarness, type Harness } from '../support/harness.js';

let h: Harness;
afterEach(async () => {
  await h.stop();
});

const cardsIn = (channel: string) => h.fake.messages(channel).filter((m) => !m.thread_ts || m.thread_ts === m.ts);
const recorded = (key: string) => h.query<{ ts: string | null }>('SELECT ts FROM messages WHERE key = ?', key)[0]?.ts ?? null;

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
    expect(h.fake.messages(CHANNELS.deploys).every((m) => m.thread_ts === undefined || m.thread_ts === cards[0]!.ts)).toBe(true);
  }, 20_000);
});
