import type { App } from '@slack/bolt';
import { type AddressInfo, connect, createServer } from 'node:net';
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

/** Waits until the app has been handed `n` requests (one starts per turn of the event loop). */
async function handed(held: unknown[], n: number) {
  for (let turns = 0; held.length < n && turns < 100; turns++) await new Promise((r) => setImmediate(r));
  expect(held).toHaveLength(n);
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
    await handed(held, 2);
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
    await handed(held, 1);
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
    await handed(held, 1);
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
      await handed(held, 1);
      await held[0]!.ack();
      expect(await state(quiet)).toBe('waiting');
      vi.advanceTimersByTime(6);
      void app.processEvent(request([], 'click 2'));
      await handed(held, 2);
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
    await handed(held, 1);
    await held[0]!.ack();
    expect(acks.waiting()).toBe(0);
  });
});

describe('requests take turns', () => {
  it('requests handed over together start one per turn of the event loop: a connection waiting is accepted between them', async () => {
    // A burst that needs new connections: Node accepts one connection per turn of the event loop, so twenty
    // requests worked through in one turn left the next connections (and their requests) waiting behind all.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const order: string[] = [];
    const app = {
      processEvent: async (event: Event) => {
        order.push('request');
        const end = performance.now() + 2; // a request's own work, on the event loop
        while (performance.now() < end);
        await event.ack();
      },
    } as unknown as App;
    watchAcks(app);
    const accepted = new Promise<void>((resolve) =>
      server.once('connection', (socket) => {
        order.push('connection');
        socket.destroy();
        resolve();
      }),
    );
    try {
      const all = Array.from({ length: 20 }, () => app.processEvent(request([], 'click')));
      // Connecting after the requests were handed over: the server hears it when the event loop next polls.
      const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
      client.on('error', () => undefined);
      await Promise.all([...all, accepted]);
      client.destroy();
      expect(order.filter((o) => o === 'request')).toHaveLength(20);
      expect(order.indexOf('connection')).toBeLessThan(5);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('one request starts per turn, in the order handed over', async () => {
    const { app, held } = heldApp();
    watchAcks(app);
    const names = ['a', 'b', 'c'];
    const acked: string[] = [];
    for (const name of names) void app.processEvent(request(acked, name));
    expect(held).toHaveLength(0);
    // How many have started after each turn: never two in one.
    const seen: number[] = [];
    for (let turn = 0; turn < 4; turn++) {
      await new Promise((r) => setImmediate(r));
      seen.push(held.length);
    }
    expect(seen).toEqual([0, 1, 2, 3]);
    for (const h of held) await h.ack();
    expect(acked).toEqual(names);
    for (const h of held) h.finish();
  });
});
