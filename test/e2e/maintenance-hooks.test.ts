import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { press, startDeployment } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { tick } from '../support/schedule.js';
import { checkoutProductionConfig, hookConfig, indented } from '../support/team-config.js';
import { clickOf } from '../reliability/helpers.js';
import {
  confirmAll,
  finished,
  openRollback,
  overrideGate,
  startHookServer,
  stateOf,
  submitRollback,
  threadTextOf,
  underway,
  type HookServer,
} from '../rollback/helpers.js';

let h: Harness;
let hook: HookServer;
let dir: string;

beforeEach(async () => {
  hook = await startHookServer();
  hook.respond = (req, res) => {
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ window: req.url === '/start' ? 'opened' : 'closed' }));
  };
  const base = new URL(hook.url).origin;
  const maintenanceHook = (at: string) =>
    hookConfig(at, `${base}/${at}`, {
      showResponseBody: true,
      headers: { Authorization: 'Bearer ${LIFTOFF_TEST_MAINTENANCE_TOKEN}' },
    });
  let file: string;
  ({ file, dir } = checkoutProductionConfig([
    'hooks:',
    '  maintenance:',
    ...indented([...maintenanceHook('start'), ...maintenanceHook('end')], 4),
  ]));
  h = await startHarness({ env: { LIFTOFF_CONFIG: file, LIFTOFF_TEST_MAINTENANCE_TOKEN: 'maintenance-secret' } });
});
afterEach(async () => {
  await h.stop();
  await hook.stop();
  rmSync(dir, { recursive: true, force: true });
});

