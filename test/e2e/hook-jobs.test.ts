import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { press } from '../support/flows.js';
import { checkoutProductionConfig, hookConfig, indented } from '../support/team-config.js';
import { PEOPLE, startHarness, type Harness, type HarnessOptions } from '../support/harness.js';
import { tick } from '../support/schedule.js';
import {
  confirmAll,
  openRollback,
  stateOf,
  startHookServer,
  submitRollback,
  threadTextOf,
  underway,
  type HookServer,
} from '../rollback/helpers.js';

// The hook calls a change promises are durable jobs, called by the scheduler at most once each.

let h: Harness;
let hook: HookServer;
let dir: string;
let file: string;

beforeEach(async () => {
  hook = await startHookServer();
  const base = new URL(hook.url).origin;
  ({ file, dir } = checkoutProductionConfig([
    'hooks:',
    ...indented(hookConfig('rollback', `${base}/rollback`)),
    '  maintenance:',
    ...indented([...hookConfig('start', `${base}/start`), ...hookConfig('end', `${base}/end`)], 4),
  ]));
  h = await start();
});
afterEach(async () => {
  await h.stop();
  await hook.stop();
  rmSync(dir, { recursive: true, force: true });
});

const start = (opts: HarnessOptions = {}) => startHarness({ env: { LIFTOFF_CONFIG: file }, ...opts });
const events = () => hook.calls.map((c) => (c.body as { event?: string }).event ?? 'rollback');
const hookRows = () =>
  h.query<{ kind: string; status: string; result: string | null }>(
    `SELECT kind, status, result FROM jobs WHERE kind LIKE '%_hook' ORDER BY id`,
  );
async function rollBack(id: number) {
  const view = await openRollback(h, PEOPLE.deployer, id);
  expect((await submitRollback(h, PEOPLE.deployer, view!)).status).toBe(200);
  await h.settled();
  return view!;
}

