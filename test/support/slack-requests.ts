/**
 * Signed requests into the Bolt HTTP receiver (`POST {baseUrl}/slack/events`), shaped like Slack's:
 * slash commands form-encoded, interactions as form field `payload` (JSON), events as JSON.
 * The trigger_ids and response_urls inside are the fake Slack's, so the app can use them.
 */
import { createHmac } from 'node:crypto';
import type { FakeSlack } from './fake-slack.js';
import {
  blockActions,
  commandFields,
  eventEnvelope,
  freshId,
  viewClosed,
  viewSubmission,
  type ActionOptions,
  type SubmitViewOptions,
} from './slack-requests/payloads.js';

export { input } from './slack-requests/input.js';
export type { ActionOptions, SubmitViewOptions } from './slack-requests/payloads.js';

export interface HttpResult {
  status: number;
  body: string;
  /** The body parsed as JSON, when it is JSON (tests read the app's answer freely). */
  json?: any;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
}

export interface RawOptions {
  contentType?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Overrides the computed `x-slack-signature`. */
  signature?: string;
  /** Sent as `x-slack-retry-num` (with `x-slack-retry-reason`, default http_timeout), as Slack does when it retries. */
  retryNum?: number;
  retryReason?: string;
}

/** `v0=<hex HMAC-SHA256 of "v0:${ts}:${rawBody}">` */
export function signature(signingSecret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export function slackClient(opts: { baseUrl: string; signingSecret: string; fake: FakeSlack; teamId?: string }) {
  const { fake } = opts;
  const teamId = opts.teamId ?? fake.teamId;
  const endpoint = `${opts.baseUrl.replace(/\/$/, '')}/slack/events`;

  /** POSTs `body` signed (unless `o.signature` forges it), exactly as given. */
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
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return {
      status: res.status,
      body: text,
      ...(json !== undefined ? { json } : {}),
      headers: Object.fromEntries(res.headers),
    };
  }

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const interaction = (payload: object, o?: RawOptions) => raw(form({ payload: JSON.stringify(payload) }), o);

  return {
    /** A slash command (default /deploy). Slack shows its answer (ack body) to the user, or the channel with in_channel. */
    async command(
      text: string,
      o: { user: string; channel: string; command?: string },
      rawOpts?: RawOptions,
    ): Promise<HttpResult> {
      const res = await raw(form(commandFields(fake, teamId, text, o)), rawOpts);
      if (res.status === 200) fake.commandAnswered({ channel: o.channel, user: o.user }, res.body);
      return res;
    },

    /** A block_actions interaction: a button press, or a choice with `selectedOption`; in a message, or in a view with `viewId`. */
    action(o: ActionOptions, rawOpts?: RawOptions): Promise<HttpResult> {
      return interaction(blockActions(fake, teamId, o), rawOpts);
    },

    /** A view_submission. Slack then acts on the answer: closes the view, shows errors, updates, pushes or clears. */
    async submitView(o: SubmitViewOptions, rawOpts?: RawOptions): Promise<HttpResult> {
      const viewId = o.viewId ?? freshId('V');
      const res = await interaction(viewSubmission(fake, teamId, { ...o, viewId }), rawOpts);
      if (res.status === 200) fake.viewAnswered({ viewId, user: o.user }, res.body);
      return res;
    },

    /** A view_closed interaction (Slack sends it only for views with notify_on_close). */
    closeView(
      o: { user: string; viewId: string; callbackId?: string; privateMetadata?: string },
      rawOpts?: RawOptions,
    ): Promise<HttpResult> {
      return interaction(viewClosed(fake, teamId, o), rawOpts);
    },

    /** An Events API event, wrapped in an event_callback envelope unless it already is one. */
    event(event: object, rawOpts?: RawOptions): Promise<HttpResult> {
      return raw(JSON.stringify(eventEnvelope(fake, teamId, event)), { contentType: 'application/json', ...rawOpts });
    },

    raw,
  };
}
