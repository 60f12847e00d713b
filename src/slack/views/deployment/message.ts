import type { KnownBlock } from '@slack/types';

/** One Slack message of a deployment, identified by a key that never changes for its life. */
export interface SlackMessage {
  key: string;
  /** `mirror`: a copy of the card in the deploy channel, for a deployment living in its own channel. */
  placement: 'parent' | 'thread' | 'mirror';
  /** Fallback text: notifications, screen readers, clients without blocks. */
  text: string;
  blocks: KnownBlock[];
  /** Posted once and never updated (notes). */
  once?: boolean;
}
