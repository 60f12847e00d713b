/** What tests see of the fake Slack: its recorded calls and the state Slack would show. */
import type { FakeFile } from './files.js';

/**
 * Slack's JSON as sent or answered. Deliberately loose: tests dig into arbitrary payloads
 * (`call.args.blocks[0].text.text`), and the shapes are Slack's, not ours.
 */
export type SlackJson = Record<string, any>;

export interface RecordedCall {
  method: string;
  /** Parsed arguments; `blocks`, `view`, `attachments`, `metadata` parsed from JSON strings. */
  args: SlackJson;
  /** The fake's clock (ms) when the call arrived. */
  at: number;
  /** What the fake answered (the JSON body). */
  response: SlackJson;
  /** HTTP status answered. */
  status: number;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  /** The author: the bot user id, unless the test added the message with `addMessage`. */
  user: string;
  /** Set on the bot's messages. */
  bot_id?: string;
  /** The fake's clock (ms) at the last change by chat.update or a response_url replace_original. */
  edited?: number;
  /** How many times it was changed. */
  updates: number;
  reply_broadcast?: boolean;
  metadata?: unknown;
}

export interface FakeEphemeral {
  channel?: string;
  user?: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  /** `chat.postEphemeral`, a POST to a response_url, or the HTTP answer (ack body) to a slash command. */
  via: 'chat.postEphemeral' | 'response_url' | 'command_ack';
  /**
   * Where the person sees it (chat.postEphemeral): in the channel, in the thread, or nowhere — Slack
   * shows a thread ephemeral only in an active thread (one with replies).
   */
  shown?: 'channel' | 'thread' | 'hidden';
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
  view: SlackJson;
  kind: 'modal' | 'home';
  /** The last operation on it. */
  op: 'open' | 'push' | 'update' | 'publish';
  updates: number;
  /** Ids of the modal stack up to this view, root first (so `stack.length` is its depth, 1 to 3). */
  stack: string[];
  root_view_id?: string;
  previous_view_id?: string;
  /** Closed by an empty view_submission ack or `response_action: 'clear'`. */
  closed?: boolean;
  /** The last `response_action: 'errors'` shown on it. */
  errors?: Record<string, string>;
}

/** Every view the fake has seen, oldest first; `open` lists the modals still on screen. */
export type FakeViews = readonly FakeView[] & { readonly open: FakeView[] };

export interface FakeScheduled {
  id: string;
  channel: string;
  post_at: number;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
}

export interface FakeResponse {
  url: string;
  /** The JSON POSTed (unparsable bodies as `{ raw }`). */
  body: SlackJson;
}

/**
 * `error`: answered HTTP 200 `{ ok: false, error }`; `delayMs`: waits, then answers normally;
 * `lateMs`: does the call at once (the message is posted) but answers only after `lateMs`, like a
 * Slack answer that arrives after the client gave up.
 */
export type Fault =
  | { status: 500 }
  | { status: 429; retryAfter: number }
  | { error: string }
  | { delayMs: number }
  | { lateMs: number };

/** Slack's rate limits, for `limitRates`. */
export interface RateLimits {
  /** chat.postMessage per channel: `burst` at once, then one every `intervalMs` (Slack: about one a second). */
  perChannel?: { burst: number; intervalMs: number };
  /** Calls per minute by method (default Slack's tiers, limits.ts); `false`: none. */
  tiers?: Record<string, number> | false;
  /** How long a minute lasts for the tiers, in ms (default 60000). */
  minuteMs?: number;
  /** `Retry-After` answered with a 429, in seconds (default 1). */
  retryAfter?: number;
}

export interface FakeChannelOpts {
  name?: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  /** Default true. Public channels are postable either way (chat:write.public). */
  botIsMember?: boolean;
  /** When given, chat.postEphemeral to anyone else fails `user_not_in_channel`. */
  members?: string[];
  /** Who created it (`creator` in conversations.info / .list); default a person, `UCREATOR`. Pass the fake's `botUserId` for a channel the bot made. */
  creator?: string;
}

export interface FakeUserOpts {
  name?: string;
  tz?: string;
  isBot?: boolean;
  deleted?: boolean;
  email?: string;
}

export interface FakeSlackOptions {
  token?: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /** The fake's clock (ms), for trigger_id and response_url expiry and message ts. Default Date.now. */
  now?: () => number;
}

export interface FakeSlack {
  /** Files from the external upload flow (fake-slack/files.ts), completed or not. */
  files(): FakeFile[];
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
  /** chat.postEphemeral, ephemeral response_url posts and slash command answers. */
  ephemerals(filter?: { channel?: string; user?: string }): FakeEphemeral[];
  views: FakeViews;
  /** The view opened, pushed, updated or published last. */
  lastView(): FakeView | undefined;
  /** Messages currently scheduled with chat.scheduleMessage. */
  scheduled(channel?: string): FakeScheduled[];
  /** What was POSTed to response_urls, in order. */
  responses: FakeResponse[];
  /** Things Slack accepts but a careful app avoids (blocks without fallback text...). Tests assert it stays empty. */
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
  /** Someone joins or leaves a channel in Slack (the test sends the member_joined_channel / member_left_channel event itself). */
  setMember(channel: string, user: string, member: boolean): void;
  addUser(id: string, opts?: FakeUserOpts): void;
  addUserGroup(id: string, handle: string, users: string[]): void;
  /** A message someone else wrote (the bot cannot update or delete it). */
  addMessage(m: { channel: string; user: string; text: string; thread_ts?: string; blocks?: unknown[] }): FakeMessage;
  /** Polls (every 10 ms) until `probe` returns something truthy, then returns it; rejects after `timeoutMs` (default 30 s: a ceiling, not a budget). */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** For the next `times` calls of `method` (default 1). `method` may also be 'response_url'. */
  fail(method: string, fault: Fault, times?: number): void;
  /** From now on, answer 429 with Retry-After beyond Slack's rate limits (see limits.ts). */
  limitRates(limits: RateLimits): void;
  /** Calls answered 429 by the rate limits or an injected fault. */
  rateLimited(): RecordedCall[];
  /** Drops the faults still pending for `method`, or for every method. */
  clearFaults(method?: string): void;
  /** Forgets calls, messages, ephemerals, views, scheduled messages, responses, warnings, faults; keeps channels, users, groups. */
  reset(): void;
  stop(): Promise<void>;
}
