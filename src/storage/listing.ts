import { listingOf } from '../core/deployment/listing.js';
import { deliveryFacts } from '../core/deployment/stats.js';
import type { Deployment } from '../core/deployment/types.js';

/** The `listing` row of a deployment (migration 010), as written beside its snapshot and checked by `db check`. */
export function listingRowOf(d: Deployment) {
  const listing = listingOf(d);
  return {
    id: d.id,
    status: d.status as string,
    service: d.service,
    environment: d.environment as string,
    windowStart: d.window.start,
    revision: d.revision,
    summary: JSON.stringify(listing),
    facts: JSON.stringify(deliveryFacts(d)),
  };
}
