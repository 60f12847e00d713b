import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main as cli } from '../../src/cli/main.js';
import { ActionId, ViewId } from '../../src/slack/ids.js';
import { runUntilExit, startChild, type LiftoffChild } from '../support/child.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { buttonsOf, startValues } from '../support/flows.js';
import { CHANNELS, PEOPLE, SIGNING_SECRET, TOKEN, type Harness } from '../support/harness.js';
import { slackClient, type HttpResult } from '../support/slack-requests.js';
import { eventsOf, expectMessagesInLine, plainPreItems, reader, report, stateOf } from './helpers.js';

let fake: FakeSlack;
let dir: string;
let dbFile: string;
const children: LiftoffChild[] = [];
const figures: Record<string, number> = {};
afterAll(() => report('crash-restart', figures));

beforeEach(async () => {
  fake = await startFakeSlack({ token: TOKEN });
  for (const [name, id] of Object.entries(PEOPLE)) fake.addUser(id, { name });
  fake.addChannel(CHANNELS.deploys, { name: 'deploys' });
  dir = mkdtempSync(join(tmpdir(), 'liftoff-crash-'));
  dbFile = join(dir, 'liftoff.db');
});
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  SLACK_BOT_TOKEN: TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: fake.url,
  LIFTOFF_DB: dbFile,
  LOG_LEVEL: 'info',
  ...extra,
});

async function start(extra: Record<string, string> = {}) {
  const child = await startChild(env(extra));
  children.push(child);
  return { child, slack: slackClient({ baseUrl: child.baseUrl, signingSecret: SIGNING_SECRET, fake }) };
}

const db = () => reader(dbFile);

