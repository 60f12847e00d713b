/**
 * The fake's state (channels, people, messages, views...) and the rules every method shares:
 * which channel an argument names, whether the bot may post there, what a message or view may hold.
 */
import { randomBytes } from 'node:crypto';
import { judgeMessage, judgeView } from '../block-kit-rules.js';
import type { createRateLimiter } from './limits.js';
import type {
  Fault,
  FakeEphemeral,
  FakeMessage,
  FakeResponse,
  FakeScheduled,
  FakeView,
  RecordedCall,
  SlackJson,
} from './types.js';

/** A refusal, answered as HTTP 200 `{ ok: false, error, ...extra }`. */
export class SlackError extends Error {
  constructor(
    readonly error: string,
    readonly extra: SlackJson = {},
  ) {
    super(error);
  }
}

export const invalidArguments = (message: string) =>
  new SlackError('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${message}`] } });

export interface Channel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  botIsMember: boolean;
  isIm: boolean;
  imUser?: string;
  members: Set<string>;
  /** Only channels given `members` refuse ephemerals to others (`user_not_in_channel`). */
  membersKnown: boolean;
  created: number;
  /** Who created it: the bot for channels made by conversations.create. */
  creator: string;
}

export interface User {
  id: string;
  name: string;
  tz: string;
  isBot: boolean;
  deleted: boolean;
  /** The account's e-mail address (users.lookupByEmail), when set. */
  email?: string;
}

export interface ResponseUrl {
  id: string;
  channel?: string;
  user?: string;
  messageTs?: string;
  threadTs?: string;
  issued: number;
  uses: number;
}

export const TRIGGER_TTL_MS = 3_000;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;
export const RESPONSE_URL_USES = 5;
export const SCHEDULE_MAX_S = 120 * 24 * 3600;
export const VIEW_STACK_MAX = 3;
export const APP_ID = 'AFAKEAPP';

export type Workspace = ReturnType<typeof createWorkspace>;

