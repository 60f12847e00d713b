import { DomainError } from '../errors.js';
import { may, overrideRuleOf, participants, type Action } from '../policy/may.js';
import { DEFAULT_POLICY, type Policy } from '../policy/policy.js';
import { isLiftoffsAtTheEnd, LIFTOFF_ACTOR } from '../schedule/liftoff-steps.js';
import { monitoringMinutesOf } from '../schedule/timings.js';
import { findItem, type PlanItem } from '../template/items.js';
import { planPhaseWindows } from './phase-plan.js';
import type { DeploymentEvent } from './events.js';
import { isUnderway } from './progress.js';
import { gateReport, phaseStepsLeft, rollbackStepsLeft } from './gates.js';
import { FINISHED, ROLLBACK_FROM, STATUS_LABELS, type Deployment, type GateId } from './types.js';

/** What a user (or the scheduler) asks of a deployment. */
export type Command =
  | { type: 'confirm_item'; key: string; evidence?: string }
  | { type: 'fail_item'; key: string; note: string }
  | { type: 'undo_item'; key: string }
  | { type: 'approve'; role: string }
  | { type: 'reject'; role: string; reason: string }
  /** Override a gate (or, where a second person must grant it, ask for that). */
  | { type: 'override_gate'; gate: GateId; reason: string }
  /** Grant the override the deployer asked for. */
  | { type: 'grant_override'; gate: GateId }
  | { type: 'start_phase'; phaseId: string }
  | { type: 'complete_phase'; phaseId: string }
  | { type: 'complete' }
  | { type: 'cancel'; reason: string }
  /** After the monitoring window: the release is healthy (completes) or faulty (offers the rollback). */
  | { type: 'mark_healthy' }
  | { type: 'mark_faulty'; note: string }
  | { type: 'reschedule'; windowStart: number; windowEnd: number }
  | { type: 'start_rollback'; trigger: string; restore: string[]; note: string; toVersion: string | null }
  | { type: 'complete_rollback' }
  | { type: 'fail_rollback'; note: string };

export type CommandType = Command['type'];

export { DEFAULT_POLICY, type Policy } from '../policy/policy.js';

const mention = (user: string) => `<@${user}>`;

export { participants };

/** Throws the refusal `may` gives, naming who can. */
function require(d: Deployment, action: Action, actor: string, policy: Policy) {
  const p = may(d, action, actor, policy);
  if (!p.allowed) throw new DomainError('not_allowed', p.reason);
}

function requireItem(d: Deployment, key: string): PlanItem {
  const item = findItem(d.plan, key);
  if (!item) throw new DomainError('not_found', `${d.ref} has no such item any more.`);
  return item;
}

/** Phase steps can be worked on only while their phase runs; other stages have their own moment. */
function requireItemOpen(d: Deployment, p: PlanItem) {
  // The rollback comes first: while it runs, nothing else opens, whatever the stage.
  const rollingBack = d.status === 'rolling_back' || d.status === 'rollback_failed';
  const rollbackItem = p.stage === 'rollback' || p.stage === 'rollback_validation';
  if (rollingBack && !rollbackItem) {
    throw new DomainError('not_now', `${d.ref} is rolling back: only the rollback checklist can change now.`);
  }
  if (rollbackItem && !rollingBack) {
    throw new DomainError('not_now', 'The rollback checklist opens when a rollback starts.');
  }
  if (p.stage === 'phase') {
    const phase = d.phases[p.sectionId];
    if (!phase?.started) throw new DomainError('not_now', `Start the phase “${p.sectionTitle}” first.`);
    if (phase.completed) throw new DomainError('not_now', `The phase “${p.sectionTitle}” is already complete.`);
  }
  if ((p.stage === 'verify' || p.stage === 'post') && d.status !== 'in_progress' && d.status !== 'verifying') {
    if (d.status === 'monitoring') {
      throw new DomainError(
        'not_now',
        `${d.ref} is complete and being monitored: ${p.sectionTitle} can no longer change.`,
      );
    }
    throw new DomainError('not_now', `${p.sectionTitle} opens once the first deployment phase has started.`);
  }
}

