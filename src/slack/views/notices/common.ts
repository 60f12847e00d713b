import type { KnownBlock } from '@slack/types';
import type { RecordedEvent } from '../../../core/deployment/events.js';
import { roomOf } from '../../../core/deployment/room.js';
import { ENVIRONMENT_LABELS, type Deployment } from '../../../core/deployment/types.js';
import type { Job, Target } from '../../../core/schedule/jobs.js';
import type { Timings } from '../../../core/schedule/timings.js';
import { context } from '../blocks.js';
import { clip, slackDate } from '../format.js';

/** A notice as sent: fallback text and blocks. */
export interface Notice {
  text: string;
  blocks: KnownBlock[];
}

export interface NoticeInput {
  job: Pick<Job, 'kind' | 'payload' | 'dueAt'>;
  d: Deployment;
  /** The deployment's events, oldest first (event `seq` is at index seq - 1). */
  events: RecordedEvent[];
  now: number;
  timings: Timings;
}

/** "*DEP-12* · *checkout 2.4.0* → Production" */
export const title = (d: Deployment) =>
  `*${d.ref}* · *${clip(d.service, 80)} ${clip(d.version, 64)}* → ${ENVIRONMENT_LABELS[d.environment]}${d.emergency ? ' · 🚨 *emergency outside the calendar*' : ''}`;

/** The same in plain words, for fallback texts. */
export const plainTitle = (d: Deployment) =>
  `${d.ref} ${clip(d.service, 80)} ${clip(d.version, 64)} → ${ENVIRONMENT_LABELS[d.environment]}${d.emergency ? ' (emergency outside the calendar)' : ''}`;

export const windowText = (d: Deployment) => `${slackDate(d.window.start)} – ${slackDate(d.window.end)}`;

/**
 * Where people follow the deployment, for a copy posted elsewhere (announcement
 * or ops channel, the mirror card). Nothing for a copy that is itself a reply in
 * the deployment's thread (a thread notice, or an announcement-channel notice
 * without one: a reply shown in the channel), which already sits where it points.
 */
export const threadHint = (d: Deployment, target: Target): KnownBlock[] => {
  const room = roomOf(d);
  if (room) return target === 'thread' ? [] : [context(`Follow it in <#${room.channelId}>.`)];
  if (target === 'thread' || (target === 'announce' && !d.announceChannelId)) return [];
  return [context(`Follow it in the thread in <#${d.channelId}>.`)];
};
