import { describe, expect, it } from 'vitest';
import { createResponders } from '../../src/slack/reply.js';

const respond = async () => undefined;

/**
 * How Liftoff answers a person through their click's response_url when what the click set off (its
 * redraw) fails on a refused token: the click that set the redraw off, once; never an older click
 * of theirs (a form has no response_url, and its redraw must not answer in another conversation).
 */
describe('the responders', () => {
  it('give the click a redraw follows, once', () => {
    let now = 1_000_000;
    const responders = createResponders(() => now);
    responders.note({ user: 'U1', respond });
    const latest = { user: 'U1', channel: 'C2', respond };
    responders.note(latest);
    responders.note({ user: 'U2' }); // a request without a response_url is not noted
    now += 300;
    expect(responders.take({ user: 'U1', at: now })).toBe(latest);
    expect(responders.take({ user: 'U1', at: now })).toBeUndefined();
    expect(responders.take({ user: 'U2', at: now })).toBeUndefined();
  });

  it('never give a click older than the redraw’s own (a form submitted a minute after a click)', () => {
    let now = 1_000_000;
    const responders = createResponders(() => now);
    const click = { user: 'U1', respond };
    responders.note(click);
    now += 60_000;
    expect(responders.take({ user: 'U1', at: now })).toBeUndefined();
    // Still there for the redraw it did set off (asked for just after it).
    expect(responders.take({ user: 'U1', at: now - 60_000 + 50 })).toBe(click);
  });

  it('remember at most a thousand people, forgetting who clicked longest ago', () => {
    const responders = createResponders(() => 0);
    for (let i = 0; i <= 1_000; i++) responders.note({ user: `U${i}`, respond });
    expect(responders.take({ user: 'U0', at: 0 })).toBeUndefined();
    expect(responders.take({ user: 'U1', at: 0 })).toBeDefined();
    expect(responders.take({ user: 'U1000', at: 0 })).toBeDefined();
  });
});
