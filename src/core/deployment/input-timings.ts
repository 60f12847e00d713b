import type { TimingOverrides } from './types.js';

export type TimingField = keyof TimingOverrides;
/** What the start form sent for each timing: the typed text (or a number); blank keeps what is offered. */
export type RawTimings = Partial<Record<TimingField, string | number | null | undefined>>;

interface Bound {
  unit: 'hours' | 'minutes';
  /** The least value, and whether it is allowed itself. */
  min: number;
  minAllowed: boolean;
  max: number;
  whole: boolean;
}

/** The bounds of each timing; the team configuration's `communication` keys are checked against them too. */
export const TIMING_BOUNDS: Record<TimingField, Bound> = {
  announcementHoursBefore: { unit: 'hours', min: 0, minAllowed: false, max: 24 * 120, whole: false },
  reminderHoursBefore: { unit: 'hours', min: 0, minAllowed: false, max: 24 * 120, whole: false },
  progressEveryMinutes: { unit: 'minutes', min: 1, minAllowed: true, max: 24 * 60, whole: true },
  // 0: no monitoring.
  monitoringMinutes: { unit: 'minutes', min: 0, minAllowed: true, max: 24 * 60 * 14, whole: true },
};

export const TIMING_FIELDS = Object.keys(TIMING_BOUNDS) as TimingField[];

/** One timing from the form: a number within its bounds, or a friendly reason. Blank: null. */
function parseTiming(
  field: TimingField,
  raw: string | number | null | undefined,
): { value: number | null } | { error: string } {
  const b = TIMING_BOUNDS[field];
  const text = typeof raw === 'number' ? String(raw) : (raw ?? '').trim().replace(',', '.');
  if (!text) return { value: null };
  const n = Number(text);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) || !Number.isFinite(n))
    return { error: `enter a number of ${b.unit}, like ${b.unit === 'hours' ? '24' : '30'}` };
  if (b.whole && !Number.isInteger(n)) return { error: `a whole number of ${b.unit}` };
  if (b.minAllowed ? n < b.min : n <= b.min)
    return {
      error: `${b.minAllowed ? 'at least' : 'more than'} ${b.min} ${b.min === 1 ? b.unit.slice(0, -1) : b.unit}`,
    };
  if (n > b.max) return { error: `at most ${b.max} ${b.unit}${b.unit === 'hours' ? ` (${b.max / 24} days)` : ''}` };
  return { value: n };
}

/**
 * The deployment's timings from the form: each typed value, else what the form
 * offered (the plan's, so the deployment keeps the timings it was started with).
 * Returns the timings, or an error per field.
 */
export function parseTimings(
  raw: RawTimings | undefined,
  offered: Required<TimingOverrides> | undefined,
): { timings?: TimingOverrides; errors: Partial<Record<`timing:${TimingField}`, string>> } {
  const errors: Partial<Record<`timing:${TimingField}`, string>> = {};
  if (!raw && !offered) return { errors };
  const timings: TimingOverrides = {};
  for (const field of TIMING_FIELDS) {
    const parsed = parseTiming(field, raw?.[field]);
    if ('error' in parsed) errors[`timing:${field}`] = parsed.error;
    else if (parsed.value !== null) timings[field] = parsed.value;
    else if (offered) timings[field] = offered[field];
  }
  return { timings, errors };
}
