import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/core/deployment/types.js';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId, encodeRef, ViewId } from '../../src/slack/ids.js';
import { buttonsOf, startDeployment, startValues, textOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { stateOf as storedState } from '../support/stored.js';

/**
 * What waits for a change to reach the disk. The sync of the database's log is held here: a button
 * is acknowledged once its change is committed (it survives a crash of the process), but nothing
 * shows the change (the redraw, an answer to the person) before the log is synced; a form, whose
 * acknowledgement closes it, is acknowledged only once it is synced.
 */

/** The log's syncs, held between `hold()` and `release()`; `asked()` resolves once a held one is waiting. */
function diskSwitch() {
  let gate: Promise<void> | null = null;
  let open = () => {};
  let asked = Promise.resolve();
  let ask = () => {};
  let calls = 0;
  return {
    logSync: async (datasync: () => Promise<void>) => {
      calls++;
      if (gate) {
        ask();
        await gate;
      }
      await datasync();
    },
    hold() {
      gate = new Promise((r) => (open = r));
      asked = new Promise((r) => (ask = r));
    },
    asked: () => asked,
    /** How many syncs were asked for so far. */
    calls: () => calls,
    release() {
      gate = null;
      open();
    },
  };
}

let h: Harness;
const disk = diskSwitch();
beforeEach(async () => {
  h = await startHarness({ logSync: disk.logSync });
});
afterEach(async () => {
  disk.release();
  await h.stop();
});

const stateOf = (id: number): Deployment => storedState(h, id);

/** Turns of the event loop: what does not wait for the disk has gone out by then. */
const turns = async () => {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
};

/** Sends a button press from the message that holds it, without waiting for what follows. */
function click(user: string, actionId: string, ref: Parameters<typeof encodeRef>[0]) {
  const value = encodeRef(ref);
  const message = h.fake
    .messages(CHANNELS.deploys)
    .find((m) => buttonsOf(m).some((b) => b.actionId === actionId && b.value === value))!;
  const res = h.slack.action({
    user,
    actionId,
    value,
    channel: CHANNELS.deploys,
    messageTs: message.ts,
    ...(message.thread_ts ? { threadTs: message.thread_ts } : {}),
  });
  return { res, message };
}

describe('a change is shown only once it is on disk', () => {
  it('a checklist click is acknowledged once committed; its redraw waits for the sync', async () => {
    const { id } = await startDeployment(h);
    const item = itemsOfStage(stateOf(id).plan, 'pre').find((p) => !p.item.evidence)!;

    disk.hold();
    const { res, message } = click(PEOPLE.qa, ActionId.confirmItem, { d: id, k: item.key });
    expect((await res).status).toBe(200);
    await disk.asked();
    await turns();
    // Committed (another connection reads it), not yet shown.
    expect(stateOf(id).items[item.key]).toMatchObject({ state: 'done', by: PEOPLE.qa });
    const shown = h.fake.message(CHANNELS.deploys, message.ts)!;
    expect(textOf(shown)).not.toMatch(new RegExp(`✅[^\\n]*<@${PEOPLE.qa}>`));

    disk.release();
    await h.settled();
    expect(textOf(h.fake.message(CHANNELS.deploys, message.ts)!)).toMatch(new RegExp(`✅[^\\n]*<@${PEOPLE.qa}>`));
  });

  it('a burst of clicks shares a sync, asked once they are answered: not one a click', async () => {
    const { id } = await startDeployment(h);
    const items = itemsOfStage(stateOf(id).plan, 'pre')
      .filter((p) => !p.item.evidence)
      .slice(0, 5);
    expect(items).toHaveLength(5);
    await h.settled();

    const before = disk.calls();
    const clicks = items.map((item) => click(PEOPLE.qa, ActionId.confirmItem, { d: id, k: item.key }).res);
    for (const res of await Promise.all(clicks)) expect(res.status).toBe(200);
    await h.settled();
    // One sync, asked once the burst is answered (a click used to ask for its own: five). A stall of the
    // machine of over 10 ms between two of the clicks would let a redraw ask for one mid-burst: fewer
    // syncs than clicks is what must hold.
    const syncs = disk.calls() - before;
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThan(items.length);
    for (const item of items) expect(stateOf(id).items[item.key]).toMatchObject({ state: 'done', by: PEOPLE.qa });
    const shown = textOf(h.fake.messages(CHANNELS.deploys).find((m) => textOf(m).includes(items[0]!.item.text))!);
    expect(shown.match(new RegExp(`✅[^\\n]*<@${PEOPLE.qa}>`, 'g'))).toHaveLength(5);
  });

  it('a refused click is answered once its refusal’s record is on disk', async () => {
    const { id } = await startDeployment(h);
    const item = itemsOfStage(stateOf(id).plan, 'pre').find((p) => !p.item.evidence)!;
    const first = click(PEOPLE.qa, ActionId.confirmItem, { d: id, k: item.key });
    expect((await first.res).status).toBe(200);
    await h.settled();

    disk.hold();
    const { res } = click(PEOPLE.dev, ActionId.undoItem, { d: id, k: item.key });
    expect((await res).status).toBe(200);
    await disk.asked();
    await turns();
    expect(h.fake.ephemerals({ user: PEOPLE.dev })).toEqual([]);
    expect(
      h.query<{ type: string }>("SELECT type FROM events WHERE deployment_id = ? AND type = 'refused'", id),
    ).toHaveLength(1);

    disk.release();
    await h.settled();
    expect(h.fake.ephemerals({ user: PEOPLE.dev }).at(-1)?.text).toMatch(/Only whoever confirmed it/);
    expect(stateOf(id).items[item.key]).toMatchObject({ state: 'done' });
  });

  it('the start form closes (its acknowledgement) only once the new deployment is on disk', async () => {
    const opened = await h.slack.command('start checkout 2.4.0 prod', {
      user: PEOPLE.deployer,
      channel: CHANNELS.deploys,
    });
    expect(opened.status).toBe(200);
    await h.settled();
    const view = h.fake.lastView()!;

    disk.hold();
    let answered = false;
    const submitted = h.slack
      .submitView({
        user: PEOPLE.deployer,
        callbackId: ViewId.start,
        privateMetadata: (view.view as { private_metadata?: string }).private_metadata ?? '',
        values: startValues(h),
        viewId: view.id,
      })
      .finally(() => (answered = true));
    await disk.asked();
    await turns();
    expect(answered).toBe(false);
    expect(h.fake.messages(CHANNELS.deploys)).toEqual([]);

    disk.release();
    expect((await submitted).status).toBe(200);
    await h.settled();
    expect(h.query('SELECT id FROM deployments')).toHaveLength(1);
    expect(h.fake.messages(CHANNELS.deploys).length).toBeGreaterThan(0);
  });
});

describe('the health probe waits for the disk off the event loop', () => {
  it('/healthz answers once its write is synced; a command sent meanwhile is answered at once', async () => {
    disk.hold();
    let answered = false;
    const health = fetch(`http://127.0.0.1:${h.liftoff.port}/healthz`).then(async (res) => {
      answered = true;
      return { status: res.status, body: await res.json() };
    });
    await disk.asked();
    const help = await h.slack.command('help', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    expect(help.status).toBe(200);
    await turns();
    expect(answered).toBe(false);
    disk.release();
    expect(await health).toEqual({ status: 200, body: { ok: true, problems: [] } });
  });
});