function requireNotFinished(d: Deployment) {
  if (FINISHED.has(d.status)) {
    throw new DomainError(
      'finished',
      `${d.ref} is ${STATUS_LABELS[d.status].toLowerCase()}: nothing about it can change now.`,
    );
  }
}

const roleLabel = (d: Deployment, role: string) => d.plan.approvals.find((a) => a.role === role)?.label;

/** What can still happen once a rollback has started. */
const ROLLBACK_COMMANDS: ReadonlySet<CommandType> = new Set([
  'confirm_item',
  'undo_item',
  'start_rollback',
  'complete_rollback',
  'fail_rollback',
]);

/** Nothing changes on a finished deployment; while it rolls back, only the rollback and its checklist do. */
function requireChangeable(d: Deployment, type: CommandType) {
  requireNotFinished(d);
  if (d.rollback && !ROLLBACK_COMMANDS.has(type)) {
    throw new DomainError('not_now', `${d.ref} is rolling back: only the rollback checklist can change now.`);
  }
}

/*
 * Each check below is `may` plus what the state allows for one command, without what the person types
 * (a reason, a note, a window): `decide` runs it before recording, `requireOpen` before a form opens.
 */

function checkConfirm(d: Deployment, key: string, actor: string, policy: Policy): PlanItem {
  const p = requireItem(d, key);
  require(d, { type: 'confirm' }, actor, policy);
  const current = d.items[key];
  if (current?.state === 'done') {
    if (current.by === LIFTOFF_ACTOR)
      throw new DomainError('already_done', `“${p.item.text}” was already confirmed by Liftoff, with its notice.`);
    throw new DomainError('already_done', `“${p.item.text}” was already confirmed (by ${mention(current.by)}).`);
  }
  requireItemOpen(d, p);
  if (isLiftoffsAtTheEnd(p))
    throw new DomainError('not_now', `Liftoff does “${p.item.text}” itself: it sends that notice at the end.`);
  return p;
}

function checkFailItem(d: Deployment, key: string, actor: string, policy: Policy) {
  const p = requireItem(d, key);
  require(d, { type: 'confirm' }, actor, policy);
  if (p.stage !== 'phase') throw new DomainError('not_now', 'Only deployment steps can be marked failed.');
  requireItemOpen(d, p);
  if (d.items[key]?.state === 'failed')
    throw new DomainError('already_done', `“${p.item.text}” is already marked failed.`);
  if (d.items[key]?.state === 'done') {
    throw new DomainError('not_now', `“${p.item.text}” is confirmed as done; undo that first to mark it failed.`);
  }
}

/** Named for the role, and not the deployer unless allowed (an approval also keeps one person to one role); the role's label. */
function checkSigner(d: Deployment, role: string, actor: string, policy: Policy): string {
  const label = roleLabel(d, role);
  if (!label) throw new DomainError('not_found', `${d.ref} has no approval role “${role}”.`);
  require(d, { type: 'reject', role }, actor, policy);
  return label;
}

function checkReject(d: Deployment, role: string, actor: string, policy: Policy) {
  const label = checkSigner(d, role, actor, policy);
  if (d.approvals[role]?.decision === 'rejected')
    throw new DomainError('already_done', `${label} already rejected ${d.ref}.`);
  if (d.status === 'in_progress' || d.status === 'verifying' || d.status === 'monitoring') {
    throw new DomainError('not_now', `${d.ref} is already under way; raise the problem in the thread or roll back.`);
  }
}

/**
 * How `actor` overrides a closed gate: at once as an admin (an emergency), at once as the deployer where
 * the policy lets them, else by asking a second person; and what is missing.
 */
