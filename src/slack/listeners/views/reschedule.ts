import type { App, ViewSubmitAction } from '@slack/bolt';
import { isDomainError } from '../../../core/errors.js';
import { decodeRef, StartField, ViewId } from '../../ids.js';
import { presentError } from '../../reply.js';
import type { ListenerDeps } from '../deps.js';
import { dateTimeOf, type ViewValues } from './values.js';

/** The reschedule modal: the new window becomes a `reschedule` command; the scheduler moves the reminders. */
export function registerRescheduleView(app: App, deps: ListenerDeps): void {
  app.view<ViewSubmitAction>(ViewId.reschedule, async ({ ack, body, view }) => {
    const ref = decodeRef(view.private_metadata);
    const values = view.state.values as ViewValues;
    const windowStart = dateTimeOf(values, StartField.windowStart);
    const windowEnd = dateTimeOf(values, StartField.windowEnd);
    const error = (field: string, text: string) => ack({ response_action: 'errors', errors: { [field]: text } });
    if (!ref) return void (await error(StartField.windowStart, 'This form is out of date. Close it and try again.'));
    if (windowStart === undefined)
      return void (await error(StartField.windowStart, 'Choose when the new window starts.'));
    if (windowEnd === undefined) return void (await error(StartField.windowEnd, 'Choose when the new window ends.'));
    if (windowStart <= deps.clock.now())
      return void (await error(StartField.windowStart, 'The new window must start in the future.'));
    if (windowEnd <= windowStart)
      return void (await error(StartField.windowEnd, 'The window must end after it starts.'));
    const log = deps.logger.child({ user: body.user.id, view: ViewId.reschedule, deploymentId: ref.d });
    try {
      await deps.durability.synced(() =>
        deps.calendar.reschedule(ref.d, { start: windowStart, end: windowEnd }, body.user.id),
      );
      await ack();
    } catch (e) {
      if (isDomainError(e) && e.code === 'already_done') return void (await ack());
      await error(StartField.windowStart, presentError(e, log).text);
    }
  });
}
