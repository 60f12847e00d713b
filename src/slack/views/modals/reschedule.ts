import type { ModalView } from '@slack/types';
import type { Deployment } from '../../../core/deployment/types.js';
import { encodeRef, StartField, ViewId } from '../../ids.js';
import { context, plain } from '../blocks.js';
import { clip, slackDate } from '../format.js';
import { input } from './inputs.js';

/** `/deploy reschedule DEP-12` and the missed-window prompt's Reschedule: the new window. */
export function rescheduleModal(d: Deployment, now: number): ModalView {
  const length = d.window.end - d.window.start;
  // A window that already passed is offered again at the next full hour, same length.
  const start = d.window.start > now ? d.window.start : Math.ceil(now / 3_600_000) * 3_600_000;
  const picker = (at: number) => ({ type: 'datetimepicker' as const, initial_date_time: Math.floor(at / 1000) });
  return {
    type: 'modal',
    callback_id: ViewId.reschedule,
    title: plain(`Reschedule ${d.ref}`, 24),
    submit: plain('Reschedule', 24),
    close: plain('Cancel', 24),
    private_metadata: encodeRef({ d: d.id }),
    blocks: [
      context(
        `${clip(d.service, 80)} ${clip(d.version, 64)}, now planned ${slackDate(d.window.start)} – ${slackDate(d.window.end)}. Reminders move with the window and the change is announced.`,
      ),
      input(StartField.windowStart, 'New window starts', picker(start)),
      input(StartField.windowEnd, 'New window ends', picker(start + length)),
    ],
  };
}
