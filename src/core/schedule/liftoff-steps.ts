import { itemsOfStage, type PlanItem, type Stage } from '../template/items.js';
import type { Deployment } from '../deployment/types.js';
import type { JobKind } from './jobs.js';

/** Who confirms the steps Liftoff performs itself, in the audit trail. */
export const LIFTOFF_ACTOR = 'liftoff';

const NOTIFY = String.raw`\b(?:announce|notify|inform)\b[^.\n]*`;

/**
 * Runbook steps that are one of Liftoff's own notices, by stage and wording, as the seeds write them:
 * "Notify Stakeholders: Announce the start of the deployment window", "Notify stakeholders of completion",
 * "Notify stakeholders of the rollback decision", a rollback's closing "Notify stakeholders".
 */
const STEPS: { kind: JobKind; stage: Stage; pattern: RegExp }[] = [
  { kind: 'announcement', stage: 'pre', pattern: /^\s*stakeholders (?:are )?(?:notified|informed)\b/i },
  { kind: 'start', stage: 'phase', pattern: new RegExp(`${NOTIFY}\\bstart\\b`, 'i') },
  { kind: 'completion', stage: 'phase', pattern: new RegExp(`${NOTIFY}\\bcomplet`, 'i') },
  { kind: 'rollback_started', stage: 'rollback', pattern: new RegExp(`${NOTIFY}\\brollback decision\\b`, 'i') },
  {
    kind: 'rollback_completed',
    stage: 'rollback',
    pattern: new RegExp(`${NOTIFY}(?:\\bcomplet|\\bdone\\b|\\bfinish)|^\\W*notify stakeholders\\W*$`, 'i'),
  },
];

/** The notice a step is, if it is one of Liftoff's own. */
export function noticeOfStep(p: Pick<PlanItem, 'stage' | 'item'>): JobKind | undefined {
  return STEPS.find((s) => s.stage === p.stage && s.pattern.test(p.item.text))?.kind;
}

/** Notices that only go out once what holds the step is over (the deployment, the rollback). */
const AFTER_THE_END: ReadonlySet<JobKind> = new Set(['completion', 'rollback_completed']);

/**
 * A step Liftoff alone does, when what holds it ends ("Announce the completion of the deployment"):
 * nobody confirms it (it has not happened yet), and it holds nothing back; the notice confirms it.
 */
export function isLiftoffsAtTheEnd(p: Pick<PlanItem, 'stage' | 'item'>): boolean {
  const kind = noticeOfStep(p);
  return kind !== undefined && AFTER_THE_END.has(kind);
}

/**
 * Whether the notice that does `p` at the end (`isLiftoffsAtTheEnd`) can still come: a deployment's
 * completion notice not once a rollback has started or the deployment was cancelled (it never
 * completes); a rollback's while its rollback runs (a failed one may still be completed).
 */
export function endNoticeToCome(
  d: Pick<Deployment, 'rollback' | 'status'>,
  p: Pick<PlanItem, 'stage' | 'item'>,
): boolean {
  if (noticeOfStep(p) !== 'completion') return true;
  return d.rollback === undefined && d.status !== 'cancelled';
}

/** Whether a sent notice of this kind may confirm steps (the card is redrawn after it). */
export const confirmsSteps = (kind: JobKind): boolean => STEPS.some((s) => s.kind === kind);

/** Whether the step's place is open to its notice: its phase ran (and, for a start, still runs), its rollback began. */
function open(d: Deployment, p: PlanItem, kind: JobKind): boolean {
  if (p.stage === 'pre') return true;
  if (p.stage === 'rollback') return d.rollback !== undefined;
  const phase = d.phases[p.sectionId];
  if (!phase?.started || phase.interrupted) return false;
  return AFTER_THE_END.has(kind) || !phase.completed;
}

/**
 * The steps a notice performs, once it is sent: not yet confirmed, where they can be, and worded as
 * that notice. Liftoff confirms them as its own (`LIFTOFF_ACTOR`).
 */
export function stepsDoneByNotice(d: Deployment, kind: JobKind): string[] {
  return STEPS.filter((s) => s.kind === kind)
    .flatMap((s) => itemsOfStage(d.plan, s.stage))
    .filter((p) => !d.items[p.key] && noticeOfStep(p) === kind && open(d, p, kind))
    .map((p) => p.key);
}

/** The deployment as its notice of `kind` leaves it: with the steps that notice performs done, by Liftoff. */
export function asSent(d: Deployment, kind: JobKind, at: number): Deployment {
  const keys = stepsDoneByNotice(d, kind);
  if (!keys.length) return d;
  const done = Object.fromEntries(keys.map((k) => [k, { state: 'done' as const, by: LIFTOFF_ACTOR, at }]));
  return { ...d, items: { ...d.items, ...done } };
}
