import type { App, BlockAction } from '@slack/bolt';
import type { Command, Opening } from '../../../core/deployment/decide.js';
import type { Deployment } from '../../../core/deployment/types.js';
import { findItem } from '../../../core/template/items.js';
import { ActionId, type ActionRef, ViewId } from '../../ids.js';
import { tell, whereClicked } from '../../reply.js';
import { onButton, STALE_BUTTON } from '../button.js';
import { evidenceModal, failStepModal, reasonModal } from '../../views/modals/index.js';
import type { ListenerDeps } from '../deps.js';

/** A button that runs one command at once. */
const IMMEDIATE: Array<[string, (ref: ActionRef) => Command | null]> = [
  [ActionId.undoItem, (r) => (r.k ? { type: 'undo_item', key: r.k } : null)],
  [ActionId.approve, (r) => (r.r ? { type: 'approve', role: r.r } : null)],
  [ActionId.grantOverride, (r) => (r.g ? { type: 'grant_override', gate: r.g } : null)],
  [ActionId.startPhase, (r) => (r.p ? { type: 'start_phase', phaseId: r.p } : null)],
  [ActionId.completePhase, (r) => (r.p ? { type: 'complete_phase', phaseId: r.p } : null)],
  [ActionId.complete, () => ({ type: 'complete' })],
];

/** A button that first asks for something in a small modal; the command runs on submit. */
type ModalOpener = (d: Deployment, ref: ActionRef) => { opening: Opening; view: object } | null;

const OPENS_MODAL: Array<[string, ModalOpener]> = [
  [
    ActionId.cancel,
    (d) => ({
      opening: { type: 'cancel' },
      view: reasonModal({
        callbackId: ViewId.cancel,
        title: `Cancel ${d.ref}`,
        prompt: 'Why is it cancelled?',
        ref: { d: d.id },
        context: `${d.service} ${d.version}: everyone following the deployment will see the reason.`,
      }),
    }),
  ],
  [
    ActionId.reject,
    (d, r) => {
      const label = d.plan.approvals.find((a) => a.role === r.r)?.label;
      if (!r.r || !label) return null;
      return {
        opening: { type: 'reject', role: r.r },
        view: reasonModal({
          callbackId: ViewId.reject,
          title: 'Reject',
          prompt: `Why do you reject ${d.ref} as ${label}?`,
          ref: { d: d.id, r: r.r },
          context: `${d.service} ${d.version}: the reason is shown to everyone in the thread.`,
        }),
      };
    },
  ],
  [
    ActionId.overrideGate,
    (d, r) => {
      const gate = r.g ?? 'start';
      return {
        opening: { type: 'override_gate', gate },
        view: reasonModal({
          callbackId: ViewId.overrideGate,
          title: 'Override the gate',
          prompt: 'Why go ahead without what is missing?',
          ref: { d: d.id, g: gate },
          context: 'The override, your reason and what was missing are recorded and shown in the thread.',
        }),
      };
    },
  ],
  [
    ActionId.failStep,
    (d, r) => {
      const phase = d.plan.phases.find((p) => p.id === r.p);
      if (!phase) return null;
      const steps = phase.steps.map((s) => ({ key: `phase.${phase.id}.${s.id}`, item: s }));
      // The opening check stands for the form: any step still open may be reported, so check one of those.
      const open = steps.find((s) => d.items[s.key]?.state !== 'done') ?? steps[0];
      if (!open) return null;
      return {
        opening: { type: 'fail_item', key: open.key },
        view: failStepModal({ d: d.id, phase, steps }),
      };
    },
  ],
];

export function registerActions(app: App, deps: ListenerDeps): void {
  const { service, client, logger } = deps;

  for (const [actionId, toCommand] of IMMEDIATE) {
    onButton(
      app,
      deps,
      actionId,
      ({ ref, user }) => {
        const command = toCommand(ref);
        if (!command) return 'stale';
        service.act(ref.d, command, user);
      },
      { ackAfter: true, quietOnRetry: 'already_done' },
    );
  }

  onButton(
    app,
    deps,
    ActionId.confirmItem,
    async ({ ref, user, triggerId, ack }) => {
      if (!ref.k) return 'stale';
      const d = service.find(ref.d);
      const item = findItem(d.plan, ref.k);
      if (item?.item.evidence) {
        service.mayOpen(ref.d, { type: 'confirm_item', key: ref.k }, user);
        await ack();
        const { label, hint, kind } = item.item.evidence;
        await client.views.open({
          trigger_id: triggerId,
          view: evidenceModal({ d: d.id, key: ref.k, label, hint, kind, itemText: item.item.text }) as never,
        });
        return;
      }
      service.act(ref.d, { type: 'confirm_item', key: ref.k }, user);
    },
    { ackAfter: true },
  );

  for (const [actionId, open] of OPENS_MODAL) {
    onButton(app, deps, actionId, async ({ ref, user, triggerId }) => {
      const d = service.find(ref.d);
      const opened = open(d, ref);
      if (!opened) return 'stale';
      service.mayOpen(d.id, opened.opening, user);
      await client.views.open({ trigger_id: triggerId, view: opened.view as never });
    });
  }

  // Link buttons still send an action; it only needs acknowledging.
  app.action(ActionId.openLink, async ({ ack }) => {
    await ack();
  });

  // Any other action id (a message from an older Liftoff, a forged payload): answer at once
  // instead of leaving Slack waiting 3 s for a 404, and tell the person. Every listened-to id is in ActionId.
  const known = Object.values(ActionId).map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  app.action<BlockAction>(new RegExp(`^(?!(?:${known.join('|')})$)`), async ({ ack, body, respond }) => {
    await ack();
    logger.with('info', 'unknown action', { user: body.user.id, action: body.actions?.[0]?.action_id?.slice(0, 100) });
    await tell(client, whereClicked(body, respond), STALE_BUTTON, logger);
  });
}
