import type { App } from '@slack/bolt';
import { ActionId, ViewId } from '../../ids.js';
import { reasonModal } from '../../views/modals/index.js';
import { rollbackModal } from '../../views/modals/rollback.js';
import { onButton } from '../button.js';
import type { ListenerDeps } from '../deps.js';

/** Roll back (opens the one confirmation modal), Rollback complete, Rollback failed… (asks why). */
export function registerRollbackActions(app: App, deps: ListenerDeps): void {
  const { rollback, client } = deps;

  // The modal opens first thing after the (fast, synchronous) permission check: trigger_id lives 3 s.
  onButton(app, deps, ActionId.rollback, async ({ ref, user, triggerId }) => {
    const { deployment, previous } = rollback.prepare(ref.d, user);
    await client.views.open({
      trigger_id: triggerId,
      view: rollbackModal({ d: deployment, toVersion: previous?.version ?? null }) as never,
    });
  });

  onButton(app, deps, ActionId.rollbackComplete, ({ ref, user }) => void rollback.complete(ref.d, user), {
    ackAfter: true,
    quietOnRetry: 'finished',
  });

  onButton(app, deps, ActionId.rollbackFail, async ({ ref, user, triggerId }) => {
    const d = deps.service.mayOpen(ref.d, { type: 'fail_rollback' }, user);
    await client.views.open({
      trigger_id: triggerId,
      view: reasonModal({
        callbackId: ViewId.rollbackFail,
        title: 'Rollback failed',
        prompt: 'What went wrong with the rollback?',
        ref: { d: d.id },
        context: `${d.ref} · ${d.service}: the ops channel and the thread are alerted with your note.`,
      }) as never,
    });
  });
}
