import { ENVIRONMENT_LABELS, type Deployment, type Environment } from '../deployment/types.js';
import { pipelineMay, pipelineOf } from './pipelines.js';
import { DEFAULT_POLICY, defaultOverrideRule, type Policy } from './policy.js';

/** What a permission is about before a deployment exists (starting one, locking by hand). */
export interface Target {
  service: string;
  environment: Environment;
}

/** Who holds a lock, for the question of who may release it. */
export interface LockHolder {
  lockedBy: string;
  /** The deployment that took it (a rollback's lock, or the deployment whose deployer locked by hand). */
  deployment?: Deployment | null;
}

/** Everything someone may ask to do. The README's "Security model" table lists each, from `WHO_MAY`. */
export type Action =
  | { type: 'deploy' }
  | { type: 'be_deployer' }
  | { type: 'confirm' }
  | { type: 'undo'; by: string }
  /** Approve a role (one person signs one role); `reject` the same without that rule. */
  | { type: 'approve'; role: string }
  | { type: 'reject'; role: string }
  | { type: 'override' }
  | { type: 'grant_override'; requestedBy?: string }
  | { type: 'start_phase' }
  | { type: 'complete_phase' }
  | { type: 'complete' }
  | { type: 'cancel' }
  | { type: 'reschedule' }
  | { type: 'verdict' }
  | { type: 'report_faulty' }
  | { type: 'rollback' }
  | { type: 'finish_rollback' }
  | { type: 'lock'; active?: readonly Deployment[] }
  /** Release a lock (`change`: edit its reason, which the same people may). */
  | { type: 'unlock'; lock: LockHolder; change?: boolean }
  /** Freeze or unfreeze an environment (the deploy calendar); the target's service is not asked. */
  | { type: 'freeze' }
  | { type: 'see' };

export type ActionName = Action['type'];
/** Actions that need nothing but their name. */
export type SimpleAction = Exclude<ActionName, 'undo' | 'approve' | 'reject' | 'unlock'>;

/** In what capacity someone may: `admin` when only the admin list allows it (recorded and told to the ops channel). */
export type Capacity =
  | 'anyone'
  | 'deployer'
  | 'participant'
  | 'approver'
  | 'author'
  | 'rollback'
  | 'holder'
  | 'allowed_deployer'
  | 'admin'
  | 'pipeline';

export type Permission = { allowed: true; as: Capacity } | { allowed: false; reason: string };

const mention = (user: string) => `<@${user}>`;

