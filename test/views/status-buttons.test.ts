/**
 * Nothing clickable that would be refused: every deployment message, in every
 * status, offers only buttons the state machine accepts from someone named on
 * the deployment. The state machine (`decide`) is the oracle, so what is shown
 * and what is allowed cannot drift apart.
 */
import { describe, expect, it } from 'vitest';
import { decide, participants, type Command } from '../../src/core/deployment/decide.js';
import type { DeploymentEvent } from '../../src/core/deployment/events.js';
import { STATUSES, type Deployment, type Status } from '../../src/core/deployment/types.js';
import { DomainError } from '../../src/core/errors.js';
import { itemsOfStage } from '../../src/core/template/items.js';
import { ActionId, decodeRef } from '../../src/slack/ids.js';
import { renderDeployment } from '../../src/slack/views/deployment/index.js';
import { created, MIN, play, realisticTemplate as plan, T0, USERS, type Step } from './fixtures.js';
import { buttons, mrkdwnOf } from './helpers.js';

const first = plan.phases[0]!.id;
const confirm = (key: string): Step => [{ type: 'item_confirmed', key, evidence: 'x' }];
const approveAll: Step[] = plan.approvals.map((a, i) => [
  { type: 'approved', role: a.role },
  [USERS.dev, USERS.qa, USERS.ops, USERS.po][i],
]);
const allPre = itemsOfStage(plan, 'pre').map((p) => confirm(p.key));
const runAll: Step[] = plan.phases.flatMap((p) => [
  [{ type: 'phase_started', phaseId: p.id }] as Step,
  ...itemsOfStage(plan, 'phase')
    .filter((i) => i.sectionId === p.id)
    .map((i) => confirm(i.key)),
  [{ type: 'phase_completed', phaseId: p.id }] as Step,
]);
const checksDone = [...itemsOfStage(plan, 'verify'), ...itemsOfStage(plan, 'post')].map((p) => confirm(p.key));
const rollback: DeploymentEvent = {
  type: 'rollback_started',
  trigger: 'errors',
  restore: ['code'],
  note: '',
  fromVersion: '2.14.0',
  toVersion: '2.13.0',
};

/** One deployment in each status, reached by the events people cause. */
const IN: Record<Status, Step[]> = {
  scheduled: [],
  preparing: [...approveAll.slice(0, 1), ...allPre.slice(0, 2)],
  in_progress: [...approveAll, ...allPre, [{ type: 'phase_started', phaseId: first }]],
  verifying: [...approveAll, ...allPre, ...runAll],
  monitoring: [...approveAll, ...allPre, ...runAll, ...checksDone, [{ type: 'monitoring_started', minutes: 60 }]],
  completed: [...approveAll, ...allPre, ...runAll, ...checksDone, [{ type: 'completed' }]],
  cancelled: [...approveAll.slice(0, 1), [{ type: 'cancelled', reason: 'not today' }]],
  rolling_back: [
    ...approveAll.slice(0, 1),
    [{ type: 'gate_overridden', gate: 'start', reason: 'go', missing: ['x'] }],
    [{ type: 'phase_started', phaseId: first }],
    [rollback],
  ],
  rollback_failed: [
    [{ type: 'gate_overridden', gate: 'start', reason: 'go', missing: ['x'] }],
    [{ type: 'phase_started', phaseId: first }],
    [rollback],
    [{ type: 'rollback_failed', note: 'stuck' }],
  ],
  rolled_back: [
    [{ type: 'gate_overridden', gate: 'start', reason: 'go', missing: ['x'] }],
    [{ type: 'phase_started', phaseId: first }],
    [rollback],
    ...[...itemsOfStage(plan, 'rollback'), ...itemsOfStage(plan, 'rollback_validation')].map((p) => confirm(p.key)),
    [{ type: 'rollback_completed' }],
  ],
};

const inStatus = (status: Status): Deployment => play(created(plan), ...IN[status]);