export function createWorkspace(o: { botUserId: string; botId: string; teamId: string; now: () => number }) {
  const { botUserId, botId, now } = o;
  let lastTsMicros = 0;
  let counter = 0;

  const ws = {
    ...o,
    channels: new Map<string, Channel>(),
    users: new Map<string, User>([
      [botUserId, { id: botUserId, name: 'liftoff', tz: 'UTC', isBot: true, deleted: false }],
    ]),
    groups: new Map<string, { id: string; handle: string; users: string[] }>(),

    calls: [] as RecordedCall[],
    messages: [] as FakeMessage[],
    ephemerals: [] as FakeEphemeral[],
    views: [] as FakeView[],
    lastViewId: undefined as string | undefined,
    scheduled: [] as FakeScheduled[],
    responses: [] as FakeResponse[],
    warnings: [] as string[],
    faults: new Map<string, Array<{ fault: Fault; left: number }>>(),
    /** Slack's rate limits, once a test asks for them (`limitRates`). */
    limiter: undefined as ReturnType<typeof createRateLimiter> | undefined,
    triggers: new Map<string, { issued: number; user?: string; used: boolean }>(),
    responseUrls: new Map<string, ResponseUrl>(),

    /** Forgets what happened; keeps channels, users and groups. */
    reset() {
      ws.calls = [];
      ws.messages = [];
      ws.ephemerals = [];
      ws.views = [];
      ws.lastViewId = undefined;
      ws.scheduled = [];
      ws.responses = [];
      ws.warnings = [];
      ws.faults = new Map();
      ws.triggers = new Map();
      ws.responseUrls = new Map();
    },

    /** A short unique id suffix. */
    seq: () => (++counter).toString(36).toUpperCase().padStart(8, '0'),
    /** Slack-style message ts ("1700000000.000100"): from the clock, unique and increasing. */
    nextTs() {
      const micros = Math.max(lastTsMicros + 100, Math.floor(now()) * 1000);
      lastTsMicros = micros;
      return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
    },
    newHash: () => `${Math.floor(now() / 1000)}.${randomBytes(4).toString('hex')}`,

    dmFor(userId: string): Channel {
      const existing = [...ws.channels.values()].find((c) => c.isIm && c.imUser === userId);
      if (existing) return existing;
      const id = `D${userId.replace(/^[UW]/, '')}`;
      const members = new Set([userId, botUserId]);
      const ch: Channel = {
        id,
        name: userId,
        isPrivate: true,
        isArchived: false,
        botIsMember: true,
        isIm: true,
        imUser: userId,
        members,
        membersKnown: true,
        created: Math.floor(now() / 1000),
        creator: userId,
      };
      ws.channels.set(id, ch);
      return ch;
    },

    /** A channel id, a channel name (with or without #), or a user id (their DM with the bot). */
    channelOf(id: string): Channel {
      const ch =
        ws.channels.get(id) ?? [...ws.channels.values()].find((c) => !c.isIm && c.name === id.replace(/^#/, ''));
      if (ch) return ch;
      const user = /^[UW]/.test(id) ? ws.users.get(id) : undefined;
      if (user && !user.deleted) return ws.dmFor(id);
      throw new SlackError('channel_not_found');
    },

    /** A channel the bot may post in: public ones without joining (chat:write.public), private ones only as a member. */
    postableChannel(id: string): Channel {
      const ch = ws.channelOf(id);
      if (ch.isArchived) throw new SlackError('is_archived');
      if (ch.isPrivate && !ch.isIm && !ch.botIsMember) throw new SlackError('not_in_channel');
      return ch;
    },

    knownUser(id: string): User {
      const u = ws.users.get(id);
      if (!u) throw new SlackError('user_not_found');
      return u;
    },

    findMessage: (channel: string, ts: string) => ws.messages.find((m) => m.channel === channel && m.ts === ts),

    /** Refuses what Slack refuses in a message; warns about blocks without fallback text. */
    checkMessage(where: string, blocks: unknown, text: unknown) {
      const t = typeof text === 'string' ? text : undefined;
      const verdict = judgeMessage(blocks, t);
      if (verdict) throw new SlackError(verdict.error, { response_metadata: { messages: verdict.messages } });
      if (Array.isArray(blocks) && blocks.length > 0 && !t?.trim())
        ws.warnings.push(
          `${where}: blocks without top-level text (notifications and screen readers need a fallback text)`,
        );
      if (t === undefined && (!Array.isArray(blocks) || blocks.length === 0)) throw new SlackError('no_text');
    },

    checkView(view: unknown): asserts view is SlackJson {
      if (!view || typeof view !== 'object')
        throw invalidArguments('missing required field: view [json-pointer:/view]');
      const verdict = judgeView(view);
      if (verdict) throw new SlackError(verdict.error, { response_metadata: { messages: verdict.messages } });
    },

    /** Records a message the bot posted. */
    post(m: {
      channel: string;
      text: string;
      blocks?: unknown[];
      thread_ts?: string | undefined;
      reply_broadcast?: boolean;
      metadata?: unknown;
    }): FakeMessage {
      const message: FakeMessage = {
        channel: m.channel,
        ts: ws.nextTs(),
        ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
        text: m.text,
        blocks: m.blocks ?? [],
        user: botUserId,
        bot_id: botId,
        updates: 0,
        ...(m.reply_broadcast ? { reply_broadcast: true } : {}),
        ...(m.metadata ? { metadata: m.metadata } : {}),
      };
      ws.messages.push(message);
      return message;
    },

    /** Applies a chat.update or a replace_original. */
    edit(m: FakeMessage, change: { text?: string | undefined; blocks?: unknown[] | undefined }) {
      if (change.text !== undefined) m.text = change.text;
      if (change.blocks !== undefined) m.blocks = change.blocks;
      m.updates++;
      m.edited = now();
    },
  };
  return ws;
}

// ---------- argument helpers ----------
export const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
export const bool = (v: unknown) => v === true || v === 'true' || v === '1' || v === 1;
/** A required argument; a missing channel is `channel_not_found`, like Slack. */
export function required(args: SlackJson, key: string): string {
  const v = str(args[key]);
  if (v === undefined || v === '') {
    if (key === 'channel') throw new SlackError('channel_not_found');
    throw invalidArguments(`missing required field: ${key}`);
  }
  return v;
}
export function blocksArg(args: SlackJson): unknown[] | undefined {
  const b: unknown = args.blocks;
  if (b === undefined || b === null || b === '') return undefined;
  return b as unknown[];
}
