import type { Lock } from '../../storage/locks.js';
import { seenBy } from '../../usecases/seen.js';
import type { SeenLock } from '../views/locks.js';
import type { ListenerDeps } from './deps.js';

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
