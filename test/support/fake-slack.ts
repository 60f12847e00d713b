/**
 * A fake Slack Web API on 127.0.0.1, for end-to-end tests. Point @slack/web-api at it with
 * `slackApiUrl: fake.url`. It keeps the state a test asserts on (messages, threads, ephemerals, views)
 * and refuses what Slack refuses (Block Kit limits, expired trigger_ids, channels the bot cannot use).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { judgeMessage, judgeView } from './block-kit-rules.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = Record<string, any>;

export interface RecordedCall {
  method: string;
  /** Parsed arguments; `blocks`, `view`, `attachments`, `metadata` parsed from JSON strings. */
  args: J;
  /** The fake's clock (ms) when the call arrived. */
  at: number;
  /** What the fake answered (the JSON body). */
  response: J;
  /** HTTP status answered. */
  status: number;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  /** How many times chat.update (or a response_url replace) changed it. */
  updates: number;
  user: string;
  bot_id: string;
  reply_broadcast?: boolean;
  metadata?: unknown;
}

export interface FakeEphemeral {
  channel?: string;
  user?: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  /** `chat.postEphemeral`, a POST to a response_url, or the HTTP answer (ack body) to a slash command. */
  via: 'chat.postEphemeral' | 'response_url' | 'command_ack';
  replace_original?: boolean;
  delete_original?: boolean;
  response_type?: string;
  at: number;
}

export interface FakeView {
  id: string;
  hash: string;
  trigger_id?: string;
  user?: string;
  view: J;
  kind: 'modal' | 'home';
  /** The last operation on it. */
  op: 'open' | 'push' | 'update' | 'publish';
  updates: number;
  root_view_id?: string;
  previous_view_id?: string;
  /** Closed by an empty view_submission ack or `response_action: 'clear'`. */
  closed?: boolean;
  /** The last `response_action: 'errors'` shown on it. */
  errors?: Record<string, string>;
}

export interface FakeScheduled {
  id: string;
  channel: string;
  post_at: number;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
}

export type Fault = { status: 500 } | { status: 429; retryAfter: number } | { error: string } | { delayMs: number };

export interface FakeChannelOpts {
  name?: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  /** Default true. Public channels are postable either way (chat:write.public). */
  botIsMember?: boolean;
}

export interface FakeSlack {
  /** http://127.0.0.1:PORT/api/ (trailing slash) */
  url: string;
  botUserId: string;
  botId: string;
  teamId: string;
  calls: RecordedCall[];
  callsTo(method: string): RecordedCall[];
  messages(channel?: string): FakeMessage[];
  message(channel: string, ts: string): FakeMessage | undefined;
  /** Parent first, then replies in order. */
  thread(channel: string, threadTs: string): FakeMessage[];
  /** chat.postEphemeral and ephemeral response_url posts. */
  ephemerals(filter?: { channel?: string; user?: string }): FakeEphemeral[];
  views: FakeView[];
  lastView(): FakeView | undefined;
  /** Messages currently scheduled with chat.scheduleMessage. */
  scheduled(channel?: string): FakeScheduled[];
  warnings: string[];
  /** A trigger_id valid for 3 s by the fake's clock, usable once. */
  issueTriggerId(user?: string): string;
  /** A response_url served by the fake (5 uses within 30 min). `messageTs`: the message a replace_original replaces. */
  responseUrl(ctx?: { channel?: string; user?: string; messageTs?: string; threadTs?: string }): string;
  /**
   * What Slack does with the HTTP answer (ack body) to a slash command: text or JSON with
   * `response_type: 'ephemeral'` (default) becomes an ephemeral for the user, `in_channel` a message.
   * Called by slack-requests.ts after each command.
   */
  commandAnswered(ctx: { channel: string; user: string }, body: string): void;
  /**
   * What Slack does with the HTTP answer to a view_submission: empty closes the view, `response_action`
   * `errors` / `update` / `push` / `clear` act on the view stack. Called by slack-requests.ts.
   */
  viewAnswered(ctx: { viewId: string; user: string }, body: string): void;
  addChannel(id: string, opts?: FakeChannelOpts): void;
  addUser(id: string, opts?: { name?: string; tz?: string; isBot?: boolean; deleted?: boolean }): void;
  addUserGroup(id: string, handle: string, users: string[]): void;
  /** Polls (every 10 ms) until `probe` returns something truthy, then returns it; rejects after `timeoutMs` (default 2000). */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** For the next `times` calls of `method` (default 1). `method` may also be 'response_url'. */
  fail(method: string, fault: Fault, times?: number): void;
  /** Forgets calls, messages, ephemerals, views, scheduled messages, warnings, faults; keeps channels, users, groups. */
  reset(): void;
  stop(): Promise<void>;
}

export interface FakeSlackOptions {
  token?: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
  now?: () => number;
}

interface Channel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  botIsMember: boolean;
  isIm: boolean;
  imUser?: string;
  members: Set<string>;
  created: number;
}
interface User {
  id: string;
  name: string;
  tz: string;
  isBot: boolean;
  deleted: boolean;
}
interface ResponseUrl {
  id: string;
  channel?: string;
  user?: string;
  messageTs?: string;
  threadTs?: string;
  issued: number;
  uses: number;
}

