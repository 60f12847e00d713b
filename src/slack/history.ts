import type { WebClient } from '@slack/web-api';
import { slackErrorCode } from './errors.js';
import { atUrgency, type Urgency } from './pacing.js';

/** Where to look: a channel's own history, or one thread's replies. */
export interface Place {
  channel: string;
  threadTs?: string | undefined;
}

export interface MessageMetadata {
  event_type?: string;
  event_payload?: Record<string, unknown>;
}

interface HistoryMessage {
  ts?: string;
  metadata?: MessageMetadata;
}

const MAX_PAGES = 5;

/**
 * Looks for a message the bot posted by its metadata, in a channel (from
 * `oldest`, unix seconds) or in a thread. With a bot token Slack shows the
 * history only of conversations the bot is a member of (`not_in_channel`
 * otherwise, even where `chat:write.public` lets it post): the bot joins a
 * public channel it must read (`conversations.join`, scope `channels:join`)
 * and reads again. `unavailable` when Slack still will not show it: then
 * nobody can tell whether the message was posted.
 */
export async function findByMetadata(
  client: WebClient,
  where: Place,
  matches: (m: MessageMetadata) => boolean,
  oldest = 0,
  urgency?: Urgency,
): Promise<{ found: string } | 'absent' | 'unavailable'> {
  try {
    return await search(client, where, matches, oldest, urgency);
  } catch (error) {
    if (slackErrorCode(error) !== 'not_in_channel') return 'unavailable';
  }
  try {
    await client.conversations.join(atUrgency(urgency, { channel: where.channel }));
    return await search(client, where, matches, oldest, urgency);
  } catch {
    return 'unavailable';
  }
}

async function search(
  client: WebClient,
  where: Place,
  matches: (m: MessageMetadata) => boolean,
  oldest: number,
  urgency: Urgency | undefined,
): Promise<{ found: string } | 'absent' | 'unavailable'> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const args = {
      channel: where.channel,
      oldest: String(Math.max(0, Math.floor(oldest))),
      include_all_metadata: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    };
    const res = where.threadTs
      ? await client.conversations.replies(atUrgency(urgency, { ...args, ts: where.threadTs }))
      : await client.conversations.history(atUrgency(urgency, args));
    const found = ((res.messages ?? []) as HistoryMessage[]).find((m) => m.metadata && matches(m.metadata));
    if (found?.ts) return { found: found.ts };
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) return 'absent';
  }
  return 'unavailable';
}
