import { z } from 'zod';
import { ENVIRONMENTS } from '../../core/deployment/types.js';
import {
  isTimeZone,
  OPEN_CALENDAR,
  parseHours,
  parseLocalDate,
  type Calendar,
  type HoursRule,
} from '../../core/schedule/calendar.js';

const hours = z.string().transform((text, ctx): HoursRule => {
  const rule = parseHours(text);
  if (typeof rule === 'string') ctx.addIssue({ code: 'custom', message: rule });
  return rule as HoursRule;
});

const env = z.enum(ENVIRONMENTS, { error: `use ${ENVIRONMENTS.join(', ')}` });

/** "2027-01-05" or "2027-01-05 14:30", wall time in the calendar's time zone (checked with it). */
const localDate = z
  .string({ error: 'a date as "2027-01-05" or "2027-01-05 14:30" (quote it)' })
  .regex(/^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2})?$/, 'a date as "2027-01-05" or "2027-01-05 14:30"');

/**
 * `calendar`: when each environment may be deployed (allowed hours, in `timezone`) and planned freezes.
 * A start or a schedule outside it is refused with the next allowed slot (an emergency may go through).
 */
export const CalendarSchema = z
  .strictObject({
    /** An IANA time zone ("Europe/Berlin"); the hours and the freezes' dates are read in it. Default UTC. */
    timezone: z
      .string()
      .trim()
      .refine(isTimeZone, { error: 'not a time zone; use an IANA name such as Europe/Berlin or UTC' })
      .default('UTC'),
    /** Environment → "Mon-Fri 09:00-16:00" (or a list of such); an environment not named is always open. */
    allowed_hours: z
      .partialRecord(env, z.union([hours.transform((r) => [r]), z.array(hours).min(1).max(14)]))
      .optional(),
    /** Planned freezes: no deployment of the environments from `from` until `until`. */
    freezes: z
      .array(
        z.strictObject({
          environments: z.union([env.transform((e) => [e]), z.array(env).min(1)]),
          from: localDate,
          until: localDate,
          reason: z
            .string({ error: 'say why (it is shown to whoever is refused)' })
            .trim()
            .min(1, 'say why (it is shown to whoever is refused)')
            .max(300),
        }),
      )
      .max(100)
      .optional(),
  })
  .superRefine((c, ctx) => {
    c.freezes?.forEach((f, i) => {
      const from = parseLocalDate(f.from, c.timezone);
      const until = parseLocalDate(f.until, c.timezone);
      if (from === null) ctx.addIssue({ code: 'custom', path: ['freezes', i, 'from'], message: 'not a real date' });
      if (until === null) ctx.addIssue({ code: 'custom', path: ['freezes', i, 'until'], message: 'not a real date' });
      if (from !== null && until !== null && until <= from)
        ctx.addIssue({ code: 'custom', path: ['freezes', i, 'until'], message: 'must be after `from`' });
    });
  });

/** The checked `calendar` key as the core's calendar (no key: always open). */
export function readCalendar(raw: z.infer<typeof CalendarSchema> | undefined): Calendar {
  if (!raw) return OPEN_CALENDAR;
  return {
    timeZone: raw.timezone,
    allowed: raw.allowed_hours ?? {},
    freezes: (raw.freezes ?? []).map((f) => ({
      environments: f.environments,
      from: parseLocalDate(f.from, raw.timezone) as number,
      until: parseLocalDate(f.until, raw.timezone) as number,
      reason: f.reason,
    })),
  };
}
