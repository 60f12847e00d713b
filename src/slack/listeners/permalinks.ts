import type { WebClient } from '@slack/web-api';
import type { Deployment } from '../../core/deployment/types.js';
import type { ListenerDeps } from './deps.js';

/** A link to the deployment's parent message (its thread), or null when it is not posted yet. */
export async function permalinkOf(
  deps: Pick<ListenerDeps, 'client' | 'service'>,
  d: Deployment,
): Promise<string | null> {
  const parent = deps.service.messageOf(d.id, 'parent');
  if (!parent?.ts) return null;
  try {
    const res = await deps.client.chat.getPermalink({ channel: parent.channelId, message_ts: parent.ts });
    return res.permalink ?? null;
  } catch {
    return null;
  }
}

/** The workspace's address (auth.test `url`, "https://acme.slack.com/"), asked once per client. */
const workspaceUrls = new WeakMap<WebClient, Promise<string | null>>();

function workspaceUrl(client: WebClient): Promise<string | null> {
  let url = workspaceUrls.get(client);
  if (!url) {
    url = client.auth
      .test()
      .then((r) => (typeof r.url === 'string' && /^https:\/\/[^/]+\/$/.test(r.url) ? r.url : null))
      .catch(() => null);
    workspaceUrls.set(client, url);
    // Not known (Slack unreachable): asked again next time.
    void url.then((u) => u === null && workspaceUrls.delete(client));
  }
  return url;
}

/**
 * Links to many deployments' parent messages at once (App Home, `/deploy
 * list`), built from the workspace's address as Slack builds them
 * (`<url>archives/<channel>/p<ts without the dot>`): one auth.test, ever,
 * instead of a chat.getPermalink per deployment on every open. Null where the
 * card is not posted yet or the address is unknown.
 */
export async function permalinksOf(
  deps: Pick<ListenerDeps, 'client' | 'service'>,
  ds: readonly Deployment[],
): Promise<Map<number, string | null>> {
  const base = ds.length ? await workspaceUrl(deps.client) : null;
  return new Map(
    ds.map((d) => {
      const parent = deps.service.messageOf(d.id, 'parent');
      return [d.id, base && parent?.ts ? `${base}archives/${parent.channelId}/p${parent.ts.replace('.', '')}` : null];
    }),
  );
}
