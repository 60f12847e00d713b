import type { App } from '@slack/bolt';
import { describe, expect, it, vi } from 'vitest';
import { watchAcks } from '../../src/slack/acks.js';

type Event = Parameters<App['processEvent']>[0];

/** An app whose listener holds each request until the test says how it ends. */
function heldApp() {
  const held: Array<{ ack: () => Promise<void>; finish: () => void }> = [];
  const app = {
    processEvent: (event: Event) =>
      new Promise<void>((finish) => held.push({ ack: () => event.ack(), finish: () => finish() })),
  } as unknown as App;
  return { app, held };
}

const request = (acked: string[], name: string) =>
  ({ body: {}, ack: async () => void acked.push(name) }) as unknown as Event;

const state = (p: Promise<unknown>) =>
  Promise.race([p.then(() => 'resolved'), new Promise((r) => setImmediate(() => r('waiting')))]);

describe('redraws wait for the requests Slack waits on', () => {
  it('nothing waiting: a redraw goes at once', async () => {
    const { app } = heldApp();
    const acks = watchAcks(app);
    expect(acks.waiting()).toBe(0);
    expect(await state(acks.quiet())).toBe('resolved');
  });

  it('waits until every request handed to the app is acknowledged', async () => {
    const { app, held } = heldApp();
    const acks = watchAcks(app, { lullMs: 0 });
    const acked: string[] = [];
    void app.processEvent(request(acked, 'form 1'));
    void app.processEvent(request(acked, 'form 2'));
    expect(acks.waiting()).toBe(2);
    const quiet = acks.quiet(60_000);
    await held[0]!.ack();
    expect(await state(quiet)).toBe('waiting');
    await held[1]!.ack();
    expect(await state(quiet)).toBe('resolved');
    expect(acked).toEqual(['form 1', 'form 2']);
    // The listeners' work after their acknowledgement holds nothing.
    expect(acks.waiting()).toBe(0);
    held[0]!.finish();
    held[1]!.finish();
  });

  it('a request that ends without an acknowledgement (its listener failed) holds nothing', async () => {
    const { app, held } = heldApp();
    const acks = watchAcks(app, { lullMs: 0 });
    const done = app.processEvent(request([], 'broken'));
    const quiet = acks.quiet(60_000);
    held[0]!.finish();
    await done;
    expect(await state(quiet)).toBe('resolved');
    expect(acks.waiting()).toBe(0);
  });

  it('tells its listener of each acknowledgement once, with the request (the metrics time them)', async () => {
    const { app, held } = heldApp();
    const heard: Array<{ body: unknown; seconds: number }> = [];
    watchAcks(app, { onAcked: (body, seconds) => heard.push({ body, seconds }) });
    const event = { body: { type: 'block_actions' }, ack: async () => undefined } as unknown as Event;
    void app.processEvent(event);
    await held[0]!.ack();
    await held[0]!.ack(); // a second ack (Bolt refuses it) is not a second acknowledgement
    held[0]!.finish();
    expect(heard).toHaveLength(1);
    expect(heard[0]!.body).toEqual({ type: 'block_actions' });
    expect(heard[0]!.seconds).toBeGreaterThanOrEqual(0);
  });

  it('and until no request came for a moment: the next of a burst is answered before the redraws', async () => {
    // Timers and Date only: `state` looks with a real setImmediate.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const { app, held } = heldApp();
      const acks = watchAcks(app, { lullMs: 10, now: () => Date.now() });
      void app.processEvent(request([], 'click 1'));
      const quiet = acks.quiet(60_000);
      await held[0]!.ack();
      expect(await state(quiet)).toBe('waiting');
      vi.advanceTimersByTime(6);
      void app.processEvent(request([], 'click 2'));
      await held[1]!.ack();
      vi.advanceTimersByTime(6); // 12 ms after the first click, 6 after the second
      expect(await state(quiet)).toBe('waiting');
      vi.advanceTimersByTime(4);
      expect(await state(quiet)).toBe('resolved');
      // Quiet now: a redraw asking goes at once.
      expect(await state(acks.quiet())).toBe('resolved');
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits at most its ceiling: a slow acknowledgement does not hold a redraw back for long', async () => {
    const { app, held } = heldApp();
    const acks = watchAcks(app);
    void app.processEvent(request([], 'slow'));
    await acks.quiet(5);
    expect(acks.waiting()).toBe(1);
    await held[0]!.ack();
    expect(acks.waiting()).toBe(0);
  });
});
