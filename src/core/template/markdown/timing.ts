import type { Phase, Template } from '../schema.js';
import { hasWord, keywords } from './inline.js';

/** What a phase's timing line says: a window of clock times, or a duration. */
export interface Timing {
  window?: NonNullable<Phase['window']>;
  minutes?: number;
}

const MERIDIEM = /^(.*?)\s*([ap])\.?\s*m\.?$/i;
const ZONE = /\s*(?:utc|gmt|z)$/i;

/**
 * A time of day as a runbook writes it, as "HH:MM" on the 24-hour clock:
 * "09:30", "9:30", "9.30", "09h30", "21h", "9:30 am", "9 pm", "[09:30]" (a
 * filled-in placeholder), with "UTC" after it or not. A blank placeholder
 * ("[HH:MM]", "[Start]") is null; anything else is undefined.
 */
export function clock(raw: string, meridiem?: 'a' | 'p'): string | null | undefined {
  let text = raw.trim();
  const bracketed = text.startsWith('[') && text.endsWith(']');
  if (bracketed) text = text.slice(1, -1).trim();
  text = text.replace(ZONE, '');
  const m = MERIDIEM.exec(text);
  const half = m ? (m[2]!.toLowerCase() as 'a' | 'p') : meridiem;
  if (m) text = m[1]!;
  const parts = /^(\d{1,2})(?:(?:[:.]|h)(\d{2})|h)?$/i.exec(text);
  // A bare number is a time only with am/pm ("9 pm"); otherwise it could be anything.
  if (!parts || (parts[2] === undefined && !text.toLowerCase().endsWith('h') && !m))
    return bracketed ? null : undefined;
  let hours = Number(parts[1]);
  const minutes = Number(parts[2] ?? 0);
  if (half) {
    if (hours < 1 || hours > 12) return bracketed ? null : undefined;
    hours = (hours % 12) + (half === 'p' ? 12 : 0);
  }
  if (hours > 23 || minutes > 59) return bracketed ? null : undefined;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

const SEPARATORS = [' - ', ' – ', ' — ', ' to ', ' until ', ' → ', '-', '–', '—', '→'];

/** "09:10 - 09:40", "[09:10] - [09:40]", "9:10 am to 9:40 am", "1:10-1:40 pm", "[HH:MM] - [HH:MM]" (blank). */
export function windowIn(raw: string): Timing['window'] | undefined {
  const text = unwrap(raw);
  for (const sep of SEPARATORS) {
    const at = text.indexOf(sep);
    if (at <= 0) continue;
    const [from, to] = [text.slice(0, at), text.slice(at + sep.length)];
    const end = clock(to);
    if (end === undefined) continue;
    // "1:10 - 1:40 pm": the start takes the end's am/pm, unless that puts it after the end.
    const half = MERIDIEM.exec(
      to
        .trim()
        .replace(/^\[|\]$/g, '')
        .replace(ZONE, ''),
    )?.[2]?.toLowerCase() as 'a' | 'p' | undefined;
    let start = clock(from);
    if (half && start !== undefined && start !== null && !MERIDIEM.test(from.trim())) {
      const same = clock(from, half);
      const other = clock(from, half === 'a' ? 'p' : 'a');
      start = same && end && same < end ? same : (other ?? start);
    }
    if (start !== undefined) return { start, end };
  }
  return undefined;
}

const UNITS: Array<[RegExp, number]> = [
  [/^(?:d|days?)$/i, 1440],
  [/^(?:h|hrs?|hours?)$/i, 60],
  [/^(?:m|mins?|minutes?)$/i, 1],
];

/**
 * A text that is only a duration: "30 minutes", "1h30", "1 hour 30 min", "~45 min",
 * "(about 2 hours)". Null for anything with other words in it ("wait 30 minutes").
 */
export function durationOnly(raw: string): number | null {
  let text = unwrap(raw)
    .toLowerCase()
    .replace(/[.;]$/, '')
    .replace(/^(?:~|about|approx\.?|approximately|around|est\.?|estimated|circa|ca\.)\s*/, '');
  text = text.replace(/\s+(?:total|in total|max|maximum)$/, '');
  let total = 0;
  let seen = false;
  const pair = /^(\d+(?:\.\d+)?)\s*([a-z]+)\s*(?:and\s+|,\s*)?/;
  while (text) {
    const m = pair.exec(text);
    const unit = m && UNITS.find(([re]) => re.test(m[2]!));
    if (!m || !unit) {
      // "1h30": minutes after hours without a unit.
      if (seen && /^\d{1,2}$/.test(text)) {
        total += Number(text);
        text = '';
        break;
      }
      return null;
    }
    total += Number(m[1]) * unit[1];
    seen = true;
    text = text.slice(m[0].length);
  }
  const minutes = Math.round(total);
  return seen && minutes > 0 ? minutes : null;
}

/** A window or a duration, from a text that says nothing else. */
export function timingIn(text: string): Timing | null {
  const window = windowIn(text);
  if (window) return { window };
  const minutes = durationOnly(text);
  return minutes ? { minutes } : null;
}

/** Labels a timing line may carry: "*Window:* 09:10 - 09:40", "**Duration:** 30 minutes". */
export function isTimingLabel(label: string): boolean {
  return hasWord(
    keywords(label),
    'window',
    'time',
    'timing',
    'when',
    'schedule*',
    'duration',
    'estimate*',
    'slot',
    'planned',
  );
}

/** A heading's timing in parentheses or brackets: "Preparation (09:10 - 09:40)" → the window and "Preparation". */
export function headingTiming(title: string): { title: string; timing: Timing } | null {
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
  ] as const) {
    let from = title.indexOf(open);
    while (from >= 0) {
      const to = title.indexOf(close, from);
      if (to < 0) break;
      const timing = timingIn(title.slice(from + 1, to));
      if (timing) {
        const rest = `${title.slice(0, from)} ${title.slice(to + 1)}`
          .replace(/\s+/g, ' ')
          .replace(/\s*[:–—-]\s*$/, '')
          .trim();
        return rest ? { title: rest, timing } : null;
      }
      from = title.indexOf(open, from + 1);
    }
  }
  return null;
}

