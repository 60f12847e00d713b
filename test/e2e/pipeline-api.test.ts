import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCi } from '../../src/ci/main.js';
import type { Deployment } from '../../src/core/deployment/types.js';
import { ActionId } from '../../src/slack/ids.js';
import { press, textOf, mrkdwnOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { submitReason } from '../support/schedule.js';
import { stateOf as storedState } from '../support/stored.js';

const GHA = 'gha-token-0123456789abcdef0123456789';
const STAGING_ONLY = 'staging-token-0123456789abcdef01234';

const CONFIG = `
services:
  checkout:
    deploy_channel: ${CHANNELS.deploys}
    template: standard-release
    approvers:
      dev_lead: [${PEOPLE.dev}]
      qa_lead: [${PEOPLE.qa}]
      ops_lead: [${PEOPLE.ops}]
  search:
    deploy_channel: ${CHANNELS.deploys}
    approvers:
      dev_lead: [${PEOPLE.dev}]
      qa_lead: [${PEOPLE.qa}]
      ops_lead: [${PEOPLE.ops}]
  payments:
    deploy_channel: ${CHANNELS.deploys}
    locked: [approvers]
    approvers:
      dev_lead: [${PEOPLE.dev}]
      qa_lead: [${PEOPLE.qa}]
      ops_lead: [${PEOPLE.ops}]
pipelines:
  github-actions:
    token_env: LIFTOFF_TOKEN_GHA
    services: [checkout, payments]
    environments: [staging, production]
    may: [start, confirm, phases, verdict, rollback]
  staging-bot:
    token_env: LIFTOFF_TOKEN_STAGING
    services: [checkout]
    environments: [staging]
    may: [start]
`;

let h: Harness;
let base: string;
beforeEach(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'liftoff-api-')), 'liftoff.yml');
  writeFileSync(file, CONFIG);
  h = await startHarness({
    env: { LIFTOFF_CONFIG: file, LIFTOFF_TOKEN_GHA: GHA, LIFTOFF_TOKEN_STAGING: STAGING_ONLY },
  });
  h.fake.addUser('UEMAILED', { name: 'emailed', email: 'ana@example.com' });
  base = `http://127.0.0.1:${h.liftoff.port}`;
});
afterEach(async () => {
  await h.stop();
});

