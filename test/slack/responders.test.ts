import { describe, expect, it } from 'vitest';
import { createResponders } from '../../src/slack/reply.js';

const respond = async () => undefined;

/**
 * How Liftoff answers a person through their click's response_url when what the click set off (its
 * redraw) fails on a refused token: their latest click, within the half hour Slack accepts one, once.
 */
describe('the responders', () => {
  it('give each person’s latest click once, and nothing after half an hour', () => {
    let now = 0;
    const responders = createResponders(() => now);
    const first = { user: 'U1', respond };
    const latest = { user: 'U1', channel: 'C2', respond };
    responders.note(first);
    responders.note(latest);
    responders.note({ user: 'U2' }); // a request without a response_url is not noted
    expect(responders.take('U1')).toBe(latest);
    expect(responders.take('U1')).toBeUndefined();
    expect(responders.take('U2')).toBeUndefined();

    responders.note(first);
    now += 30 * 60_000;
    expect(responders.take('U1')).toBeUndefined();
  });

  it('remember at most a thousand people, forgetting who clicked longest ago', () => {
    const responders = createResponders(() => 0);
    for (let i = 0; i <= 1_000; i++) responders.note({ user: `U${i}`, respond });
    expect(responders.take('U0')).toBeUndefined();
    expect(responders.take('U1')).toBeDefined();
    expect(responders.take('U1000')).toBeDefined();
  });
});
