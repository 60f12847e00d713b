import type { App } from '@slack/bolt';
import { homeView } from '../../views/answers.js';
import type { ListenerDeps } from '../deps.js';
import { permalinkOf } from '../permalinks.js';

/** App Home: the active and upcoming deployments, with links to their threads. */
export function registerHome(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    const active = deps.service.listActive().slice(0, 30);
    const items = await Promise.all(active.map(async (d) => ({ d, link: await permalinkOf(deps, d) })));
    try {
      await deps.client.views.publish({ user_id: event.user, view: homeView(items, deps.clock.now()) as never });
    } catch (error) {
      deps.logger.with('warn', 'could not publish App Home', { user: event.user, error });
    }
  });
}
