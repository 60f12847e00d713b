import type { WebClient } from '@slack/web-api';

/** Channels asked for per conversations.list page. */
const PAGE = 200;

export interface AdoptionChecks {
  /** The bot's own user id: who must have created a channel for it to be ours. */
  botUserId: () => Promise<string | undefined>;
  /** Claims the channel for this deployment, at once, unless it is (or is becoming) another deployment's room; false then. */
  claim: (channelId: string) => boolean;
}

/** The open channel (public, or private with the bot in it) named `name`, if any: pages through conversations.list, stops at the first match. */
async function findOpen(client: WebClient, name: string) {
  let cursor: string | undefined;
  do {
    const res = await client.conversations.list({
      types: 'public_channel,private_channel',
      exclude_archived: true,
      limit: PAGE,
      ...(cursor ? { cursor } : {}),
    });
    const match = res.channels?.find((c) => c.name === name);
    if (match) return match;
    cursor = res.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return undefined;
}

/**
 * After `name_taken`: the id of the channel holding `name` when it is ours to
 * adopt, i.e. one a previous run created and stopped before recording: created
 * by the bot, not archived, nobody's room. Null otherwise (a person's channel,
 * another deployment's room), and the caller tries the next name. Slack
 * errors (missing scope, passing problems) are left to the caller.
 */
export async function adoptable(client: WebClient, name: string, checks: AdoptionChecks): Promise<string | null> {
  const found = await findOpen(client, name);
  if (!found?.id || found.is_archived) return null;
  const bot = await checks.botUserId();
  if (!bot || found.creator !== bot) return null;
  return checks.claim(found.id) ? found.id : null;
}

/** The bot user id from auth.test, asked once (asked again after a failure). */
export function botUserIdOf(client: WebClient): () => Promise<string | undefined> {
  let known: Promise<string | undefined> | null = null;
  return () =>
    (known ??= client.auth.test().then(
      (r) => r.user_id,
      (error: unknown) => {
        known = null;
        throw error;
      },
    ));
}
