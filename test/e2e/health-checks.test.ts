import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/slack/ids.js';
import { buttonsOf, press, textOf } from '../support/flows.js';
import { PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { eventsOf, finished, stateOf, threadTextOf, underway } from '../rollback/helpers.js';

const TOKEN = 'hc-secret-token-4711';
const OPS = 'COPSROOM';

/** A local service: each path answers its own way; every request is kept. */
interface Service {
  port: number;
  requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
  /** /flaky answers 503 while set. */
  down: boolean;
  stop(): Promise<void>;
}

async function startService(): Promise<Service> {
  const service: Service = { port: 0, requests: [], down: false, stop: async () => undefined };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    service.requests.push({ path, headers: req.headers });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path.startsWith('/ok')) return json(200, { status: 'ok', echo: req.headers.authorization });
    if (path === '/down') return json(503, { status: 'down' });
    if (path === '/degraded') return json(200, { status: 'degraded' });
    if (path === '/flaky') return service.down ? json(503, { status: 'down' }) : json(200, { status: 'ok' });
    if (path === '/redirect') {
      // To a host that is not allowed (localhost is not 127.0.0.1), carrying a token in its query.
      res.writeHead(302, { location: `http://localhost:${service.port}/followed?token=${TOKEN}` });
      return res.end();
    }
    if (path === '/hang') return; // never answers
    json(404, { error: 'no such path' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  service.port = (server.address() as AddressInfo).port;
  service.stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return service;
}

/**
 * The team configuration and a template of the team's own: the seed's deployment task whose first
 * phase has a step a health check does ("Health checks pass") and whose API health checks are `checks`.
 */
function configure(port: number, checks: string[], settings: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-health-'));
  mkdirSync(join(dir, 'templates'));
  const seed = readFileSync(join(import.meta.dirname, '../../data/templates/deployment-task.yml'), 'utf8');
  const template = seed
    .replace('id: deployment-task', 'id: checked-task')
    .replace('name: Deployment task', 'name: Checked task')
    .replace("- { id: step-2, text: '[Step 2]' }", '- { id: health, text: Health checks pass }')
    .replace(
      "healthChecks:\n    - { endpoint: '[URL]', expected: '[Response]' }",
      `healthChecks:\n${checks.join('\n')}`,
    );
  writeFileSync(join(dir, 'templates', 'checked-task.yml'), template);
  const file = join(dir, 'liftoff.yml');
  writeFileSync(
    file,
    [
      'version: 1',
      'templates_dir: templates',
      'services:',
      '  checkout:',
      '    environments:',
      '      production:',
      '        template: checked-task',
      `        ops_channel: ${OPS}`,
      '        communication: { monitoring_minutes: 30 }',
      '        health_check_settings:',
      `          base_url: http://127.0.0.1:${port}`,
      '          allowed_hosts: [127.0.0.1]',
      '          timeout_ms: 1000',
      '          headers:',
      '            Authorization: Bearer ${HC_TOKEN}',
      ...settings.map((l) => `          ${l}`),
      '',
    ].join('\n'),
  );
  return { dir, file };
}

let h: Harness | undefined;
let service: Service | undefined;
let dir: string | undefined;

afterEach(async () => {
  await h?.stop();
  await service?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = service = dir = undefined;
});

async function setUp(checks: (port: number) => string[], settings: string[] = []) {
  service = await startService();
  const config = configure(service.port, checks(service.port), settings);
  dir = config.dir;
  h = await startHarness({ env: { LIFTOFF_CONFIG: config.file, HC_TOKEN: TOKEN } });
  h.fake.addChannel(OPS, { name: 'ops' });
  return { h, service };
}

async function tick(harness: Harness) {
  await harness.liftoff.scheduler.tick();
  await harness.settled();
}

/** The thread's messages that are health-check results. */
const results = (harness: Harness, id: number) =>
  threadTextOf(harness, id)
    .split('\n')
    .filter((l) => l.includes('*Health checks* *DEP-'));

/**
 * Nothing Liftoff sent to Slack, nor any job result or log line, holds the header's token or a URL's
 * userinfo; the record of the runs neither (the frozen plan keeps the template as it was written).
 */
function expectNoSecret(harness: Harness) {
  const sent = JSON.stringify(harness.fake.calls.map((c) => c.args));
  const jobs = JSON.stringify(harness.query('SELECT result, payload FROM jobs'));
  const runs = JSON.stringify(harness.query("SELECT data FROM events WHERE type = 'health_checks_run'"));
  for (const text of [sent, jobs, runs, harness.logs.join('\n')]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('s3cr3t-pw');
  }
  expect(JSON.stringify(harness.query('SELECT data FROM events'))).not.toContain(TOKEN);
}

describe('health checks run by Liftoff', () => {
  it('runs the checks on the button, posts one result, and confirms the items a check does', async () => {
    const { h, service } = await setUp((port) => [
      '    - { endpoint: /ok, expected: \'"status": "ok"\', status: 200 }',
      `    - { endpoint: 'http://127.0.0.1:${port}/ok/absolute', expected: '200 OK' }`,
    ]);
    const { id } = await underway(h, { template: 'checked-task' });
    const verification = h.fake.messages().find((m) => textOf(m).includes('*Health checks*'))!;
    expect(buttonsOf(verification).map((b) => b.text)).toContain('Run health checks');

    const { res } = await press(h, PEOPLE.deployer, ActionId.runHealthChecks, { d: id });
    expect(res.status).toBe(200);
    expect(h.fake.ephemerals({ user: PEOPLE.deployer }).at(-1)?.text).toContain('Running 2 health checks');
    expect(results(h, id)).toHaveLength(0); // the result comes after the answer
    await tick(h);

    const shown = results(h, id);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain('2 of 2 passed');
    const thread = threadTextOf(h, id);
    expect(thread).toMatch(/✅ `GET 127\.0\.0\.1:\d+\/ok` — answered 200 in \d+ ms; status and body match/);
    expect(thread).toMatch(/✅ `GET 127\.0\.0\.1:\d+\/ok\/absolute` — answered 200 in \d+ ms; status matches/);
    expect(thread).toContain('Confirmed by health check: “Health checks pass”');
    expect(thread).toContain('✅ Health checks pass — 🤖 confirmed by health check');
    // Requested with a GET and the configured header; the token never shown.
    expect(service.requests.map((r) => r.path).sort()).toEqual(['/ok', '/ok/absolute']);
    expect(service.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);

    const item = stateOf(h, id).items['phase.preparation.health'];
    expect(item).toMatchObject({ state: 'done', by: 'liftoff', evidence: 'by health check' });
    const events = eventsOf(h, id).filter((e) => e.type === 'health_checks_run' || e.actor === 'liftoff');
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['health_checks_run', 'liftoff'],
      ['item_confirmed', 'liftoff'],
    ]);
    expect(JSON.parse(events[0]!.data)).toMatchObject({ requestedBy: PEOPLE.deployer });
    // Another tick posts nothing more.
    await tick(h);
    expect(results(h, id)).toHaveLength(1);
    expectNoSecret(h);
  });

  it('reports wrong status, wrong body, a hang, a redirect and refused hosts, and offers the rollback', async () => {
    const { h, service } = await setUp((port) => [
      '    - { endpoint: /down }',
      '    - { endpoint: /degraded, expected: \'"status":"ok"\' }',
      '    - { endpoint: /hang }',
      '    - { endpoint: /redirect }',
      `    - { endpoint: 'http://localhost:${port}/ok/not-allowed' }`,
      `    - { endpoint: 'http://admin:s3cr3t-pw@127.0.0.1:${port}/ok/userinfo' }`,
    ]);
    const { id } = await underway(h, { template: 'checked-task' });
    await press(h, PEOPLE.deployer, ActionId.runHealthChecks, { d: id });
    await tick(h);

    const shown = results(h, id);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toContain('0 of 6 passed');
    const requested = () => service.requests.map((r) => r.path);
    const thread = threadTextOf(h, id);
    expect(thread).toMatch(/❌ `GET 127\.0\.0\.1:\d+\/down` — answered 503 in \d+ ms: expected a 2xx status/);
    expect(thread).toMatch(/`GET 127\.0\.0\.1:\d+\/degraded` — answered 200 in \d+ ms: the body does not contain/);
    expect(thread).toMatch(/`GET 127\.0\.0\.1:\d+\/hang` — no answer within 1000 ms/);
    expect(thread).toMatch(
      /`GET 127\.0\.0\.1:\d+\/redirect` — answered 302 .*a redirect to localhost:\d+, not followed/,
    );
    expect(thread).toMatch(/`GET localhost:\d+\/ok\/not-allowed` — not requested: its host localhost is not among/);
    expect(thread).toMatch(/`GET 127\.0\.0\.1:\d+\/ok\/userinfo` — not requested: the endpoint holds credentials/);
    expect(requested()).not.toContain('/ok/userinfo');
    // The redirect was not followed, and the host that is not allowed never asked.
    const paths = requested();
    expect(paths).not.toContain('/followed');
    expect(paths.filter((p) => p === '/ok/not-allowed')).toHaveLength(0);
    // Nothing confirmed; the rollback offered right there to whoever asked (the deployer may roll back).
    expect(stateOf(h, id).items['phase.preparation.health']).toBeUndefined();
    const message = h.fake.messages().find((m) => textOf(m).includes('0 of 6 passed'))!;
    expect(buttonsOf(message).map((b) => b.actionId)).toEqual([ActionId.rollback]);
    expectNoSecret(h);
  });

  it('refuses a person who may not confirm, and tells one who asks twice while it runs', async () => {
    const { h } = await setUp(() => ['    - { endpoint: /ok }']);
    const { id } = await underway(h, { template: 'checked-task' });
    await press(h, PEOPLE.stranger, ActionId.runHealthChecks, { d: id });
    expect(h.fake.ephemerals({ user: PEOPLE.stranger }).at(-1)?.text).toContain(
      'Only the deployer and the approvers named on DEP-1 can run its health checks.',
    );
    expect(eventsOf(h, id).at(-1)).toMatchObject({ type: 'refused', actor: PEOPLE.stranger });
    await press(h, PEOPLE.deployer, ActionId.runHealthChecks, { d: id });
    await press(h, PEOPLE.qa, ActionId.runHealthChecks, { d: id });
    expect(h.fake.ephemerals({ user: PEOPLE.qa }).at(-1)?.text).toContain('already running');
    await tick(h);
    expect(results(h, id)).toHaveLength(1);
  });

  it('runs on a schedule while monitored and sends the issue notice once, at the first failure', async () => {
    const { h, service } = await setUp(() => ['    - { endpoint: /flaky }'], ['every_minutes: 5']);
    const { id } = await finished(h, { template: 'checked-task' });
    expect(stateOf(h, id).status).toBe('monitoring');
    const issues = () => h!.fake.messages().filter((m) => textOf(m).includes('health checks failed during'));

    await tick(h); // the first run, at the start of the window: passes, says nothing
    expect(service.requests.filter((r) => r.path === '/flaky')).toHaveLength(1);
    expect(issues()).toHaveLength(0);

    service.down = true;
    h.clock.advance(5 * 60_000);
    await tick(h);
    await tick(h); // the issue notice planned by the failure
    expect(service.requests.filter((r) => r.path === '/flaky')).toHaveLength(2);
    // Once per place: the thread (with the rollback), the channel's copy, the ops channel.
    const first = issues().length;
    expect(first).toBeGreaterThan(0);
    expect(h.fake.messages(OPS).filter((m) => textOf(m).includes('health checks failed during'))).toHaveLength(1);
    const inThread = issues().find((m) => buttonsOf(m).some((b) => b.actionId === ActionId.rollback));
    expect(inThread).toBeDefined();
    expect(textOf(inThread!)).toMatch(/❌ `GET 127\.0\.0\.1:\d+\/flaky` — answered 503/);

    h.clock.advance(5 * 60_000);
    await tick(h);
    await tick(h);
    expect(service.requests.filter((r) => r.path === '/flaky')).toHaveLength(3);
    expect(issues()).toHaveLength(first); // not again

    // After the window no run is left planned.
    h.clock.advance(30 * 60_000);
    await tick(h);
    await tick(h);
    const runs = h.query<{ status: string }>("SELECT status FROM jobs WHERE kind = 'health_checks'");
    expect(runs.filter((r) => r.status === 'pending')).toHaveLength(0);
    expect(service.requests.filter((r) => r.path === '/flaky').length).toBeLessThanOrEqual(7);
    expectNoSecret(h);
  });
});
