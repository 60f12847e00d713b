import { channelsOf, type Listing } from '../core/deployment/listing.js';
import type { HistoryFilter } from '../core/deployment/history.js';
import type { Deployment } from '../core/deployment/types.js';
import type { Sight } from '../core/policy/visibility.js';
import type { DeploymentService } from './deployments.js';

/** A deployment and the channels it lives in (`channelsOf`). */
export interface Placed {
  id: number;
  channels: readonly string[];
}

/** Who sees what: the channels' kinds and members (as Slack says) put through the core's rule (`visibleTo`). */
export interface Sights {
  /** Whether `actor` sees each deployment (by the channels it lives in) in full or only that it exists. */
  sights(actor: string, ds: readonly Placed[]): Promise<Map<number, Sight>>;
}

/**
 * Splits deployments (or their listings) into those `actor` sees in full and those shown only as
 * existing (private channels they are not in).
 */
export async function seenBy<T extends Deployment | Listing>(
  deps: { access: Sights },
  actor: string,
  ds: readonly T[],
): Promise<{ shown: T[]; hidden: T[] }> {
  const placed = ds.map((d: Deployment | Listing) => ('channels' in d ? d : { id: d.id, channels: channelsOf(d) }));
  const sights = await deps.access.sights(actor, placed);
  const shown: T[] = [];
  const hidden: T[] = [];
  for (const d of ds) (sights.get(d.id) === 'full' ? shown : hidden).push(d);
  return { shown, hidden };
}

/** A page of the history as `actor` may see it: deployments in private channels they are not in are left out. */
export async function historySeenBy(
  deps: { access: Sights; service: Pick<DeploymentService, 'history'> },
  actor: string,
  filter: HistoryFilter,
  page = 1,
) {
  const found = deps.service.history(filter, page);
  return { ...found, deployments: (await seenBy(deps, actor, found.deployments)).shown };
}
