import { channelsOf, type Listing } from '../core/deployment/listing.js';
import type { HistoryFilter } from '../core/deployment/history.js';
import type { Deployment } from '../core/deployment/types.js';
import { deploymentSight, type Sight } from '../core/policy/visibility.js';
import type { DeploymentService } from './deployments.js';

/** Who sees what: the channels' kinds and members (as Slack says) put through the core's rule (`visibleTo`). */
export interface Sights {
  /** Whether `actor` sees each of `channels` in full or only what exists in it. */
  sights(actor: string, channels: Iterable<string>): Promise<Map<string, Sight>>;
}

/**
 * Splits deployments (or their listings) into those `actor` sees in full and those shown only as
 * existing (private channels they are not in). Slack is asked about each channel once, whatever
 * the number of deployments in it (App Home at a large organisation: 2,000 in 80 channels).
 */
export async function seenBy<T extends Deployment | Listing>(
  deps: { access: Sights },
  actor: string,
  ds: readonly T[],
): Promise<{ shown: T[]; hidden: T[] }> {
  const placed = (d: Deployment | Listing) => ('channels' in d ? d.channels : channelsOf(d));
  const channels = new Set<string>();
  for (const d of ds) for (const c of placed(d)) channels.add(c);
  const seen = await deps.access.sights(actor, channels);
  const shown: T[] = [];
  const hidden: T[] = [];
  for (const d of ds) (deploymentSight(placed(d), seen) === 'full' ? shown : hidden).push(d);
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
