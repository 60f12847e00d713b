/** chat.* methods: messages, threads, ephemerals, permalinks, scheduled messages. */
import { messageJson } from './json.js';
import type { FakeScheduled, SlackJson } from './types.js';
import { blocksArg, bool, required, SCHEDULE_MAX_S, SlackError, str, type Workspace } from './workspace.js';

export type Handler = (args: SlackJson) => SlackJson;

const SCHEDULE_BURST = { max: 30, windowMs: 5 * 60_000 };

export function chatMethods(ws: Workspace): Record<string, Handler> {
  return {
    'chat.postMessage': (args) => {
      const ch = ws.postableChannel(required(args, 'channel'));
      const blocks = blocksArg(args);
      ws.checkMessage('chat.postMessage', blocks, args.text);
      const threadTs = str(args.thread_ts) || undefined;
      if (threadTs && !ws.findMessage(ch.id, threadTs))
        ws.warnings.push(`chat.postMessage: thread_ts ${threadTs} is not a message in ${ch.id}`);
      const m = ws.post({
        channel: ch.id,
        text: str(args.text) ?? '',
        blocks,
        thread_ts: threadTs,
        reply_broadcast: bool(args.reply_broadcast),
        metadata: args.metadata,
      });
      return { channel: ch.id, ts: m.ts, message: messageJson(ws, m) };
    },

    'chat.update': (args) => {
      const ch = ws.channelOf(required(args, 'channel'));
      const m = ws.findMessage(ch.id, required(args, 'ts'));
      if (!m) throw new SlackError('message_not_found');
      if (ch.isArchived) throw new SlackError('is_archived');
      if (m.user !== ws.botUserId) throw new SlackError('cant_update_message');
      const blocks = blocksArg(args);
      const text = str(args.text);
      if (text === undefined && blocks === undefined && args.attachments === undefined) throw new SlackError('no_text');
      ws.checkMessage('chat.update', blocks ?? m.blocks, text ?? m.text);
      ws.edit(m, { text, blocks });
      if (args.metadata) m.metadata = args.metadata;
      return { channel: ch.id, ts: m.ts, text: m.text, message: messageJson(ws, m) };
    },

    'chat.delete': (args) => {
      const ch = ws.channelOf(required(args, 'channel'));
      const ts = required(args, 'ts');
      const m = ws.findMessage(ch.id, ts);
      if (!m) throw new SlackError('message_not_found');
      if (m.user !== ws.botUserId) throw new SlackError('cant_delete_message');
      ws.messages = ws.messages.filter((x) => x !== m);
      return { channel: ch.id, ts };
    },

    'chat.postEphemeral': (args) => {
      const ch = ws.postableChannel(required(args, 'channel'));
      const user = str(args.user);
      if (!user) throw new SlackError('user_not_found');
      ws.knownUser(user);
      if (ch.membersKnown && !ch.members.has(user)) throw new SlackError('user_not_in_channel');
      const blocks = blocksArg(args);
      ws.checkMessage('chat.postEphemeral', blocks, args.text);
      const threadTs = str(args.thread_ts) || undefined;
      const active =
        threadTs !== undefined &&
        ws.messages.some((m) => m.channel === ch.id && m.thread_ts === threadTs && m.ts !== threadTs);
      const shown = threadTs === undefined ? 'channel' : active ? 'thread' : 'hidden';
      ws.ephemerals.push({
        channel: ch.id,
        user,
        text: str(args.text) ?? '',
        blocks: blocks ?? [],
        ...(threadTs ? { thread_ts: threadTs } : {}),
        via: 'chat.postEphemeral',
        shown,
        at: ws.now(),
      });
      return { message_ts: ws.nextTs() };
    },

    'chat.getPermalink': (args) => {
      const ch = ws.channelOf(required(args, 'channel'));
      const ts = str(args.message_ts);
      const m = ts ? ws.findMessage(ch.id, ts) : undefined;
      if (!m) throw new SlackError('message_not_found');
      let permalink = `https://fake.slack.test/archives/${ch.id}/p${m.ts.replace('.', '')}`;
      if (m.thread_ts && m.thread_ts !== m.ts) permalink += `?thread_ts=${m.thread_ts}&cid=${ch.id}`;
      return { channel: ch.id, permalink };
    },

    'chat.scheduleMessage': (args) => {
      const ch = ws.postableChannel(required(args, 'channel'));
      const postAt = Number(args.post_at);
      if (!Number.isFinite(postAt)) throw new SlackError('invalid_time');
      const nowS = ws.now() / 1000;
      if (postAt <= nowS) throw new SlackError('time_in_past');
      if (postAt > nowS + SCHEDULE_MAX_S) throw new SlackError('time_too_far');
      const blocks = blocksArg(args);
      ws.checkMessage('chat.scheduleMessage', blocks, args.text);
      const recent = ws.calls.filter(
        (c) =>
          c.method === 'chat.scheduleMessage' &&
          c.response.ok &&
          c.response.channel === ch.id &&
          ws.now() - c.at < SCHEDULE_BURST.windowMs,
      );
      if (recent.length >= SCHEDULE_BURST.max) throw new SlackError('restricted_too_many');
      const threadTs = str(args.thread_ts) || undefined;
      const s: FakeScheduled = {
        id: `Q${ws.seq()}`,
        channel: ch.id,
        post_at: Math.floor(postAt),
        text: str(args.text) ?? '',
        blocks: blocks ?? [],
        ...(threadTs ? { thread_ts: threadTs } : {}),
      };
      ws.scheduled.push(s);
      return {
        channel: ch.id,
        scheduled_message_id: s.id,
        post_at: s.post_at,
        message: {
          type: 'delayed_message',
          text: s.text,
          bot_id: ws.botId,
          user: ws.botUserId,
          team: ws.teamId,
          ...(s.blocks.length ? { blocks: s.blocks } : {}),
        },
      };
    },

    'chat.deleteScheduledMessage': (args) => {
      const ch = ws.channelOf(required(args, 'channel'));
      const id = str(args.scheduled_message_id);
      const s = ws.scheduled.find((x) => x.id === id && x.channel === ch.id);
      if (!s) throw new SlackError('invalid_scheduled_message_id');
      ws.scheduled = ws.scheduled.filter((x) => x !== s);
      return {};
    },

    'chat.scheduledMessages.list': (args) => {
      const ch = str(args.channel);
      return {
        scheduled_messages: ws.scheduled
          .filter((s) => !ch || s.channel === ch)
          .map((s) => ({ id: s.id, channel_id: s.channel, post_at: s.post_at, date_created: 0, text: s.text })),
        response_metadata: { next_cursor: '' },
      };
    },
  };
}
