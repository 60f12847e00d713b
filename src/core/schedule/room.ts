import { addHours } from 'date-fns/addHours';
import type { DeploymentEvent } from '../deployment/events.js';
import { roomOf } from '../deployment/room.js';
import { FINISHED, type Deployment } from '../deployment/types.js';
import type { PlannedJob } from './jobs.js';

/** The events that end a deployment (it is then completed, cancelled or rolled back). */
const ENDINGS: ReadonlySet<DeploymentEvent['type']> = new Set(['completed', 'cancelled', 'rollback_completed']);

/**
 * The archive of a deployment's dedicated channel, `archiveAfterHours` after
 * it ended: planned by the event that ends it, or by the channel's creation
 * when the deployment had already ended. Nothing without a dedicated channel.
 */
export function roomJobs(d: Deployment, e: DeploymentEvent, now: number): PlannedJob[] {
  const room = roomOf(d);
  if (!room) return [];
  const ends = ENDINGS.has(e.type) || (e.type === 'room_opened' && FINISHED.has(d.status));
  if (!ends) return [];
  const dueAt = addHours(now, room.archiveAfterHours).getTime();
  return [
    {
      key: `${d.ref}:archive_room:thread`,
      deploymentId: d.id,
      kind: 'archive_room',
      dueAt,
      payload: { target: 'thread' },
    },
  ];
}
