import type { RecordedEvent } from './events.js';
import { type Deployment, refOf } from './types.js';
import { findItem } from '../template/items.js';

/** Builds the first state of a deployment from its `created` event. */
export function initialState(id: number, event: RecordedEvent & { type: 'created' }): Deployment {
  const { windowStart, windowEnd, ...input } = event.input;
  return {
    ...input,
    id,
    ref: refOf(id),
    plan: event.plan,
    window: { start: windowStart, end: windowEnd },
    status: 'scheduled',
    created: { by: event.actor, at: event.at },
    items: {},
    approvals: {},
    phases: Object.fromEntries(Object.entries(event.phases).map(([k, v]) => [k, { ...v }])),
    overrides: [],
    // An emergency outside the calendar asks, as it is created, for the override of its calendar gate.
    ...(input.emergency
      ? {
          overrideRequests: {
            calendar: {
              gate: 'calendar' as const,
              reason: input.emergency.reason,
              missing: [input.emergency.calendar],
              by: event.actor,
              at: event.at,
            },
          },
        }
      : {}),
    revision: 1,
  };
}

/** The state after one more event. Pure: returns a new object, never mutates `d`. */
export function applyEvent(d: Deployment, e: RecordedEvent): Deployment {
  const stamp = { by: e.actor, at: e.at };
  const next: Deployment = { ...d, revision: d.revision + 1 };
  switch (e.type) {
    case 'created':
      throw new Error(`deployment ${d.ref} was created twice`);
    case 'item_confirmed': {
      const evidence = e.evidence ? { evidence: e.evidence } : {};
      next.items = { ...d.items, [e.key]: { state: 'done', ...stamp, ...evidence } };
      if (d.status === 'scheduled' && findItem(d.plan, e.key)?.stage === 'pre') next.status = 'preparing';
      break;
    }
    case 'item_failed':
      next.items = { ...d.items, [e.key]: { state: 'failed', ...stamp, note: e.note } };
      break;
    case 'item_undone': {
      const { [e.key]: _removed, ...rest } = d.items;
      next.items = rest;
      break;
    }
    case 'approved':
      next.approvals = { ...d.approvals, [e.role]: { decision: 'approved', ...stamp } };
      if (d.status === 'scheduled') next.status = 'preparing';
      break;
    case 'rejected':
      next.approvals = { ...d.approvals, [e.role]: { decision: 'rejected', ...stamp, reason: e.reason } };
      break;
    case 'gate_overridden': {
      const extra = {
        ...(e.requestedBy ? { requestedBy: e.requestedBy } : {}),
        ...(e.emergency ? { emergency: true } : {}),
      };
      next.overrides = [...d.overrides, { gate: e.gate, reason: e.reason, missing: e.missing, ...stamp, ...extra }];
      if (d.overrideRequests?.[e.gate]) {
        const { [e.gate]: _granted, ...rest } = d.overrideRequests;
        next.overrideRequests = rest;
      }
      break;
    }
    case 'override_requested':
      next.overrideRequests = {
        ...d.overrideRequests,
        [e.gate]: { gate: e.gate, reason: e.reason, missing: e.missing, ...stamp },
      };
      break;
    case 'phase_started': {
      const phase = d.phases[e.phaseId];
      if (!phase) throw new Error(`unknown phase ${e.phaseId} in ${d.ref}`);
      next.phases = { ...d.phases, [e.phaseId]: { ...phase, started: stamp } };
      next.status = 'in_progress';
      break;
    }
    case 'phase_completed': {
      const phase = d.phases[e.phaseId];
      if (!phase) throw new Error(`unknown phase ${e.phaseId} in ${d.ref}`);
      next.phases = { ...d.phases, [e.phaseId]: { ...phase, completed: stamp } };
      if (Object.values(next.phases).every((p) => p.completed)) next.status = 'verifying';
      break;
    }
    case 'completed':
      next.completed = stamp;
      if (d.monitoring) next.monitoring = { ...d.monitoring, verdict: { ...stamp, healthy: true } };
      next.status = 'completed';
      break;
    case 'monitoring_started':
      next.monitoring = { ...stamp, until: e.at + e.minutes * 60_000 };
      next.status = 'monitoring';
      break;
    case 'marked_faulty':
      if (d.monitoring) next.monitoring = { ...d.monitoring, verdict: { ...stamp, healthy: false, note: e.note } };
      break;
    case 'rescheduled':
      next.window = { start: e.windowStart, end: e.windowEnd };
      next.phases = Object.fromEntries(
        Object.entries(d.phases).map(([id, p]) => [id, { ...p, ...(e.phases[id] ?? {}) }]),
      );
      break;
    case 'rollback_started':
      next.rollback = {
        started: stamp,
        trigger: e.trigger,
        restore: e.restore,
        note: e.note,
        fromVersion: e.fromVersion,
        toVersion: e.toVersion,
      };
      next.phases = Object.fromEntries(
        Object.entries(d.phases).map(([id, p]) => [id, p.started && !p.completed ? { ...p, interrupted: stamp } : p]),
      );
      next.status = 'rolling_back';
      break;
    case 'rollback_completed':
      if (d.rollback) next.rollback = { ...d.rollback, completed: stamp };
      next.status = 'rolled_back';
      break;
    case 'rollback_failed':
      if (d.rollback) next.rollback = { ...d.rollback, failed: { ...stamp, note: e.note } };
      next.status = 'rollback_failed';
      break;
    case 'cancelled':
      next.cancelled = { ...stamp, reason: e.reason };
      next.status = 'cancelled';
      break;
    case 'room_opened':
      next.room = {
        channelId: e.channelId,
        name: e.name,
        archiveAfterHours: e.archiveAfterHours,
        opened: stamp,
        ...(e.private ? { private: true } : {}),
      };
      break;
    case 'room_failed':
      next.room = { failed: { ...stamp, reason: e.reason } };
      break;
    case 'health_checks_run':
    case 'refused':
      break;
  }
  return next;
}

/** Rebuilds a deployment from all of its events, oldest first. */
export function replay(id: number, events: RecordedEvent[]): Deployment {
  const [first, ...rest] = events;
  if (!first || first.type !== 'created')
    throw new Error(`events of deployment ${refOf(id)} do not start with "created"`);
  return rest.reduce(applyEvent, initialState(id, first));
}
