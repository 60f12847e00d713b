import type { App } from '@slack/bolt';
import type { HomeView } from '@slack/types';
import type { HomePublisher } from '../../home.js';
import { historyBlocks } from '../../views/history.js';
import { homeView } from '../../views/home.js';
import { homeStatsBlocks } from '../../views/home-insights.js';
import { divider } from '../../views/blocks.js';
import type { ListenerDeps } from '../deps.js';
import { permalinksOf } from '../permalinks.js';
import { homeWithHidden } from '../../views/private.js';

/**
 * `user`'s App Home (what `homeFor` says it shows: what is waiting for them, the active and upcoming
 * deployments, then page `historyPage` of the past ones), with links to their threads.
 */
export async function drawHome(deps: ListenerDeps, user: string, historyPage = 1): Promise<HomeView> {
  const home = await deps.home.homeFor(user, historyPage);
  const links = await permalinksOf(deps, home.linked);
  const items = home.listed.map((d) => ({ d, link: links.get(d.id) ?? null }));
  // The history page, then the delivery stats: both below the list, which gives up the blocks they take.
  const insights = [...historyBlocks(home.past, links, 'home'), divider(), ...homeStatsBlocks(home.stats)];
  return homeWithHidden(homeView(items, home.now, home.waiting, links, insights), home.hidden);
}

/** App Home: published each time its Home tab is opened. */
export function registerHome(app: App, homes: HomePublisher): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await homes.publish(event.user);
  });
}
