import type { Deployment, Status } from './types.js';

const DAY = 86_400_000;

/** The period `/deploy stats` looks back over, in days: "7d", "4w", "30d" (the default), "quarter". */
export function parsePeriod(word: string): number | undefined {
  const named: Record<string, number> = { week: 7, month: 30, quarter: 90, year: 365 };
  const w = word.toLowerCase();
  if (Object.hasOwn(named, w)) return named[w];
  const m = /^(\d{1,3})(d|w)$/.exec(w);
  if (!m) return undefined;
  const days = Number(m[1]) * (m[2] === 'w' ? 7 : 1);
  return days >= 1 && days <= 730 ? days : undefined;
}

export interface PhaseStats {
  title: string;
  /** Phases run to completion (interrupted ones are left out). */
  runs: number;
  plannedMeanMs: number;
  actualMeanMs: number;
  overruns: number;
  /** Mean overrun of the runs that overran; 0 when none did. */
  overrunMeanMs: number;
}

export interface DeliveryStats {
  days: number;
  /** Deployments that went out (completed, rolled back, rollback failed); cancelled and unfinished ones are not changes yet. */
  deployed: number;
  cancelled: number;
  /** DORA: deployment frequency, per week. */
  perWeek: number;
  /** DORA: change failure rate, rolled back or rollback failed over all that went out; null with none. */
  failureRate: number | null;
  failed: number;
  /** DORA: time to restore, median, from the first issue (a failed step, a faulty verdict) or the rollback start to rolled back; null with none. */
  restoreMedianMs: number | null;
  restored: number;
  /** DORA: lead time for changes, median, from planned in Liftoff to completed (commit times are not known to Liftoff); null with none. */
  leadMedianMs: number | null;
  phases: PhaseStats[];
  /** The period week by week, oldest first (the last week may be shorter): what a chart shows. */
  weeks: WeekStats[];
}

/** One week of the period: the deployments whose window started in it, by outcome. */
export interface WeekStats {
  /** When the week starts (ms). */
  start: number;
  completed: number;
  /** Rolled back or rollback failed. */
  failed: number;
  cancelled: number;
}

export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

/**
 * What the delivery measures read of one deployment: a few numbers instead of its snapshot, so a
 * period's measures come from a small record per deployment (kept beside it by the storage).
 */
export interface DeliveryFacts {
  windowStart: number;
  status: Status;
  service: string;
  deployerId: string;
  createdAt: number;
  completedAt?: number;
  /** When trouble first showed (`troubleAt`), and when a rollback finished restoring. */
  troubleAt?: number;
  restoredAt?: number;
  /** Its phases run to completion (interrupted ones are left out), in plan order. */
  phases: Array<{ title: string; planned: number; actual: number }>;
}

/** When trouble first showed: a step reported failed, a faulty verdict, or the rollback's start. */
function troubleAt(d: Deployment): number | undefined {
  const times = [
    ...Object.values(d.items).flatMap((i) => (i.state === 'failed' ? [i.at] : [])),
    ...(d.monitoring?.verdict && !d.monitoring.verdict.healthy ? [d.monitoring.verdict.at] : []),
    ...(d.rollback ? [d.rollback.started.at] : []),
  ];
  return times.length ? Math.min(...times) : undefined;
}

export function deliveryFacts(d: Deployment): DeliveryFacts {
  const trouble = troubleAt(d);
  return {
    windowStart: d.window.start,
    status: d.status,
    service: d.service,
    deployerId: d.deployerId,
    createdAt: d.created.at,
    ...(d.completed ? { completedAt: d.completed.at } : {}),
    ...(trouble !== undefined ? { troubleAt: trouble } : {}),
    ...(d.rollback?.completed ? { restoredAt: d.rollback.completed.at } : {}),
    phases: d.plan.phases.flatMap((phase) => {
      const p = d.phases[phase.id];
      if (!p?.started || !p.completed) return [];
      return [{ title: phase.title, planned: p.plannedEnd - p.plannedStart, actual: p.completed.at - p.started.at }];
    }),
  };
}

