import { channelsOf, type Listing } from '../../core/deployment/listing.js';
import type { Deployment } from '../../core/deployment/types.js';
import type { Lock } from '../../storage/locks.js';
import type { SeenLock } from '../views/locks.js';
import type { ListenerDeps } from './deps.js';

/**
 * Splits deployments (or their listings) into those `actor` sees in full and those shown only as
 * existing (private channels they are not in).
 */
export async function seenBy<T extends Deployment | Listing>(
  deps: Pick<ListenerDeps, 'access'>,
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
  deps: Pick<ListenerDeps, 'access' | 'service'>,
  actor: string,
  filter: Parameters<ListenerDeps['service']['history']>[0],
  page = 1,
) {
  const found = deps.service.history(filter, page);
  return { ...found, deployments: (await seenBy(deps, actor, found.deployments)).shown };
}

/**
 * The locks as `actor` may see them: one taken by (or for) a deployment in a private channel they
 * are not in is `hidden` (shown without its reason, reference or deployment's details).
 */
export async function locksSeenBy(
  deps: Pick<ListenerDeps, 'access' | 'rollback'>,
  actor: string,
  locks: readonly Lock[],
): Promise<SeenLock[]> {
  const told = new Map(locks.map((l) => [l.id, deps.rollback.deploymentsOf(l)]));
  const { hidden } = await seenBy(deps, actor, [...told.values()].flat());
  const unseen = new Set(hidden.map((d) => d.id));
  return locks.map((l) => (told.get(l.id)!.some((d) => unseen.has(d.id)) ? { ...l, hidden: true } : l));
}

/** Who may release a lock, in the words `actor` may see (for locksSeenBy's locks). */
export const releasersFor =
  (deps: Pick<ListenerDeps, 'rollback'>) =>
  (l: SeenLock): string =>
    deps.rollback.whoMayRelease(l, l.hidden === true);
