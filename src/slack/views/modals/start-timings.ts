import type { KnownBlock } from '@slack/types';
import { TIMING_BOUNDS, TIMING_FIELDS, type TimingField } from '../../../core/deployment/input-timings.js';
import type { TimingOverrides } from '../../../core/deployment/types.js';
import { StartField } from '../../ids.js';
import { context } from '../blocks.js';
import { input } from './inputs.js';

const LABELS: Record<TimingField, string> = {
  announcementHoursBefore: 'Announce (hours before the window)',
  reminderHoursBefore: 'Remind (hours before the window)',
  progressEveryMinutes: 'Progress update every (minutes)',
  monitoringMinutes: 'Monitor for (minutes after completion)',
};

/**
 * The block id of a timing field. It carries the value offered, so a new offer (another
 * template or service) shows in the field: Slack keeps what a field showed while its id stays.
 */
export const timingBlock = (field: TimingField, offered: number) => `${StartField.timing(field)}~${offered}`;

/** The block among `blockIds` that holds a timing field, whatever value it offered. */
export const findTimingBlock = (field: TimingField, blockIds: Iterable<string>): string | undefined => {
  const base = StartField.timing(field);
  for (const id of blockIds) if (id === base || id.startsWith(`${base}~`)) return id;
  return undefined;
};

/** The communication plan's timings, prefilled with what the deployment gets unless changed here. */
export function timingFields(offered: Required<TimingOverrides>): KnownBlock[] {
  const blocks: KnownBlock[] = [
    context(
      '*Communication plan* for this deployment: from the template and the team configuration; change a number for this deployment only.',
    ),
  ];
  for (const field of TIMING_FIELDS) {
    const b = TIMING_BOUNDS[field];
    blocks.push(
      input(
        timingBlock(field, offered[field]),
        LABELS[field],
        {
          type: 'number_input',
          is_decimal_allowed: !b.whole,
          initial_value: String(offered[field]),
          ...(b.minAllowed ? { min_value: String(b.min) } : {}),
          max_value: String(b.max),
        },
        { optional: true, ...(field === 'monitoringMinutes' ? { hint: '0: no monitoring window.' } : {}) },
      ),
    );
  }
  return blocks;
}
