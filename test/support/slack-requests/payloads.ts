/**
 * Interaction payloads shaped like Slack's (block_actions, view_submission, view_closed) and the
 * event_callback envelope. Messages and views the fake knows lend their content (blocks, hash, metadata).
 */
import { randomBytes } from 'node:crypto';
import type { FakeSlack, FakeView, SlackJson } from '../fake-slack.js';

export const APP_ID = 'AFAKEAPP';
export const VERIFICATION_TOKEN = 'fake-verification-token';

export interface ActionOptions {
  user: string;
  actionId: string;
  blockId?: string;
  value?: string;
  /** A choice in an overflow menu, static select or radio buttons (default type: overflow). */
  selectedOption?: { value: string };
  channel?: string;
  messageTs?: string;
  threadTs?: string;
  /** The action happened in this view (a modal or the Home tab) rather than in a message. */
  viewId?: string;
  /** The message holding the element is ephemeral (no message in the payload). */
  ephemeral?: boolean;
}

export interface SubmitViewOptions {
  user: string;
  callbackId: string;
  privateMetadata?: string;
  /** `state.values`: block_id → action_id → value (see `input`). */
  values: Record<string, Record<string, unknown>>;
  /** Default: a fresh id. A view the fake knows lends its blocks, title and hash. */
  viewId?: string;
  hash?: string;
}

const SELECTED_OPTION_TYPES = new Set(['overflow', 'static_select', 'external_select', 'radio_buttons']);

const nowS = () => Math.floor(Date.now() / 1000);
export const freshId = (prefix: string) => `${prefix}${randomBytes(5).toString('hex').toUpperCase()}`;

export function actors(teamId: string) {
  return {
    team: { id: teamId, domain: 'fake' },
    user: (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: teamId }),
  };
}

/** A view as Slack sends it inside a payload. */
function viewPayload(
  fake: FakeSlack,
  teamId: string,
  id: string,
  known: FakeView | undefined,
  over: SlackJson = {},
): SlackJson {
  return {
    team_id: teamId,
    type: known?.kind ?? 'modal',
    blocks: [],
    private_metadata: '',
    callback_id: '',
    external_id: '',
    state: { values: {} },
    hash: known?.hash ?? `${nowS()}.fakehash`,
    clear_on_close: false,
    notify_on_close: false,
    root_view_id: known?.root_view_id ?? id,
    previous_view_id: known?.previous_view_id ?? null,
    app_id: APP_ID,
    app_installed_team_id: teamId,
    bot_id: fake.botId,
    ...(known?.view ?? {}),
    ...over,
    id,
  };
}

/** The block and element an action id (and value) names, in a list of blocks. */
function locate(blocks: unknown, actionId: string, value?: string): { blockId?: string; element?: SlackJson } {
  if (!Array.isArray(blocks)) return {};
  let fallback: { blockId?: string; element?: SlackJson } = {};
  for (const b of blocks as SlackJson[]) {
    const elements: SlackJson[] = [
      ...(Array.isArray(b?.elements) ? b.elements : []),
      ...(b?.accessory ? [b.accessory] : []),
      ...(b?.element ? [b.element] : []),
    ];
    for (const e of elements) {
      if (e?.action_id !== actionId) continue;
      const hit = { ...(typeof b.block_id === 'string' ? { blockId: b.block_id as string } : {}), element: e };
      if (value === undefined || e.value === value) return hit;
      fallback = hit;
    }
  }
  return fallback;
}

function optionText(element: SlackJson | undefined, value: string): string {
  const all: SlackJson[] = [
    ...(element?.options ?? []),
    ...((element?.option_groups ?? []) as SlackJson[]).flatMap((g) => (g.options ?? []) as SlackJson[]),
  ];
  const hit = all.find((x) => x?.value === value);
  return typeof hit?.text?.text === 'string' ? hit.text.text : value;
}

