import { TIMING_FIELDS, type RawTimings } from '../../../core/deployment/input-timings.js';
import { findTimingBlock } from '../../views/modals/start-timings.js';
import { textOf, type ViewValues } from './values.js';

/** What the start form's timing fields hold (a field the form did not show: absent). */
export function typedTimings(values: ViewValues, shown: Iterable<string>): RawTimings {
  const ids = [...shown];
  const out: RawTimings = {};
  for (const field of TIMING_FIELDS) {
    const block = findTimingBlock(field, ids);
    if (block) out[field] = textOf(values, block);
  }
  return out;
}
