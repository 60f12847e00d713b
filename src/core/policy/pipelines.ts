import type { Policy } from './policy.js';

/** What a pipeline may be allowed in the team configuration (`pipelines.<name>.may`). Approving is never one. */
export const PIPELINE_PERMISSIONS = ['start', 'confirm', 'phases', 'verdict', 'rollback'] as const;
export type PipelinePermission = (typeof PIPELINE_PERMISSIONS)[number];

/** A pipeline's actor in events and the audit trail: `pipeline:<name>`. */
export const PIPELINE_ACTOR = 'pipeline:';
export const pipelineActor = (name: string) => `${PIPELINE_ACTOR}${name}`;
export const pipelineOf = (actor: string): string | null =>
  actor.startsWith(PIPELINE_ACTOR) ? actor.slice(PIPELINE_ACTOR.length) : null;

/** The permission each action needs of a pipeline; absent: no pipeline may (approvals, overrides, cancelling, locks stay with people). */
const NEEDS: Readonly<Record<string, PipelinePermission | 'scope'>> = {
  deploy: 'start',
  confirm: 'confirm',
  start_phase: 'phases',
  complete_phase: 'phases',
  complete: 'phases',
  verdict: 'verdict',
  report_faulty: 'verdict',
  rollback: 'rollback',
  finish_rollback: 'rollback',
  see: 'scope',
};

/**
 * Whether pipeline `name` may do `action` where `policy` applies: the policy
 * lists the pipelines whose scope covers the service and environment, with
 * what each may. Answers the reason of a refusal.
 */
export function pipelineMay(
  name: string,
  action: string,
  place: string,
  policy: Policy,
): { allowed: true } | { allowed: false; reason: string } {
  const granted = policy.pipelines?.[name];
  if (!granted)
    return {
      allowed: false,
      reason: `The pipeline ${name} may not act on ${place}: its token is for other services or environments.`,
    };
  const needs = NEEDS[action];
  if (!needs)
    return {
      allowed: false,
      reason: `A pipeline cannot ${action.replace(/_/g, ' ')}: that stays with people in Slack.`,
    };
  if (needs === 'scope' || granted.includes(needs)) return { allowed: true };
  return {
    allowed: false,
    reason: `The pipeline ${name} may not ${needs === 'phases' ? 'run phases' : needs} (it may: ${granted.join(', ') || 'nothing'}); add "${needs}" to pipelines.${name}.may.`,
  };
}
