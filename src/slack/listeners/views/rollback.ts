import { isOnlyPlaceholder } from '../../../core/template/placeholders.js';
import type { App, ViewSubmitAction } from '@slack/bolt';
import { isDomainError } from '../../../core/errors.js';
import { cleanText } from '../../../core/text.js';
import { decodeRef, ModalField, RollbackField, ViewId } from '../../ids.js';
import { presentError } from '../../reply.js';
import { RESTORE_LABELS } from '../../views/deployment/rollback.js';
import { OTHER_TRIGGER } from '../../views/modals/rollback.js';
import type { ListenerDeps } from '../deps.js';
import { field, optionOf, textOf, type ViewValues } from './values.js';

const text = (v: ViewValues, id: string, max: number) => cleanText(textOf(v, id) ?? '').slice(0, max);

/** The checked boxes of a checkboxes input, restricted to what the modal offers. */
function restoreOf(v: ViewValues): string[] {
  const selected = (field(v, RollbackField.restore) as { selected_options?: Array<{ value?: unknown }> } | undefined)
    ?.selected_options;
  if (!Array.isArray(selected)) return [];
  return selected
    .map((o) => o?.value)
    .filter((x): x is string => typeof x === 'string' && Object.hasOwn(RESTORE_LABELS, x));
}

/** The rollback confirmation (the one decision) and the rollback-failed reason. */
export function registerRollbackViews(app: App, deps: ListenerDeps): void {
  const { rollback, logger } = deps;

  app.view<ViewSubmitAction>(ViewId.rollback, async ({ ack, body, view }) => {
    const ref = decodeRef(view.private_metadata);
    const log = logger.child({ user: body.user.id, view: ViewId.rollback, deploymentId: ref?.d });
    const error = (block: string, message: string) => ack({ response_action: 'errors', errors: { [block]: message } });
    if (!ref) return error(RollbackField.trigger, 'This form is out of date. Close it and press Roll back again.');
    const values = view.state.values as ViewValues;
    try {
      const plan = deps.service.find(ref.d).plan;
      const choice = optionOf(values, RollbackField.trigger);
      const other = text(values, RollbackField.other, 500);
      const index = choice && /^t\d{1,3}$/.test(choice) ? Number(choice.slice(1)) : -1;
      const listed = plan.rollback.triggers[index] ?? '';
      // A blank of the template (a modal from before it stopped offering them) is no reason: ask for one in words.
      const trigger = choice === OTHER_TRIGGER ? other : isOnlyPlaceholder(listed) ? '' : listed;
      if (!choice) return await error(RollbackField.trigger, 'Choose what triggered the rollback.');
      if (!trigger)
        return await error(
          choice === OTHER_TRIGGER ? RollbackField.other : RollbackField.trigger,
          'Say in a few words why you roll back.',
        );
      const restore = restoreOf(values);
      if (!restore.length) return await error(RollbackField.restore, 'Choose at least one thing to restore.');
      const { deployment, started } = await deps.durability.synced(() =>
        rollback.start(
          ref.d,
          body.user.id,
          { trigger, restore, note: text(values, RollbackField.note, 1000) },
          view.id,
        ),
      );
      await ack();
      log.with('info', started ? 'rollback started' : 'repeated rollback submission ignored', {
        deployment: deployment.ref,
      });
    } catch (e) {
      // A second person racing: the rollback is already under way; say so in their form.
      await error(RollbackField.trigger, presentError(e, log).text);
    }
  });

  app.view<ViewSubmitAction>(ViewId.rollbackFail, async ({ ack, body, view }) => {
    const ref = decodeRef(view.private_metadata);
    const log = logger.child({ user: body.user.id, view: ViewId.rollbackFail, deploymentId: ref?.d });
    const note = text(view.state.values as ViewValues, ModalField.reason, 1000);
    if (!ref) return ack({ response_action: 'errors', errors: { [ModalField.reason]: 'This form is out of date.' } });
    if (!note) return ack({ response_action: 'errors', errors: { [ModalField.reason]: 'Say what went wrong.' } });
    try {
      await deps.durability.synced(() => rollback.fail(ref.d, body.user.id, note));
      await ack();
    } catch (e) {
      if (isDomainError(e) && e.code === 'already_done') return ack();
      await ack({
        response_action: 'errors',
        errors: { [ModalField.reason]: presentError(e, log).text },
      });
    }
  });
}
