import type { Deployment } from '../../core/deployment/types.js';
import type { ListenerDeps } from './deps.js';

/** A link to the deployment's parent message (its thread), or null when it is not posted yet. */
export async function permalinkOf(deps: Pick<ListenerDeps, 'client' | 'service'>, d: Deployment): Promise<string | null> {
  const parent = deps.service.messageOf(d.id, 'parent');
  if (!parent?.ts) return null;
  try {
    const res = await deps.client.chat.getPermalink({ channel: parent.channelId, message_ts: parent.ts });
    return res.permalink ?? null;
  } catch {
    return null;
  }
}

/** Links to the threads of `ds`, by id (asked for in parallel). */
export async function permalinksOf(deps: Pick<ListenerDeps, 'client' | 'service'>, ds: readonly Deployment[]): Promise<Map<number, string | null>> {
  return new Map(await Promise.all(ds.map(async (d) => [d.id, await permalinkOf(deps, d)] as const)));
}
