import type { Deployment } from '../deployment/types.js';

/** "Conduct post-mortem (if issues)", "… if there were issues": a follow-up that only applies when something went wrong. */
const ONLY_IF_ISSUES = /\(\s*if (?:there were |any )?issues\s*\)|\bif there were (?:any )?issues\b/i;

export const onlyIfIssues = (followUp: string): boolean => ONLY_IF_ISSUES.test(followUp);

/**
 * Whether the deployment had issues: a step reported failed, an approver's
 * rejection standing, the release marked faulty, or a rollback.
 */
export function hadIssues(d: Deployment): boolean {
  if (d.rollback) return true;
  if (Object.values(d.items).some((s) => s.state === 'failed')) return true;
  if (Object.values(d.approvals).some((a) => a.decision === 'rejected')) return true;
  return d.monitoring?.verdict?.healthy === false;
}

/** The indexes of the template's follow-up actions that apply to this deployment (its conditional ones only after issues). */
export function followUpsFor(d: Deployment): number[] {
  const issues = hadIssues(d);
  return d.plan.postDeployment.followUps.flatMap((text, n) => (issues || !onlyIfIssues(text) ? [n] : []));
}
