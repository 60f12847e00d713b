import type { App } from '@slack/bolt';
import { waitingFor } from '../../../core/deployment/waiting.js';
import { homeView, WAITING_MAX } from '../../views/home.js';
import type { ListenerDeps } from '../deps.js';
import { permalinkOf } from '../permalinks.js';
import { homeWithHidden } from '../../views/private.js';
import { seenBy } from '../seen.js';

/** App Home: what is waiting for the user who opened it, then the active and upcoming deployments, with links to their threads. */
export function registerHome(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    const now = deps.clock.now();
    // Deployments in private channels the user is not in: only their references, below the list.
    const { shown: all, hidden } = await seenBy(deps, event.user, deps.service.listActive());
    const waiting = waitingFor(event.user, all, now, deps.service.policyFor);
    // Links only for what Home shows: the first deployments listed and the first lines of "Waiting for you".
    const mine = [...waiting.approvals.slice(0, WAITING_MAX), ...waiting.deployments.slice(0, WAITING_MAX)].map((w) => w.d);
    const shown = [...all.slice(0, 30), ...mine];
    const unique = [...new Map(shown.map((d) => [d.id, d])).values()];
    const links = new Map(await Promise.all(unique.map(async (d) => [d.id, await permalinkOf(deps, d)] as const)));
    const items = all.slice(0, 30).map((d) => ({ d, link: links.get(d.id) ?? null }));
    try {
      await deps.client.views.publish({ user_id: event.user, view: homeWithHidden(homeView(items, now, waiting, links), hidden.map((d) => d.ref)) as never });
    } catch (error) {
      deps.logger.with('warn', 'could not publish App Home', { user: event.user, error });
    }
  });
}
