import { offeredTimings } from '../../core/schedule/timings.js';
import type { TimingOverrides } from '../../core/deployment/types.js';
import { derivedPlans } from '../../core/template/derived.js';
import type { Template } from '../../core/template/schema.js';
import type { Settings } from './settings.js';

/**
 * The plan a deployment freezes: the template with what the team configuration
 * says for its service and environment. Configured health checks replace the
 * template's (and `health_check_settings` lets Liftoff run them); configured timings replace the announcement and reminder hours
 * and the progress interval (filling the template's blanks such as "[X] hours").
 */
export function planWithSettings(plan: Template, s: Settings | null): Template {
  const taken = s && takenFrom(s);
  // The same template and settings taken give the same plan object (the deployment's frozen plan is then
  // made, serialised and stored once for them all: core/deployment/create.ts).
  return madeFrom(plan, taken ? JSON.stringify(taken) : '', () => withSettings(plan, taken));
}

/** Plans by template and the settings they take (100 sets of settings a template). */
const madeFrom = derivedPlans(100);

/** All of a service's settings a plan takes: what `withSettings` reads, and so the key its plan is kept by. */
function takenFrom(s: Settings) {
  const c = s.communication;
  return {
    announcementHoursBefore: c.announcementHoursBefore,
    reminderHoursBefore: c.reminderHoursBefore,
    progressEveryMinutes: c.progressEveryMinutes,
    healthChecks: s.healthChecks,
    runByLiftoff: Boolean(s.healthCheckSettings),
  };
}

function withSettings(plan: Template, s: ReturnType<typeof takenFrom> | null): Template {
  // Only the team configuration lets Liftoff run the health checks: a template cannot say so itself.
  const { runByLiftoff, ...verification } = plan.verification;
  if (!s) return runByLiftoff === undefined ? plan : { ...plan, verification };
  const notices = plan.communication.notices.map((n) => {
    if (n.kind === 'announcement' && s.announcementHoursBefore !== null)
      return { ...n, hoursBefore: s.announcementHoursBefore };
    if (n.kind === 'reminder' && s.reminderHoursBefore !== null) return { ...n, hoursBefore: s.reminderHoursBefore };
    if (n.kind === 'progress' && s.progressEveryMinutes !== null) return { ...n, everyMinutes: s.progressEveryMinutes };
    return n;
  });
  return {
    ...plan,
    verification: {
      ...verification,
      healthChecks: s.healthChecks.length ? s.healthChecks : plan.verification.healthChecks,
      ...(s.runByLiftoff ? { runByLiftoff: true } : {}),
    },
    communication: { ...plan.communication, notices },
  };
}

/**
 * The timings the start form offers for a template in a service's environment:
 * the team configuration's, else the template's, else the defaults (monitoring too:
 * the configured `monitoring_minutes` wins over the template's duration).
 */
export function offeredTimingsFor(template: Template, s: Settings | null): Required<TimingOverrides> {
  const configured = Object.fromEntries(
    Object.entries(s?.communication ?? {}).filter(([, v]) => v !== null),
  ) as TimingOverrides;
  return offeredTimings(template, configured);
}