describe('hook calls as scheduler jobs', () => {
  it('a restart between the commit and the call: the call is made once, after the restart', async () => {
    const { id } = await underway(h);
    await rollBack(id);
    expect(hook.calls).toEqual([]);
    await h.restart();
    expect(hookRows().map((r) => [r.kind, r.status])).toEqual([
      ['maintenance_start_hook', 'pending'],
      ['rollback_hook', 'pending'],
    ]);
    await tick(h);
    expect(events()).toEqual(['maintenance.start', 'rollback']);
    expect(threadTextOf(h, id)).toMatch(/rollback hook answered \*202\*/);
    await h.restart();
    await tick(h);
    expect(events()).toEqual(['maintenance.start', 'rollback']);
    expect(hookRows().map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('a call interrupted by a crash (left sending) is not made again, and the thread says so', async () => {
    const { id } = await underway(h);
    await tick(h);
    await rollBack(id);
    // As a process killed between the claim and the end of the call leaves it.
    const db = new Database(h.dbFile);
    db.prepare(`UPDATE jobs SET status = 'sending', attempts = 1, claimed_at = ? WHERE kind = 'rollback_hook'`).run(
      h.clock.now(),
    );
    db.close();
    await h.restart();
    await tick(h);
    h.clock.advance(60 * 60_000);
    await tick(h);
    expect(events()).toEqual(['maintenance.start']);
    expect(hookRows().map((r) => [r.kind, r.status])).toEqual([
      ['maintenance_start_hook', 'sent'],
      ['rollback_hook', 'uncertain'],
    ]);
    const port = new URL(hook.url).port;
    expect(threadTextOf(h, id)).toContain(
      `I may or may not have called the rollback hook before a restart (Liftoff stopped while calling 127.0.0.1:${port}). I did not call it again, so it is never called twice. Check the pipeline it triggers; if the rollback did not start there, run it by hand`,
    );
    expect(
      h.logs.some(
        (l) =>
          l.includes('the rollback hook may or may not have been called before a restart') &&
          l.includes('"deployment":"DEP-1"'),
      ),
    ).toBe(true);
    // A person is alerted once as well: what may not have happened, and what to do.
    const alerts = h.fake.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.response.ok &&
        String(c.args.text).includes('The rollback hook call may or may not have been made'),
    );
    expect(alerts).toHaveLength(1);
  });

  it('the jobs table holds one row per promised call: double submits and retries promise nothing twice; a service without hooks none', async () => {
    const { id } = await underway(h);
    const view = await rollBack(id);
    await submitRollback(h, PEOPLE.ops, view); // the same form again
    await h.settled();
    await confirmAll(h, id, 'rollback', PEOPLE.qa);
    await confirmAll(h, id, 'rollback_validation', PEOPLE.ops);
    await press(h, PEOPLE.deployer, ActionId.rollbackComplete, { d: id });
    await press(h, PEOPLE.deployer, ActionId.rollbackComplete, { d: id });
    await tick(h);
    await tick(h);
    expect(hookRows()).toEqual([
      { kind: 'maintenance_start_hook', status: 'sent', result: expect.stringMatching(/^answered 202/) },
      { kind: 'rollback_hook', status: 'sent', result: expect.stringMatching(/^answered 202/) },
      { kind: 'maintenance_end_hook', status: 'sent', result: expect.stringMatching(/^answered 202/) },
    ]);
    expect(events()).toEqual(['maintenance.start', 'rollback', 'maintenance.end']);
    expect((hook.calls[2]!.body as { reason: string }).reason).toBe('rolled_back');

    const other = await underway(h, { environment: 'staging' });
    await rollBack(other.id);
    await tick(h);
    expect(h.query(`SELECT kind FROM jobs WHERE deployment_id = ? AND kind LIKE '%_hook'`, other.id)).toEqual([]);
    expect(hook.calls).toHaveLength(3);
  });

  it('a call whose thread does not exist yet waits, like a notice, and is made once it does', async () => {
    h.fake.fail('chat.postMessage', { error: 'not_in_channel' }, 50);
    const { id } = await underway(h);
    expect(
      h.query(`SELECT key FROM messages WHERE deployment_id = ? AND key = 'parent' AND ts IS NOT NULL`, id),
    ).toEqual([]);
    await tick(h);
    expect(hook.calls).toEqual([]);
    expect(h.query(`SELECT status, result FROM jobs WHERE kind = 'maintenance_start_hook'`)).toEqual([
      { status: 'pending', result: 'attempt 1: the deployment message is not posted yet' },
    ]);
    h.fake.clearFaults();
    // The next change draws the deployment: its thread now exists.
    await confirmAll(h, id, 'phase', PEOPLE.deployer, stateOf(h, id).plan.phases[0]!.id);
    h.clock.advance(31_000);
    await tick(h);
    expect(events()).toEqual(['maintenance.start']);
    expect(threadTextOf(h, id)).toMatch(/maintenance start hook answered \*202\*/);
  });

  it('with the scheduler ticking by itself, the call follows the change at once (no acknowledgement waits for it)', async () => {
    await h.stop();
    h = await start({ autoTick: true });
    const { id } = await underway(h);
    await h.fake.waitFor(
      () => hook.calls.length === 1 && threadTextOf(h, id).includes('maintenance start hook answered'),
      60_000,
    );
    expect(events()).toEqual(['maintenance.start']);
  });

  it("a slow hook holds up nobody's notices: the call runs beside the tick", async () => {
    const a = await underway(h);
    const b = await underway(h, { version: '2.4.1' });
    hook.respond = () => undefined; // never answers: the call gives up after its 3 s
    await tick(h);
    const posts = h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.response.ok === true);
    const at = (match: (text: string, key: string) => boolean) =>
      posts.findIndex((c) =>
        match(
          String(c.args.text ?? ''),
          String((c.args.metadata as { event_payload?: { job?: string } } | undefined)?.event_payload?.job ?? ''),
        ),
      );
    const bStarted = at((_t, key) => key === `DEP-${b.id}:start:thread`);
    const aGaveUp = at((text) => text.includes('did not answer'));
    expect(bStarted).toBeGreaterThanOrEqual(0);
    expect(aGaveUp).toBeGreaterThanOrEqual(0);
    // DEP-b's start notice, claimed after DEP-a's hook call, went out while that call still hung.
    expect(bStarted).toBeLessThan(aGaveUp);
    expect(hookRows().map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(a.id).not.toBe(b.id);
  });
});