function checkOverride(
  d: Deployment,
  gate: GateId,
  actor: string,
  policy: Policy,
): { way: 'emergency' | 'override' | 'request'; missing: string[] } {
  const p = may(d, { type: 'override' }, actor, policy);
  if (!p.allowed) throw new DomainError('not_allowed', p.reason);
  const report = gateReport(d, gate);
  if (report.overridden) throw new DomainError('already_done', 'That gate was already overridden.');
  if (report.missing.length === 0)
    throw new DomainError('already_done', 'That gate is already open: nothing to override.');
  const missing = report.missing;
  if (gate === 'calendar')
    throw new DomainError(
      'already_done',
      'This emergency already waits for a second person: an approver other than its deployer, or an admin, grants it.',
    );
  if (p.as === 'admin') return { way: 'emergency', missing };
  if (overrideRuleOf(policy, d.environment) === 'deployer') return { way: 'override', missing };
  if (d.overrideRequests?.[gate])
    throw new DomainError(
      'already_done',
      'That override is already asked for: it waits for an approver or an admin to grant it.',
    );
  return { way: 'request', missing };
}

function checkCancel(d: Deployment, actor: string, policy: Policy) {
  require(d, { type: 'cancel' }, actor, policy);
  if (d.rollback) throw new DomainError('not_now', `${d.ref} is rolling back; finish or fail the rollback instead.`);
  if (d.status === 'monitoring') {
    throw new DomainError('not_now', `${d.ref} is live and being monitored; mark it healthy or roll it back instead.`);
  }
}

function checkReschedule(d: Deployment, actor: string, policy: Policy) {
  require(d, { type: 'reschedule' }, actor, policy);
  if (d.status !== 'scheduled' && d.status !== 'preparing') {
    throw new DomainError('not_now', `${d.ref} has already started; it can no longer be rescheduled.`);
  }
}

function checkStartRollback(d: Deployment, actor: string, policy: Policy) {
  require(d, { type: 'rollback' }, actor, policy);
  if (d.rollback)
    throw new DomainError(
      'already_done',
      `${d.ref} is already rolling back (started by ${mention(d.rollback.started.by)}).`,
    );
  if (!ROLLBACK_FROM.has(d.status)) {
    throw new DomainError('not_now', `${d.ref} has not started yet: cancel it instead of rolling back.`);
  }
}

function checkRollingBack(d: Deployment, actor: string, policy: Policy) {
  require(d, { type: 'finish_rollback' }, actor, policy);
  if (!d.rollback) throw new DomainError('not_now', `${d.ref} is not rolling back.`);
}

function checkFailRollback(d: Deployment, actor: string, policy: Policy) {
  checkRollingBack(d, actor, policy);
  if (d.status === 'rollback_failed') throw new DomainError('already_done', 'The rollback is already marked failed.');
}

/** A form about to open: the command it will submit, without what the person will type in it. */
export type Opening =
  | { type: 'confirm_item'; key: string }
  | { type: 'fail_item'; key: string }
  | { type: 'reject'; role: string }
  | { type: 'override_gate'; gate: GateId }
  | { type: 'cancel' }
  | { type: 'reschedule' }
  | { type: 'start_rollback' }
  | { type: 'fail_rollback' };

/**
 * Whether `actor` may open the form for `o` now: the same checks as `decide` (`may` and the state), so a
 * form that would be refused on submission does not open. Throws the same DomainError.
 */
export function requireOpen(d: Deployment, o: Opening, actor: string, policy: Policy = DEFAULT_POLICY): void {
  requireChangeable(d, o.type);
  switch (o.type) {
    case 'confirm_item':
      checkConfirm(d, o.key, actor, policy);
      break;
    case 'fail_item':
      checkFailItem(d, o.key, actor, policy);
      break;
    case 'reject':
      checkReject(d, o.role, actor, policy);
      break;
    case 'override_gate':
      checkOverride(d, o.gate, actor, policy);
      break;
    case 'cancel':
      checkCancel(d, actor, policy);
      break;
    case 'reschedule':
      checkReschedule(d, actor, policy);
      break;
    case 'start_rollback':
      checkStartRollback(d, actor, policy);
      break;
    case 'fail_rollback':
      checkFailRollback(d, actor, policy);
      break;
  }
}