/** "a, b or c" for people; at most five named, then "…". */
function people(users: readonly string[]): string {
  const shown = users.slice(0, 5).map(mention);
  if (users.length > 5) shown.push('…');
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}` : (shown[0] ?? 'nobody');
}

const adminsOf = (policy: Policy) => policy.admins ?? [];
const isAdmin = (policy: Policy, actor: string) => adminsOf(policy).includes(actor);

/** ", or an admin (<@A>)" when there are admins; the refusals of what admins may do name them. */
const orAdmin = (policy: Policy) => (adminsOf(policy).length ? ` or an admin (${people(adminsOf(policy))})` : '');

/** Everyone named on the deployment: the deployer and every approver. */
export function participants(d: Deployment): Set<string> {
  return new Set([d.deployerId, ...Object.values(d.approvers).flat()]);
}

const approversOf = (d: Deployment) => new Set(Object.values(d.approvers).flat());

const isDeployment = (s: Deployment | Target): s is Deployment => 'deployerId' in s;

/** Whether `actor` may start a deployment of (or be the deployer of) the target: the `deployers` list where set. */
export function mayDeploy(policy: Policy, actor: string): boolean {
  return !policy.deployers || policy.deployers.includes(actor);
}

/** How a gate of `environment` is overridden: the policy's rule, else a second person in production and the deployer elsewhere. */
export const overrideRuleOf = (policy: Policy, environment: Environment) =>
  policy.overrides ?? defaultOverrideRule(environment);

const yes = (as: Capacity): Permission => ({ allowed: true, as });
const no = (reason: string): Permission => ({ allowed: false, reason });

/**
 * The one answer to "may `actor` do `action` to `subject`?" for every entry
 * point (buttons, commands, App Home, the scheduler, an API). Pure: what it
 * needs is in its arguments. A refusal says who can, admins included when
 * they can. The state of the deployment (finished, rolling back, a gate) is
 * `decide`'s business, not this one's.
 */
export function may(
  subject: Deployment | Target,
  action: Action | SimpleAction,
  actor: string,
  policy: Policy = DEFAULT_POLICY,
): Permission {
  const a: Action = typeof action === 'string' ? ({ type: action } as Action) : action;
  const place = `${subject.service} in ${ENVIRONMENT_LABELS[subject.environment]}`;
  const where = isDeployment(subject) ? subject.ref : place;
  // A pipeline (HTTP API) may what its scope in the team configuration grants, and never approves.
  const pipeline = pipelineOf(actor);
  if (pipeline !== null) {
    const p = pipelineMay(pipeline, a.type, place, policy);
    return p.allowed ? yes('pipeline') : p;
  }
  const admin = isAdmin(policy, actor);
  const deployerOnly = (what: string): Permission => {
    if (!isDeployment(subject)) return no(`There is no deployment to ${what}.`);
    if (actor === subject.deployerId) return yes('deployer');
    return no(`Only the deployer, ${mention(subject.deployerId)}, can ${what} ${where}.`);
  };
  const deployerOrAdmin = (what: string): Permission => {
    const p = deployerOnly(what);
    if (p.allowed || !isDeployment(subject)) return p;
    if (admin) return yes('admin');
    return adminsOf(policy).length
      ? no(`Only the deployer, ${mention(subject.deployerId)},${orAdmin(policy)} can ${what} ${where}.`)
      : p;
  };
  switch (a.type) {
    case 'deploy':
    case 'be_deployer': {
      if (mayDeploy(policy, actor)) return yes(policy.deployers ? 'allowed_deployer' : 'anyone');
      const what = a.type === 'deploy' ? 'start a deployment of' : 'be the deployer of';
      return no(
        `Only the deployers the team configuration names (${people(policy.deployers ?? [])}) can ${what} ${place}.`,
      );
    }
    case 'confirm': {
      if (!isDeployment(subject)) return no('There is nothing to confirm.');
      if (participants(subject).has(actor)) return yes(actor === subject.deployerId ? 'deployer' : 'participant');
      if (subject.rollback !== undefined && policy.rollbackUsers.includes(actor)) return yes('rollback');
      return no(`Only the deployer and the approvers named on ${where} can confirm its items.`);
    }
    case 'undo': {
      if (!isDeployment(subject)) return no('There is nothing to undo.');
      if (actor === a.by) return yes('author');
      if (actor === subject.deployerId) return yes('deployer');
      return no(`Only whoever confirmed it (${mention(a.by)}) or the deployer can undo that.`);
    }
    case 'approve':
    case 'reject': {
      if (!isDeployment(subject)) return no('There is nothing to approve.');
      const label = subject.plan.approvals.find((r) => r.role === a.role)?.label ?? a.role;
      const named = subject.approvers[a.role] ?? [];
      if (!named.includes(actor)) {
        return no(
          named.length
            ? `Only the named ${label} (${people(named)}) can sign as ${label} on ${where}.`
            : `Nobody is named as ${label} on ${where}, so nobody can sign as ${label} yet.`,
        );
      }
      if (actor === subject.deployerId && !policy.deployerMayApprove) {
        return no(`You are the deployer of ${where}: someone else must sign as ${label}.`);
      }
      const other = Object.entries(subject.approvals).find(
        ([role, s]) => role !== a.role && s.by === actor && s.decision === 'approved',
      );
      if (other && a.type === 'approve') {
        const otherLabel = subject.plan.approvals.find((r) => r.role === other[0])?.label ?? other[0];
        return no(`You already signed as ${otherLabel}; one person signs for one role.`);
      }
      return yes('approver');
    }
    case 'override': {
      // The deployer asks (or, where the deployer may, overrides); an admin overrides at once, as an emergency.
      if (isDeployment(subject) && actor === subject.deployerId) return yes('deployer');
      if (admin) return yes('admin');
      return deployerOrAdmin('override a gate of');
    }
    case 'grant_override': {
      if (!isDeployment(subject)) return no('There is no override to grant.');
      const requester = a.requestedBy ?? subject.deployerId;
      if (admin && actor !== requester) return yes('admin');
      const approvers = [...approversOf(subject)].filter((u) => u !== subject.deployerId && u !== requester);
      if (approvers.includes(actor)) return yes('approver');
      const who = approvers.length
        ? `an approver named on ${where} (${people(approvers)})`
        : `an approver named on ${where}`;
      return no(`Only someone other than the deployer can grant this override: ${who}${orAdmin(policy)}.`);
    }
    case 'start_phase':
      return deployerOnly('start the phases of');
    case 'complete_phase':
      return deployerOnly('complete the phases of');
    case 'complete':
      return deployerOnly('complete');
    case 'cancel':
      return deployerOrAdmin('cancel');
    case 'reschedule':
      return deployerOnly('reschedule');
    case 'verdict':
      return deployerOnly('give the verdict on');
    case 'report_faulty': {
      if (isDeployment(subject) && participants(subject).has(actor))
        return yes(actor === subject.deployerId ? 'deployer' : 'participant');
      return no(`Only the deployer and the approvers named on ${where} can report it faulty.`);
    }
    case 'rollback':
    case 'finish_rollback': {
      if (isDeployment(subject) && participants(subject).has(actor))
        return yes(actor === subject.deployerId ? 'deployer' : 'participant');
      if (policy.rollbackUsers.includes(actor)) return yes('rollback');
      return a.type === 'rollback'
        ? no(`Only the deployer, the approvers or the people named for rollbacks can roll back ${where}.`)
        : no(`Only the people who may roll back ${where} can finish its rollback.`);
    }
    case 'lock': {
      if (admin) return yes('admin');
      if (policy.deployers) {
        if (policy.deployers.includes(actor)) return yes('allowed_deployer');
        return no(
          `Only the people allowed to deploy ${place} (${people(policy.deployers)})${orAdmin(policy)} can lock it.`,
        );
      }
      if (policy.rollbackUsers.includes(actor)) return yes('rollback');
      if ((a.active ?? []).some((d) => participants(d).has(actor))) return yes('participant');
      return no(
        `Only the people named for rollbacks, or the deployer and approvers of a deployment of ${place} under way${orAdmin(policy)}, can lock it.`,
      );
    }
    case 'unlock': {
      if (actor === a.lock.lockedBy) return yes('holder');
      const d = a.lock.deployment;
      if (d && d.deployerId === actor) return yes('deployer');
      if (policy.rollbackUsers.includes(actor)) return yes('rollback');
      // Leads of the locking deployment: the approvers of roles whose id or name says "lead".
      const leads = d ? leadsOf(d) : [];
      if (d && leads.some((r) => (d.approvers[r.role] ?? []).includes(actor))) return yes('approver');
      if (admin) return yes('admin');
      return no(`Only ${releasersOf(a.lock, d ?? null, policy)} can ${a.change ? 'change the lock of' : 'unlock'} it.`);
    }
    case 'freeze': {
      const env = ENVIRONMENT_LABELS[subject.environment];
      if (admin) return yes('admin');
      if (policy.deployers) {
        if (policy.deployers.includes(actor)) return yes('allowed_deployer');
        return no(
          `Only the people allowed to deploy to ${env} (${people(policy.deployers)})${orAdmin(policy)} can freeze or unfreeze it.`,
        );
      }
      if (adminsOf(policy).length)
        return no(`Only an admin (${people(adminsOf(policy))}) can freeze or unfreeze ${env}.`);
      return yes('anyone');
    }
    case 'see':
      // A private channel's membership is known only from Slack: `visibleTo` (visibility.ts) decides it where Slack is asked.
      return yes('anyone');
  }
}

const leadsOf = (d: Deployment) => d.plan.approvals.filter((r) => /lead/i.test(r.role) || /lead/i.test(r.label));

/** "a, b or c" for phrases. */
const either = (parts: string[]) =>
  parts.length > 1 ? `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}` : (parts[0] ?? 'nobody');

/**
 * Who may release a lock, in words: the `unlock` rule of `may`, for /deploy list and its refusals.
 * `hidden`: for someone who may not see the locking deployment (a private channel), without its reference.
 */
export function releasersOf(
  lock: { lockedBy: string },
  d: Deployment | null,
  policy: Policy = DEFAULT_POLICY,
  hidden = false,
): string {
  const parts = [`whoever locked it (${mention(lock.lockedBy)})`];
  const of = d && !hidden ? d.ref : 'the deployment that took it';
  if (d && d.deployerId !== lock.lockedBy) parts.push(`the deployer of ${of} (${mention(d.deployerId)})`);
  if (d && leadsOf(d).some((r) => (d.approvers[r.role] ?? []).length)) parts.push(`a lead approver of ${of}`);
  if (policy.rollbackUsers.length) parts.push(`the people named for rollbacks (${people(policy.rollbackUsers)})`);
  if (adminsOf(policy).length) parts.push(`an admin (${people(adminsOf(policy))})`);
  return either(parts);
}
