import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { textOf } from '../support/flows.js';
import { checkoutProductionConfig, hookConfig, indented } from '../support/team-config.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { tick } from '../support/schedule.js';
import {
  openRollback,
  startHookServer,
  stateOf,
  submitRollback,
  threadTextOf,
  underway,
  type HookServer,
} from '../rollback/helpers.js';

const OPS = 'COPSROOM';

let h: Harness;
let hook: HookServer;
let dir: string;

beforeEach(async () => {
  hook = await startHookServer();
  const config = checkoutProductionConfig([
    `ops_channel: ${OPS}`,
    'hooks:',
    ...indented(
      hookConfig('rollback', hook.url, {
        showResponseBody: true,
        headers: { Authorization: 'Bearer ${LIFTOFF_TEST_HOOK_TOKEN}' },
      }),
    ),
  ]);
  dir = config.dir;
  const file = config.file;
  h = await startHarness({ env: { LIFTOFF_CONFIG: file, LIFTOFF_TEST_HOOK_TOKEN: 'hook-secret' } });
  h.fake.addChannel(OPS, { name: 'ops' });
});
afterEach(async () => {
  await h.stop();
  await hook.stop();
  rmSync(dir, { recursive: true, force: true });
});

const threadText = (id: number) => threadTextOf(h, id);

async function rollBack() {
  const { id } = await underway(h, { announce: CHANNELS.announce });
  const view = await openRollback(h, PEOPLE.deployer, id);
  const res = await submitRollback(h, PEOPLE.deployer, view!);
  expect(res.status).toBe(200);
  await h.settled();
  // Acknowledged and stored; the call is a job, made by the scheduler.
  expect(hook.calls).toEqual([]);
  expect(h.query<{ status: string }>(`SELECT status FROM jobs WHERE kind = 'rollback_hook'`)).toEqual([
    { status: 'pending' },
  ]);
  await tick(h);
  return id;
}

describe('the rollback hook', () => {
  it('is called with the rollback, and what it answered is posted in the thread', async () => {
    const id = await rollBack();
    expect(hook.calls).toHaveLength(1);
    const d = stateOf(h, id);
    expect(hook.calls[0]!.body).toEqual({
      deployment: 'DEP-1',
      service: 'checkout',
      environment: 'production',
      fromVersion: '2.4.0',
      toVersion: null,
      rollbackId: `DEP-1-rollback-${Math.floor(d.rollback!.started.at / 1000)}`,
    });
    expect(hook.calls[0]!.headers.authorization).toBe('Bearer hook-secret');
    const thread = threadText(id);
    expect(thread).toMatch(/rollback hook answered \*202\*/);
    expect(thread).toContain('rollback-77');
    // The manual checklist remains.
    expect(thread).toMatch(/Rollback plan/);
    expect(h.logs.join('\n')).not.toContain('hook-secret');
    expect(
      h.query<{ status: string; result: string }>(`SELECT status, result FROM jobs WHERE kind = 'rollback_hook'`),
    ).toEqual([{ status: 'sent', result: expect.stringMatching(/^answered 202 in \d+ ms$/) }]);
    // Called once: later ticks call nothing more.
    await tick(h);
    expect(hook.calls).toHaveLength(1);
  });

  it('shows a failure plainly and keeps the manual checklist', async () => {
    hook.respond = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('pipeline locked by another run');
    };
    const id = await rollBack();
    const thread = threadText(id);
    expect(thread).toMatch(/answered \*500\*: it did not accept the rollback\. Follow the rollback checklist by hand/);
    expect(thread).toContain('pipeline locked by another run');
    expect(stateOf(h, id).status).toBe('rolling_back');
    // Final: a refusal is not retried.
    expect(h.query<{ status: string }>(`SELECT status FROM jobs WHERE kind = 'rollback_hook'`)).toEqual([
      { status: 'failed' },
    ]);
    h.clock.advance(60 * 60_000);
    await tick(h);
    expect(hook.calls).toHaveLength(1);
  });

  it('an answer that echoes the request headers: the thread shows it redacted; the token reaches no Slack call and no job result', async () => {
    hook.respond = (req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`internal error handling ${JSON.stringify(req.headers)}`);
    };
    const id = await rollBack();
    expect(hook.calls[0]!.headers.authorization).toBe('Bearer hook-secret');
    expect(threadText(id)).toMatch(
      /answered \*500\*: it did not accept the rollback\..*"authorization":"\[redacted\]"/s,
    );
    expect(JSON.stringify(h.fake.calls)).not.toContain('hook-secret');
    expect(JSON.stringify(h.query('SELECT * FROM jobs'))).not.toContain('hook-secret');
    expect(h.logs.join('\n')).not.toContain('hook-secret');
  });

  it('gives up after its timeout and says so, without delaying the acknowledgement', async () => {
    hook.respond = () => undefined; // never answers
    const { id } = await underway(h);
    const view = await openRollback(h, PEOPLE.deployer, id);
    const res = await h.slack.submitView({
      user: PEOPLE.deployer,
      callbackId: 'rollback.start',
      privateMetadata: (view!.view as { private_metadata: string }).private_metadata,
      values: (await import('../rollback/helpers.js')).rollbackValues(),
      viewId: view!.id,
    });
    expect(res.status).toBe(200);
    // Acknowledged before the call was even made: the call is a job, made by the next tick.
    expect(h.query<{ status: string }>(`SELECT status FROM jobs WHERE kind = 'rollback_hook'`)).toEqual([
      { status: 'pending' },
    ]);
    await tick(h);
    expect(threadText(id)).toMatch(/did not answer within 3000 ms.*Follow the rollback checklist by hand/);
    expect(h.query<{ status: string }>(`SELECT status FROM jobs WHERE kind = 'rollback_hook'`)).toEqual([
      { status: 'failed' },
    ]);
  });

  it('the notices reach the announcement channel, the ops channel and the thread', async () => {
    const id = await rollBack();
    // The notices are scheduler jobs, sent by the next tick.
    await h.liftoff.scheduler.tick();
    await h.settled();
    expect(h.fake.messages(CHANNELS.announce).map(textOf).join('\n')).toMatch(/Rolling back checkout in Production/);
    expect(h.fake.messages(OPS).map(textOf).join('\n')).toMatch(/Rolling back checkout in Production/);
    expect(threadText(id)).toMatch(/Rolling back checkout in Production/);
  });
});
