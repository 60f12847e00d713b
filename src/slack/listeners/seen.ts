import type { Deployment } from '../../core/deployment/types.js';
import type { ListenerDeps } from './deps.js';

/** Splits deployments into those `actor` sees in full and those shown only as existing (private channels they are not in). */
export async function seenBy(deps: Pick<ListenerDeps, 'access'>, actor: string, ds: readonly Deployment[]): Promise<{ shown: Deployment[]; hidden: Deployment[] }> {
  const sights = await deps.access.sights(actor, ds);
  return { shown: ds.filter((d) => sights.get(d.id) === 'full'), hidden: ds.filter((d) => sights.get(d.id) !== 'full') };
}