/** A block_actions payload: a button press, or a choice when `selectedOption` is given. */
export function blockActions(fake: FakeSlack, teamId: string, o: ActionOptions): SlackJson {
  const { team, user } = actors(teamId);
  const payload: SlackJson = {
    type: 'block_actions',
    user: user(o.user),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: fake.issueTriggerId(o.user),
    team,
    enterprise: null,
    is_enterprise_install: false,
    state: { values: {} },
  };
  let blocks: unknown;
  if (o.viewId) {
    const view = viewPayload(
      fake,
      teamId,
      o.viewId,
      fake.views.find((v) => v.id === o.viewId),
    );
    blocks = view.blocks;
    payload.container = { type: 'view', view_id: o.viewId };
    payload.view = view;
  } else {
    const m = o.channel && o.messageTs ? fake.message(o.channel, o.messageTs) : undefined;
    // Like Slack: a top-level message with replies carries its own ts as thread_ts.
    const hasReplies = m !== undefined && fake.thread(m.channel, m.ts).length > 1;
    const threadTs = o.threadTs ?? m?.thread_ts ?? (hasReplies ? m.ts : undefined);
    blocks = m?.blocks;
    payload.container = {
      type: 'message',
      ...(o.messageTs ? { message_ts: o.messageTs } : {}),
      ...(o.channel ? { channel_id: o.channel } : {}),
      is_ephemeral: o.ephemeral ?? false,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    };
    if (o.channel) payload.channel = { id: o.channel, name: o.channel.toLowerCase() };
    if (o.messageTs && !o.ephemeral) {
      payload.message = {
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
    payload.response_url = fake.responseUrl({
      ...(o.channel ? { channel: o.channel } : {}),
      user: o.user,
      ...(o.messageTs ? { messageTs: o.messageTs } : {}),
      ...(threadTs ? { threadTs } : {}),
    });
  }
  const found = locate(blocks, o.actionId, o.value);
  const common = {
    action_id: o.actionId,
    block_id: o.blockId ?? found.blockId ?? 'fake-block',
    action_ts: `${(Date.now() / 1000).toFixed(6)}`,
  };
  const el = found.element;
  payload.actions = [
    o.selectedOption
      ? {
          type: typeof el?.type === 'string' && SELECTED_OPTION_TYPES.has(el.type) ? el.type : 'overflow',
          ...common,
          selected_option: {
            text: { type: 'plain_text', text: optionText(el, o.selectedOption.value), emoji: true },
            value: o.selectedOption.value,
          },
          ...(el?.placeholder ? { placeholder: el.placeholder } : {}),
        }
      : {
          type: 'button',
          ...common,
          text: el?.text ?? { type: 'plain_text', text: o.actionId, emoji: true },
          ...(o.value !== undefined ? { value: o.value } : el?.value !== undefined ? { value: el.value } : {}),
          ...(el?.style ? { style: el.style } : {}),
        },
  ];
  return payload;
}

export function viewSubmission(fake: FakeSlack, teamId: string, o: SubmitViewOptions & { viewId: string }): SlackJson {
  const { team, user } = actors(teamId);
  const known = fake.views.find((v) => v.id === o.viewId);
  const view = viewPayload(fake, teamId, o.viewId, known, {
    type: 'modal',
    ...(known
      ? {}
      : { title: { type: 'plain_text', text: 'Form' }, submit: { type: 'plain_text', text: 'Submit' }, close: null }),
    ...(o.hash !== undefined ? { hash: o.hash } : {}),
    callback_id: o.callbackId,
    private_metadata: o.privateMetadata ?? (known?.view.private_metadata as string | undefined) ?? '',
    state: { values: o.values },
  });
  return {
    type: 'view_submission',
    team,
    user: user(o.user),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: fake.issueTriggerId(o.user),
    view,
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function viewClosed(
  fake: FakeSlack,
  teamId: string,
  o: { user: string; viewId: string; callbackId?: string; privateMetadata?: string },
): SlackJson {
  const { team, user } = actors(teamId);
  const known = fake.views.find((v) => v.id === o.viewId);
  const view = viewPayload(fake, teamId, o.viewId, known, {
    type: 'modal',
    ...(o.callbackId !== undefined ? { callback_id: o.callbackId } : {}),
    ...(o.privateMetadata !== undefined ? { private_metadata: o.privateMetadata } : {}),
    state: { values: {} },
  });
  return {
    type: 'view_closed',
    team,
    user: user(o.user),
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    view,
    is_cleared: false,
    is_enterprise_install: false,
  };
}

/** An Events API event in its event_callback envelope (left alone if it already is an envelope). */
export function eventEnvelope(fake: FakeSlack, teamId: string, event: object): SlackJson {
  const e = event as SlackJson;
  if (e.type === 'event_callback' || e.type === 'url_verification') return e;
  return {
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: APP_ID,
    event: { event_ts: (Date.now() / 1000).toFixed(6), ...e },
    type: 'event_callback',
    event_id: freshId('Ev'),
    event_time: nowS(),
    authorizations: [
      { enterprise_id: null, team_id: teamId, user_id: fake.botUserId, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
  };
}

/** The form fields of a slash command; the trigger_id and response_url are the fake's. */
/** What Slack does to what a person typed after a slash command: `&`, `<` and `>` arrive HTML-escaped. */
export const escapeTyped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function commandFields(
  fake: FakeSlack,
  teamId: string,
  text: string,
  o: { user: string; channel: string; command?: string },
): Record<string, string> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    team_domain: 'fake',
    channel_id: o.channel,
    channel_name: o.channel.toLowerCase(),
    user_id: o.user,
    user_name: o.user.toLowerCase(),
    command: o.command ?? '/deploy',
    text: escapeTyped(text),
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: fake.responseUrl({ channel: o.channel, user: o.user }),
    trigger_id: fake.issueTriggerId(o.user),
  };
}
