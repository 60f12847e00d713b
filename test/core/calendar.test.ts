import { describe, expect, it } from 'vitest';
import {
  checkWindow,
  instantOf,
  localText,
  nextSlot,
  parseHours,
  parseLocalDate,
  refusalText,
  type Calendar,
  type HoursRule,
} from '../../src/core/schedule/calendar.js';

const BERLIN = 'Europe/Berlin';
const rule = (text: string) => parseHours(text) as HoursRule;
const cal = (over: Partial<Calendar> = {}): Calendar => ({
  timeZone: BERLIN,
  allowed: { production: [rule('Mon-Fri 09:00-16:00')] },
  freezes: [],
  ...over,
});
const at = (iso: string) => Date.parse(iso);
const HOUR = 3600_000;

describe('allowed hours', () => {
  it('reads day ranges, lists and daily', () => {
    expect(rule('Mon-Fri 09:00-16:00')).toMatchObject({ days: [1, 2, 3, 4, 5], from: 540, to: 960 });
    expect(rule('Sat,Sun 10:00-12:00').days).toEqual([0, 6]);
    expect(rule('Fri-Mon 08:00-09:00').days).toEqual([0, 1, 5, 6]);
    expect(rule('daily 00:00-24:00')).toMatchObject({ days: [0, 1, 2, 3, 4, 5, 6], from: 0, to: 1440 });
  });

  it('says what is wrong with a rule', () => {
    expect(parseHours('weekdays 9-5')).toMatch(/not of the form "Mon-Fri 09:00-16:00"/);
    expect(parseHours('Moon-Fri 09:00-16:00')).toMatch(/"Moon-Fri" is not a day/);
    expect(parseHours('Mon-Fri 16:00-09:00')).toMatch(/must end after they begin/);
    expect(parseHours('Mon 09:75-10:00')).toMatch(/does not exist/);
  });
});

describe('a window against the calendar', () => {
  it('allows a window inside the hours, in the team time zone (09:00 Berlin is 08:00 UTC in winter)', () => {
    // Tuesday 1 December 2026.
    expect(
      checkWindow(cal(), 'production', { start: at('2026-12-01T08:00:00Z'), end: at('2026-12-01T09:30:00Z') }, 0),
    ).toBeNull();
    expect(
      checkWindow(cal(), 'staging', { start: at('2026-12-05T22:00:00Z'), end: at('2026-12-05T23:00:00Z') }, 0),
    ).toBeNull();
  });

  it('refuses a window that ends after hours and names the next slot of the same length', () => {
    const r = checkWindow(
      cal(),
      'production',
      { start: at('2026-12-01T14:30:00Z'), end: at('2026-12-01T16:00:00Z') },
      at('2026-12-01T10:00:00Z'),
    );
    expect(r?.kind).toBe('hours');
    expect(r?.next).toEqual({ start: at('2026-12-02T08:00:00Z'), end: at('2026-12-02T09:30:00Z') });
    expect(refusalText(r!, BERLIN)).toBe(
      'Production is deployed only Mon-Fri 09:00-16:00 (Europe/Berlin). Next allowed slot: Wed 2 Dec 2026 09:00–10:30 (Europe/Berlin).',
    );
  });

  it('moves a Friday-evening window over the weekend to Monday morning', () => {
    // Friday 4 December 2026, 17:55 Berlin.
    const start = at('2026-12-04T16:55:00Z');
    const r = checkWindow(cal(), 'production', { start, end: start + HOUR }, start);
    expect(r?.next).toEqual({ start: at('2026-12-07T08:00:00Z'), end: at('2026-12-07T09:00:00Z') });
  });

  it('starts the next slot at the next five minutes within today’s hours when now is inside them', () => {
    const now = at('2026-12-01T10:02:10Z');
    expect(nextSlot(cal(), 'production', HOUR, now)).toEqual({
      start: at('2026-12-01T10:05:00Z'),
      end: at('2026-12-01T11:05:00Z'),
    });
  });

  it('refuses a window in a freeze, names it, and finds the first slot after it', () => {
    const calendar = cal({
      freezes: [
        {
          environments: ['production'],
          from: at('2026-12-20T23:00:00Z'),
          until: parseLocalDate('2027-01-05', BERLIN),
          reason: 'quarter end',
        },
      ],
    });
    const start = at('2026-12-22T09:00:00Z');
    const r = checkWindow(calendar, 'production', { start, end: start + HOUR }, start);
    expect(r?.kind).toBe('freeze');
    expect(r?.reason).toBe('Production is frozen until Tue 5 Jan 2027 00:00 (Europe/Berlin): quarter end.');
    expect(r?.next).toEqual({ start: at('2027-01-05T08:00:00Z'), end: at('2027-01-05T09:00:00Z') });
    // Another environment is not frozen.
    expect(checkWindow(calendar, 'staging', { start, end: start + HOUR }, start)).toBeNull();
  });

  it('has no next slot while a freeze has no end, or when the window is longer than any allowed day', () => {
    const open = cal({ freezes: [{ environments: ['production'], from: 0, until: null, reason: 'incident' }] });
    const start = at('2026-12-01T09:00:00Z');
    const r = checkWindow(open, 'production', { start, end: start + HOUR }, start);
    expect(r?.next).toBeNull();
    expect(refusalText(r!, BERLIN)).toMatch(/No allowed slot of that length within a year/);
    expect(nextSlot(cal(), 'production', 8 * HOUR, start)).toBeNull();
  });
});

