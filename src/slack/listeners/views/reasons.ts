import type { App, ViewSubmitAction } from '@slack/bolt';
import type { Command } from '../../../core/deployment/decide.js';
import { isDomainError } from '../../../core/errors.js';
import { checkEvidenceLink } from '../../../core/deployment/evidence.js';
import { cleanText } from '../../../core/text.js';
import { findItem } from '../../../core/template/items.js';
import { decodeRef, ModalField, ViewId, type ActionRef } from '../../ids.js';
import { presentError } from '../../reply.js';
import type { ListenerDeps } from '../deps.js';
import { optionOf, textOf, type ViewValues } from './values.js';

type Reader = (
  ref: ActionRef,
  values: ViewValues,
  deps: ListenerDeps,
) => { command: Command; field: string } | { error: string; field: string };

const reason = (values: ViewValues) => cleanText(textOf(values, ModalField.reason) ?? '').slice(0, 1000);

/** The failed-step select sends an item key, or the step's index in its phase when the key is too long for an option value. */
function stepKey(ref: ActionRef, value: string | undefined, deps: ListenerDeps): string | undefined {
  if (!value || value.includes('.')) return value;
  const phase = deps.service.find(ref.d).plan.phases.find((p) => p.id === ref.p);
  const step = phase?.steps[Number(value)];
  return phase && step ? `phase.${phase.id}.${step.id}` : undefined;
}

const needReason = (field: string) => ({ error: 'Please give a reason.', field });

/** The small modals: each turns its values into one command. */
const READERS: Record<string, Reader> = {
  [ViewId.reject]: (ref, v) => {
    const r = reason(v);
    if (!ref.r) return { error: 'This form is out of date.', field: ModalField.reason };
    return r
      ? { command: { type: 'reject', role: ref.r, reason: r }, field: ModalField.reason }
      : needReason(ModalField.reason);
  },
  [ViewId.overrideGate]: (ref, v) => {
    const r = reason(v);
    return r
      ? { command: { type: 'override_gate', gate: ref.g ?? 'start', reason: r }, field: ModalField.reason }
      : needReason(ModalField.reason);
  },
  [ViewId.cancel]: (_ref, v) => {
    const r = reason(v);
    return r ? { command: { type: 'cancel', reason: r }, field: ModalField.reason } : needReason(ModalField.reason);
  },
  [ViewId.failStep]: (ref, v, deps) => {
    const key = stepKey(ref, optionOf(v, ModalField.step), deps);
    const note = reason(v);
    if (!key) return { error: 'Choose the step that failed.', field: ModalField.step };
    if (!note) return { error: 'Say what went wrong.', field: ModalField.reason };
    return { command: { type: 'fail_item', key, note }, field: ModalField.reason };
  },
  [ViewId.evidence]: (ref, v, deps) => {
    const evidence = cleanText(textOf(v, ModalField.evidence) ?? '').slice(0, 1000);
    if (!ref.k) return { error: 'This form is out of date.', field: ModalField.evidence };
    if (!evidence) return { error: 'This item needs it to be confirmed.', field: ModalField.evidence };
    const item = findItem(deps.service.find(ref.d).plan, ref.k);
    if (item?.item.evidence?.kind !== 'url')
      return { command: { type: 'confirm_item', key: ref.k, evidence }, field: ModalField.evidence };
    const link = checkEvidenceLink(evidence, deps.team.evidenceHttpHosts);
    if (!link.ok) return { error: link.error, field: ModalField.evidence };
    return { command: { type: 'confirm_item', key: ref.k, evidence: link.url }, field: ModalField.evidence };
  },
};

export function registerReasonViews(app: App, deps: ListenerDeps): void {
  for (const [callbackId, read] of Object.entries(READERS)) {
    app.view<ViewSubmitAction>(callbackId, async ({ ack, body, view }) => {
      const ref = decodeRef(view.private_metadata);
      const log = deps.logger.child({ user: body.user.id, view: callbackId, deploymentId: ref?.d });
      // The evidence modal has only its evidence field; the others a reason.
      const field = callbackId === ViewId.evidence ? ModalField.evidence : ModalField.reason;
      if (!ref) {
        await ack({
          response_action: 'errors',
          errors: { [field]: 'This form is out of date. Close it and try again.' },
        });
        return;
      }
      try {
        const result = read(ref, view.state.values as ViewValues, deps);
        if ('error' in result) {
          await ack({ response_action: 'errors', errors: { [result.field]: result.error } });
          return;
        }
        // The modal closes with the acknowledgement: once the change (or a refusal's record) is on disk.
        await deps.durability.synced(() => deps.service.act(ref.d, result.command, body.user.id));
        await ack();
      } catch (error) {
        if (isDomainError(error) && error.code === 'already_done' && callbackId !== ViewId.failStep) {
          await ack(); // A repeated submission: it is already recorded.
          return;
        }
        await ack({ response_action: 'errors', errors: { [field]: presentError(error, log).text } });
      }
    });
  }
}
