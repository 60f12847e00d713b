import type { App } from '@slack/bolt';
import { historyBlocks } from '../../views/history.js';
import { homeView } from '../../views/home.js';
import { homeStatsBlocks } from '../../views/home-insights.js';
import { divider } from '../../views/blocks.js';
import type { ListenerDeps } from '../deps.js';
import { permalinksOf } from '../permalinks.js';
import { homeWithHidden } from '../../views/private.js';

/**
 * Publishes `user`'s Home (what `homeFor` says it shows: what is waiting for them, the active and
 * upcoming deployments, then page `historyPage` of the past ones), with links to their threads.
 */
export async function publishHome(deps: ListenerDeps, user: string, historyPage = 1): Promise<void> {
  const home = await deps.home.homeFor(user, historyPage);
  const links = await permalinksOf(deps, home.linked);
  const items = home.listed.map((d) => ({ d, link: links.get(d.id) ?? null }));
  // The history page, then the delivery stats: both below the list, which gives up the blocks they take.
  const insights = [...historyBlocks(home.past, links, 'home'), divider(), ...homeStatsBlocks(home.stats)];
  const view = homeWithHidden(homeView(items, home.now, home.waiting, links, insights), home.hidden);
  try {
    await deps.client.views.publish({ user_id: user, view: view as never });
  } catch (error) {
    deps.logger.with('warn', 'could not publish App Home', { user, error });
  }
}

/** App Home: published each time its Home tab is opened. */
export function registerHome(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await publishHome(deps, event.user);
  });
}
