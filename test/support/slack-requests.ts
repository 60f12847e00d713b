/**
 * Signed requests into the Bolt HTTP receiver (`POST {baseUrl}/slack/events`), shaped like Slack's:
 * slash commands form-encoded, interactions as form field `payload` (JSON), events as JSON.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { FakeSlack } from './fake-slack.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = Record<string, any>;

export interface HttpResult {
  status: number;
  body: string;
  json?: any;
}

export interface ActionOptions {
  user: string;
  actionId: string;
  value?: string;
  blockId?: string;
  channel?: string;
  messageTs?: string;
  threadTs?: string;
  selectedOption?: { value: string };
  view?: { id: string; hash?: string; private_metadata?: string; callback_id?: string };
  /** The message holding the button is ephemeral (no message state in the fake). */
  ephemeral?: boolean;
}

export interface SubmitViewOptions {
  user: string;
  callbackId: string;
  privateMetadata?: string;
  values: Record<string, Record<string, unknown>>;
  viewId?: string;
  hash?: string;
}

export interface RawOptions {
  contentType?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Overrides the computed `x-slack-signature`. */
  signature?: string;
  retryNum?: number;
  retryReason?: string;
}

/** `v0=<hex HMAC-SHA256 of "v0:${ts}:${rawBody}">` */
export function signature(signingSecret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

const APP_ID = 'AFAKEAPP';
const VERIFICATION_TOKEN = 'fake-verification-token';

export function slackClient(opts: { baseUrl: string; signingSecret: string; fake: FakeSlack; teamId?: string }) {
  const teamId = opts.teamId ?? opts.fake.teamId;
  const endpoint = `${opts.baseUrl.replace(/\/$/, '')}/slack/events`;
  const fake = opts.fake;
  const team = { id: teamId, domain: 'fake' };
  const userOf = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: teamId });
  const freshViewId = () => `V${randomBytes(5).toString('hex').toUpperCase()}`;

  async function raw(body: string, o: RawOptions = {}): Promise<HttpResult> {
    const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': o.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': o.signature ?? signature(opts.signingSecret, ts, body),
    };
    if (o.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(o.retryNum);
      headers['x-slack-retry-reason'] = o.retryReason ?? 'http_timeout';
    }
    const res = await fetch(endpoint, { method: 'POST', headers, body });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: text, ...(json !== undefined ? { json } : {}) };
  }

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const interaction = (payload: J, o?: RawOptions) => raw(form({ payload: JSON.stringify(payload) }), o);

  /** Finds the block and element of an action id in a list of blocks. */
  function locate(blocks: unknown, actionId: string, value?: string): { blockId?: string; element?: J } {
    if (!Array.isArray(blocks)) return {};
    let fallback: { blockId?: string; element?: J } = {};
    for (const b of blocks as J[]) {
      const elements: J[] = [...(Array.isArray(b?.elements) ? b.elements : []), ...(b?.accessory ? [b.accessory] : []), ...(b?.element ? [b.element] : [])];
      for (const e of elements) {
        if (e?.action_id !== actionId) continue;
        const hit = { ...(typeof b.block_id === 'string' ? { blockId: b.block_id as string } : {}), element: e };
        if (value === undefined || e.value === value) return hit;
        fallback = hit;
      }
    }
    return fallback;
  }

  return {
    /** A slash command. trigger_id from fake.issueTriggerId(), response_url from fake.responseUrl(). */
    async command(text: string, o: { user: string; channel: string; command?: string }, rawOpts?: RawOptions): Promise<HttpResult> {
      const res = await raw(
        form({
          token: VERIFICATION_TOKEN,
          team_id: teamId,
          team_domain: 'fake',
          channel_id: o.channel,
          channel_name: o.channel.toLowerCase(),
          user_id: o.user,
          user_name: o.user.toLowerCase(),
          command: o.command ?? '/deploy',
          text,
          api_app_id: APP_ID,
          is_enterprise_install: 'false',
          response_url: fake.responseUrl({ channel: o.channel, user: o.user }),
          trigger_id: fake.issueTriggerId(o.user),
        }),
        rawOpts,
      );
      // Slack shows the answer to the user (or the channel, with response_type in_channel).
      if (res.status === 200) fake.commandAnswered({ channel: o.channel, user: o.user }, res.body);
      return res;
    },

    /** A block_actions interaction: a button press (or a static_select choice with `selectedOption`). */
    action(o: ActionOptions, rawOpts?: RawOptions): Promise<HttpResult> {
      const triggerId = fake.issueTriggerId(o.user);
      const base: J = {
        type: 'block_actions',
        user: userOf(o.user),
        api_app_id: APP_ID,
        token: VERIFICATION_TOKEN,
        trigger_id: triggerId,
        team,
        enterprise: null,
        is_enterprise_install: false,
        state: { values: {} },
      };
      let blocks: unknown;
      if (o.view) {
        const known = fake.views.find((v) => v.id === o.view!.id);
        const view: J = {
          id: o.view.id,
          team_id: teamId,
          type: known?.kind ?? 'modal',
          blocks: [],
          private_metadata: '',
          callback_id: '',
          state: { values: {} },
          hash: known?.hash ?? '',
          root_view_id: known?.root_view_id ?? o.view.id,
          previous_view_id: known?.previous_view_id ?? null,
          app_id: APP_ID,
          bot_id: fake.botId,
          ...(known?.view ?? {}),
          ...(o.view.hash !== undefined ? { hash: o.view.hash } : {}),
          ...(o.view.private_metadata !== undefined ? { private_metadata: o.view.private_metadata } : {}),
          ...(o.view.callback_id !== undefined ? { callback_id: o.view.callback_id } : {}),
        };
        view.id = o.view.id;
        blocks = view.blocks;
        base.container = { type: 'view', view_id: o.view.id };
        base.view = view;
      } else {
        const m = o.channel && o.messageTs ? fake.message(o.channel, o.messageTs) : undefined;
        const threadTs = o.threadTs ?? m?.thread_ts;
        blocks = m?.blocks;
        base.container = {
          type: 'message',
          ...(o.messageTs ? { message_ts: o.messageTs } : {}),
          ...(o.channel ? { channel_id: o.channel } : {}),
          is_ephemeral: o.ephemeral ?? false,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        };
        if (o.channel) base.channel = { id: o.channel, name: o.channel.toLowerCase() };
        if (o.messageTs && !o.ephemeral) {
          base.message = {
            type: 'message',
            ts: o.messageTs,
            ...(threadTs ? { thread_ts: threadTs } : {}),
            text: m?.text ?? '',
            blocks: m?.blocks ?? [],
            user: m?.user ?? fake.botUserId,
            bot_id: m?.bot_id ?? fake.botId,
            app_id: APP_ID,
            team: teamId,
          };
        }
        base.response_url = fake.responseUrl({
          ...(o.channel ? { channel: o.channel } : {}),
          user: o.user,
          ...(o.messageTs ? { messageTs: o.messageTs } : {}),
          ...(threadTs ? { threadTs } : {}),
        });
      }
      const found = locate(blocks, o.actionId, o.value);
      const blockId = o.blockId ?? found.blockId ?? 'fake-block';
      const actionTs = `${Math.floor(Date.now() / 1000)}.${String(Date.now() % 1000).padStart(3, '0')}000`;
      const action: J = o.selectedOption
        ? {
            type: 'static_select',
            action_id: o.actionId,
            block_id: blockId,
            selected_option: {
              text: { type: 'plain_text', text: optionText(found.element, o.selectedOption.value), emoji: true },
              value: o.selectedOption.value,
            },
            ...(found.element?.placeholder ? { placeholder: found.element.placeholder } : {}),
            action_ts: actionTs,
          }
        : {
            type: 'button',
            action_id: o.actionId,
            block_id: blockId,
            text: found.element?.text ?? { type: 'plain_text', text: o.actionId, emoji: true },
            ...(o.value !== undefined ? { value: o.value } : found.element?.value !== undefined ? { value: found.element.value } : {}),
            ...(found.element?.style ? { style: found.element.style } : {}),
            action_ts: actionTs,
          };
      base.actions = [action];
      return interaction(base, rawOpts);
    },

    /** A view_submission. `viewId` defaults to a fresh id; a view the fake knows lends its blocks, title, hash. */
    async submitView(o: SubmitViewOptions, rawOpts?: RawOptions): Promise<HttpResult> {
      const id = o.viewId ?? freshViewId();
      const known = fake.views.find((v) => v.id === id);
      const view: J = {
        team_id: teamId,
        type: 'modal',
        blocks: [],
        title: { type: 'plain_text', text: 'Form' },
        close: null,
        submit: { type: 'plain_text', text: 'Submit' },
        clear_on_close: false,
        notify_on_close: false,
        external_id: '',
        root_view_id: known?.root_view_id ?? id,
        previous_view_id: known?.previous_view_id ?? null,
        app_id: APP_ID,
        app_installed_team_id: teamId,
        bot_id: fake.botId,
        ...(known?.view ?? {}),
        id,
        hash: o.hash ?? known?.hash ?? `${Math.floor(Date.now() / 1000)}.fakehash`,
        callback_id: o.callbackId,
        private_metadata: o.privateMetadata ?? (known?.view.private_metadata as string | undefined) ?? '',
        state: { values: o.values },
      };
      const res = await interaction(
        {
          type: 'view_submission',
          team,
          user: userOf(o.user),
          api_app_id: APP_ID,
          token: VERIFICATION_TOKEN,
          trigger_id: fake.issueTriggerId(o.user),
          view,
          response_urls: [],
          is_enterprise_install: false,
          enterprise: null,
        },
        rawOpts,
      );
      // Slack acts on the answer: close, show errors, update, push or clear.
      if (res.status === 200) fake.viewAnswered({ viewId: id, user: o.user }, res.body);
      return res;
    },

    /** A view_closed interaction (only sent when the view had notify_on_close). */
    closeView(o: { user: string; viewId: string; callbackId?: string; privateMetadata?: string }, rawOpts?: RawOptions): Promise<HttpResult> {
      const known = fake.views.find((v) => v.id === o.viewId);
      return interaction(
        {
          type: 'view_closed',
          team,
          user: userOf(o.user),
          api_app_id: APP_ID,
          token: VERIFICATION_TOKEN,
          view: {
            ...(known?.view ?? {}),
            id: o.viewId,
            type: 'modal',
            callback_id: o.callbackId ?? known?.view.callback_id ?? '',
            private_metadata: o.privateMetadata ?? known?.view.private_metadata ?? '',
            state: { values: {} },
          },
          is_cleared: false,
          is_enterprise_install: false,
        },
        rawOpts,
      );
    },

    /** An Events API event; wrapped in an event_callback envelope unless it already is one. */
    event(event: object, rawOpts?: RawOptions): Promise<HttpResult> {
      const e = event as J;
      const envelope =
        e.type === 'event_callback' || e.type === 'url_verification'
          ? e
          : {
              token: VERIFICATION_TOKEN,
              team_id: teamId,
              api_app_id: APP_ID,
              event: { event_ts: `${(Date.now() / 1000).toFixed(6)}`, ...e },
              type: 'event_callback',
              event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
              event_time: Math.floor(Date.now() / 1000),
              authorizations: [{ enterprise_id: null, team_id: teamId, user_id: fake.botUserId, is_bot: true, is_enterprise_install: false }],
              is_ext_shared_channel: false,
            };
      return raw(JSON.stringify(envelope), { contentType: 'application/json', ...rawOpts });
    },

    raw,
  };
}

