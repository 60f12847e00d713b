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
  it('runs the one listener a button names and no other; what no table knows goes on to what Bolt matches (a pattern)', async () => {
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
    routed.action(/^sec/, async ({ ack, action }) => {
      ran.push(`pattern ${(action as { action_id: string }).action_id}`);
      await ack();
    });
    let acked = 0;
    await app.processEvent({ body: press('second'), ack: async () => void acked++ });
    expect(ran).toEqual(['second']);
    expect(acked).toBe(1);
    await app.processEvent({ body: press('secret'), ack: async () => void acked++ });
    await app.processEvent({ body: press('unknown'), ack: async () => void acked++ });
    expect(ran).toEqual(['second', 'pattern secret']);
    expect(acked).toBe(2);
  });

  it("answers a table's request without running any of Bolt's listeners (their middleware costs every request)", async () => {
    const app = bolt();
    // Bolt's listeners for other kinds; each one's first middleware (Bolt's own filter) records being asked.
    app.command('/deploy', async () => {});
    app.options(/.*/, async () => {});
    const asked: number[] = [];
    const listeners = (app as unknown as { listeners: Array<Array<(a: unknown) => Promise<void>>> }).listeners;
    listeners.forEach((chain, i) => {
      const filter = chain[0]!;
      chain[0] = (a) => {
        asked.push(i);
        return filter(a);
      };
    });
    const routed = routedById(app);
    routed.action('confirm', async ({ ack }) => ack());
    await app.processEvent({ body: press('confirm'), ack: async () => {} });
    expect(asked).toEqual([]);
    await app.processEvent({ body: press('other'), ack: async () => {} });
    expect(asked).toEqual([0, 1]);
  });

  it("refuses a global middleware added after a listener by id: it would never run for the tables' requests", () => {
    const routed = routedById(bolt());
    routed.use(async ({ next }) => next());
    routed.action('confirm', async ({ ack }) => ack());
    expect(() => routed.use(async ({ next }) => next())).toThrow(
      'a global middleware comes before the listeners by id',
    );
  });

  it('runs the one listener an event names by its type, with no Bolt listener for them', async () => {
    const app = bolt();
    const listenersBefore = (app as unknown as { listeners: unknown[] }).listeners.length;
    const routed = routedById(app);
    const ran: string[] = [];
    routed.event('app_home_opened', async ({ event }) => void ran.push(`home ${event.user}`));
    routed.event('member_joined_channel', async ({ event }) => void ran.push(`joined ${event.channel}`));
    routed.event('member_left_channel', async ({ event }) => void ran.push(`left ${event.channel}`));
    expect((app as unknown as { listeners: unknown[] }).listeners.length - listenersBefore).toBe(0);
    const eventBody = (event: Record<string, unknown>) => ({
      type: 'event_callback',
      team_id: 'T1',
      api_app_id: 'A1',
      event_id: 'Ev1',
      event_time: 1,
      event,
    });
    const hand = (event: Record<string, unknown>) => app.processEvent({ body: eventBody(event), ack: async () => {} });
    await hand({ type: 'member_left_channel', user: 'U2', channel: 'C9', channel_type: 'C', team: 'T1' });
    await hand({ type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'home', event_ts: '1' });
    await hand({ type: 'reaction_added', user: 'U1', reaction: 'x', item: {}, event_ts: '1' });
    expect(ran).toEqual(['left C9', 'home U1']);
  });

  it('refuses a second listener for the same id at start', () => {
    const routed = routedById(bolt());
    routed.view('form', async ({ ack }) => ack());
    expect(() => routed.view('form', async ({ ack }) => ack())).toThrow('two listeners for the view form');
  });
});
