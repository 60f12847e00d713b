/**
 * What the benchmark drives: the fake Slack with Slack's limits on, signed request bodies built
 * ahead of time (so only the round trip is timed), load at a given concurrency, and what the
 * database and the fake say about a deployment (is every message showing its final state?).
 */
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { Deployment } from '../src/core/deployment/types.js';
import { itemsOfStage } from '../src/core/template/items.js';
import { ActionId, encodeRef, ViewId } from '../src/slack/ids.js';
import type { FakeSlack, RateLimits, RecordedCall } from '../test/support/fake-slack.js';
import { buttonsOf, startValues } from '../test/support/flows.js';
import { CHANNELS, type Harness, PEOPLE } from '../test/support/harness.js';
import { stateOf } from '../test/support/stored.js';
import {
  blockActions,
  commandFields,
  eventEnvelope,
  viewSubmission,
  type ActionOptions,
} from '../test/support/slack-requests/payloads.js';
import type { Client } from './procs.js';

/** Slack's limits as the fake enforces them: the method tiers, and about a message a second per channel. */
export const SLACK_LIMITS: RateLimits = { perChannel: { burst: 3, intervalMs: 1000 }, retryAfter: 1 };

/** Channels the benchmark's deployments are spread over (a post a second each). */
export const BENCH_CHANNELS = Array.from({ length: 12 }, (_, i) => `CBENCH${String(i + 1).padStart(2, '0')}`);

export function prepareWorkspace(fake: FakeSlack): void {
  for (const [name, id] of Object.entries(PEOPLE)) fake.addUser(id, { name });
  fake.addChannel(CHANNELS.deploys, { name: 'deploys' });
  for (const id of BENCH_CHANNELS) fake.addChannel(id, { name: id.toLowerCase(), members: Object.values(PEOPLE) });
}

/** A request ready to send: its body and content type; the signature is made at send time. */
export interface Prepared {
  body: string;
  contentType?: string;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

export const commandRequest = (fake: FakeSlack, text: string, user: string, channel: string): Prepared => ({
  body: form(commandFields(fake, fake.teamId, text, { user, channel })),
});

export const actionRequest = (fake: FakeSlack, o: ActionOptions): Prepared => ({
  body: form({ payload: JSON.stringify(blockActions(fake, fake.teamId, o)) }),
});

export const eventRequest = (fake: FakeSlack, event: object): Prepared => ({
  body: JSON.stringify(eventEnvelope(fake, fake.teamId, event)),
  contentType: 'application/json',
});

export interface LoadResult {
  latencies: number[];
  failed: number;
  wallMs: number;
}

/** Sends every request, `concurrency` at a time (each "user" sends its next once answered). */
export async function load(client: Client, requests: readonly Prepared[], concurrency: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, requests.length) }, async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        const t0 = performance.now();
        const res = await client
          .raw(r.body, r.contentType ? { contentType: r.contentType } : {})
          .catch(() => ({ status: 0 }));
        latencies.push(performance.now() - t0);
        if (res.status !== 200) failed++;
      }
    }),
  );
  return { latencies, failed, wallMs: performance.now() - started };
}

/** Waits until the fake has seen no call for `quietMs` (or `maxMs` passed); returns the time waited. */
export async function quiet(fake: FakeSlack, quietMs = 1500, maxMs = 120_000): Promise<number> {
  const t0 = performance.now();
  let seen = fake.calls.length;
  let since = performance.now();
  while (performance.now() - t0 < maxMs) {
    await new Promise((r) => setTimeout(r, 100));
    if (fake.calls.length !== seen) {
      seen = fake.calls.length;
      since = performance.now();
    } else if (performance.now() - since >= quietMs) break;
  }
  return performance.now() - t0;
}

/** Calls made from index `from` on: how many, the 429s among them, and by method. */
export function economy(calls: readonly RecordedCall[], from: number) {
  const made = calls.slice(from);
  const byMethod: Record<string, number> = {};
  for (const c of made) byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
  return { calls: made.length, rateLimited: made.filter((c) => c.status === 429).length, byMethod };
}

