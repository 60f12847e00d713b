import type { KnownBlock } from '@slack/types';

/** One Slack message of a deployment, identified by a key that never changes for its life. */
export interface SlackMessage {
  key: string;
  placement: 'parent' | 'thread';
  /** Fallback text: notifications, screen readers, clients without blocks. */
  text: string;
  blocks: KnownBlock[];
  /** Posted once and never updated (notes). */
  once?: boolean;
}
