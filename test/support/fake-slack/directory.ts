/** auth, users, conversations, usergroups and reactions methods. */
import type { Handler } from './chat.js';
import { channelJson, userJson } from './json.js';
import type { SlackJson } from './types.js';
import { bool, required, SlackError, str, type Channel, type Workspace } from './workspace.js';

const userList = (v: unknown) =>
  (str(v) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Private channels the bot is not in are invisible to it. */
const visible = (ch: Channel) => !(ch.isPrivate && !ch.isIm && !ch.botIsMember);

const LIST_TYPES = ['public_channel', 'private_channel', 'mpim', 'im'] as const;
const typeOf = (ch: Channel): (typeof LIST_TYPES)[number] =>
  ch.isIm ? 'im' : ch.isPrivate ? 'private_channel' : 'public_channel';
/** Opaque like Slack's (base64), holding the position of the next page. */
const cursorAt = (n: number) => Buffer.from(`dir:${n}`).toString('base64');
function positionOf(cursor: string | undefined): number {
  if (!cursor) return 0;
  const m = /^dir:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString());
  if (!m) throw new SlackError('invalid_cursor');
  return Number(m[1]);
}

/** Users one conversations.invite call may name. */
const INVITE_MAX = 100;

export function directoryMethods(ws: Workspace): Record<string, Handler> {
  /** A channel the bot manages: not a DM, not archived, the bot a member. */
  const managed = (id: string, o: { archived: string } = { archived: 'is_archived' }): Channel => {
    const ch = ws.channelOf(id);
    if (ch.isIm) throw new SlackError('method_not_supported_for_channel_type');
    if (ch.isArchived) throw new SlackError(o.archived);
    if (!ch.botIsMember) throw new SlackError(ch.isPrivate ? 'channel_not_found' : 'not_in_channel');
    return ch;
  };

  return {
    'api.test': (args) => ({ args }),
    'auth.test': () => ({
      url: 'https://fake.slack.test/',
      team: 'Fake Team',
      user: 'liftoff',
      team_id: ws.teamId,
      user_id: ws.botUserId,
      bot_id: ws.botId,
      is_enterprise_install: false,
    }),

    'users.info': (args) => ({ user: userJson(ws, ws.knownUser(required(args, 'user'))) }),

    // Slack matches the address without regard to case; a deleted account is still found (its user has deleted: true).
    'users.lookupByEmail': (args) => {
      const email = required(args, 'email').toLowerCase();
      const user = [...ws.users.values()].find((u) => u.email?.toLowerCase() === email);
      if (!user) throw new SlackError('users_not_found');
      return { user: userJson(ws, user) };
    },

    'conversations.info': (args) => {
      const ch = ws.channelOf(required(args, 'channel'));
      if (!visible(ch)) throw new SlackError('channel_not_found');
      return { channel: channelJson(ws, ch) };
    },

    'conversations.open': (args) => {
      const list = userList(args.users);
      if (list.length !== 1) throw new SlackError(list.length ? 'not_supported' : 'users_list_not_supplied');
      return { channel: { id: ws.dmFor(ws.knownUser(list[0]!).id).id } };
    },

    /** `types` (default public_channel), `exclude_archived`, `limit` (default 100, at most 1000), `cursor`; private channels only where the bot is a member. */
    'conversations.list': (args) => {
      const types = (str(args.types) || 'public_channel').split(',').map((t) => t.trim());
      if (types.some((t) => !(LIST_TYPES as readonly string[]).includes(t))) throw new SlackError('invalid_types');
      const limit = Number(str(args.limit) ?? 100);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new SlackError('invalid_limit');
      const all = [...ws.channels.values()].filter(
        (ch) => visible(ch) && types.includes(typeOf(ch)) && !(bool(args.exclude_archived) && ch.isArchived),
      );
      const from = positionOf(str(args.cursor));
      const page = all.slice(from, from + limit);
      return {
        channels: page.map((ch) => channelJson(ws, ch)),
        response_metadata: { next_cursor: from + limit < all.length ? cursorAt(from + limit) : '' },
      };
    },

    'conversations.join': (args) => {
      const ch = ws.channelOf(required(args, 'channel'));
      if (ch.isArchived) throw new SlackError('is_archived');
      if (ch.isIm) throw new SlackError('method_not_supported_for_channel_type');
      if (!visible(ch)) throw new SlackError('channel_not_found');
      const already = ch.botIsMember;
      ch.botIsMember = true;
      ch.members.add(ws.botUserId);
      return {
        channel: channelJson(ws, ch),
        ...(already ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } } : {}),
      };
    },

    'conversations.create': (args) => {
      const name = required(args, 'name');
      if (!/^[a-z0-9_-]{1,80}$/.test(name)) throw new SlackError('invalid_name_specials');
      if ([...ws.channels.values()].some((c) => c.name === name)) throw new SlackError('name_taken');
      const isPrivate = bool(args.is_private);
      const id = `${isPrivate ? 'G' : 'C'}${ws.seq()}`;
      const ch: Channel = {
        id,
        name,
        isPrivate,
        isArchived: false,
        botIsMember: true,
        isIm: false,
        members: new Set([ws.botUserId]),
        membersKnown: true,
        created: Math.floor(ws.now() / 1000),
        creator: ws.botUserId,
      };
      ws.channels.set(id, ch);
      return { channel: channelJson(ws, ch) };
    },

    'conversations.invite': (args) => {
      const ch = managed(required(args, 'channel'));
      const list = userList(args.users);
      if (!list.length) throw new SlackError('no_user');
      // The method docs: up to 100 users per call.
      if (list.length > INVITE_MAX) throw new SlackError('too_many_users');
      const errors: SlackJson[] = [];
      for (const id of list) {
        if (id === ws.botUserId) errors.push({ user: id, ok: false, error: 'cant_invite_self' });
        else if (!ws.users.has(id)) errors.push({ user: id, ok: false, error: 'user_not_found' });
        else if (ch.members.has(id)) errors.push({ user: id, ok: false, error: 'already_in_channel' });
      }
      if (errors.length && (list.length === 1 || !bool(args.force)))
        throw new SlackError(errors[0]!.error as string, list.length > 1 ? { errors } : {});
      for (const id of list) if (ws.users.has(id)) ch.members.add(id);
      return { channel: channelJson(ws, ch) };
    },

    'conversations.archive': (args) => {
      managed(required(args, 'channel'), { archived: 'already_archived' }).isArchived = true;
      return {};
    },

    'conversations.members': (args) => {
      const ch = ws.channelOf(required(args, 'channel'));
      if (!visible(ch)) throw new SlackError('channel_not_found');
      // Slack pages the list: `limit` (default 100, at most 1000) and an opaque `cursor`.
      const limit = args.limit === undefined ? 100 : Number(args.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new SlackError('invalid_limit');
      const from = args.cursor
        ? Number(
            Buffer.from(String(args.cursor), 'base64')
              .toString('utf8')
              .replace(/^member:/, ''),
          )
        : 0;
      if (!Number.isInteger(from) || from < 0) throw new SlackError('invalid_cursor');
      const all = [...ch.members];
      const next = from + limit < all.length ? Buffer.from(`member:${from + limit}`).toString('base64') : '';
      return { members: all.slice(from, from + limit), response_metadata: { next_cursor: next } };
    },

    'usergroups.users.list': (args) => {
      const g = ws.groups.get(required(args, 'usergroup'));
      if (!g) throw new SlackError('no_such_subteam');
      return { users: [...g.users] };
    },

    'usergroups.list': () => ({
      usergroups: [...ws.groups.values()].map((g) => ({
        id: g.id,
        team_id: ws.teamId,
        handle: g.handle,
        name: g.handle,
        is_usergroup: true,
        user_count: g.users.length,
        users: [...g.users],
      })),
    }),

    'reactions.add': (args) => {
      const ch = ws.postableChannel(required(args, 'channel'));
      const ts = str(args.timestamp);
      if (!ts || !ws.findMessage(ch.id, ts)) throw new SlackError('message_not_found');
      if (!str(args.name)) throw new SlackError('invalid_name');
      return {};
    },
  };
}