/** One call to the API as a pipeline would make it. */
async function api(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  o: { token?: string | null; key?: string } = {},
) {
  const token = o.token === undefined ? GHA : o.token;
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(method === 'POST'
        ? { 'content-type': 'application/json', 'idempotency-key': o.key ?? `k-${Math.random()}` }
        : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** The `liftoff ci` client, in process, against the real server. */
async function ci(args: string[], token = GHA) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCi(args, {
    env: {
      LIFTOFF_URL: base,
      LIFTOFF_TOKEN: token,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/checkout',
      GITHUB_RUN_ID: '42',
    },
    out: { write: (s: string) => out.push(s) },
    err: { write: (s: string) => err.push(s) },
    sleep: async () => undefined,
  });
  return { code, out: out.join(''), err: err.join('') };
}

const START = {
  service: 'checkout',
  version: '2.4.0',
  environment: 'production',
  deployer: PEOPLE.deployer,
  changes: ['Faster checkout'],
  links: [{ title: 'PR', url: 'https://github.com/acme/checkout/pull/7' }],
};
const stateOf = (ref: string): Deployment => storedState(h, Number(ref.slice(4)));
const deploymentCount = () => h.query<{ n: number }>('SELECT COUNT(*) AS n FROM deployments')[0]!.n;
const eventCount = () => h.query<{ n: number }>('SELECT COUNT(*) AS n FROM events')[0]!.n;
const audit = () =>
  h.query<{ actor: string; type: string; subject: string; data: string }>(
    'SELECT actor, type, subject, data FROM audit ORDER BY id',
  );

async function startOne(extra: Record<string, unknown> = {}) {
  const { code, out } = await ci([
    'start',
    '--service',
    'checkout',
    '--version',
    '2.4.0',
    '--environment',
    'production',
    '--deployer',
    PEOPLE.deployer,
    '--change',
    'Faster checkout',
    ...Object.entries(extra).flatMap(([k, v]) => [`--${k}`, String(v)]),
  ]);
  expect(code).toBe(0);
  await h.settled();
  return out.trim();
}

/** Confirms every required pre-deployment item as the pipeline, with evidence where asked. */
async function confirmPre(ref: string) {
  const d = (await api('GET', `/deployments/${ref}`)).body;
  for (const item of d.items.filter(
    (i: { key: string; required: boolean }) => i.key.startsWith('pre.') && i.required,
  )) {
    const r = await ci(['confirm', ref, item.key, '--url', 'https://ci.example.com/results/42', '--text', 'all green']);
    expect(r.code, r.err).toBe(0);
  }
  await h.settled();
}

const approveAll = async (id: number) => {
  for (const [user, role] of [
    [PEOPLE.dev, 'dev_lead'],
    [PEOPLE.qa, 'qa_lead'],
    [PEOPLE.ops, 'ops_lead'],
  ] as const) {
    await press(h, user, ActionId.approve, { d: id, r: role });
  }
};

describe('a pipeline takes part in a deployment', () => {
  it('starts, confirms with evidence, blocks on the start gate until the approvers approve in Slack, then runs the phases', async () => {
    const ref = await startOne();
    expect(ref).toMatch(/^DEP-\d+$/);
    const d = stateOf(ref);
    expect(d.created.by).toBe('pipeline:github-actions');
    expect(d.deployerId).toBe(PEOPLE.deployer);
    // Approvers come from the configuration.
    expect(d.approvers).toMatchObject({ dev_lead: [PEOPLE.dev], qa_lead: [PEOPLE.qa], ops_lead: [PEOPLE.ops] });
    expect(d.changes).toEqual(['Faster checkout']);

    await confirmPre(ref);
    const confirmed = Object.values(stateOf(ref).items);
    expect(confirmed.length).toBeGreaterThan(0);
    expect(
      confirmed.every(
        (i) => i.by === 'pipeline:github-actions' && i.evidence?.includes('https://ci.example.com/results/42'),
      ),
    ).toBe(true);
    expect(confirmed[0]!.evidence).toContain('https://github.com/acme/checkout/actions/runs/42');
    // Slack shows who confirmed: the pipeline by name, never a broken mention.
    const shown = h.fake.messages(CHANNELS.deploys).map(mrkdwnOf).join('\n');
    expect(shown).toContain('🤖 github-actions');
    expect(shown).not.toContain('<@pipeline:');

    // The gate is still closed: approvals are missing.
    const closed = await api('GET', `/deployments/${ref}/gates/start`);
    expect(closed.body).toMatchObject({ state: 'waiting' });
    expect(closed.body.missing.join(' ')).toMatch(/Lead approval/);

    const waiting = ci(['wait', ref, 'start', '--timeout', '30']);
    await approveAll(d.id);
    const waited = await waiting;
    expect(waited.code).toBe(0);
    expect(waited.out).toContain('gate is open');

    expect((await ci(['phase', ref, '1', 'start'])).code).toBe(0);
    expect(stateOf(ref).phases[d.plan.phases[0]!.id]?.started?.by).toBe('pipeline:github-actions');
    expect((await ci(['note', ref, 'Deploying', 'to', 'the', 'first', 'region'])).code).toBe(0);
    await h.liftoff.scheduler.tick();
    await h.settled();
    const thread = h.fake.messages(CHANNELS.deploys).map(textOf).join('\n');
    expect(thread).toContain('Deploying to the first region');
  });

  it('reports a failed step (the thread says so, by the pipeline, and offers the rollback), then rolls back, locking the environment', async () => {
    const ref = await startOne();
    await confirmPre(ref);
    await approveAll(stateOf(ref).id);
    expect((await ci(['phase', ref, '1', 'start'])).code).toBe(0);
    const phase = stateOf(ref).plan.phases[0]!;
    const key = `phase.${phase.id}.${phase.steps.find((s) => s.required)!.id}`;
    const failed = await ci(['fail', ref, key, '--note', 'deploy.sh exited 1']);
    expect(failed.code, failed.err).toBe(0);
    await h.settled();
    expect(stateOf(ref).items[key]).toMatchObject({ state: 'failed', by: 'pipeline:github-actions' });
    const shown = h.fake.messages(CHANNELS.deploys).map(mrkdwnOf).join('\n');
    expect(shown).toContain('deploy.sh exited 1');
    expect(JSON.stringify(h.fake.messages(CHANNELS.deploys).map((m) => m.blocks))).toContain(ActionId.rollback);

    const rolled = await api('POST', `/deployments/${ref}/rollback`, { reason: 'deploy.sh failed' });
    expect(rolled.status).toBe(200);
    expect(rolled.body.status).toBe('rolling_back');
    expect(stateOf(ref).rollback?.started.by).toBe('pipeline:github-actions');
    expect(h.query('SELECT * FROM locks')).toHaveLength(1);
    // A locked environment refuses the next start, as the form does.
    const next = await api('POST', '/deployments', START);
    expect(next.status).toBe(409);
    expect(next.body.message).toMatch(/locked/);
  });

  it('takes the deployer as an e-mail address (users.lookupByEmail), and says so when nobody has it', async () => {
    const ok = await api('POST', '/deployments', { ...START, deployer: 'Ana@Example.com' });
    expect(ok.status).toBe(201);
    expect(stateOf(ok.body.ref).deployerId).toBe('UEMAILED');
    const unknown = await api('POST', '/deployments', { ...START, deployer: 'nobody@example.com' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.fields.deployer).toMatch(/No Slack user/);
  });

  it("names approvers per role (user ids or e-mail addresses) by the form's rules: locked approvers win, the deployer may not approve", async () => {
    const named = await api('POST', '/deployments', {
      ...START,
      approvers: { qa_lead: ['ana@example.com'], dev_lead: [PEOPLE.qa] },
    });
    expect(named.status).toBe(201);
    expect(stateOf(named.body.ref).approvers).toMatchObject({
      qa_lead: ['UEMAILED'],
      dev_lead: [PEOPLE.qa],
      ops_lead: [PEOPLE.ops],
    });

    const own = await api('POST', '/deployments', {
      ...START,
      version: '2.4.1',
      approvers: { qa_lead: [PEOPLE.deployer] },
    });
    expect(own.status).toBe(422);
    expect(own.body.fields['approver:qa_lead']).toMatch(/deployer cannot approve/);
    const nobody = await api('POST', '/deployments', {
      ...START,
      version: '2.4.1',
      approvers: { qa_lead: ['nobody@example.com'] },
    });
    expect(nobody.status).toBe(422);
    expect(nobody.body.fields['approvers.qa_lead']).toMatch(/No Slack user/);
    expect(deploymentCount()).toBe(1);
    // The client names them with --approver ROLE=WHO.
    const byCi = await ci([
      'start',
      '--service',
      'checkout',
      '--version',
      '2.5.0',
      '--environment',
      'production',
      '--deployer',
      PEOPLE.deployer,
      '--approver',
      'qa_lead=ana@example.com',
    ]);
    expect(byCi.code, byCi.err).toBe(0);
    expect(stateOf(byCi.out.trim()).approvers.qa_lead).toEqual(['UEMAILED']);

    const locked = await api('POST', '/deployments', {
      ...START,
      service: 'payments',
      approvers: { qa_lead: ['UEMAILED'] },
    });
    expect(locked.status).toBe(201);
    expect(stateOf(locked.body.ref).approvers.qa_lead).toEqual([PEOPLE.qa]);
  });

  it('a rejection in Slack ends the wait with 1; a wait with no answer times out with 2', async () => {
    const ref = await startOne();
    const timedOut = await ci(['wait', ref, 'start', '--timeout', '1']);
    expect(timedOut.code).toBe(2);
    expect(timedOut.err).toContain('⏳');

    const waiting = ci(['wait', ref, 'start', '--timeout', '30']);
    await press(h, PEOPLE.qa, ActionId.reject, { d: stateOf(ref).id, r: 'qa_lead' });
    await submitReason(h, PEOPLE.qa, 'Regression in coupons');
    const rejected = await waiting;
    expect(rejected.code).toBe(1);
    expect(rejected.out).toContain('Regression in coupons');
  });

  it('the same Idempotency-Key twice changes nothing the second time', async () => {
    const first = await api('POST', '/deployments', START, { key: 'run-42-start' });
    const again = await api('POST', '/deployments', START, { key: 'run-42-start' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.ref).toBe(first.body.ref);
    expect(deploymentCount()).toBe(1);
    // The replay answers the thread's link too, as the first answer did.
    expect(first.body.permalink).toMatch(/^https?:\/\//);
    expect(again.body.permalink).toBe(first.body.permalink);

    const ref = first.body.ref as string;
    const d = (await api('GET', `/deployments/${ref}`)).body;
    const key = d.items.find((i: { key: string }) => i.key.startsWith('pre.')).key;
    await api(
      'POST',
      `/deployments/${ref}/items/${key}/confirm`,
      { evidence: { text: 'ok' } },
      { key: 'run-42-confirm' },
    );
    const events = eventCount();
    const replay = await api(
      'POST',
      `/deployments/${ref}/items/${key}/confirm`,
      { evidence: { text: 'ok' } },
      { key: 'run-42-confirm' },
    );
    expect(replay.status).toBe(200);
    expect(eventCount()).toBe(events);
    // The same key for another request is refused.
    const reused = await api(
      'POST',
      `/deployments/${ref}/items/${key}/confirm`,
      { evidence: { text: 'other' } },
      { key: 'run-42-confirm' },
    );
    expect(reused.status).toBe(422);
    expect(reused.body.error).toBe('idempotency_key_reused');
  });

  it('a note is recorded with its Idempotency-Key and posted once by the scheduler, however often it is retried', async () => {
    const ref = await startOne();
    const notes = () =>
      h.fake
        .messages(CHANNELS.deploys)
        .map(textOf)
        .filter((t) => t.includes('Canary at 5%'));
    // Nothing is posted by the call itself: a crash before its answer is stored could not post it twice.
    const first = await api('POST', `/deployments/${ref}/notes`, { text: 'Canary at 5%' }, { key: 'run-42-note' });
    expect(first.status).toBe(200);
    expect(h.query("SELECT kind FROM jobs WHERE kind = 'pipeline_note'")).toHaveLength(1);
    const again = await api('POST', `/deployments/${ref}/notes`, { text: 'Canary at 5%' }, { key: 'run-42-note' });
    expect(again.status).toBe(200);
    expect(h.query("SELECT kind FROM jobs WHERE kind = 'pipeline_note'")).toHaveLength(1);
    await h.liftoff.scheduler.tick();
    await h.settled();
    await api('POST', `/deployments/${ref}/notes`, { text: 'Canary at 5%' }, { key: 'run-42-note' });
    await h.liftoff.scheduler.tick();
    await h.settled();
    expect(notes()).toHaveLength(1);
    expect(notes()[0]).toContain('github-actions');
  });
});

describe('tokens and their scope', () => {
  it('a wrong or missing token is 401, recorded, and changes nothing', async () => {
    for (const token of ['not-a-token', null]) {
      const r = await api('POST', '/deployments', START, { token });
      expect(r.status).toBe(401);
      expect(r.body.error).toBe('unauthorized');
    }
    expect(deploymentCount()).toBe(0);
    expect(audit().filter((a) => a.type === 'api_refused' && a.actor === 'unknown')).toHaveLength(2);
    expect(JSON.stringify(audit())).not.toContain(GHA);
    expect(h.logs.join('\n')).not.toContain(GHA);
  });

  it('another service, another environment or a missing permission is 403, recorded, and changes nothing', async () => {
    const otherService = await api('POST', '/deployments', { ...START, service: 'search' });
    expect(otherService.status).toBe(403);
    expect(otherService.body.message).toMatch(/github-actions may not act on search/);
    const otherEnvironment = await api('POST', '/deployments', START, { token: STAGING_ONLY });
    expect(otherEnvironment.status).toBe(403);
    expect(deploymentCount()).toBe(0);

    const staging = await api('POST', '/deployments', { ...START, environment: 'staging' }, { token: STAGING_ONLY });
    expect(staging.status).toBe(201);
    const ref = staging.body.ref as string;
    const key = (await api('GET', `/deployments/${ref}`, undefined, { token: STAGING_ONLY })).body.items[0].key;
    const events = eventCount();
    const noPermission = await api('POST', `/deployments/${ref}/items/${key}/confirm`, {}, { token: STAGING_ONLY });
    expect(noPermission.status).toBe(403);
    expect(noPermission.body.message).toMatch(/may not confirm/);
    expect(stateOf(ref).items).toEqual({});
    // The refusal is recorded on the deployment, by the pipeline.
    const refused = h.query<{ actor: string; type: string }>("SELECT actor, type FROM events WHERE type = 'refused'");
    expect(refused).toEqual([{ actor: 'pipeline:staging-bot', type: 'refused' }]);
    expect(eventCount()).toBe(events + 1);
    expect(
      audit().filter((a) => a.actor === 'pipeline:github-actions' && a.type === 'api_refused').length,
    ).toBeGreaterThanOrEqual(1);

    // A token for production cannot read or wait on a staging-only pipeline's deployment of another scope, and vice versa.
    const other = await api('POST', '/deployments', START);
    const peek = await api('GET', `/deployments/${other.body.ref}`, undefined, { token: STAGING_ONLY });
    expect(peek.status).toBe(403);
  });

  it('a pipeline never approves a role', async () => {
    const ref = (await api('POST', '/deployments', START)).body.ref as string;
    const r = await api('POST', `/deployments/${ref}/approve`, {});
    expect(r.status).toBe(404);
    expect(stateOf(ref).approvals).toEqual({});
  });
});

describe('the OpenAPI document', () => {
  it('is served without a token and lists every route the server answers', async () => {
    const res = await fetch(`${base}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(listed.sort()).toEqual(
      [
        'POST /deployments',
        'GET /deployments/{ref}',
        'GET /deployments/{ref}/gates/{gate}',
        'POST /deployments/{ref}/items/{key}/confirm',
        'POST /deployments/{ref}/phases/{n}/{action}',
        'POST /deployments/{ref}/steps/{key}/fail',
        'POST /deployments/{ref}/verdict',
        'POST /deployments/{ref}/rollback',
        'POST /deployments/{ref}/notes',
        'GET /openapi.json',
      ].sort(),
    );
  });
});
