import { addMinutes } from 'date-fns/addMinutes';
import { differenceInMinutes } from 'date-fns/differenceInMinutes';
import type { Template } from '../template/schema.js';

export type PhaseWindows = Record<string, { plannedStart: number; plannedEnd: number }>;

const minutesOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Plans each phase inside the deployment window (epoch ms, UTC arithmetic).
 * When every phase has clock times, they are placed on the window's day (a time
 * earlier than the window's start means the next day). Otherwise phases with a
 * duration get it and the rest share what is left of the window equally.
 */
export function planPhaseWindows(plan: Template, windowStart: number, windowEnd: number): PhaseWindows {
  const phases = plan.phases;
  const allTimed = phases.every((p) => p.window?.start && p.window?.end);
  const out: PhaseWindows = {};
  if (allTimed) {
    const start = new Date(windowStart);
    const dayStart = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
    const startMinute = start.getUTCHours() * 60 + start.getUTCMinutes();
    const at = (hhmm: string) => {
      const m = minutesOfDay(hhmm);
      return dayStart + (m < startMinute ? m + 24 * 60 : m) * 60_000;
    };
    for (const p of phases) {
      const s = at(p.window!.start!);
      let e = at(p.window!.end!);
      if (e <= s) e += 24 * 60 * 60_000;
      out[p.id] = { plannedStart: s, plannedEnd: e };
    }
    return out;
  }
  const total = Math.max(differenceInMinutes(windowEnd, windowStart), phases.length);
  const fixed = phases.reduce((sum, p) => sum + (p.durationMinutes ?? 0), 0);
  const flexible = phases.filter((p) => !p.durationMinutes).length;
  const share = flexible ? Math.max(1, Math.floor((total - fixed) / flexible)) : 0;
  let cursor = new Date(windowStart);
  for (const p of phases) {
    const end = addMinutes(cursor, p.durationMinutes ?? share);
    out[p.id] = { plannedStart: cursor.getTime(), plannedEnd: end.getTime() };
    cursor = end;
  }
  return out;
}
