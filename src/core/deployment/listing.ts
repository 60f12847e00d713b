import { awaitingRoom } from './room.js';
import { possibleApprovers, needTimeline, type NeedTimeline } from './waiting.js';
import type { Deployment, Environment, Status } from './types.js';

/** The channels a deployment lives in: where it was started and its dedicated channel, if any. */
export const channelsOf = (d: Pick<Deployment, 'channelId' | 'room'>): string[] => [
  d.channelId,
  ...(d.room && 'channelId' in d.room ? [d.room.channelId] : []),
];

/**
 * What lists and App Home read of every active deployment, without its snapshot: where it lives
 * (who may see it follows from that), whose it is, who might have an approval to give and what
 * its deployer is expected to do over time. Kept beside the snapshot by its one write path.
 */
export interface Listing {
  id: number;
  ref: string;
  status: Status;
  service: string;
  environment: Environment;
  windowStart: number;
  revision: number;
  channels: string[];
  deployerId: string;
  /** `possibleApprovers`: whether they may is decided on the snapshot, with the policy. */
  approvers: string[];
  needs: NeedTimeline;
  /** Its dedicated channel is still to be made (`awaitingRoom`). */
  awaitingRoom: boolean;
}

export function listingOf(d: Deployment): Listing {
  return {
    id: d.id,
    ref: d.ref,
    status: d.status,
    service: d.service,
    environment: d.environment,
    windowStart: d.window.start,
    revision: d.revision,
    channels: channelsOf(d),
    deployerId: d.deployerId,
    approvers: possibleApprovers(d),
    needs: needTimeline(d),
    awaitingRoom: awaitingRoom(d),
  };
}
