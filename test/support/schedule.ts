/**
 * Helpers for end-to-end tests of the communication plan: moving the fake
 * clock with a scheduler tick, and finding the notices the scheduler posted
 * (each carries its job key in the message metadata).
 */
import type { FakeMessage } from './fake-slack.js';
import { threadOf } from './flows.js';
import { CHANNELS, type Harness } from './harness.js';
import { input } from './slack-requests.js';
import { stateOf } from './stored.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** The job key a notice was posted with, or undefined for messages that are not notices. */
export const jobKeyOf = (m: FakeMessage): string | undefined =>
  (m.metadata as { event_type?: string; event_payload?: { job?: string } } | undefined)?.event_type === 'liftoff_notice'
    ? (m.metadata as { event_payload: { job: string } }).event_payload.job
    : undefined;

/** The kind part of a job key (`DEP-1:progress:2:thread` → `progress`). */
export const kindOf = (key: string) => key.split(':')[1] ?? '';

export async function tick(h: Harness) {
  await h.liftoff.scheduler.tick();
  await h.settled();
}

/** Sets the fake clock to `ms` and lets the scheduler tick. */
export async function tickAt(h: Harness, ms: number) {
  h.clock.set(ms);
  await tick(h);
}

export { stateOf };

export const parentTsOf = (h: Harness, id: number) =>
  h.query<{ ts: string }>(`SELECT ts FROM messages WHERE deployment_id = ? AND key = 'parent'`, id)[0]!.ts;

/** Notices of one kind in the deployment's thread. */
export const threadNotices = (h: Harness, id: number, kind: string) =>
  threadOf(h, parentTsOf(h, id)).filter((m) => kindOf(jobKeyOf(m) ?? '') === kind);

/** Notices of one kind in the announcement channel (top level). */
export const announceNotices = (h: Harness, kind: string) =>
  h.fake.messages(CHANNELS.announce).filter((m) => !m.thread_ts && kindOf(jobKeyOf(m) ?? '') === kind);

export interface JobRow {
  key: string;
  kind: string;
  status: string;
  due_at: number;
  result: string | null;
}
export const jobsOf = (h: Harness, id: number) =>
  h.query<JobRow>('SELECT key, kind, status, due_at, result FROM jobs WHERE deployment_id = ? ORDER BY due_at, id', id);

/** Submits the modal `view` (the last one opened, by default) as `user` with a reason. */
export async function submitReason(
  h: Harness,
  user: string,
  reason: string,
  extra: Record<string, Record<string, unknown>> = {},
) {
  const view = h.fake.lastView()!;
  const meta = view.view as { private_metadata: string; callback_id: string };
  const res = await h.slack.submitView({
    user,
    callbackId: meta.callback_id,
    privateMetadata: meta.private_metadata,
    values: { reason: { value: input.text(reason) }, ...extra },
    viewId: view.id,
  });
  await h.settled();
  return res;
}
