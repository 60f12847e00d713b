/**
 * conversations.history and conversations.replies: what Liftoff's scheduler reads after a restart
 * to find out whether an interrupted notice was posted (by its message metadata).
 * Like Slack: newest first in history, parent first in replies; `oldest` is exclusive (unix seconds
 * with microseconds); `metadata` only with `include_all_metadata`; the bot must be able to read the channel.
 */
import type { Handler } from './chat.js';
import { messageJson } from './json.js';
import type { FakeMessage, SlackJson } from './types.js';
import { bool, required, SlackError, str, type Workspace } from './workspace.js';

const tsNumber = (ts: string) => Number(ts);

export function historyMethods(ws: Workspace): Record<string, Handler> {
  const readable = (id: string) => {
    const ch = ws.channelOf(id);
    if (ch.isPrivate && !ch.isIm && !ch.botIsMember) throw new SlackError('channel_not_found');
    if (!ch.isIm && !ch.botIsMember) throw new SlackError('not_in_channel');
    return ch;
  };
  const window = (args: SlackJson) => {
    const oldest = Number(str(args.oldest) ?? 0);
    const latest = args.latest === undefined ? Infinity : Number(str(args.latest));
    const limit = Math.min(1000, Math.max(1, Number(str(args.limit) ?? 100)));
    return (list: FakeMessage[]) =>
      list.filter((m) => tsNumber(m.ts) > oldest && tsNumber(m.ts) <= latest).slice(0, limit);
  };
  const json = (args: SlackJson) => (m: FakeMessage) => {
    const { metadata, ...rest } = messageJson(ws, m);
    return bool(args.include_all_metadata) && metadata ? { ...rest, metadata } : rest;
  };

  return {
    'conversations.history': (args) => {
      const ch = readable(required(args, 'channel'));
      const inChannel = ws.messages.filter(
        (m) => m.channel === ch.id && (!m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast),
      );
      const newestFirst = [...inChannel].sort((a, b) => tsNumber(b.ts) - tsNumber(a.ts));
      return {
        messages: window(args)(newestFirst).map(json(args)),
        has_more: false,
        response_metadata: { next_cursor: '' },
      };
    },
    'conversations.replies': (args) => {
      const ch = readable(required(args, 'channel'));
      const ts = required(args, 'ts');
      const parent = ws.findMessage(ch.id, ts);
      if (!parent) throw new SlackError('thread_not_found');
      const replies = ws.messages.filter((m) => m.channel === ch.id && m.thread_ts === ts && m.ts !== ts);
      return {
        messages: [parent, ...window(args)(replies)].map(json(args)),
        has_more: false,
        response_metadata: { next_cursor: '' },
      };
    },
  };
}