/** Without the parentheses around the whole text: "(30 minutes)" → "30 minutes". */
function unwrap(raw: string): string {
  const text = raw.trim();
  return text.startsWith('(') && text.endsWith(')') ? text.slice(1, -1).trim() : text;
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Warnings (not mistakes) about phase times against the runbook's own deployment window
 * ("**Deployment Window:** [22:00] - [23:30]" in the overview, once filled in): a phase
 * window outside it, or phase durations that add up to more than it lasts.
 */
export function phaseTimeWarnings(
  t: Pick<Template, 'overview' | 'phases'>,
  lineOf: (path: string) => number,
): Array<{ line: number; message: string }> {
  const at = t.overview.findIndex((o) => hasWord(keywords(o.label), 'window'));
  const deployment = at < 0 ? undefined : windowIn(t.overview[at]!.placeholder);
  if (!deployment?.start || !deployment.end) return [];
  const from = minuteOf(deployment.start);
  // Minutes after the deployment window opens; a window past midnight goes on into the next day.
  const after = (hhmm: string) => (minuteOf(hhmm) - from + 1440) % 1440;
  const length = after(deployment.end) || 1440;
  const shown = `${deployment.start}–${deployment.end}`;
  const warnings: Array<{ line: number; message: string }> = [];
  t.phases.forEach((p, i) => {
    const { start, end } = p.window ?? {};
    if (start && end && (after(start) > length || after(end) > length || after(end) < after(start))) {
      warnings.push({
        line: lineOf(`phases.${i}.window`),
        message: `phase "${p.title}" (${start}–${end}) is outside the deployment window ${shown}`,
      });
    }
  });
  const planned = t.phases.reduce((sum, p) => sum + (p.durationMinutes ?? 0), 0);
  if (planned > length) {
    warnings.push({
      line: lineOf(`overview.${at}`),
      message: `the phases' durations add up to ${planned} minutes, more than the deployment window ${shown} (${length} minutes)`,
    });
  }
  return warnings;
}