/** The command a button stands for (with a reason or evidence where its form would ask for one). */
function commandOf(d: Deployment, actionId: string, value: string): Command | 'link' | null {
  const ref = decodeRef(value);
  switch (actionId) {
    case ActionId.openLink:
      return 'link';
    case ActionId.confirmItem:
      return { type: 'confirm_item', key: ref!.k!, evidence: 'x' };
    case ActionId.undoItem:
      return { type: 'undo_item', key: ref!.k! };
    case ActionId.failStep: {
      const open = itemsOfStage(d.plan, 'phase').find((p) => p.sectionId === ref!.p && !d.items[p.key]);
      return open ? { type: 'fail_item', key: open.key, note: 'x' } : null;
    }
    case ActionId.approve:
      return { type: 'approve', role: ref!.r! };
    case ActionId.reject:
      return { type: 'reject', role: ref!.r!, reason: 'x' };
    case ActionId.overrideGate:
      return { type: 'override_gate', gate: ref!.g!, reason: 'x' };
    case ActionId.startPhase:
    case ActionId.windowStart:
      return { type: 'start_phase', phaseId: ref!.p ?? d.plan.phases[0]!.id };
    case ActionId.completePhase:
      return { type: 'complete_phase', phaseId: ref!.p! };
    case ActionId.complete:
      return { type: 'complete' };
    case ActionId.cancel:
    case ActionId.windowCancel:
      return { type: 'cancel', reason: 'x' };
    case ActionId.windowReschedule:
      return { type: 'reschedule', windowStart: T0 + 600 * MIN, windowEnd: T0 + 700 * MIN };
    case ActionId.rollback:
      return { type: 'start_rollback', trigger: 'x', restore: [], note: '', toVersion: null };
    case ActionId.rollbackComplete:
      return { type: 'complete_rollback' };
    case ActionId.rollbackFail:
      return { type: 'fail_rollback', note: 'x' };
    case ActionId.markHealthy:
      return { type: 'mark_healthy' };
    case ActionId.markFaulty:
      return { type: 'mark_faulty', note: 'x' };
    default:
      return null;
  }
}

/** Why nobody named on the deployment could do `cmd` now, or null when someone can. A closed gate is a refusal too: its button is not shown until the gate opens. */
function refusal(d: Deployment, cmd: Command): string | null {
  const reasons: string[] = [];
  for (const actor of participants(d)) {
    try {
      decide(d, cmd, actor);
      return null;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      reasons.push(`${e.code}: ${e.message}`);
    }
  }
  // A closed gate says more than the others' "only the deployer can".
  return reasons.find((r) => r.startsWith('gate_closed')) ?? reasons.at(-1) ?? null;
}

describe('no message offers a button that would be refused', () => {
  for (const status of STATUSES) {
    it(`${status}`, () => {
      const d = inStatus(status);
      expect(d.status).toBe(status);
      const offending: string[] = [];
      for (const m of renderDeployment(d, T0 + 30 * MIN)) {
        for (const b of buttons(m.blocks)) {
          const cmd = commandOf(d, b.action_id, b.value ?? '');
          if (cmd === 'link') continue;
          if (cmd === null) {
            offending.push(`${m.key}: [${b.text}] stands for no command`);
            continue;
          }
          const why = refusal(d, cmd);
          if (why) offending.push(`${m.key}: [${b.text}] ${why}`);
        }
      }
      expect(offending).toEqual([]);
    });
  }

  it('no message of a finished deployment keeps a promise it can no longer keep', () => {
    for (const status of ['cancelled', 'completed', 'rolled_back', 'rolling_back', 'rollback_failed'] as const) {
      const stale = renderDeployment(inStatus(status), T0 + 30 * MIN)
        .map(
          (m) =>
            `${m.key}: ${mrkdwnOf(m.blocks).match(/button appears here|Opens when the first|Start gate closed/)?.[0] ?? ''}`,
        )
        .filter((line) => !line.endsWith(': '));
      expect(stale, status).toEqual([]);
    }
  });
});