describe('summer time', () => {
  it('keeps 09:00 local across the change: 07:00 UTC in summer, 08:00 UTC in winter', () => {
    expect(instantOf(2026, 3, 30, 540, BERLIN)).toBe(at('2026-03-30T07:00:00Z'));
    expect(instantOf(2026, 3, 27, 540, BERLIN)).toBe(at('2026-03-27T08:00:00Z'));
    // Friday 27 March, after hours → Monday 30 March 09:00 summer time.
    const start = at('2026-03-27T16:00:00Z');
    expect(nextSlot(cal(), 'production', HOUR, start)).toEqual({
      start: at('2026-03-30T07:00:00Z'),
      end: at('2026-03-30T08:00:00Z'),
    });
  });

  it('takes a skipped wall time after the change and a repeated one at its first occurrence', () => {
    // 29 March 2026: 02:00 → 03:00 in Berlin; 25 October 2026: 03:00 → 02:00.
    expect(instantOf(2026, 3, 29, 150, BERLIN)).toBe(at('2026-03-29T01:30:00Z'));
    expect(instantOf(2026, 10, 25, 150, BERLIN)).toBe(at('2026-10-25T00:30:00Z'));
  });

  it('allows a night window on the short day only within its real hours', () => {
    const night = cal({ allowed: { production: [rule('Sun 01:00-04:00')] } });
    // On 29 March the window 01:00–04:00 Berlin lasts two hours: 00:00–02:00 UTC.
    const start = at('2026-03-29T00:00:00Z');
    expect(checkWindow(night, 'production', { start, end: start + 2 * HOUR }, start)).toBeNull();
    expect(checkWindow(night, 'production', { start, end: start + 3 * HOUR }, start)?.kind).toBe('hours');
  });

  it('writes local times in the team time zone', () => {
    expect(localText(at('2026-07-01T07:00:00Z'), BERLIN)).toBe('Wed 1 Jul 2026 09:00');
    expect(localText(at('2026-12-01T08:00:00Z'), 'UTC')).toBe('Tue 1 Dec 2026 08:00');
  });
});

describe('dates typed in commands and the configuration', () => {
  it('reads a date or a date and time as wall time in the team zone', () => {
    expect(parseLocalDate('2027-01-05', BERLIN)).toBe(at('2027-01-04T23:00:00Z'));
    expect(parseLocalDate('2026-07-01 14:30', BERLIN)).toBe(at('2026-07-01T12:30:00Z'));
    expect(parseLocalDate('2026-02-30', BERLIN)).toBeNull();
    expect(parseLocalDate('tomorrow', BERLIN)).toBeNull();
  });
});
