import { ENVIRONMENT_LABELS, type Environment } from '../deployment/types.js';

/**
 * The deploy calendar: when each environment may be deployed (allowed hours in
 * the team's time zone) and when it may not (freezes). Pure: every instant is
 * epoch ms and `now` is a parameter; the time zone is applied with `Intl`.
 */

/** Days (0 Sunday … 6 Saturday) and a time of day, in minutes after midnight, `from` < `to`. */
export interface HoursRule {
  days: number[];
  from: number;
  to: number;
  /** As written: "Mon-Fri 09:00-16:00". */
  text: string;
}

export interface Freeze {
  environments: Environment[];
  from: number;
  /** null: until someone unfreezes it. */
  until: number | null;
  reason: string;
  /** Who froze it (a command); absent for a freeze of the team configuration. */
  by?: string;
  /** The freeze's id in the database (a command's freeze). */
  id?: number;
}

export interface Calendar {
  timeZone: string;
  /** Environment → its allowed hours; an environment not named may be deployed at any time. */
  allowed: Partial<Record<Environment, HoursRule[]>>;
  /** Planned freezes (team configuration) and those set by command. */
  freezes: Freeze[];
}

export const OPEN_CALENDAR: Calendar = { timeZone: 'UTC', allowed: {}, freezes: [] };

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY_LABELS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Whether `tz` is a time zone Intl knows ("Europe/Berlin", "UTC"). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const day = (word: string) => DAYS.indexOf(word.slice(0, 3).toLowerCase() as (typeof DAYS)[number]);

/**
 * "Mon-Fri 09:00-16:00", "Sat,Sun 10:00-12:00", "daily 08:00-20:00" → a rule, or a sentence saying what is wrong.
 */
export function parseHours(text: string): HoursRule | string {
  const m = /^\s*([A-Za-z]{3,9}(?:\s*[-,]\s*[A-Za-z]{3,9})*)\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(
    text,
  );
  if (!m) return `"${text.slice(0, 40)}" is not of the form "Mon-Fri 09:00-16:00"`;
  const [, dayPart, h1, m1, h2, m2] = m as unknown as [string, string, string, string, string, string];
  let days: number[] = [];
  if (/^(daily|every ?day)$/i.test(dayPart.replace(/\s/g, ''))) days = [0, 1, 2, 3, 4, 5, 6];
  else {
    for (const part of dayPart.split(',').map((p) => p.trim())) {
      const [a, b] = part.split('-').map((p) => p.trim());
      const from = day(a ?? '');
      const to = b === undefined ? from : day(b);
      if (from < 0 || to < 0) return `"${part}" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat, Sun or daily`;
      for (let d = from; ; d = (d + 1) % 7) {
        if (!days.includes(d)) days.push(d);
        if (d === to) break;
      }
    }
  }
  const from = Number(h1) * 60 + Number(m1);
  const to = Number(h2) * 60 + Number(m2);
  if (Number(m1) > 59 || Number(m2) > 59 || from > 24 * 60 || to > 24 * 60)
    return `"${text}" has a time that does not exist`;
  if (from >= to) return `"${text}": the hours must end after they begin on the same day (at most 24:00)`;
  return { days: days.sort(), from, to, text: text.trim() };
}