/** Counts the deployments in the period per week, from the period's start. */
function byWeek(ds: readonly DeliveryFacts[], days: number, now: number): WeekStats[] {
  const from = now - days * DAY;
  const weeks: WeekStats[] = Array.from({ length: Math.ceil(days / 7) }, (_, i) => ({
    start: from + i * 7 * DAY,
    completed: 0,
    failed: 0,
    cancelled: 0,
  }));
  for (const d of ds) {
    const week = weeks[Math.min(weeks.length - 1, Math.floor((d.windowStart - from) / (7 * DAY)))];
    if (!week) continue;
    if (d.status === 'completed') week.completed++;
    else if (d.status === 'rolled_back' || d.status === 'rollback_failed') week.failed++;
    else if (d.status === 'cancelled') week.cancelled++;
  }
  return weeks;
}

/**
 * The delivery measures over deployments whose window started in the
 * `days` before `now` (the caller selects them). Pure: no clock, no storage.
 */
export function deliveryStats(ds: readonly Deployment[], days: number, now: number): DeliveryStats {
  return deliveryStatsOf(ds.map(deliveryFacts), days, now);
}

/** `deliveryStats` from the deployments' facts. */
export function deliveryStatsOf(ds: readonly DeliveryFacts[], days: number, now: number): DeliveryStats {
  const inPeriod = ds.filter((d) => d.windowStart >= now - days * DAY && d.windowStart <= now);
  const out = inPeriod.filter(
    (d) => d.status === 'completed' || d.status === 'rolled_back' || d.status === 'rollback_failed',
  );
  const failed = out.filter((d) => d.status !== 'completed');
  const restores = out.flatMap((d) => {
    const to = d.status === 'rolled_back' ? d.restoredAt : undefined;
    return d.troubleAt !== undefined && to !== undefined ? [to - d.troubleAt] : [];
  });
  const leads = out.flatMap((d) =>
    d.status === 'completed' && d.completedAt !== undefined ? [d.completedAt - d.createdAt] : [],
  );

  const byPhase = new Map<string, { title: string; planned: number[]; actual: number[]; over: number[] }>();
  for (const d of out) {
    for (const { title, planned, actual } of d.phases) {
      const entry = byPhase.get(title) ?? { title, planned: [], actual: [], over: [] };
      entry.planned.push(planned);
      entry.actual.push(actual);
      if (actual > planned) entry.over.push(actual - planned);
      byPhase.set(title, entry);
    }
  }
  return {
    days,
    deployed: out.length,
    cancelled: inPeriod.filter((d) => d.status === 'cancelled').length,
    perWeek: (out.length * 7) / days,
    failureRate: out.length ? failed.length / out.length : null,
    failed: failed.length,
    restoreMedianMs: median(restores),
    restored: restores.length,
    leadMedianMs: median(leads),
    phases: [...byPhase.values()].map((e) => ({
      title: e.title,
      runs: e.actual.length,
      plannedMeanMs: mean(e.planned),
      actualMeanMs: mean(e.actual),
      overruns: e.over.length,
      overrunMeanMs: mean(e.over),
    })),
    weeks: byWeek(inPeriod, days, now),
  };
}

/** App Home's measures: the team's, and those of the services the person deployed in the period (when any). */
export interface HomeStats {
  team: DeliveryStats;
  mine?: { services: string[]; stats: DeliveryStats };
}

/**
 * The team's measures over `ds` (`team`, when already drawn from them), and those of the
 * services `user` deployed among them (from their facts).
 */
export function homeStats(
  ds: readonly DeliveryFacts[],
  user: string,
  days: number,
  now: number,
  team: DeliveryStats = deliveryStatsOf(ds, days, now),
): HomeStats {
  const services = [
    ...new Set(
      ds
        .filter((d) => d.deployerId === user && d.windowStart >= now - days * DAY && d.windowStart <= now)
        .map((d) => d.service),
    ),
  ].sort();
  if (!services.length) return { team };
  const theirs = new Set(services);
  return {
    team,
    mine: {
      services,
      stats: deliveryStatsOf(
        ds.filter((d) => theirs.has(d.service)),
        days,
        now,
      ),
    },
  };
}
