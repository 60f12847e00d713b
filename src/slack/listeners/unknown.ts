import type { App, SlackShortcut, ViewSubmitAction } from '@slack/bolt';
import { ViewId } from '../ids.js';
import { tell } from '../reply.js';
import { outdatedFormModal } from '../views/modals/small.js';
import type { ListenerDeps } from './deps.js';

const escaped = (ids: readonly string[]) => ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

/**
 * Requests no listener knows: a form opened before an upgrade, a shortcut or
 * an options request Liftoff does not offer. Each is answered at once, with a
 * clear word where Slack lets one be said, instead of leaving Slack waiting
 * 3 s and showing the person an error. Every known callback id is in ViewId;
 * Liftoff has no shortcuts and no external selects.
 */
export function registerUnknownRequests(app: App, { client, logger }: Pick<ListenerDeps, 'client' | 'logger'>): void {
  const unknownView = new RegExp(`^(?!(?:${escaped(Object.values(ViewId))})$)`);
  app.view<ViewSubmitAction>({ callback_id: unknownView, type: 'view_submission' }, async ({ ack, body }) => {
    await ack({ response_action: 'update', view: outdatedFormModal() });
    logger.with('info', 'unknown form submitted', {
      user: body.user.id,
      callbackId: body.view.callback_id.slice(0, 100),
    });
  });
  app.view({ callback_id: unknownView, type: 'view_closed' }, async ({ ack }) => {
    await ack();
  });

  app.shortcut<SlackShortcut>(/.*/, async ({ ack, body, respond }) => {
    await ack();
    logger.with('info', 'unknown shortcut', { user: body.user.id, callbackId: body.callback_id.slice(0, 100) });
    const text = 'Liftoff has no shortcut by that name (any more). Use `/deploy help` to see what it can do.';
    const channel = body.type === 'message_action' ? body.channel.id : undefined;
    await tell(
      client,
      { user: body.user.id, channel, respond: body.type === 'message_action' ? respond : undefined },
      { text },
      logger,
    );
  });

  app.options(/.*/, async ({ ack, body }) => {
    await ack({ options: [] });
    logger.with('info', 'unknown options request', { user: (body as { user?: { id?: string } }).user?.id });
  });
}