interface Local {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall-clock date and time of `ms` in `tz`. */
function localOf(ms: number, tz: string): Local & { second: number } {
  const parts = Object.fromEntries(
    formatter(tz)
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  const year = Number(parts.year);
  const month = Number(parts.month);
  const dayOfMonth = Number(parts.day);
  return {
    year,
    month,
    day: dayOfMonth,
    weekday: new Date(Date.UTC(year, month - 1, dayOfMonth)).getUTCDay(),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The offset of `tz` from UTC at `ms`, in ms. */
function offsetAt(ms: number, tz: string): number {
  const l = localOf(ms, tz);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, 0, l.minutes, l.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a wall-clock time in `tz`. A time skipped by a change to summer time is taken
 * after the change (02:30 → 03:30); a repeated one, at its first occurrence.
 */
export function instantOf(year: number, month: number, dayOfMonth: number, minutes: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, dayOfMonth, 0, minutes);
  const before = wall - offsetAt(wall - 12 * 3600_000, tz);
  const after = wall - offsetAt(wall + 12 * 3600_000, tz);
  const target = localOf(wall, 'UTC');
  const reads = (t: number) => {
    const l = localOf(t, tz);
    return l.day === target.day && l.minutes === target.minutes;
  };
  // Both read the wall time in a repeated hour (the earlier wins); neither does in a skipped one.
  const candidates = [before, after].filter(reads);
  return candidates.length ? Math.min(...candidates) : before;
}

/** "Tue 5 Jan 2027 09:00" in `tz`. */
export function localText(ms: number, tz: string): string {
  const l = localOf(ms, tz);
  const month = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' }).format(
    Date.UTC(l.year, l.month - 1, 1),
  );
  const hm = `${String(Math.floor(l.minutes / 60)).padStart(2, '0')}:${String(l.minutes % 60).padStart(2, '0')}`;
  return `${DAY_LABELS[l.weekday]} ${l.day} ${month} ${l.year} ${hm}`;
}

/** "2027-01-05" or "2027-01-05 14:30" (or with a "T") as wall time in `tz`; null when it is not one. */
export function parseLocalDate(text: string, tz: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return null;
  return instantOf(y, mo, d, h * 60 + mi, tz);
}

/** The allowed intervals (epoch ms) of the local days from the day of `from` on, in order, for `days` days. */
function* allowedIntervals(rules: HoursRule[], tz: string, from: number, days: number) {
  const start = localOf(from, tz);
  for (let i = -1; i < days; i++) {
    const date = new Date(Date.UTC(start.year, start.month - 1, start.day + i));
    const [y, mo, d, wd] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCDay()];
    const today = rules
      .filter((r) => r.days.includes(wd))
      .map((r) => ({ start: instantOf(y, mo, d, r.from, tz), end: instantOf(y, mo, d, r.to, tz) }))
      .sort((a, b) => a.start - b.start);
    yield* today;
  }
}

export interface Window {
  start: number;
  end: number;
}

/** Why a window is refused, and the next window of the same length that the calendar allows (null: none within a year). */
export interface CalendarRefusal {
  kind: 'hours' | 'freeze';
  reason: string;
  next: Window | null;
}

const active = (f: Freeze, env: Environment) => f.environments.includes(env);
const overlaps = (f: Freeze, w: Window) => f.from < w.end && (f.until === null || w.start < f.until);

/** The freezes of `env` that a window overlaps. */
export function freezesOver(calendar: Calendar, env: Environment, w: Window): Freeze[] {
  return calendar.freezes.filter((f) => active(f, env) && overlaps(f, w));
}

/** The freezes in force at `now` or later, every environment, earliest first. */
export function currentFreezes(calendar: Calendar, now: number): Freeze[] {
  return calendar.freezes.filter((f) => f.until === null || f.until > now).sort((a, b) => a.from - b.from);
}

const SEARCH_DAYS = 366;
const STEP = 5 * 60_000;

/**
 * The earliest window of `length` ms starting at or after `from` that lies within the allowed hours of `env`
 * and overlaps none of its freezes; null when there is none within a year (or a freeze has no end).
 */
export function nextSlot(calendar: Calendar, env: Environment, length: number, from: number): Window | null {
  const rules = calendar.allowed[env];
  let t = Math.ceil(from / STEP) * STEP;
  const limit = from + SEARCH_DAYS * 86_400_000;
  const intervals = rules?.length ? allowedIntervals(rules, calendar.timeZone, from, SEARCH_DAYS + 1) : null;
  let current: Window | null = intervals ? null : { start: t, end: Number.POSITIVE_INFINITY };
  while (t < limit) {
    if (intervals && (!current || t + length > current.end || t < current.start)) {
      // The first allowed interval that still has room for the window from t on.
      let next = intervals.next();
      while (!next.done && Math.max(t, next.value.start) + length > next.value.end) next = intervals.next();
      if (next.done) return null;
      current = next.value;
      t = Math.max(t, current.start);
    }
    const w = { start: t, end: t + length };
    const blocking = freezesOver(calendar, env, w);
    if (!blocking.length) return w;
    if (blocking.some((f) => f.until === null)) return null;
    t = Math.max(...blocking.map((f) => f.until as number));
  }
  return null;
}

/** What the calendar says about `env`, in a line: its allowed hours and time zone; null when always open. */
export function hoursText(calendar: Calendar, env: Environment): string | null {
  const rules = calendar.allowed[env];
  if (!rules?.length) return null;
  return `${rules.map((r) => r.text).join(', ')} (${calendar.timeZone})`;
}

/** A freeze in words: "frozen until Tue 5 Jan 2027 00:00 (Europe/Berlin): quarter end". */
export function freezeText(f: Freeze, tz: string): string {
  const until = f.until === null ? 'until someone unfreezes it' : `until ${localText(f.until, tz)} (${tz})`;
  return `frozen ${until}: ${f.reason}`;
}

/** "Next allowed slot: Mon 7 Dec 2026 09:00–10:30 (Europe/Berlin)." or why there is none. */
export function nextSlotText(next: Window | null, tz: string): string {
  if (!next) return 'No allowed slot of that length within a year: ask to deploy as an emergency.';
  const end = localText(next.end, tz);
  const sameDay = end.slice(0, -6) === localText(next.start, tz).slice(0, -6);
  return `Next allowed slot: ${localText(next.start, tz)}–${sameDay ? end.slice(-5) : end} (${tz}).`;
}

/**
 * Whether the calendar allows a deployment of `env` in window `w` (asked at `now`): null when it does,
 * else why not and the next allowed window of the same length, from the later of `now` and the window's start.
 */
export function checkWindow(calendar: Calendar, env: Environment, w: Window, now: number): CalendarRefusal | null {
  const length = Math.max(w.end - w.start, 0);
  const label = ENVIRONMENT_LABELS[env];
  const tz = calendar.timeZone;
  const freeze = freezesOver(calendar, env, w)[0];
  const rules = calendar.allowed[env];
  let reason: string | null = null;
  let kind: CalendarRefusal['kind'] = 'hours';
  if (freeze) {
    reason = `${label} is ${freezeText(freeze, tz)}.`;
    kind = 'freeze';
  } else if (rules?.length) {
    const from = w.start - 86_400_000;
    const inside = [...allowedIntervals(rules, tz, from, 3)].some((i) => i.start <= w.start && w.end <= i.end);
    if (!inside) reason = `${label} is deployed only ${hoursText(calendar, env)}.`;
  }
  if (!reason) return null;
  const next = nextSlot(calendar, env, length, Math.max(now, w.start));
  return { kind, reason, next };
}

/** A refusal as one sentence to show under the window field (at most 300 characters). */
export const refusalText = (r: CalendarRefusal, tz: string) => `${r.reason} ${nextSlotText(r.next, tz)}`.slice(0, 300);
