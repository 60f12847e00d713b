import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ActionId, decodeRef, ViewId } from '../../ids.js';
import { presentError, tell, whereClicked } from '../../reply.js';
import { reasonModal } from '../../views/modals/index.js';
import { rollbackModal } from '../../views/modals/rollback.js';
import type { ListenerDeps } from '../deps.js';

const STALE = { text: 'That button is out of date. Use the latest message in the thread.' };

/** Roll back (opens the one confirmation modal), Rollback complete, Rollback failed… (asks why). */
export function registerRollbackActions(app: App, deps: ListenerDeps): void {
  const { rollback, client, logger } = deps;


  // The modal opens first thing after the (fast, synchronous) permission check: trigger_id lives 3 s.
  app.action<BlockAction<ButtonAction>>(ActionId.rollback, async ({ ack, body, action, respond }) => {
    await ack();
    const where = whereClicked(body, respond);
    const ref = decodeRef(action.value);
    if (!ref) return tell(client, where, STALE, logger);
    const log = logger.child({ user: body.user.id, deploymentId: ref.d, action: ActionId.rollback });
    try {
      const { deployment, previous } = rollback.prepare(ref.d, body.user.id);
      await client.views.open({ trigger_id: body.trigger_id, view: rollbackModal({ d: deployment, toVersion: previous?.version ?? null }) as never });
    } catch (error) {
      await tell(client, where, presentError(error, log), log);
    }
  });

  app.action<BlockAction<ButtonAction>>(ActionId.rollbackComplete, async ({ ack, body, action, respond, context }) => {
    const where = whereClicked(body, respond);
    const ref = decodeRef(action.value);
    if (!ref) {
      await ack();
      return tell(client, where, STALE, logger);
    }
    const log = logger.child({ user: body.user.id, deploymentId: ref.d, action: ActionId.rollbackComplete });
    try {
      rollback.complete(ref.d, body.user.id);
      await ack();
    } catch (error) {
      await ack();
      if (context.retryNum && (error as { code?: string }).code === 'finished') return;
      await tell(client, where, presentError(error, log), log);
    }
  });

  app.action<BlockAction<ButtonAction>>(ActionId.rollbackFail, async ({ ack, body, action, respond }) => {
    await ack();
    const where = whereClicked(body, respond);
    const ref = decodeRef(action.value);
    if (!ref) return tell(client, where, STALE, logger);
    const log = logger.child({ user: body.user.id, deploymentId: ref.d, action: ActionId.rollbackFail });
    try {
      const d = deps.service.check(ref.d, { type: 'fail_rollback', note: '-' }, body.user.id);
      await client.views.open({
        trigger_id: body.trigger_id,
        view: reasonModal({
          callbackId: ViewId.rollbackFail,
          title: 'Rollback failed',
          prompt: 'What went wrong with the rollback?',
          ref: { d: d.id },
          context: `${d.ref} · ${d.service}: the ops channel and the thread are alerted with your note.`,
        }) as never,
      });
    } catch (error) {
      await tell(client, where, presentError(error, log), log);
    }
  });
}
