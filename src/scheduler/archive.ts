import type { WebClient } from '@slack/web-api';
import { roomOf } from '../core/deployment/room.js';
import type { Deployment } from '../core/deployment/types.js';
import type { Job } from '../core/schedule/jobs.js';
import { slackErrorCode } from '../slack/errors.js';
import type { Notice } from '../slack/views/notices/index.js';
import { findPosted, post, type Destination } from './delivery.js';
import { beforePreviousAttempt } from './failures.js';

/** Where an archive job's note goes: the top of the dedicated channel, or why not. */
export function archiveDestinationOf(d: Deployment): Destination | { wait: string } {
  const room = roomOf(d);
  return room ? { channel: room.channelId } : { wait: 'the deployment has no dedicated channel' };
}

/**
 * A notice of the same deployment still to be posted (due before the archive,
 * waiting for a retry, or being sent, like a hook call still running): the
 * archive waits for it, since nothing can be posted in an archived channel.
 */
export function archiveWaitsFor(job: Pick<Job, 'id' | 'dueAt'>, jobs: readonly Job[]): Job | undefined {
  return jobs.find(
    (o) =>
      o.id !== job.id &&
      o.kind !== 'archive_room' &&
      ((o.status === 'pending' && (o.dueAt <= job.dueAt || o.attempts > 0)) || o.status === 'sending'),
  );
}

/**
 * Archives a deployment's dedicated channel after a short note there. Safe to
 * run again: a retry looks for the note (by its metadata) before posting it,
 * a channel someone archived already gets no note, and `already_archived`
 * counts as done.
 */
export async function archiveRoom(
  client: WebClient,
  to: Destination,
  notice: Notice,
  job: Pick<Job, 'key' | 'attempts'>,
  now: number,
): Promise<{ channel: string; ts: string }> {
  let ts = '';
  // Looked for since the previous attempt (not since this claim: a late retry comes up to 15 minutes after it).
  const seen =
    job.attempts > 1 ? await findPosted(client, to, job.key, beforePreviousAttempt(job.attempts, now)) : 'absent';
  if (typeof seen === 'object') ts = seen.found;
  else if (seen === 'absent') {
    try {
      ts = (await post(client, to, notice, job.key)).ts;
    } catch (error) {
      if (slackErrorCode(error) !== 'is_archived') throw error;
    }
  }
  try {
    await client.conversations.archive({ channel: to.channel });
  } catch (error) {
    if (slackErrorCode(error) !== 'already_archived') throw error;
  }
  return { channel: to.channel, ts };
}
