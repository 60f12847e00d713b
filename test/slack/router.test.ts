import { App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { routedById } from '../../src/slack/listeners/router.js';

/** A Bolt app with no receiver of its own: requests are handed to `processEvent` directly. */
function bolt() {
  const receiver = { init() {}, start: async () => undefined, stop: async () => undefined };
  return new App({ receiver, authorize: async () => ({ botToken: 'xoxb-test', botId: 'B1' }) });
}

const press = (actionId: string) => ({
  type: 'block_actions',
  team: { id: 'T1' },
  user: { id: 'U1' },
  channel: { id: 'C1' },
  trigger_id: 't',
  actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: 'v', action_ts: '1' }],
});

describe('buttons and forms found by their id', () => {
  it('runs the one listener a button names, and what Bolt itself matches (a pattern) as before', async () => {
    const app = bolt();
    const routed = routedById(app);
    const ran: string[] = [];
    routed.action('first', async ({ ack }) => {
      ran.push('first');
      await ack();
    });
    routed.action('second', async ({ ack }) => {
      ran.push('second');
      await ack();
    });
    routed.action(/^sec/, async () => {
      ran.push('pattern');
    });
    let acked = 0;
    await app.processEvent({ body: press('second'), ack: async () => void acked++ });
    expect(ran.sort()).toEqual(['pattern', 'second']);
    expect(acked).toBe(1);
    await app.processEvent({ body: press('unknown'), ack: async () => void acked++ });
    expect(ran).toHaveLength(2);
  });

  it('refuses a second listener for the same id at start', () => {
    const routed = routedById(bolt());
    routed.view('form', async ({ ack }) => ack());
    expect(() => routed.view('form', async ({ ack }) => ack())).toThrow('two listeners for the view form');
  });
});