const threadText = (id: number) => threadTextOf(h, id);
const bodies = (event: string) => hook.calls.map((c) => c.body as { event: string }).filter((b) => b.event === event);
describe('the maintenance hooks', () => {
  it('start: called once with the deployment when its first phase starts (double click and retry included), not for the next phase', async () => {
    const { id } = await startDeployment(h, { template: 'deployment-task' });
    await overrideGate(h, id, 'start');
    expect(hook.calls).toEqual([]);
    const first = stateOf(h, id).plan.phases[0]!.id;
    const results = await Promise.all([
      clickOf(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: first }),
      clickOf(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: first }),
    ]);
    await clickOf(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: first }, { retryNum: 1 });
    for (const r of results) expect(r.status).toBe(200);
    await h.settled();
    const d = stateOf(h, id);
    expect(d.status).toBe('in_progress');
    // Planned once with the first phase's start; called by the scheduler.
    expect(hook.calls).toEqual([]);
    expect(h.query(`SELECT key FROM jobs WHERE kind = 'maintenance_start_hook'`)).toEqual([
      { key: `DEP-${id}:maintenance_start_hook:thread` },
    ]);
    await tick(h);
    expect(hook.calls).toHaveLength(1);
    expect(hook.calls[0]!.body).toEqual({
      event: 'maintenance.start',
      deployment: `DEP-${id}`,
      service: 'checkout',
      environment: 'production',
      version: '2.4.0',
      window: { start: new Date(d.window.start).toISOString(), end: new Date(d.window.end).toISOString() },
    });
    expect(hook.calls[0]!.headers.authorization).toBe('Bearer maintenance-secret');
    expect(threadText(id)).toMatch(/maintenance start hook answered \*202\*/);
    expect(threadText(id)).toContain('opened');

    // The second phase calls nothing.
    await confirmAll(h, id, 'phase', PEOPLE.deployer, first);
    await press(h, PEOPLE.deployer, ActionId.completePhase, { d: id, p: first });
    await press(h, PEOPLE.deployer, ActionId.startPhase, { d: id, p: d.plan.phases[1]!.id });
    expect(stateOf(h, id).phases[d.plan.phases[1]!.id]?.started).toBeDefined();
    await tick(h);
    expect(hook.calls).toHaveLength(1);
    expect(h.logs.join('\n')).not.toContain('maintenance-secret');
  });

  it('end: called once when the last phase completes, not again when the deployment completes', async () => {
    const { id } = await finished(h);
    expect(stateOf(h, id).status).toMatch(/completed|monitoring/);
    await tick(h);
    expect(bodies('maintenance.start')).toHaveLength(1);
    expect(bodies('maintenance.end')).toEqual([
      expect.objectContaining({ deployment: `DEP-${id}`, service: 'checkout', reason: 'phases_completed' }),
    ]);
    expect(threadText(id)).toMatch(/maintenance end hook answered \*202\*/);
  });

  it('end: called when the deployment is cancelled after its first phase started; nothing for one cancelled before', async () => {
    const early = await startDeployment(h, { template: 'deployment-task' });
    await h.slack.command(`cancel DEP-${early.id} window moved`, { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    await h.settled();
    expect(stateOf(h, early.id).status).toBe('cancelled');
    await tick(h);
    expect(hook.calls).toEqual([]);

    const { id } = await underway(h);
    await h.slack.command(`cancel DEP-${id} node would not drain`, {
      user: PEOPLE.deployer,
      channel: CHANNELS.deploys,
    });
    await h.settled();
    expect(stateOf(h, id).status).toBe('cancelled');
    await tick(h);
    expect(bodies('maintenance.end')).toEqual([
      expect.objectContaining({ deployment: `DEP-${id}`, reason: 'cancelled' }),
    ]);
    expect(threadText(id)).toMatch(/maintenance end hook answered \*202\*/);
  });

  it('end: called when a rollback started during a phase completes', async () => {
    const { id } = await underway(h);
    const view = await openRollback(h, PEOPLE.deployer, id);
    await submitRollback(h, PEOPLE.deployer, view!);
    await tick(h);
    expect(bodies('maintenance.start')).toHaveLength(1);
    expect(bodies('maintenance.end')).toEqual([]);
    await confirmAll(h, id, 'rollback', PEOPLE.qa);
    await confirmAll(h, id, 'rollback_validation', PEOPLE.ops);
    await press(h, PEOPLE.deployer, ActionId.rollbackComplete, { d: id });
    expect(stateOf(h, id).status).toBe('rolled_back');
    await tick(h);
    expect(bodies('maintenance.end')).toEqual([
      expect.objectContaining({ deployment: `DEP-${id}`, reason: 'rolled_back' }),
    ]);
  });

  it('a failing hook is shown plainly and the deployment goes on', async () => {
    hook.respond = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('status page is down');
    };
    const { id } = await underway(h);
    await tick(h);
    const thread = threadText(id);
    expect(thread).toMatch(
      /maintenance start hook answered \*500\*: it did not accept the start of the maintenance window\. The deployment goes on/,
    );
    expect(thread).toContain('status page is down');
    const d = stateOf(h, id);
    await confirmAll(h, id, 'phase', PEOPLE.deployer, d.plan.phases[0]!.id);
    await press(h, PEOPLE.deployer, ActionId.completePhase, { d: id, p: d.plan.phases[0]!.id });
    expect(stateOf(h, id).phases[d.plan.phases[0]!.id]?.completed).toBeDefined();
  });

  it('a hook that does not answer in time is shown plainly', async () => {
    hook.respond = () => undefined;
    const { id } = await underway(h);
    await tick(h);
    expect(threadText(id)).toMatch(
      /maintenance start hook \(127\.0\.0\.1:\d+\) did not answer within 3000 ms; whether it took note of it is unknown/,
    );
    expect(stateOf(h, id).status).toBe('in_progress');
  });

  it('a redirect to a host that is not allowed is not followed: that host is never called, and the thread says so', async () => {
    const elsewhere: string[] = [];
    const other: Server = createServer((req, res) => {
      elsewhere.push(req.url ?? '');
      res.end('ok');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.2', () => resolve()));
    const target = `http://127.0.0.2:${(other.address() as AddressInfo).port}/start`;
    hook.respond = (_req, res) => {
      res.writeHead(307, { location: target });
      res.end();
    };
    try {
      const { id } = await underway(h);
      await tick(h);
      expect(hook.calls).toHaveLength(1);
      expect(elsewhere).toEqual([]);
      expect(threadText(id)).toMatch(
        /maintenance start hook answered \*307\*, a redirect to 127\.0\.0\.2:\d+; redirects are not followed/,
      );
      expect(stateOf(h, id).status).toBe('in_progress');
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });
});
