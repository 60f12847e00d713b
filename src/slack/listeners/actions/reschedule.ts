import type { App } from '@slack/bolt';
import type { Deployment } from '../../../core/deployment/types.js';
import { ActionId, ViewId } from '../../ids.js';
import { tell, type Where } from '../../reply.js';
import { onButton } from '../button.js';
import { faultyAnswer } from '../../views/notices/rollback.js';
import { reasonModal } from '../../views/modals/index.js';
import { rescheduleModal } from '../../views/modals/reschedule.js';
import type { ListenerDeps } from '../deps.js';

/** The cancel form, the same one `/deploy cancel DEP-12` opens. */
export const cancelModal = (d: Deployment) =>
  reasonModal({
    callbackId: ViewId.cancel,
    title: `Cancel ${d.ref}`,
    prompt: 'Why is it cancelled?',
    ref: { d: d.id },
    context: `${d.service} ${d.version}: everyone following the deployment will see the reason.`,
  });

type Handler = (deps: ListenerDeps, d: Deployment, user: string, triggerId: string, where: Where) => Promise<void>;

/**
 * The buttons of the scheduler's prompts. Missed window: Start (the first
 * phase, through the normal gate), Reschedule (the modal), Cancel (the
 * reason modal). Monitoring verdict: Healthy completes; Faulty (also the
 * card's "Report a problem" during the window) records it and points to the rollback.
 */
const BUTTONS: Array<[string, Handler]> = [
  [
    ActionId.windowStart,
    async ({ service }, d, user) => {
      const first = d.plan.phases[0];
      if (first) service.act(d.id, { type: 'start_phase', phaseId: first.id }, user);
    },
  ],
  [
    ActionId.windowReschedule,
    async ({ service, client, clock }, d, user, triggerId) => {
      service.mayOpen(d.id, { type: 'reschedule' }, user);
      await client.views.open({ trigger_id: triggerId, view: rescheduleModal(d, clock.now()) as never });
    },
  ],
  [
    ActionId.windowCancel,
    async ({ service, client }, d, user, triggerId) => {
      service.mayOpen(d.id, { type: 'cancel' }, user);
      await client.views.open({ trigger_id: triggerId, view: cancelModal(d) as never });
    },
  ],
  [
    ActionId.markHealthy,
    async ({ service }, d, user) => {
      service.act(d.id, { type: 'mark_healthy' }, user);
    },
  ],
  [
    ActionId.markFaulty,
    async ({ service, client, clock, logger }, d, user, _trigger, where) => {
      // The same button is offered during the monitoring window (Report a problem) and at its end (Faulty).
      const during = d.monitoring !== undefined && clock.now() < d.monitoring.until;
      const note = during
        ? 'Reported faulty during the monitoring window.'
        : 'Marked faulty at the end of the monitoring window.';
      const faulty = service.act(d.id, { type: 'mark_faulty', note }, user);
      await tell(client, where, faultyAnswer(faulty), logger);
    },
  ],
];

export function registerRescheduleActions(app: App, deps: ListenerDeps): void {
  for (const [actionId, handle] of BUTTONS) {
    onButton(app, deps, actionId, async ({ ref, user, triggerId, where }) =>
      handle(deps, deps.service.find(ref.d), user, triggerId, where),
    );
  }
}
