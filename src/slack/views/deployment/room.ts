import type { KnownBlock } from '@slack/types';
import { hasMirror, roomOf } from '../../../core/deployment/room.js';
import type { Deployment } from '../../../core/deployment/types.js';
import { section } from '../blocks.js';
import { clip } from '../format.js';
import type { SlackMessage } from './message.js';

/**
 * The summary card mirrored to the deploy channel when the deployment lives
 * in its own (public) channel: the parent card without its buttons (the work happens
 * in the dedicated channel), with a link there. Redrawn with the card.
 */
export function renderMirror(d: Deployment, parent: SlackMessage): SlackMessage | null {
  const room = roomOf(d);
  if (!room || !hasMirror(d)) return null;
  const link = section(
    `💬 ${d.ref} runs in its own channel: <#${room.channelId}>. Approvals, checklists and phases are there.`,
  );
  const blocks: KnownBlock[] = parent.blocks.filter((b) => b.type !== 'actions');
  blocks.splice(1, 0, link);
  return { key: 'mirror', placement: 'mirror', text: parent.text, blocks };
}

/** The thread's note when the dedicated channel could not be created. */
export function roomFailedNote(d: Deployment): { at: number; key: string; text: string } | null {
  if (!d.room || !('failed' in d.room)) return null;
  return {
    at: d.room.failed.at,
    key: 'note:room_failed',
    text: `⚠️ I could not create a dedicated channel for ${d.ref}: ${clip(d.room.failed.reason, 500)}. It runs here, in this thread, instead.`,
  };
}
