import type { WebClient } from '@slack/web-api';
import { awaitingRoom } from '../core/deployment/room.js';
import type { Deployment } from '../core/deployment/types.js';
import type { Job } from '../core/schedule/jobs.js';
import type { MessagesRepository } from '../storage/messages.js';
import { findByMetadata, type MessageMetadata } from '../slack/history.js';
import type { Notice } from '../slack/views/notices/index.js';

/** The message metadata every notice carries, so a restart can find out whether it was posted. */
export const NOTICE_EVENT = 'liftoff_notice';

/** Where a job's message goes. */
export interface Destination {
  channel: string;
  /** The deployment's parent message, for messages in its thread. */
  threadTs?: string;
  /** A thread reply also shown in the channel (stakeholder notices when no announcement channel is set). */
  broadcast?: boolean;
}

/**
 * The channel (and thread) of a job, or why it cannot be sent yet. Notices
 * for stakeholders go to the announcement channel; without one they are
 * thread replies also sent to the deployment channel, so the channel still
 * holds one card per deployment (for a deployment in its own channel: replies
 * to its mirror card in the deploy channel, where stakeholders follow it). Ops
 * copies go to the ops channel recorded on the deployment (they are planned
 * only when it has one). A deployment
 * waiting for its dedicated channel gets nothing until it exists (or is given up on).
 */
export function destinationOf(
  d: Deployment,
  job: Pick<Job, 'payload'>,
  messages: MessagesRepository,
): Destination | { wait: string } {
  const { target } = job.payload;
  // Its copies elsewhere point to where it lives: nothing goes out before that is known.
  if (awaitingRoom(d)) return { wait: 'its dedicated channel is not created yet' };
  if (target === 'announce' && d.announceChannelId) return { channel: d.announceChannelId };
  if (target === 'ops' && d.opsChannelId) return { channel: d.opsChannelId };
  const posted = messages.list(d.id);
  const parent = posted.get('parent');
  if (!parent?.ts) return { wait: 'the deployment message is not posted yet' };
  if (target === 'thread')
    return { channel: parent.channelId, threadTs: parent.ts, ...(job.payload.broadcast ? { broadcast: true } : {}) };
  // In its own channel only the deployer and approvers read: stakeholders follow the mirror card in the deploy channel.
  const mirror = posted.get('mirror');
  if (mirror?.ts && mirror.channelId !== parent.channelId)
    return { channel: mirror.channelId, threadTs: mirror.ts, broadcast: true };
  return { channel: parent.channelId, threadTs: parent.ts, broadcast: true };
}

/** Which part of a job's notice a message is: the job's key, and its place when the notice takes several messages. */
interface NoticeTag extends Record<string, unknown> {
  job: string;
  part?: number;
  parts?: number;
}

const isPart = (m: MessageMetadata, key: string, part?: number) =>
  m.event_type === NOTICE_EVENT && m.event_payload?.job === key && m.event_payload.part === part;

/**
 * Posts a notice, then its continuations (`more`) in order, each carrying its job's key and its
 * place in metadata. The last part says the notice is posted (`findPosted`). `resumeFrom` (unix ms),
 * for a job tried before: the earlier parts already in Slack since then are not posted again.
 */
export async function post(
  client: WebClient,
  to: Destination,
  notice: Notice,
  key: string,
  resumeFrom?: number,
): Promise<{ channel: string; ts: string }> {
  const parts = [notice, ...(notice.more ?? [])];
  let first: { channel: string; ts: string } | undefined;
  for (const [i, part] of parts.entries()) {
    const tag: NoticeTag = parts.length > 1 ? { job: key, part: i + 1, parts: parts.length } : { job: key };
    if (resumeFrom !== undefined && i < parts.length - 1) {
      const seen = await findByMetadata(client, to, (m) => isPart(m, key, i + 1), (resumeFrom - SKEW_MS) / 1000);
      if (typeof seen === 'object') {
        first ??= { channel: to.channel, ts: seen.found };
        continue;
      }
    }
    const res = await client.chat.postMessage({
      channel: to.channel,
      text: part.text,
      blocks: part.blocks,
      unfurl_links: false,
      unfurl_media: false,
      // Only the first part is also shown in the channel: the continuations stay in the thread.
      ...(to.threadTs ? { thread_ts: to.threadTs, reply_broadcast: i === 0 && to.broadcast === true } : {}),
      metadata: { event_type: NOTICE_EVENT, event_payload: tag },
    } as Parameters<WebClient['chat']['postMessage']>[0]);
    first ??= { channel: res.channel ?? to.channel, ts: res.ts ?? '' };
  }
  return first!;
}

/** Slack's clock and ours may differ a little: look this far before the claim. */
const SKEW_MS = 5 * 60_000;

/**
 * Looks for the message a job posted (by its metadata; its last part) in the channel or
 * thread, from shortly before the job was claimed. `unavailable` when Slack
 * would not show the history: then nobody can tell whether it was posted.
 */
export function findPosted(
  client: WebClient,
  to: Destination,
  key: string,
  claimedAt: number,
): Promise<{ found: string } | 'absent' | 'unavailable'> {
  return findByMetadata(
    client,
    to,
    // A notice in several messages is posted once its last part is.
    (m) => isPart(m, key, m.event_payload?.parts as number | undefined),
    (claimedAt - SKEW_MS) / 1000,
  );
}
