import type { Deployment } from '../../core/deployment/types.js';
import type { ListenerDeps } from './deps.js';

/** Splits deployments into those `actor` sees in full and those shown only as existing (private channels they are not in). */
export async function seenBy(
  deps: Pick<ListenerDeps, 'access'>,
  actor: string,
  ds: readonly Deployment[],
): Promise<{ shown: Deployment[]; hidden: Deployment[] }> {
  const sights = await deps.access.sights(actor, ds);
  return {
    shown: ds.filter((d) => sights.get(d.id) === 'full'),
    hidden: ds.filter((d) => sights.get(d.id) !== 'full'),
  };
}

/** A page of the history as `actor` may see it: deployments in private channels they are not in are left out. */
export async function historySeenBy(
  deps: Pick<ListenerDeps, 'access' | 'service'>,
  actor: string,
  filter: Parameters<ListenerDeps['service']['history']>[0],
  page = 1,
) {
  const found = deps.service.history(filter, page);
  return { ...found, deployments: (await seenBy(deps, actor, found.deployments)).shown };
}
