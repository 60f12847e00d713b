import type { App } from '@slack/bolt';
import { waitingFor } from '../../../core/deployment/waiting.js';
import { homeView, WAITING_MAX } from '../../views/home.js';
import type { ListenerDeps } from '../deps.js';
import { permalinksOf } from '../permalinks.js';

/** App Home: what is waiting for the user who opened it, then the active and upcoming deployments, with links to their threads. */
export function registerHome(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    const now = deps.clock.now();
    const all = deps.service.listActive();
    const waiting = waitingFor(event.user, all, now, deps.service.policyFor);
    // Links only for what Home shows: the first deployments listed and the first lines of "Waiting for you".
    const mine = [...waiting.approvals.slice(0, WAITING_MAX), ...waiting.deployments.slice(0, WAITING_MAX)].map((w) => w.d);
    const shown = [...all.slice(0, 30), ...mine];
    const unique = [...new Map(shown.map((d) => [d.id, d])).values()];
    const links = await permalinksOf(deps, unique);
    const items = all.slice(0, 30).map((d) => ({ d, link: links.get(d.id) ?? null }));
    try {
      await deps.client.views.publish({ user_id: event.user, view: homeView(items, now, waiting, links) as never });
    } catch (error) {
      deps.logger.with('warn', 'could not publish App Home', { user: event.user, error });
    }
  });
}