/** A read-only look at Liftoff's database (another connection, as `liftoff db` would). */
export function openReader(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const query = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];
  const byService = db.prepare('SELECT id FROM deployments WHERE service = ? ORDER BY id DESC LIMIT 1');
  return {
    /** The deployment as stored, with its plan (from its `created` event). */
    state: (id: number): Deployment => stateOf({ query }, id),
    idOf: (service: string) => (byService.get(service) as { id: number } | undefined)?.id,
    close: () => db.close(),
  };
}
export type Reader = ReturnType<typeof openReader>;

/** Checklist items one click confirms (no evidence asked). */
export const plainItems = (d: Deployment) =>
  itemsOfStage(d.plan, 'pre')
    .filter((p) => !p.item.evidence)
    .map((p) => p.key);

/** The message (channel, ts) holding a button with this value. */
function messageWith(fake: FakeSlack, channel: string, value: string) {
  return fake.messages(channel).find((m) => buttonsOf(m).some((b) => b.value === value));
}

/** A press on the button with this value, in the message holding it (as Slack sends it). */
export function pressIn(fake: FakeSlack, channel: string, user: string, actionId: string, value: string): Prepared {
  const m = messageWith(fake, channel, value);
  return actionRequest(fake, {
    user,
    actionId,
    value,
    channel,
    ...(m ? { messageTs: m.ts, ...(m.thread_ts ? { threadTs: m.thread_ts } : {}) } : {}),
  });
}

/** Does every clicked item's button in Slack say what the database says (Undo once done, Confirm before)? */
export function inLine(fake: FakeSlack, reader: Reader, id: number, channel: string, keys: readonly string[]): boolean {
  const d = reader.state(id);
  return keys.every((k) => {
    const value = encodeRef({ d: id, k });
    const buttons = fake.messages(channel).flatMap((m) => buttonsOf(m).filter((b) => b.value === value));
    const want = d.items[k]?.state === 'done' ? ActionId.undoItem : ActionId.confirmItem;
    return buttons.length > 0 && buttons.every((b) => b.actionId === want);
  });
}

/** Polls `probe` every 50 ms; the ms it took, or NaN after `maxMs`. */
export async function timeUntil(probe: () => boolean, maxMs = 180_000): Promise<number> {
  const t0 = performance.now();
  while (!probe()) {
    if (performance.now() - t0 > maxMs) return Number.NaN;
    await new Promise((r) => setTimeout(r, 50));
  }
  return performance.now() - t0;
}

export interface OpenForm {
  user: string;
  channel: string;
  service: string;
  viewId: string;
  privateMetadata: string;
}

/** `/deploy start` in `channel`, then the modal Liftoff opened for it (null if none opened in time). */
export async function openStartForm(
  fake: FakeSlack,
  client: Client,
  channel: string,
  service: string,
): Promise<OpenForm | null> {
  const user = PEOPLE.deployer;
  const fields = commandFields(fake, fake.teamId, `start ${service} 2.4.0 prod`, { user, channel });
  await client.raw(form(fields));
  const opened = await timeUntil(
    () => fake.calls.some((c) => c.method === 'views.open' && c.args.trigger_id === fields.trigger_id && c.response.ok),
    10_000,
  );
  if (Number.isNaN(opened)) return null;
  const call = fake.calls.find((c) => c.method === 'views.open' && c.args.trigger_id === fields.trigger_id)!;
  const view = call.response.view as { id: string; private_metadata?: string };
  return { user, channel, service, viewId: view.id, privateMetadata: view.private_metadata ?? '' };
}

/** The start form's submission, filled in as a person would (window in an hour, three approvers). */
export function submitRequest(fake: FakeSlack, f: OpenForm): Prepared {
  const now = { clock: { now: () => Date.now() } } as Harness;
  const values = startValues(now, { service: f.service, deployer: f.user });
  return {
    body: form({
      payload: JSON.stringify(
        viewSubmission(fake, fake.teamId, {
          user: f.user,
          callbackId: ViewId.start,
          privateMetadata: f.privateMetadata,
          values,
          viewId: f.viewId,
        }),
      ),
    }),
  };
}

/** Who approves which role in the default configuration's forms. */
export const APPROVERS = [
  ['dev_lead', PEOPLE.dev],
  ['qa_lead', PEOPLE.qa],
  ['ops_lead', PEOPLE.ops],
] as const;
