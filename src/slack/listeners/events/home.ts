import type { App } from '@slack/bolt';
import { historyBlocks } from '../../views/history.js';
import { homeView, WAITING_MAX } from '../../views/home.js';
import { homeStatsBlocks } from '../../views/home-insights.js';
import { divider } from '../../views/blocks.js';
import type { ListenerDeps } from '../deps.js';
import { permalinksOf } from '../permalinks.js';
import { homeWithHidden } from '../../views/private.js';
import { historySeenBy, seenBy } from '../seen.js';

/**
 * A turn of the event loop between the parts of a Home: other requests (a click) are answered
 * in between, so ten Homes opened at once never hold one back for all of their work.
 */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Publishes `user`'s Home: what is waiting for them, the active and upcoming
 * deployments, then page `historyPage` of the past ones, with links to their threads.
 */
export async function publishHome(deps: ListenerDeps, user: string, historyPage = 1): Promise<void> {
  await turn();
  const now = deps.clock.now();
  // Deployments in private channels the user is not in: only their references, below the list; none in the history.
  // Read from the listing rows: only the snapshots Home shows are read (and parsed once per revision).
  const { shown: all, hidden } = await seenBy(deps, user, deps.service.activeListing());
  const found = deps.service.waitingFor(user, all, now);
  const theirs = found.deployments.slice(0, WAITING_MAX);
  const theirsShown = new Map(deps.service.shown(theirs.map((t) => t.listing)).map((d) => [d.id, d]));
  const waiting = {
    approvals: found.approvals,
    deployments: theirs.flatMap(({ listing, need }) => {
      const d = theirsShown.get(listing.id);
      return d ? [{ d, need }] : [];
    }),
    deploymentsTotal: found.deployments.length,
  };
  const listed = deps.service.shown(all.slice(0, 30));
  await turn();
  const past = await historySeenBy(deps, user, {}, historyPage);
  // Links only for what Home shows: the first deployments listed, the first lines of "Waiting for you" and the history page.
  const mine = [...waiting.approvals.slice(0, WAITING_MAX), ...waiting.deployments].map((w) => w.d);
  const shown = [...listed, ...mine, ...past.deployments];
  const links = await permalinksOf(deps, [...new Map(shown.map((d) => [d.id, d])).values()]);
  const items = listed.map((d) => ({ d, link: links.get(d.id) ?? null }));
  await turn();
  // The history page, then the delivery stats: both below the list, which gives up the blocks they take.
  const insights = [...historyBlocks(past, links, 'home'), divider(), ...homeStatsBlocks(deps.service.homeStats(user))];
  const view = homeWithHidden(
    homeView(items, now, waiting, links, insights),
    hidden.map((d) => d.ref),
  );
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
