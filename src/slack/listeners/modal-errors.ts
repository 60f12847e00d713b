import type { App } from '@slack/bolt';
import { modalErrors } from '../views/modal-errors.js';

type AckFn = (response?: unknown) => Promise<void>;

/**
 * Every answer to a view submission with `response_action: errors`, whichever
 * listener gives it, is made what Slack shows: plain-text messages keyed to
 * input blocks of the submitted view (views/modal-errors.ts). Installed once
 * around Bolt's processEvent, so no listener can send mrkdwn or a block the
 * view does not have.
 */
export function guardModalErrors(app: App): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event) => {
    const body = event.body as
      | { type?: string; view?: { blocks?: Array<{ type?: string; block_id?: string }> } }
      | undefined;
    if (body?.type !== 'view_submission') return processEvent(event);
    const ack = event.ack as AckFn;
    const guarded: AckFn = (response) => {
      const r = response as { response_action?: string; errors?: Record<string, unknown> } | undefined;
      if (r?.response_action !== 'errors' || !r.errors) return ack(response);
      return ack({ ...r, errors: modalErrors(r.errors, body.view?.blocks ?? []) });
    };
    return processEvent({ ...event, ack: guarded as typeof event.ack });
  };
}