/**
 * The deployment state machine: checks that `actor` may do `cmd` now and
 * returns the events that record it. Throws a DomainError (with a message for
 * the user) when not. Pure: `now` is a parameter, nothing is written.
 */
export function decide(d: Deployment, cmd: Command, actor: string, policy: Policy = DEFAULT_POLICY): DeploymentEvent[] {
  requireChangeable(d, cmd.type);
  switch (cmd.type) {
    case 'confirm_item': {
      const p = checkConfirm(d, cmd.key, actor, policy);
      if (p.item.evidence && !cmd.evidence?.trim()) {
        throw new DomainError(
          'invalid_input',
          `“${p.item.text}” needs ${p.item.evidence.label.toLowerCase()} to be confirmed.`,
        );
      }
      return [{ type: 'item_confirmed', key: cmd.key, ...(cmd.evidence ? { evidence: cmd.evidence } : {}) }];
    }
    case 'fail_item': {
      checkFailItem(d, cmd.key, actor, policy);
      return [{ type: 'item_failed', key: cmd.key, note: cmd.note }];
    }
    case 'undo_item': {
      const p = requireItem(d, cmd.key);
      const current = d.items[cmd.key];
      if (!current) throw new DomainError('already_done', `“${p.item.text}” is not confirmed.`);
      if (current.by === LIFTOFF_ACTOR)
        throw new DomainError('not_now', `“${p.item.text}” is a notice Liftoff sent: it cannot be undone.`);
      require(d, { type: 'undo', by: current.by }, actor, policy);
      requireItemOpen(d, p);
      return [{ type: 'item_undone', key: cmd.key, previous: current }];
    }
    case 'approve': {
      const label = checkSigner(d, cmd.role, actor, policy);
      if (d.approvals[cmd.role]?.decision === 'approved')
        throw new DomainError('already_done', `${label} already approved ${d.ref}.`);
      require(d, { type: 'approve', role: cmd.role }, actor, policy);
      return [{ type: 'approved', role: cmd.role }];
    }
    case 'reject':
      checkReject(d, cmd.role, actor, policy);
      return [{ type: 'rejected', role: cmd.role, reason: cmd.reason }];
    case 'override_gate': {
      const { way, missing } = checkOverride(d, cmd.gate, actor, policy);
      const event = { gate: cmd.gate, reason: cmd.reason, missing };
      if (way === 'emergency') return [{ type: 'gate_overridden', ...event, emergency: true }];
      return [{ type: way === 'override' ? 'gate_overridden' : 'override_requested', ...event }];
    }
    case 'grant_override': {
      const request = d.overrideRequests?.[cmd.gate];
      require(d, { type: 'grant_override', ...(request ? { requestedBy: request.by } : {}) }, actor, policy);
      if (!request) throw new DomainError('not_now', 'Nobody asked for an override of that gate.');
      const report = gateReport(d, cmd.gate);
      if (report.overridden) throw new DomainError('already_done', 'That gate was already overridden.');
      if (report.missing.length === 0)
        throw new DomainError('already_done', 'That gate is open now: nothing to override.');
      return [
        {
          type: 'gate_overridden',
          gate: cmd.gate,
          reason: request.reason,
          missing: report.missing,
          requestedBy: request.by,
        },
      ];
    }
    case 'start_phase': {
      require(d, { type: 'start_phase' }, actor, policy);
      const index = d.plan.phases.findIndex((p) => p.id === cmd.phaseId);
      const phase = d.plan.phases[index];
      if (!phase) throw new DomainError('not_found', `${d.ref} has no such phase.`);
      if (d.phases[phase.id]?.started) throw new DomainError('already_done', `“${phase.title}” has already started.`);
      // The gate holds the first phase; once the deployment is under way it is not asked again.
      const gate = gateReport(d, 'start');
      const calendar = gateReport(d, 'calendar');
      if (!isUnderway(d) && !calendar.open)
        throw new DomainError(
          'gate_closed',
          `${d.ref} is an emergency outside the calendar: an approver other than its deployer, or an admin, must grant it first.`,
          calendar.missing,
        );
      if (!isUnderway(d) && !gate.open)
        throw new DomainError('gate_closed', `${d.ref} cannot start yet. Still missing:`, gate.missing);
      const previous = d.plan.phases[index - 1];
      if (previous && !d.phases[previous.id]?.completed) {
        throw new DomainError('not_now', `Complete “${previous.title}” before starting “${phase.title}”.`);
      }
      return [{ type: 'phase_started', phaseId: phase.id }];
    }
    case 'complete_phase': {
      require(d, { type: 'complete_phase' }, actor, policy);
      const phase = d.plan.phases.find((p) => p.id === cmd.phaseId);
      if (!phase) throw new DomainError('not_found', `${d.ref} has no such phase.`);
      const state = d.phases[phase.id];
      if (!state?.started) throw new DomainError('not_now', `“${phase.title}” has not started.`);
      if (state.completed) throw new DomainError('already_done', `“${phase.title}” is already complete.`);
      const open = phaseStepsLeft(d, phase.id);
      if (open.length) {
        throw new DomainError(
          'gate_closed',
          `“${phase.title}” still has steps to do:`,
          open.map((p) => p.item.text),
        );
      }
      return [{ type: 'phase_completed', phaseId: phase.id }];
    }
    case 'complete': {
      require(d, { type: 'complete' }, actor, policy);
      if (d.status === 'monitoring')
        throw new DomainError('already_done', `${d.ref} is already complete and being monitored.`);
      if (d.rollback) throw new DomainError('not_now', `${d.ref} is rolling back.`);
      const gate = gateReport(d, 'complete');
      if (!gate.open)
        throw new DomainError('gate_closed', `${d.ref} cannot be completed yet. Still missing:`, gate.missing);
      const minutes = monitoringMinutesOf(d, policy.defaultMonitoringMinutes);
      return [minutes > 0 ? { type: 'monitoring_started', minutes } : { type: 'completed' }];
    }
    case 'cancel': {
      checkCancel(d, actor, policy);
      return [{ type: 'cancelled', reason: cmd.reason, ...(actor !== d.deployerId ? { admin: true } : {}) }];
    }
    case 'mark_healthy':
    case 'mark_faulty': {
      // Healthy is the deployer's verdict; the deployer or an approver may report the release faulty.
      require(d, { type: cmd.type === 'mark_healthy' ? 'verdict' : 'report_faulty' }, actor, policy);
      if (d.status !== 'monitoring') throw new DomainError('not_now', `${d.ref} is not being monitored.`);
      if (cmd.type === 'mark_healthy') return [{ type: 'completed' }];
      if (d.monitoring?.verdict) throw new DomainError('already_done', `${d.ref} was already marked faulty.`);
      return [{ type: 'marked_faulty', note: cmd.note }];
    }
    case 'reschedule': {
      checkReschedule(d, actor, policy);
      if (cmd.windowEnd <= cmd.windowStart)
        throw new DomainError('invalid_input', 'The window must end after it starts.');
      return [
        {
          type: 'rescheduled',
          windowStart: cmd.windowStart,
          windowEnd: cmd.windowEnd,
          phases: planPhaseWindows(d.plan, cmd.windowStart, cmd.windowEnd),
        },
      ];
    }
    case 'start_rollback': {
      checkStartRollback(d, actor, policy);
      return [
        {
          type: 'rollback_started',
          trigger: cmd.trigger,
          restore: cmd.restore,
          note: cmd.note,
          fromVersion: d.version,
          toVersion: cmd.toVersion,
        },
      ];
    }
    case 'fail_rollback':
      checkFailRollback(d, actor, policy);
      return [{ type: 'rollback_failed', note: cmd.note }];
    case 'complete_rollback': {
      checkRollingBack(d, actor, policy);
      const open = rollbackStepsLeft(d);
      if (open.length) {
        throw new DomainError(
          'gate_closed',
          'The rollback still has steps to do:',
          open.map((p) => `${p.sectionTitle}: ${p.item.text}`),
        );
      }
      return [{ type: 'rollback_completed' }];
    }
  }
}