/** Slack recovers: calls the fake until the injected 500s for `method` are used up (a call without a channel changes nothing). */
async function useUpFaults(method: string) {
  for (let i = 0; i < 1000; i++) {
    const res = await fetch(`${fake.url}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: new URLSearchParams({}),
    });
    await res.text();
    if (res.status !== 500) return;
  }
}
const view = () => ({ ...db(), fake, clock: { now: () => Date.now() } });
const quiet = { out: { write: () => true }, err: { write: () => true }, env: {} };

/** /deploy start and the form, through the child; resolves once the thread is posted. */
async function startDeploymentVia(slack: ReturnType<typeof slackClient>): Promise<number> {
  await slack.command('start checkout 2.4.0 prod', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
  const opened = await fake.waitFor(() => fake.lastView(), 60_000);
  const values = startValues({ clock: { now: () => Date.now() } } as unknown as Harness);
  const submit = () =>
    slack.submitView({
      user: PEOPLE.deployer,
      callbackId: ViewId.start,
      privateMetadata: (opened.view as { private_metadata: string }).private_metadata,
      values,
      viewId: opened.id,
    });
  // On a loaded machine the first submission can miss Slack's 3 s (Bolt answers 404); the person submits again, which is idempotent.
  let res = await submit();
  for (let i = 0; i < 3 && res.status !== 200; i++) res = await submit();
  expect(res.status).toBe(200);
  await fake.waitFor(
    () =>
      fake.messages(CHANNELS.deploys).filter((m) => buttonsOf(m).some((b) => b.actionId === ActionId.confirmItem))
        .length >= 1,
    60_000,
  );
  await new Promise((r) => setTimeout(r, 300));
  return db().query<{ id: number }>('SELECT id FROM deployments ORDER BY id DESC LIMIT 1')[0]!.id;
}

interface Click {
  kind: 'confirm' | 'refused';
  user: string;
  key?: string;
  sent?: boolean;
  res?: HttpResult;
}

/** Sends clicks `concurrency` at a time until the list ends or `stopAfterAcks` were acknowledged; then calls `onThreshold` once. */
async function storm(
  slack: ReturnType<typeof slackClient>,
  id: number,
  clicks: Click[],
  concurrency: number,
  stopAfterAcks: number,
  onThreshold: () => void,
) {
  let next = 0;
  let acked = 0;
  let fired = false;
  let dead = false;
  const worker = async () => {
    while (next < clicks.length && !dead) {
      const c = clicks[next++]!;
      const value = JSON.stringify(c.kind === 'confirm' ? { d: id, k: c.key } : { d: id, r: 'dev_lead' });
      const actionId = c.kind === 'confirm' ? ActionId.confirmItem : ActionId.approve;
      c.sent = true;
      try {
        c.res = await slack.action({ user: c.user, actionId, value, channel: CHANNELS.deploys });
      } catch {
        dead = true; // The process died: this click was never acknowledged.
        continue;
      }
      if (c.res.status === 200 && ++acked >= stopAfterAcks && !fired) {
        fired = true;
        onThreshold();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const wasStored = (id: number, c: Click) =>
  c.kind === 'confirm'
    ? stateOf(db(), id).items[c.key!]?.state === 'done'
    : eventsOf(db(), id).some((e) => e.type === 'refused' && e.actor === c.user);

describe('acknowledged means stored', () => {
  it('SIGKILL in the middle of a storm of clicks loses no acknowledged click; a restart brings every message back in line', async () => {
    const first = await start();
    const id = await startDeploymentVia(first.slack);
    const items = plainPreItems(stateOf(db(), id));
    // Confirmations of every item (each stored once), then refusals by hundreds of strangers (each its own record).
    const clicks: Click[] = Array.from({ length: 400 }, (_, i) =>
      i < items.length
        ? { kind: 'confirm', user: PEOPLE.deployer, key: items[i]!.key }
        : { kind: 'refused', user: `USTR${i}` },
    );
    // Slack is failing while the storm runs: redraws are pending (being retried) when the process dies.
    fake.fail('chat.update', { status: 500 }, 300);
    await storm(first.slack, id, clicks, 12, 120, () => first.child.kill('SIGKILL'));
    const exit = await first.child.exited;
    expect(exit.signal).toBe('SIGKILL');

    const sent = clicks.filter((c) => c.sent);
    const acknowledged = sent.filter((c) => c.res?.status === 200);
    const lost = acknowledged.filter((c) => !wasStored(id, c));
    figures.clicksSent = sent.length;
    figures.acknowledged = acknowledged.length;
    figures.cutOffByTheKill = sent.length - acknowledged.length;
    figures.lost = lost.length;
    expect(acknowledged.length).toBeGreaterThanOrEqual(120);
    expect(sent.length - acknowledged.length).toBeGreaterThan(0); // the kill did land mid-storm, with clicks in flight
    figures.faultsInjected = fake.calls.filter((c) => c.method === 'chat.update' && c.status === 500).length;
    expect(lost).toEqual([]);
    const confirmations = eventsOf(db(), id).filter((e) => e.type === 'item_confirmed');
    expect(new Set(confirmations.map((e) => e.data)).size).toBe(confirmations.length);
    expect(await cli(['db', 'check', dbFile], quiet)).toBe(0);
    expect(() => expectMessagesInLine(view())).toThrow(); // Slack shows an older state than the database

    // Restart on the same file: reconciliation at start brings every message in line with the database.
    await useUpFaults('chat.update');
    await start();
    const compared = await fake.waitFor(() => {
      try {
        return expectMessagesInLine(view());
      } catch {
        return 0;
      }
    }, 60_000);
    figures.messagesCheckedAfterRestart = compared;
  });

  it('SIGTERM while clicks are in flight: they finish, their redraws reach Slack, exit 0, db check passes', async () => {
    const { child, slack } = await start();
    const id = await startDeploymentVia(slack);
    const items = plainPreItems(stateOf(db(), id));
    const clicks: Click[] = items.map((p) => ({ kind: 'confirm', user: PEOPLE.deployer, key: p.key }));
    for (let i = 0; i < 100; i++) clicks.push({ kind: 'refused', user: `UTERM${i}` });
    // Slack answers slowly, so redraws are in flight when the signal arrives.
    fake.fail('chat.update', { delayMs: 300 }, 5);
    await storm(slack, id, clicks, 8, 30, () => child.kill('SIGTERM'));
    const exit = await child.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const acknowledged = clicks.filter((c) => c.res?.status === 200);
    expect(acknowledged.filter((c) => !wasStored(id, c))).toEqual([]);
    expect(await cli(['db', 'check', dbFile], quiet)).toBe(0);
    // What was acknowledged was also drawn before the exit.
    figures.messagesCheckedAfterSigterm = expectMessagesInLine(view());
    figures.sigtermAcknowledged = acknowledged.length;
    expect(child.output().stdout).toContain('received SIGTERM, stopping');
    expect(child.output().stdout).toContain('Liftoff stopped');
  });

  it('SIGTERM: requests that arrive after it are not taken (nothing stored, nothing answered), while the request in flight finishes', async () => {
    const { child, slack } = await start();
    const id = await startDeploymentVia(slack);
    const items = plainPreItems(stateOf(db(), id));
    // In flight: /deploy status is acknowledged at once, then waits for Slack (a slow chat.getPermalink) before answering.
    fake.fail('chat.getPermalink', { delayMs: 1500 }, 1);
    const answersBefore = fake.ephemerals({ user: PEOPLE.deployer }).length;
    expect((await slack.command(`status DEP-${id}`, { user: PEOPLE.deployer, channel: CHANNELS.deploys })).status).toBe(
      200,
    );
    child.kill('SIGTERM');
    await fake.waitFor(() => child.output().stdout.includes('received SIGTERM, stopping'), 60_000);
    // New work after the signal: confirmations and a cancel. None may be taken.
    const late = await Promise.all(
      [
        ...items.map((p) =>
          slack.action({
            user: PEOPLE.deployer,
            actionId: ActionId.confirmItem,
            value: JSON.stringify({ d: id, k: p.key }),
            channel: CHANNELS.deploys,
          }),
        ),
        slack.command(`cancel DEP-${id} too late`, { user: PEOPLE.deployer, channel: CHANNELS.deploys }),
      ].map((p) =>
        p.then(
          (res) => res.status,
          () => 'refused' as const,
        ),
      ),
    );
    expect(await child.exited).toEqual({ code: 0, signal: null });
    figures.sigtermLateRequests = late.length;
    figures.sigtermLateTaken = late.filter((status) => status === 200).length;
    expect(late.filter((status) => status === 200)).toEqual([]);
    // Nothing of the late requests was stored.
    expect(items.filter((p) => stateOf(db(), id).items[p.key]?.state === 'done')).toEqual([]);
    expect(eventsOf(db(), id).filter((e) => e.type === 'item_confirmed' || e.type === 'cancelled')).toEqual([]);
    expect(stateOf(db(), id).status).not.toBe('cancelled');
    // The request in flight finished before the exit: its answer reached the deployer.
    const answers = fake.ephemerals({ user: PEOPLE.deployer }).slice(answersBefore);
    expect(answers.map((a) => a.text).join('\n')).toContain(`DEP-${id}`);
    expect(fake.calls.some((c) => c.method === 'chat.getPermalink')).toBe(true);
    expect(await cli(['db', 'check', dbFile], quiet)).toBe(0);
  });
});

describe('one Liftoff per database file', () => {
  it('a second Liftoff on the same file exits 1 saying why, and the first runs on', async () => {
    const first = await start();
    const second = await runUntilExit(env());
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      /^Another Liftoff \(process \d+ on [^)]+\) is using the database .*liftoff\.db\. Only one Liftoff may run on a database file: stop the other one first\./,
    );
    expect(second.stderr).not.toMatch(/\n\s+at /);
    expect((await fetch(`${first.child.baseUrl}/healthz`)).status).toBe(200);
  }, 60_000);

  it('clicks while another connection keeps writing to the file: each waits its turn, none is answered "database is locked"', async () => {
    const { child, slack } = await start();
    const id = await startDeploymentVia(slack);
    const items = plainPreItems(stateOf(db(), id));
    // A tool holding the write lock in bursts, committing each time (what made a deferred transaction fail at once).
    const other = new Database(dbFile);
    other.pragma('busy_timeout = 5000');
    let writing = true;
    const writer = (async () => {
      while (writing) {
        other.exec('BEGIN IMMEDIATE');
        other.prepare('UPDATE process_lease SET heartbeat_at = heartbeat_at').run();
        await new Promise((r) => setTimeout(r, 30));
        other.exec('COMMIT');
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    const clicks: Click[] = items.map((p) => ({ kind: 'confirm', user: PEOPLE.deployer, key: p.key }));
    for (let i = 0; i < 8; i++) clicks.push({ kind: 'refused', user: `ULOCK${i}` });
    await storm(slack, id, clicks, 8, clicks.length + 1, () => undefined);
    writing = false;
    await writer;
    other.close();
    expect(clicks.filter((c) => c.res?.status !== 200)).toEqual([]);
    expect(clicks.filter((c) => !wasStored(id, c))).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    const said = [
      ...fake.ephemerals().map((e) => JSON.stringify(e)),
      child.output().stdout,
      child.output().stderr,
    ].join('\n');
    expect(said).not.toMatch(/database is locked|SQLITE_BUSY/);
  }, 60_000);
});
