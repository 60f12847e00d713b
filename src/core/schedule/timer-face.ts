import { shownMinutes } from '../duration.js';
import { phaseTiming, rollbackTiming } from '../deployment/progress.js';
import type { Deployment } from '../deployment/types.js';

/**
 * What the deployment's running timers show at `now`, as a comparable string:
 * the shown minutes of every running phase (its clock, and how far over plan)
 * and of a rollback underway (against its estimate), with the over/within
 * flags. Two moments with the same face render the same messages, so the
 * timer refresh skips rendering between them. Errs towards changing (a face
 * change only costs a render). Pure.
 */
export function timerFace(d: Deployment, now: number): string {
  const parts: Array<string | number> = [d.revision];
  for (const [id, p] of Object.entries(d.phases)) {
    if (!p.started || p.completed) continue;
    for (const at of p.interrupted ? [now, Math.min(now, p.interrupted.at)] : [now]) {
      const t = phaseTiming(d, id, at);
      const actual = t.actualMs ?? 0;
      parts.push(id, shownMinutes(actual), shownMinutes(actual - t.plannedMs), t.overrun ? 1 : 0);
    }
  }
  const r = rollbackTiming(d, now);
  if (r && !d.rollback?.completed) {
    parts.push(
      'rollback',
      shownMinutes(r.elapsedMs),
      shownMinutes(r.elapsedMs - (r.estimateMs ?? 0)),
      r.overrunMs > 0 ? 1 : 0,
    );
  }
  return parts.join(':');
}
