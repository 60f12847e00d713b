import type { KnownBlock } from '@slack/types';
import type { RecordedEvent } from '../../../core/deployment/events.js';
import { roomOf } from '../../../core/deployment/room.js';
import { ENVIRONMENT_LABELS, type Deployment } from '../../../core/deployment/types.js';
import type { Job, Target } from '../../../core/schedule/jobs.js';
import type { Timings } from '../../../core/schedule/timings.js';
import { context } from '../blocks.js';
import { clip, slackDate } from '../format.js';
import { MAX_BLOCKS, MAX_BLOCKS_CHARS, measure } from '../deployment/layout.js';

/** A notice as sent: fallback text and blocks. */
export interface Notice {
  text: string;
  blocks: KnownBlock[];
  /** What did not fit in one message (a long report): posted after it, in order, in the same place. */
  more?: Notice[];
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

/** Characters of blocks JSON a notice's message keeps to: the deployment messages' margin under `msg_blocks_too_long`. */
export const NOTICE_CHARS = MAX_BLOCKS_CHARS - 500;
/** Kept free in each message for the line that says it continues (or continues one). */
const LINE_RESERVE = 400;

/**
 * `first` then `rest`, block by block, in as many messages as they need, each within Slack's
 * limits (50 blocks, `budget` characters of blocks JSON, measured): the first says how many follow,
 * each continuation starts with `continued` and its place ("2/3"). One message when all fit.
 */
export function splitNotice(
  first: KnownBlock[],
  rest: KnownBlock[],
  text: string,
  continued: string,
  budget = NOTICE_CHARS,
): Notice {
  const messages: KnownBlock[][] = [[...first]];
  let blocks = first.length;
  let chars = measure(first).chars;
  for (const b of rest) {
    const n = measure([b]).chars;
    if (blocks + 2 > MAX_BLOCKS || chars + n + LINE_RESERVE > budget) {
      messages.push([]);
      blocks = 0;
      chars = 0;
    }
    messages.at(-1)!.push(b);
    blocks += 1;
    chars += n;
  }
  const count = messages.length;
  if (count === 1) return { text, blocks: messages[0]! };
  const [head, ...tail] = messages;
  return {
    text: `${text} (1/${count})`,
    blocks: [
      ...head!,
      context(`_Continued in the next ${count === 2 ? 'message' : `${count - 1} messages`} (1/${count})._`),
    ],
    more: tail.map((part, i) => ({
      text: `${continued} (${i + 2}/${count})`,
      blocks: [context(`${continued} (${i + 2}/${count})`), ...part],
    })),
  };
}