class SlackError extends Error {
  constructor(
    readonly error: string,
    readonly extra: J = {},
  ) {
    super(error);
  }
}

const TRIGGER_TTL_MS = 3_000;
const RESPONSE_URL_TTL_MS = 30 * 60_000;
const RESPONSE_URL_USES = 5;
const SCHEDULE_MAX_S = 120 * 24 * 3600;
const VIEW_STACK_MAX = 3;
const JSON_ARGS = ['blocks', 'view', 'attachments', 'metadata'];

function tzOffset(tz: string, at: number): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(at));
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 1000);
  } catch {
    return 0;
  }
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const token = opts.token ?? 'xoxb-test-token';
  const botUserId = opts.botUserId ?? 'UBOTLIFTOFF';
  const botId = opts.botId ?? 'BBOTLIFTOFF';
  const teamId = opts.teamId ?? 'TFAKETEAM';
  const appId = 'AFAKEAPP';
  const now = opts.now ?? (() => Date.now());

  const channels = new Map<string, Channel>();
  const users = new Map<string, User>();
  const groups = new Map<string, { id: string; handle: string; users: string[] }>();

  let calls: RecordedCall[] = [];
  let messages: FakeMessage[] = [];
  let ephemerals: FakeEphemeral[] = [];
  let views: FakeView[] = [];
  let lastViewId: string | undefined;
  let scheduled: FakeScheduled[] = [];
  let warnings: string[] = [];
  let faults = new Map<string, Array<{ fault: Fault; left: number }>>();
  let triggers = new Map<string, { issued: number; user?: string; used: boolean }>();
  let responseUrls = new Map<string, ResponseUrl>();
  let lastTsMicros = 0;
  let counter = 0;

  const seq = () => (++counter).toString(36).toUpperCase().padStart(8, '0');
  const nextTs = () => {
    const micros = Math.max(lastTsMicros + 100, Math.floor(now()) * 1000);
    lastTsMicros = micros;
    const s = Math.floor(micros / 1_000_000);
    return `${s}.${String(micros % 1_000_000).padStart(6, '0')}`;
  };
  const newHash = () => `${Math.floor(now() / 1000)}.${randomBytes(4).toString('hex')}`;

  // ---------- helpers ----------
  const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
  const req = (args: J, key: string): string => {
    const v = str(args[key]);
    if (v === undefined || v === '') throw new SlackError(key === 'channel' ? 'channel_not_found' : 'invalid_arguments', { response_metadata: { messages: [`[ERROR] missing required field: ${key}`] } });
    return v;
  };
  const bool = (v: unknown) => v === true || v === 'true' || v === '1' || v === 1;

  const dmFor = (userId: string): Channel => {
    const existing = [...channels.values()].find((c) => c.isIm && c.imUser === userId);
    if (existing) return existing;
    const id = `D${userId.replace(/^[UW]/, '')}`;
    const ch: Channel = { id, name: userId, isPrivate: true, isArchived: false, botIsMember: true, isIm: true, imUser: userId, members: new Set([userId, botUserId]), created: Math.floor(now() / 1000) };
    channels.set(id, ch);
    return ch;
  };

  /** Resolves a channel argument (a channel id, or a user id for a DM). */
  const channelOf = (id: string): Channel => {
    const ch = channels.get(id);
    if (ch) return ch;
    // Slack also accepts a channel name (with or without #).
    const byName = [...channels.values()].find((c) => !c.isIm && c.name === id.replace(/^#/, ''));
    if (byName) return byName;
    if (/^[UW]/.test(id)) {
      const u = users.get(id);
      if (u && !u.deleted) return dmFor(id);
    }
    throw new SlackError('channel_not_found');
  };

  // Slack says not_in_channel when a private channel is known to the app but the bot is not a member.
  const postableChannel = (id: string): Channel => {
    const ch = channelOf(id);
    if (ch.isArchived) throw new SlackError('is_archived');
    if (ch.isPrivate && !ch.isIm && !ch.botIsMember) throw new SlackError('not_in_channel');
    return ch;
  };

  const checkMessage = (method: string, blocks: unknown, text: unknown) => {
    const t = typeof text === 'string' ? text : undefined;
    const verdict = judgeMessage(blocks, t);
    if (verdict) throw new SlackError(verdict.error, { response_metadata: { messages: verdict.messages } });
    if (Array.isArray(blocks) && blocks.length > 0 && (t === undefined || t.trim() === ''))
      warnings.push(`${method}: blocks without top-level text (notifications and screen readers need a fallback text)`);
    if (t === undefined && (!Array.isArray(blocks) || blocks.length === 0)) throw new SlackError('no_text');
  };
  const checkView = (view: unknown) => {
    if (!view || typeof view !== 'object') throw new SlackError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view [json-pointer:/view]'] } });
    const verdict = judgeView(view);
    if (verdict) throw new SlackError(verdict.error, { response_metadata: { messages: verdict.messages } });
  };

  const findMessage = (channel: string, ts: string) => messages.find((m) => m.channel === channel && m.ts === ts);
  const messageJson = (m: FakeMessage): J => ({
    type: 'message',
    text: m.text,
    user: m.user,
    bot_id: m.bot_id,
    app_id: appId,
    team: teamId,
    ts: m.ts,
    ...(m.thread_ts ? { thread_ts: m.thread_ts, parent_user_id: findMessage(m.channel, m.thread_ts)?.user } : {}),
    ...(m.blocks.length ? { blocks: m.blocks } : {}),
    ...(m.metadata ? { metadata: m.metadata } : {}),
    bot_profile: { id: botId, app_id: appId, name: 'Liftoff', team_id: teamId, deleted: false },
  });

  const channelJson = (c: Channel): J => ({
    id: c.id,
    name: c.isIm ? undefined : c.name,
    name_normalized: c.isIm ? undefined : c.name,
    is_channel: !c.isIm && !c.isPrivate,
    is_group: !c.isIm && c.isPrivate,
    is_im: c.isIm,
    is_mpim: false,
    is_private: c.isPrivate,
    is_archived: c.isArchived,
    is_general: false,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_member: c.botIsMember,
    created: c.created,
    creator: 'UCREATOR',
    context_team_id: teamId,
    ...(c.isIm ? { user: c.imUser } : {}),
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
  });

  const userJson = (u: User): J => {
    const off = tzOffset(u.tz, now());
    return {
      id: u.id,
      team_id: teamId,
      name: u.name,
      deleted: u.deleted,
      real_name: u.name,
      tz: u.tz,
      tz_label: u.tz,
      tz_offset: off,
      is_admin: false,
      is_owner: false,
      is_bot: u.isBot,
      is_app_user: false,
      profile: { real_name: u.name, display_name: u.name, real_name_normalized: u.name, display_name_normalized: u.name, team: teamId },
    };
  };

  const viewJson = (v: FakeView): J => ({
    id: v.id,
    team_id: teamId,
    type: v.kind,
    blocks: [],
    private_metadata: '',
    callback_id: '',
    external_id: '',
    state: { values: {} },
    hash: v.hash,
    clear_on_close: false,
    notify_on_close: false,
    ...v.view,
    root_view_id: v.root_view_id ?? v.id,
    previous_view_id: v.previous_view_id ?? null,
    app_id: appId,
    app_installed_team_id: teamId,
    bot_id: botId,
  });

  const useTrigger = (id: string | undefined): { user?: string } => {
    if (!id) throw new SlackError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } });
    const t = triggers.get(id);
    if (!t || now() - t.issued > TRIGGER_TTL_MS) throw new SlackError('expired_trigger_id');
    if (t.used) throw new SlackError('exchanged_trigger_id');
    t.used = true;
    return t.user ? { user: t.user } : {};
  };

  const findView = (args: J): FakeView => {
    const id = str(args.view_id);
    const ext = str(args.external_id);
    const v = id ? views.find((x) => x.id === id) : ext ? views.find((x) => x.view.external_id === ext) : undefined;
    if (!v || v.closed) throw new SlackError('not_found');
    return v;
  };

  const knownUser = (id: string): User => {
    const u = users.get(id);
    if (!u) throw new SlackError('user_not_found');
    return u;
  };

  const blocksArg = (args: J): unknown[] | undefined => {
    if (args.blocks === undefined || args.blocks === null || args.blocks === '') return undefined;
    return args.blocks as unknown[];
  };

  // ---------- methods ----------
  const methods: Record<string, (args: J) => J> = {
    'api.test': (args) => ({ args }),
    'auth.test': () => ({
      url: 'https://fake.slack.test/',
      team: 'Fake Team',
      user: 'liftoff',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),

    'chat.postMessage': (args) => {
      const ch = postableChannel(req(args, 'channel'));
      const blocks = blocksArg(args);
      checkMessage('chat.postMessage', blocks, args.text);
      const threadTs = str(args.thread_ts) || undefined;
      if (threadTs && !findMessage(ch.id, threadTs)) warnings.push(`chat.postMessage: thread_ts ${threadTs} is not a message in ${ch.id}`);
      const m: FakeMessage = {
        channel: ch.id,
        ts: nextTs(),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text: str(args.text) ?? '',
        blocks: blocks ?? [],
        updates: 0,
        user: botUserId,
        bot_id: botId,
        ...(bool(args.reply_broadcast) ? { reply_broadcast: true } : {}),
        ...(args.metadata ? { metadata: args.metadata } : {}),
      };
      messages.push(m);
      return { channel: ch.id, ts: m.ts, message: messageJson(m) };
    },

    'chat.update': (args) => {
      const ch = channelOf(req(args, 'channel'));
      const ts = req(args, 'ts');
      const m = findMessage(ch.id, ts);
      if (!m) throw new SlackError('message_not_found');
      if (ch.isArchived) throw new SlackError('is_archived');
      if (m.user !== botUserId) throw new SlackError('cant_update_message');
      const blocks = blocksArg(args);
      const text = str(args.text);
      if (text === undefined && blocks === undefined && args.attachments === undefined) throw new SlackError('no_text');
      checkMessage('chat.update', blocks ?? m.blocks, text ?? m.text);
      if (text !== undefined) m.text = text;
      if (blocks !== undefined) m.blocks = blocks;
      if (args.metadata) m.metadata = args.metadata;
      m.updates++;
      return { channel: ch.id, ts: m.ts, text: m.text, message: messageJson(m) };
    },

    'chat.delete': (args) => {
      const ch = channelOf(req(args, 'channel'));
      const ts = req(args, 'ts');
      const m = findMessage(ch.id, ts);
      if (!m) throw new SlackError('message_not_found');
      if (m.user !== botUserId) throw new SlackError('cant_delete_message');
      messages = messages.filter((x) => x !== m);
      return { channel: ch.id, ts };
    },

    'chat.postEphemeral': (args) => {
      const ch = postableChannel(req(args, 'channel'));
      const user = str(args.user);
      if (!user) throw new SlackError('user_not_found');
      knownUser(user);
      if (ch.isIm && ch.imUser !== user) throw new SlackError('user_not_in_channel');
      const blocks = blocksArg(args);
      checkMessage('chat.postEphemeral', blocks, args.text);
      const threadTs = str(args.thread_ts) || undefined;
      ephemerals.push({
        channel: ch.id,
        user,
        text: str(args.text) ?? '',
        ...(blocks ? { blocks } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        via: 'chat.postEphemeral',
        at: now(),
      });
      return { message_ts: nextTs() };
    },

    'chat.getPermalink': (args) => {
      const ch = channelOf(req(args, 'channel'));
      const ts = str(args.message_ts);
      const m = ts ? findMessage(ch.id, ts) : undefined;
      if (!ts || !m) throw new SlackError('message_not_found');
      let permalink = `https://fake.slack.test/archives/${ch.id}/p${m.ts.replace('.', '')}`;
      if (m.thread_ts && m.thread_ts !== m.ts) permalink += `?thread_ts=${m.thread_ts}&cid=${ch.id}`;
      return { channel: ch.id, permalink };
    },

    'chat.scheduleMessage': (args) => {
      const ch = postableChannel(req(args, 'channel'));
      const postAt = Number(args.post_at);
      if (!Number.isFinite(postAt)) throw new SlackError('invalid_time');
      const nowS = now() / 1000;
      if (postAt <= nowS) throw new SlackError('time_in_past');
      if (postAt > nowS + SCHEDULE_MAX_S) throw new SlackError('time_too_far');
      const blocks = blocksArg(args);
      checkMessage('chat.scheduleMessage', blocks, args.text);
      const recent = calls.filter((c) => c.method === 'chat.scheduleMessage' && c.response.ok && c.response.channel === ch.id && now() - c.at < 5 * 60_000);
      if (recent.length >= 30) throw new SlackError('restricted_too_many');
      const threadTs = str(args.thread_ts) || undefined;
      const s: FakeScheduled = { id: `Q${seq()}`, channel: ch.id, post_at: Math.floor(postAt), text: str(args.text) ?? '', blocks: blocks ?? [], ...(threadTs ? { thread_ts: threadTs } : {}) };
      scheduled.push(s);
      return {
        channel: ch.id,
        scheduled_message_id: s.id,
        post_at: s.post_at,
        message: { type: 'delayed_message', text: s.text, bot_id: botId, user: botUserId, team: teamId, ...(s.blocks.length ? { blocks: s.blocks } : {}) },
      };
    },

    'chat.deleteScheduledMessage': (args) => {
      const ch = channelOf(req(args, 'channel'));
      const id = str(args.scheduled_message_id);
      const s = scheduled.find((x) => x.id === id && x.channel === ch.id);
      if (!s) throw new SlackError('invalid_scheduled_message_id');
      scheduled = scheduled.filter((x) => x !== s);
      return {};
    },

    'chat.scheduledMessages.list': (args) => {
      const ch = str(args.channel);
      return {
        scheduled_messages: scheduled.filter((s) => !ch || s.channel === ch).map((s) => ({ id: s.id, channel_id: s.channel, post_at: s.post_at, date_created: 0, text: s.text })),
        response_metadata: { next_cursor: '' },
      };
    },

    'views.open': (args) => {
      const view = args.view;
      checkView(view);
      const trigger = str(args.trigger_id);
      const t = useTrigger(trigger);
      if ((view as J).type !== 'modal') throw new SlackError('invalid_arguments', { response_metadata: { messages: ['[ERROR] views.open needs a modal [json-pointer:/view/type]'] } });
      const v: FakeView = { id: `V${seq()}`, hash: newHash(), ...(trigger ? { trigger_id: trigger } : {}), ...t, view: view as J, kind: 'modal', op: 'open', updates: 0 };
      views.push(v);
      lastViewId = v.id;
      return { view: viewJson(v) };
    },

    'views.push': (args) => {
      const view = args.view;
      checkView(view);
      const trigger = str(args.trigger_id);
      const t = useTrigger(trigger);
      // The stack is the most recent modal opened for the same user and its pushes.
      const root = [...views].reverse().find((x) => x.kind === 'modal' && !x.closed && !x.root_view_id && (!t.user || x.user === t.user));
      const stack = root ? views.filter((x) => x.root_view_id === root.id || x.id === root.id) : [];
      if (stack.length >= VIEW_STACK_MAX) throw new SlackError('push_limit_reached');
      const prev = stack.at(-1);
      const v: FakeView = {
        id: `V${seq()}`,
        hash: newHash(),
        ...(trigger ? { trigger_id: trigger } : {}),
        ...t,
        view: view as J,
        kind: 'modal',
        op: 'push',
        updates: 0,
        ...(root ? { root_view_id: root.id } : {}),
        ...(prev ? { previous_view_id: prev.id } : {}),
      };
      views.push(v);
      lastViewId = v.id;
      return { view: viewJson(v) };
    },

    'views.update': (args) => {
      const view = args.view;
      if (!args.view_id && !args.external_id) throw new SlackError('invalid_arguments', { response_metadata: { messages: ['[ERROR] view_id or external_id is required'] } });
      const v = findView(args);
      checkView(view);
      const hash = str(args.hash);
      if (hash && hash !== v.hash) throw new SlackError('hash_conflict');
      v.view = view as J;
      v.hash = newHash();
      v.op = 'update';
      v.updates++;
      lastViewId = v.id;
      return { view: viewJson(v) };
    },

    'views.publish': (args) => {
      const userId = req(args, 'user_id');
      knownUser(userId);
      const view = args.view;
      checkView(view);
      if ((view as J).type !== 'home') throw new SlackError('invalid_arguments', { response_metadata: { messages: ['[ERROR] views.publish needs a home view [json-pointer:/view/type]'] } });
      const existing = views.find((x) => x.kind === 'home' && x.user === userId);
      const hash = str(args.hash);
      if (existing && hash && hash !== existing.hash) throw new SlackError('hash_conflict');
      if (existing) {
        existing.view = view as J;
        existing.hash = newHash();
        existing.op = 'publish';
        existing.updates++;
        lastViewId = existing.id;
        return { view: viewJson(existing) };
      }
      const v: FakeView = { id: `V${seq()}`, hash: newHash(), user: userId, view: view as J, kind: 'home', op: 'publish', updates: 0 };
      views.push(v);
      lastViewId = v.id;
      return { view: viewJson(v) };
    },

    'users.info': (args) => {
      const u = knownUser(req(args, 'user'));
      return { user: userJson(u) };
    },

    'conversations.info': (args) => {
      const ch = channelOf(req(args, 'channel'));
      if (ch.isPrivate && !ch.isIm && !ch.botIsMember) throw new SlackError('channel_not_found');
      return { channel: channelJson(ch) };
    },

    'conversations.open': (args) => {
      const list = (str(args.users) ?? '').split(',').filter(Boolean);
      if (list.length !== 1) throw new SlackError(list.length ? 'not_supported' : 'users_list_not_supplied');
      const u = knownUser(list[0]!);
      const ch = dmFor(u.id);
      return { channel: { id: ch.id } };
    },

    'conversations.join': (args) => {
      const ch = channelOf(req(args, 'channel'));
      if (ch.isArchived) throw new SlackError('is_archived');
      if (ch.isIm || (ch.isPrivate && !ch.botIsMember)) throw new SlackError(ch.isIm ? 'method_not_supported_for_channel_type' : 'channel_not_found');
      const already = ch.botIsMember;
      ch.botIsMember = true;
      ch.members.add(botUserId);
      return { channel: channelJson(ch), ...(already ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } } : {}) };
    },

    'conversations.create': (args) => {
      const name = req(args, 'name');
      if (!/^[a-z0-9_-]{1,80}$/.test(name)) throw new SlackError('invalid_name_specials');
      if ([...channels.values()].some((c) => c.name === name)) throw new SlackError('name_taken');
      const isPrivate = bool(args.is_private);
      const id = `${isPrivate ? 'G' : 'C'}${seq()}`;
      const ch: Channel = { id, name, isPrivate, isArchived: false, botIsMember: true, isIm: false, members: new Set([botUserId]), created: Math.floor(now() / 1000) };
      channels.set(id, ch);
      return { channel: channelJson(ch) };
    },

    'conversations.invite': (args) => {
      const ch = channelOf(req(args, 'channel'));
      if (ch.isIm) throw new SlackError('method_not_supported_for_channel_type');
      if (ch.isArchived) throw new SlackError('is_archived');
      if (!ch.botIsMember) throw new SlackError(ch.isPrivate ? 'channel_not_found' : 'not_in_channel');
      const list = (str(args.users) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (!list.length) throw new SlackError('no_user');
      const errors: J[] = [];
      for (const id of list) {
        if (id === botUserId) errors.push({ user: id, ok: false, error: 'cant_invite_self' });
        else if (!users.has(id)) errors.push({ user: id, ok: false, error: 'user_not_found' });
        else if (ch.members.has(id)) errors.push({ user: id, ok: false, error: 'already_in_channel' });
      }
      if (errors.length && (list.length === 1 || !bool(args.force))) throw new SlackError(errors[0]!.error, list.length > 1 ? { errors } : {});
      for (const id of list) if (users.has(id)) ch.members.add(id);
      return { channel: channelJson(ch) };
    },

    'conversations.archive': (args) => {
      const ch = channelOf(req(args, 'channel'));
      if (ch.isIm) throw new SlackError('method_not_supported_for_channel_type');
      if (ch.isArchived) throw new SlackError('already_archived');
      if (!ch.botIsMember) throw new SlackError(ch.isPrivate ? 'channel_not_found' : 'not_in_channel');
      ch.isArchived = true;
      return {};
    },

    'conversations.members': (args) => {
      const ch = channelOf(req(args, 'channel'));
      if (ch.isPrivate && !ch.isIm && !ch.botIsMember) throw new SlackError('channel_not_found');
      return { members: [...ch.members], response_metadata: { next_cursor: '' } };
    },

    'usergroups.users.list': (args) => {
      const g = groups.get(req(args, 'usergroup'));
      if (!g) throw new SlackError('no_such_subteam');
      return { users: [...g.users] };
    },

    'usergroups.list': () => ({
      usergroups: [...groups.values()].map((g) => ({ id: g.id, team_id: teamId, handle: g.handle, name: g.handle, is_usergroup: true, user_count: g.users.length, users: [...g.users] })),
    }),

    'reactions.add': (args) => {
      const ch = postableChannel(req(args, 'channel'));
      const ts = str(args.timestamp);
      if (!ts || !findMessage(ch.id, ts)) throw new SlackError('message_not_found');
      if (!str(args.name)) throw new SlackError('invalid_name');
      return {};
    },
  };

  // ---------- HTTP ----------
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const parseArgs = (raw: string, contentType: string, query: URLSearchParams): J => {
    const args: J = {};
    for (const [k, v] of query) args[k] = v;
    if (raw) {
      if (contentType.includes('application/json')) {
        try {
          Object.assign(args, JSON.parse(raw) as J);
        } catch {
          args.__invalid_json = true;
        }
      } else {
        for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
      }
    }
    for (const k of JSON_ARGS) {
      const v = args[k];
      if (typeof v === 'string' && v !== '') {
        try {
          args[k] = JSON.parse(v);
        } catch {
          args[`__invalid_${k}`] = true;
        }
      }
    }
    return args;
  };

  const send = (res: ServerResponse, status: number, body: J, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const takeFault = (method: string): Fault | undefined => {
    const q = faults.get(method);
    const f = q?.[0];
    if (!q || !f) return undefined;
    f.left--;
    if (f.left <= 0) q.shift();
    return f.fault;
  };

  /** Applies an injected fault; returns true when it answered already. */
  const applyFault = async (method: string, res: ServerResponse, record: (status: number, body: J) => void): Promise<boolean> => {
    const fault = takeFault(method);
    if (!fault) return false;
    if ('delayMs' in fault) {
      await new Promise((r) => setTimeout(r, fault.delayMs));
      return false;
    }
    if ('error' in fault) {
      const body = { ok: false, error: fault.error };
      record(200, body);
      send(res, 200, body);
      return true;
    }
    if (fault.status === 429) {
      const body = { ok: false, error: 'ratelimited' };
      record(429, body);
      send(res, 429, body, { 'retry-after': String(fault.retryAfter) });
      return true;
    }
    const body = { ok: false, error: 'internal_error' };
    record(500, body);
    send(res, 500, body);
    return true;
  };

  const handleApi = async (method: string, args: J, authHeader: string | undefined, res: ServerResponse) => {
    const call: RecordedCall = { method, args, at: now(), response: {}, status: 200 };
    calls.push(call);
    const record = (status: number, body: J) => {
      call.status = status;
      call.response = body;
    };
    if (await applyFault(method, res, record)) return;
    let body: J;
    const handler = methods[method];
    if (!handler) {
      body = { ok: false, error: 'unknown_method', req_method: method };
    } else {
      const bearer = authHeader?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
      const given = bearer ?? (typeof args.token === 'string' ? args.token : undefined);
      if (!given) body = { ok: false, error: 'not_authed' };
      else if (given !== token) body = { ok: false, error: 'invalid_auth' };
      else if (args.__invalid_json) body = { ok: false, error: 'invalid_json' };
      else if (args.__invalid_blocks) body = { ok: false, error: 'invalid_blocks_format' };
      else if (args.__invalid_view) body = { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] view is not valid JSON [json-pointer:/view]'] } };
      else {
        try {
          body = { ok: true, ...handler(args) };
        } catch (e) {
          if (e instanceof SlackError) body = { ok: false, error: e.error, ...e.extra };
          else body = { ok: false, error: 'fatal_error', detail: String(e) };
        }
      }
    }
    if (body.ok) {
      body.response_metadata ??= {};
      // Real responses carry the scopes; harmless here.
    }
    record(200, body);
    send(res, 200, body);
  };

  const handleResponseUrl = async (id: string, args: J, res: ServerResponse) => {
    const call: RecordedCall = { method: 'response_url', args: { ...args, response_url_id: id }, at: now(), response: {}, status: 200 };
    calls.push(call);
    const record = (status: number, body: J) => {
      call.status = status;
      call.response = body;
    };
    if (await applyFault('response_url', res, record)) return;
    const answer = (status: number, body: J) => {
      record(status, body);
      send(res, status, body);
    };
    const r = responseUrls.get(id);
    if (!r) return answer(404, { ok: false, error: 'expired_url' });
    if (now() - r.issued > RESPONSE_URL_TTL_MS) return answer(404, { ok: false, error: 'expired_url' });
    if (r.uses >= RESPONSE_URL_USES) return answer(404, { ok: false, error: 'used_url' });
    if (args.__invalid_json) return answer(400, { ok: false, error: 'invalid_payload' });
    r.uses++;
    const blocks = blocksArg(args);
    const replace = bool(args.replace_original);
    const del = bool(args.delete_original);
    if (!del) {
      const verdict = judgeMessage(blocks, typeof args.text === 'string' ? args.text : undefined);
      if (verdict) return answer(400, { ok: false, error: verdict.error, response_metadata: { messages: verdict.messages } });
      if (Array.isArray(blocks) && blocks.length > 0 && !(typeof args.text === 'string' && args.text.trim()))
        warnings.push('response_url: blocks without top-level text (notifications and screen readers need a fallback text)');
      if (typeof args.text !== 'string' && !blocks?.length && !replace) return answer(400, { ok: false, error: 'no_text' });
    }
    const original = r.channel && r.messageTs ? findMessage(r.channel, r.messageTs) : undefined;
    if (original && del) {
      messages = messages.filter((m) => m !== original);
      return answer(200, { ok: true });
    }
    if (original && replace) {
      if (typeof args.text === 'string') original.text = args.text;
      if (blocks !== undefined) original.blocks = blocks;
      original.updates++;
      return answer(200, { ok: true });
    }
    if (args.response_type === 'in_channel' && !replace && !del && r.channel) {
      const ch = channels.get(r.channel);
      if (ch?.isArchived) return answer(200, { ok: false, error: 'is_archived' });
      const threadTs = str(args.thread_ts) || undefined;
      messages.push({
        channel: r.channel,
        ts: nextTs(),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text: str(args.text) ?? '',
        blocks: blocks ?? [],
        updates: 0,
        user: botUserId,
        bot_id: botId,
      });
      return answer(200, { ok: true });
    }
    const threadTs = str(args.thread_ts) || r.threadTs;
    ephemerals.push({
      ...(r.channel ? { channel: r.channel } : {}),
      ...(r.user ? { user: r.user } : {}),
      text: str(args.text) ?? '',
      ...(blocks ? { blocks } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      via: 'response_url',
      ...(replace ? { replace_original: true } : {}),
      ...(del ? { delete_original: true } : {}),
      ...(typeof args.response_type === 'string' ? { response_type: args.response_type } : {}),
      at: now(),
    });
    return answer(200, { ok: true });
  };

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const u = new URL(req.url ?? '/', 'http://127.0.0.1');
        const raw = await readBody(req);
        const args = parseArgs(raw, String(req.headers['content-type'] ?? ''), u.searchParams);
        const api = u.pathname.match(/^\/api\/([A-Za-z0-9_.]+)\/?$/);
        if (api) return await handleApi(api[1]!, args, req.headers.authorization, res);
        const ru = u.pathname.match(/^\/response\/([A-Za-z0-9_-]+)\/?$/);
        if (ru && req.method === 'POST') {
          // response_url bodies are JSON whatever the content type says.
          const body = raw && !String(req.headers['content-type'] ?? '').includes('json') ? parseArgs(raw, 'application/json', new URLSearchParams()) : args;
          return await handleResponseUrl(ru[1]!, body, res);
        }
        send(res, 404, { ok: false, error: 'not_found' });
      } catch (e) {
        send(res, 500, { ok: false, error: 'fake_slack_crashed', detail: String(e) });
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;

  const fake: FakeSlack = {
    url: `${base}/api/`,
    botUserId,
    botId,
    teamId,
    get calls() {
      return calls;
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages: (channel) => messages.filter((m) => channel === undefined || m.channel === channel),
    message: (channel, ts) => findMessage(channel, ts),
    thread: (channel, threadTs) => {
      const parent = findMessage(channel, threadTs);
      const replies = messages.filter((m) => m.channel === channel && m.thread_ts === threadTs && m.ts !== threadTs);
      return parent ? [parent, ...replies] : replies;
    },
    ephemerals: (filter = {}) =>
      ephemerals.filter((e) => (filter.channel === undefined || e.channel === filter.channel) && (filter.user === undefined || e.user === filter.user)),
    get views() {
      return views;
    },
    lastView: () => views.find((v) => v.id === lastViewId),
    scheduled: (channel) => scheduled.filter((s) => channel === undefined || s.channel === channel),
    get warnings() {
      return warnings;
    },
    issueTriggerId(user) {
      const id = `${Math.floor(now() / 1000)}.${counter + 1}.${randomBytes(8).toString('hex')}`;
      seq();
      triggers.set(id, { issued: now(), ...(user ? { user } : {}), used: false });
      return id;
    },
    responseUrl(ctx = {}) {
      const id = `R${seq()}${randomBytes(6).toString('hex')}`;
      responseUrls.set(id, { id, ...ctx, issued: now(), uses: 0 });
      return `${base}/response/${id}`;
    },
    async waitFor(probe, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = probe();
        if (v) return v;
        if (Date.now() > deadline) throw new Error(`fake Slack: waitFor timed out after ${timeoutMs} ms; last calls: ${calls.slice(-5).map((c) => `${c.method}→${c.response.ok === false ? c.response.error : c.status}`).join(', ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    commandAnswered(ctx, body) {
      if (!body.trim()) return;
      let a: J;
      try {
        const parsed: unknown = JSON.parse(body);
        a = parsed && typeof parsed === 'object' ? (parsed as J) : { text: body };
      } catch {
        a = { text: body };
      }
      const blocks = Array.isArray(a.blocks) ? (a.blocks as unknown[]) : undefined;
      const verdict = judgeMessage(blocks, typeof a.text === 'string' ? a.text : undefined);
      if (verdict) {
        warnings.push(`slash command answer refused by Slack (${verdict.error}): ${verdict.messages.join('; ')}`);
        return;
      }
      if (blocks?.length && !(typeof a.text === 'string' && a.text.trim())) warnings.push('slash command answer: blocks without top-level text');
      if (a.response_type === 'in_channel') {
        messages.push({ channel: ctx.channel, ts: nextTs(), text: str(a.text) ?? '', blocks: blocks ?? [], updates: 0, user: botUserId, bot_id: botId });
        return;
      }
      ephemerals.push({ channel: ctx.channel, user: ctx.user, text: str(a.text) ?? '', ...(blocks ? { blocks } : {}), via: 'command_ack', at: now() });
    },
    viewAnswered(ctx, body) {
      const v = views.find((x) => x.id === ctx.viewId);
      let a: J = {};
      if (body.trim()) {
        try {
          a = JSON.parse(body) as J;
        } catch {
          warnings.push(`view_submission answer is not JSON: ${body.slice(0, 200)}`);
          return;
        }
      }
      const action = a.response_action as string | undefined;
      const stackOf = (x: FakeView) => views.filter((y) => y.id === (x.root_view_id ?? x.id) || y.root_view_id === (x.root_view_id ?? x.id));
      if (!action) {
        if (v) v.closed = true;
        return;
      }
      if (action === 'errors') {
        const errors = (a.errors ?? {}) as Record<string, string>;
        const inputs = new Set(
          ((v?.view.blocks ?? []) as J[]).filter((b) => b?.type === 'input' && typeof b.block_id === 'string').map((b) => b.block_id as string),
        );
        for (const [k, msg] of Object.entries(errors)) {
          if (v && !inputs.has(k)) warnings.push(`view_submission errors: ${JSON.stringify(k)} is not the block_id of an input block in view ${v.id} (Slack refuses the answer)`);
          if (typeof msg !== 'string' || msg.length === 0) warnings.push(`view_submission errors: empty message for ${JSON.stringify(k)}`);
        }
        if (v) v.errors = errors;
        return;
      }
      if (action === 'update' || action === 'push') {
        const verdict = judgeView(a.view);
        if (verdict) {
          warnings.push(`view_submission ${action} refused by Slack (${verdict.error}): ${verdict.messages.join('; ')}`);
          return;
        }
        if (action === 'update' && v) {
          v.view = a.view as J;
          v.hash = newHash();
          v.op = 'update';
          v.updates++;
          delete v.errors;
          lastViewId = v.id;
          return;
        }
        const root = v ? (v.root_view_id ?? v.id) : undefined;
        if (v && stackOf(v).length >= VIEW_STACK_MAX) {
          warnings.push('view_submission push refused by Slack: push_limit_reached');
          return;
        }
        const nv: FakeView = { id: `V${seq()}`, hash: newHash(), user: ctx.user, view: a.view as J, kind: 'modal', op: 'push', updates: 0, ...(root ? { root_view_id: root } : {}), ...(v ? { previous_view_id: v.id } : {}) };
        views.push(nv);
        lastViewId = nv.id;
        return;
      }
      if (action === 'clear') {
        if (v) for (const x of stackOf(v)) x.closed = true;
        return;
      }
      warnings.push(`view_submission answer with unknown response_action ${JSON.stringify(action)}`);
    },
    addChannel(id, o = {}) {
      const isIm = id.startsWith('D');
      channels.set(id, {
        id,
        name: o.name ?? id.toLowerCase(),
        isPrivate: isIm || (o.isPrivate ?? false),
        isArchived: o.isArchived ?? false,
        botIsMember: o.botIsMember ?? true,
        isIm,
        members: new Set(o.botIsMember === false ? [] : [botUserId]),
        created: Math.floor(now() / 1000),
      });
    },
    addUser(id, o = {}) {
      users.set(id, { id, name: o.name ?? id.toLowerCase(), tz: o.tz ?? 'UTC', isBot: o.isBot ?? false, deleted: o.deleted ?? false });
    },
    addUserGroup(id, handle, list) {
      groups.set(id, { id, handle, users: [...list] });
    },
    fail(method, fault, times = 1) {
      const q = faults.get(method) ?? [];
      q.push({ fault, left: times });
      faults.set(method, q);
    },
    reset() {
      calls = [];
      messages = [];
      ephemerals = [];
      views = [];
      lastViewId = undefined;
      scheduled = [];
      warnings = [];
      faults = new Map();
      triggers = new Map();
      responseUrls = new Map();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  // The bot itself is a user Slack knows.
  users.set(botUserId, { id: botUserId, name: 'liftoff', tz: 'UTC', isBot: true, deleted: false });
  return fake;
}
