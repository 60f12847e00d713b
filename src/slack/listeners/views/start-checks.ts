import type { Settings } from '../../../config/team.js';
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

/**
 * Role → the user groups the configuration names for it that stand for nobody
 * (Slack does not know them, or knows no members), so the form can say why a role is empty.
 */
export function emptyGroupsOf(
  settings: Settings | null,
  roles: ReadonlyArray<{ role: string }>,
  expandUsers: (entries: readonly string[]) => string[],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { role } of roles) {
    const groups = (settings?.approvers[role] ?? []).filter((e) => !/^[UW]/.test(e) && expandUsers([e]).length === 0);
    if (groups.length) out[role] = groups;
  }
  return out;
}