function optionText(element: J | undefined, value: string): string {
  const all: J[] = [...(element?.options ?? []), ...((element?.option_groups ?? []) as J[]).flatMap((g) => (g.options ?? []) as J[])];
  const hit = all.find((x) => x?.value === value);
  return typeof hit?.text?.text === 'string' ? hit.text.text : value;
}

/** The values Slack submits for each kind of input element, for `submitView({ values })`. */
export const input = {
  text: (v: string): object => ({ type: 'plain_text_input', value: v }),
  user: (u: string): object => ({ type: 'users_select', selected_user: u }),
  users: (u: string[]): object => ({ type: 'multi_users_select', selected_users: [...u] }),
  select: (v: string, text: string = v): object => ({ type: 'static_select', selected_option: { text: { type: 'plain_text', text, emoji: true }, value: v } }),
  dateTime: (unixSeconds: number): object => ({ type: 'datetimepicker', selected_date_time: unixSeconds }),
  date: (yyyyMmDd: string): object => ({ type: 'datepicker', selected_date: yyyyMmDd }),
  time: (hhmm: string, timezone?: string): object => ({ type: 'timepicker', selected_time: hhmm, ...(timezone ? { timezone } : {}) }),
  conversation: (c: string): object => ({ type: 'conversations_select', selected_conversation: c }),
  channel: (c: string): object => ({ type: 'channels_select', selected_channel: c }),
  checkboxes: (values: string[]): object => ({
    type: 'checkboxes',
    selected_options: values.map((v) => ({ text: { type: 'plain_text', text: v, emoji: true }, value: v })),
  }),
  empty: (type = 'plain_text_input'): object => ({ type, value: null }),
};
