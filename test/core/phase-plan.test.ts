import { describe, expect, it } from 'vitest';
import { createdEvent } from '../../src/core/deployment/create.js';
import { planPhaseWindows } from '../../src/core/deployment/phase-plan.js';
import { phaseTiming } from '../../src/core/deployment/progress.js';
import type { Template, TemplateInput } from '../../src/core/template/schema.js';
import { validateTemplate } from '../../src/core/template/validate.js';
import { deploymentInput, HOUR, MIN, newDeployment, rawTemplate, T0, template } from './fixtures.js';

function withPhases(phases: TemplateInput['phases']): Template {
  const v = validateTemplate({ ...rawTemplate, phases });
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return v.value;
}

const at = (hh: number, mm = 0, dayOffset = 0) => Date.UTC(2026, 10, 23 + dayOffset, hh, mm);
const step = [{ id: 's', text: 'Do it' }];

describe('planPhaseWindows', () => {
  it('gives phases with a duration their duration and shares the rest of the window equally, back to back', () => {
    // Window 11:00–15:00 (240 min): "prepare" takes 30, the other two share 210.
    expect(planPhaseWindows(template, T0 + 2 * HOUR, T0 + 6 * HOUR)).toEqual({
      prepare: { plannedStart: at(11), plannedEnd: at(11, 30) },
      deploy: { plannedStart: at(11, 30), plannedEnd: at(13, 15) },
      smoke: { plannedStart: at(13, 15), plannedEnd: at(15) },
    });
  });

  it('gives every phase at least a minute, even in a window too short for them', () => {
    const plan = planPhaseWindows(template, T0, T0 + 10 * MIN);
    expect(plan.prepare).toEqual({ plannedStart: T0, plannedEnd: T0 + 30 * MIN });
    expect(plan.deploy!.plannedEnd - plan.deploy!.plannedStart).toBe(MIN);
    expect(plan.smoke!.plannedEnd - plan.smoke!.plannedStart).toBe(MIN);
  });

  it('uses durations alone when every phase has one, ignoring the window end', () => {
    const plan = withPhases([
      { id: 'a', title: 'A', durationMinutes: 15, steps: step },
      { id: 'b', title: 'B', durationMinutes: 45, steps: step },
    ]);
    expect(planPhaseWindows(plan, T0, T0 + 8 * HOUR)).toEqual({
      a: { plannedStart: T0, plannedEnd: T0 + 15 * MIN },
      b: { plannedStart: T0 + 15 * MIN, plannedEnd: T0 + HOUR },
    });
  });

  it('places clock times on the window day when every phase has them', () => {
    const plan = withPhases([
      { id: 'a', title: 'A', window: { start: '09:30', end: '10:00' }, steps: step },
      { id: 'b', title: 'B', window: { start: '10:00', end: '11:15' }, steps: step },
    ]);
    expect(planPhaseWindows(plan, at(9), at(12))).toEqual({
      a: { plannedStart: at(9, 30), plannedEnd: at(10) },
      b: { plannedStart: at(10), plannedEnd: at(11, 15) },
    });
  });

  it('puts clock times earlier than the window start on the next day (a night window across midnight)', () => {
    const plan = withPhases([
      { id: 'a', title: 'A', window: { start: '22:00', end: '23:30' }, steps: step },
      { id: 'b', title: 'B', window: { start: '23:30', end: '23:59' }, steps: step },
      { id: 'c', title: 'C', window: { start: '00:15', end: '02:00' }, steps: step },
    ]);
    expect(planPhaseWindows(plan, at(22), at(3, 0, 1))).toEqual({
      a: { plannedStart: at(22), plannedEnd: at(23, 30) },
      b: { plannedStart: at(23, 30), plannedEnd: at(23, 59) },
      c: { plannedStart: at(0, 15, 1), plannedEnd: at(2, 0, 1) },
    });
  });

  it('falls back to sharing the window when only some phases have clock times', () => {
    const plan = withPhases([
      { id: 'a', title: 'A', window: { start: '09:30', end: '10:00' }, steps: step },
      { id: 'b', title: 'B', steps: step },
    ]);
    expect(planPhaseWindows(plan, at(9), at(11))).toEqual({
      a: { plannedStart: at(9), plannedEnd: at(10) },
      b: { plannedStart: at(10), plannedEnd: at(11) },
    });
  });

  it('is what a new deployment starts with', () => {
    const input = deploymentInput();
    expect(createdEvent(input, template).phases).toEqual(
      planPhaseWindows(template, input.windowStart, input.windowEnd),
    );
  });
});

describe('createdEvent', () => {
  it('freezes a copy of the plan: editing the template later changes no deployment', () => {
    const plan = structuredClone(template);
    const event = createdEvent(deploymentInput(), plan);
    plan.phases[0]!.title = 'Changed';
    expect(event.plan.phases[0]!.title).toBe('Preparation');
  });
});

describe('phaseTiming', () => {
  it('is planned only before the phase starts, running time while it runs, and total time once complete', () => {
    const { deployment } = newDeployment();
    const planned = 30 * MIN;
    expect(phaseTiming(deployment, 'prepare', T0)).toEqual({ plannedMs: planned, actualMs: null, overrun: false });
    const started = {
      ...deployment,
      phases: { ...deployment.phases, prepare: { ...deployment.phases.prepare!, started: { by: 'U1', at: T0 } } },
    };
    expect(phaseTiming(started, 'prepare', T0 + 10 * MIN)).toEqual({
      plannedMs: planned,
      actualMs: 10 * MIN,
      overrun: false,
    });
    expect(phaseTiming(started, 'prepare', T0 + 31 * MIN)).toEqual({
      plannedMs: planned,
      actualMs: 31 * MIN,
      overrun: true,
    });
    const done = {
      ...started,
      phases: {
        ...started.phases,
        prepare: { ...started.phases.prepare!, completed: { by: 'U1', at: T0 + 20 * MIN } },
      },
    };
    expect(phaseTiming(done, 'prepare', T0 + 5 * HOUR)).toEqual({
      plannedMs: planned,
      actualMs: 20 * MIN,
      overrun: false,
    });
    expect(phaseTiming(done, 'nope', T0)).toEqual({ plannedMs: 0, actualMs: null, overrun: false });
  });
});
