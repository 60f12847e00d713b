import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId, ViewId } from '../../src/slack/ids.js';
import { startChild, type LiftoffChild } from '../support/child.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { buttonsOf, startValues } from '../support/flows.js';
import { CHANNELS, PEOPLE, SIGNING_SECRET, type Harness } from '../support/harness.js';
import { slackClient } from '../support/slack-requests.js';
import { createLogger } from '../../src/support/logger.js';
import { plainPreItems, reader, report, stateOf } from './helpers.js';

// A token shaped like a real one, and the signing secret: neither may ever be printed or posted.
const TOKEN = 'xoxb-1234567890-0987654321-SeCrEtToKeNvAlUe';

let fake: FakeSlack;
let dir: string;
let child: LiftoffChild | null = null;
const figures = { logLines: 0, errorLines: 0, secretsFound: 0, apiCallsChecked: 0, linesNamingADeployment: 0 };
afterAll(() => report('secrets-logs', figures));

beforeEach(async () => {
  fake = await startFakeSlack({ token: TOKEN });
  for (const [name, id] of Object.entries(PEOPLE)) fake.addUser(id, { name });
  fake.addChannel(CHANNELS.deploys, { name: 'deploys' });
  fake.addChannel(CHANNELS.archived, { name: 'old', isArchived: true });
  dir = mkdtempSync(join(tmpdir(), 'liftoff-secrets-'));
});
afterEach(async () => {
  child?.kill('SIGKILL');
  child = null;
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets never appear in logs or messages; logs are JSON lines that name deployment and user', () => {
  it('a run full of errors, at debug level', async () => {
    const dbFile = join(dir, 'liftoff.db');
    // Start-up with Slack failing once (a token it refuses stops the start: see startup.test.ts).
    fake.fail('auth.test', { status: 500 }, 1);
    child = await startChild({
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.url,
      LIFTOFF_DB: dbFile,
      LOG_LEVEL: 'debug',
      LIFTOFF_SLACK_TIMEOUT_MS: '3000',
    });
    const slack = slackClient({ baseUrl: child.baseUrl, signingSecret: SIGNING_SECRET, fake });

    // A deployment, then errors of every kind around it.
    await slack.command('start checkout 2.4.0 prod', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    const opened = await fake.waitFor(() => fake.lastView(), 60_000);
    let res = { status: 0 };
    for (let i = 0; i < 4 && res.status !== 200; i++) {
      res = await slack.submitView({
        user: PEOPLE.deployer,
        callbackId: ViewId.start,
        privateMetadata: (opened.view as { private_metadata: string }).private_metadata,
        values: startValues({ clock: { now: () => Date.now() } } as unknown as Harness),
        viewId: opened.id,
      });
    }
    await fake.waitFor(
      () => fake.messages(CHANNELS.deploys).some((m) => buttonsOf(m).some((b) => b.actionId === ActionId.confirmItem)),
      60_000,
    );
    const db = reader(dbFile);
    const id = db.query<{ id: number }>('SELECT id FROM deployments')[0]!.id;
    const item = plainPreItems(stateOf(db, id))[0]!;

    fake.fail('chat.update', { status: 500 }, 6);
    // Longer than the client's timeout (3 s: long enough that a loaded machine's slow answers are not timeouts too).
    fake.fail('chat.update', { delayMs: 6000 }, 1);
    fake.fail('chat.postEphemeral', { error: 'token_revoked' }, 3);
    await slack.action({
      user: PEOPLE.deployer,
      actionId: ActionId.confirmItem,
      value: JSON.stringify({ d: id, k: item.key }),
      channel: CHANNELS.deploys,
    });
    await slack.action({
      user: PEOPLE.stranger,
      actionId: ActionId.approve,
      value: JSON.stringify({ d: id, r: 'dev_lead' }),
      channel: CHANNELS.deploys,
    });
    await slack.action({ user: PEOPLE.stranger, actionId: 'no.such.action', value: 'x', channel: CHANNELS.deploys });
    // A listener's own line (its child logger): the cancel form cannot open.
    fake.fail('views.open', { error: 'expired_trigger_id' }, 1);
    await slack.action({
      user: PEOPLE.deployer,
      actionId: ActionId.cancel,
      value: JSON.stringify({ d: id }),
      channel: CHANNELS.deploys,
    });
    expect((await slack.raw('payload=1', { signature: 'v0=00' })).status).toBe(401);
    // A signed body Bolt cannot handle (it parses to null): answered 400 instead of hanging.
    expect((await slack.raw('payload=null')).status).toBe(400);
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });

    const { stdout, stderr } = child.output();
    const all = stdout + stderr;
    for (const secret of [TOKEN, SIGNING_SECRET, 'SeCrEtToKeNvAlUe']) {
      if (all.includes(secret)) figures.secretsFound++;
      expect(all).not.toContain(secret);
    }
    // Nothing Liftoff sent to Slack carries a secret either (the token travels only in the Authorization header).
    for (const call of fake.calls) {
      const text = JSON.stringify(call.args);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(SIGNING_SECRET);
      figures.apiCallsChecked++;
    }
    const lines = stdout.split('\n').filter(Boolean);
    figures.logLines = lines.length;
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of entries)
      expect(e).toMatchObject({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) });
    figures.errorLines = entries.filter((e) => e.level === 'error' || e.level === 'warn').length;
    // The 500 at start was retried (a refused token stops the start instead: health.test.ts).
    expect(fake.callsTo('auth.test').filter((c) => c.status === 500)).toHaveLength(1);
    expect(fake.callsTo('auth.test').some((c) => c.response.ok === true)).toBe(true);
    // Lines about a deployment say which one, and who when a person acted.
    expect(entries.find((e) => e.msg === 'could not bring a Slack message in line')).toMatchObject({
      deployment: `DEP-${id}`,
    });
    expect(entries.find((e) => e.msg === 'deployment started')).toMatchObject({
      deployment: `DEP-${id}`,
      user: PEOPLE.deployer,
    });
    expect(entries.find((e) => e.msg === 'unknown action')).toMatchObject({ user: PEOPLE.stranger });
    // A listener's child logger names the deployment the same way as every other line.
    expect(entries.find((e) => e.msg === 'Slack refused a call')).toMatchObject({
      deployment: `DEP-${id}`,
      user: PEOPLE.deployer,
      code: 'expired_trigger_id',
    });
    expect(entries.filter((e) => 'deploymentId' in e)).toEqual([]);
    const named = entries.filter((e) => 'deployment' in e);
    figures.linesNamingADeployment = named.length;
    for (const e of named) expect(e.deployment).toMatch(/^DEP-\d+$/);
    expect(entries.some((e) => e.msg === 'a request was never answered; replying 400')).toBe(true);
  }, 180_000);
});

describe('log lines name a deployment one way', () => {
  it("a child logger's numeric deploymentId and a call's own are written as deployment: 'DEP-n'", () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
    const child = logger.child({ user: 'U1', deploymentId: 12, action: 'item.confirm' });
    child.with('warn', 'from a listener');
    logger.with('error', 'from the sync', { deploymentId: 7, attempts: 3 });
    logger.with('info', 'already named', { deployment: 'DEP-3' });
    child.with('info', 'the call names another', { deployment: 'DEP-4' });
    expect(lines.map(({ msg, deployment, deploymentId }) => ({ msg, deployment, deploymentId }))).toEqual([
      { msg: 'from a listener', deployment: 'DEP-12', deploymentId: undefined },
      { msg: 'from the sync', deployment: 'DEP-7', deploymentId: undefined },
      { msg: 'already named', deployment: 'DEP-3', deploymentId: undefined },
      { msg: 'the call names another', deployment: 'DEP-4', deploymentId: undefined },
    ]);
    expect(lines[0]).toMatchObject({ user: 'U1', action: 'item.confirm' });
  });
});
