import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../src/core/deployment/apply.js';
import type { DeploymentEvent, RecordedEvent } from '../../src/core/deployment/events.js';
import { requiredRoles } from '../../src/core/deployment/gates.js';
import type { Deployment } from '../../src/core/deployment/types.js';
import { itemsOfStage, planItems } from '../../src/core/template/items.js';
import type { Template } from '../../src/core/template/schema.js';
import {
  createDeploymentRenderer,
  renderDeployment,
  type SlackMessage,
} from '../../src/slack/views/deployment/index.js';
import {
  builtInTemplates,
  created,
  hugeTemplate,
  LATE,
  MIN,
  play,
  realisticTemplate,
  statesOf,
  T0,
} from './fixtures.js';

/** The keys of the messages `next` rendered anew (other objects than in `before`). */
const redrawn = (before: SlackMessage[], next: SlackMessage[]) =>
  next.filter((m) => !before.some((b) => b === m)).map((m) => m.key);

/** The keys of the messages whose content differs from `before`. */
const changed = (before: SlackMessage[], next: SlackMessage[]) =>
  next.filter((m) => JSON.stringify(m) !== JSON.stringify(before.find((b) => b.key === m.key))).map((m) => m.key);

function eventsFor(plan: Template): fc.Arbitrary<DeploymentEvent> {
  const keys = planItems(plan).map((p) => p.key);
  const phaseIds = plan.phases.map((p) => p.id);
  const roles = plan.approvals.map((a) => a.role);
  const text = fc.string({ maxLength: 40 });
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ type: fc.constant('item_confirmed' as const), key: fc.constantFrom(...keys) }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        type: fc.constant('item_undone' as const),
        key: fc.constantFrom(...keys),
        previous: fc.constant({ state: 'done' as const, by: 'U1', at: T0 }),
      }),
    },
    fc.record({ type: fc.constant('item_failed' as const), key: fc.constantFrom(...keys), note: text }),
    fc.record({ type: fc.constant('approved' as const), role: fc.constantFrom(...roles) }),
    fc.record({ type: fc.constant('rejected' as const), role: fc.constantFrom(...roles), reason: text }),
    fc.record({
      type: fc.constant('gate_overridden' as const),
      gate: fc.constantFrom('start' as const, 'complete' as const),
      reason: text,
      missing: fc.array(text, { maxLength: 3 }),
    }),
    fc.record({ type: fc.constant('phase_started' as const), phaseId: fc.constantFrom(...phaseIds) }),
    fc.record({ type: fc.constant('phase_completed' as const), phaseId: fc.constantFrom(...phaseIds) }),
    fc.record({ type: fc.constant('monitoring_started' as const), minutes: fc.integer({ min: 1, max: 120 }) }),
    fc.record({
      type: fc.constant('rollback_started' as const),
      trigger: text,
      restore: fc.constant<string[]>([]),
      note: text,
      fromVersion: fc.constant('2.4.0'),
      toVersion: fc.constant('2.3.9'),
    }),
    fc.constant({ type: 'rollback_completed' as const }),
    fc.record({ type: fc.constant('rollback_failed' as const), note: text }),
    fc.record({ type: fc.constant('cancelled' as const), reason: text }),
    fc.constant({ type: 'completed' as const }),
    fc.record({ type: fc.constant('room_failed' as const), reason: text }),
  );
}

describe.each([
  ['realistic', realisticTemplate],
  ['huge', hugeTemplate],
  ['built-in', builtInTemplates[0]!],
])('the remembering renderer, %s template', (_name, plan) => {
  it('renders exactly what renderDeployment renders, after every change and at any time', () => {
    const step = fc.tuple(eventsFor(plan), fc.integer({ min: 0, max: 90 * MIN }), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const render = createDeploymentRenderer();
        let d = created(plan);
        let at = T0;
        render(d, at);
        for (const [event, later, renders] of steps) {
          at += later;
          try {
            d = applyEvent(d, { ...event, actor: 'U0DEPLOYER1', at });
          } catch {
            continue;
          }
          // The same state again, with time passing between redraws (overruns, a rollback's timer).
          for (let i = 0; i <= renders; i++) {
            const now = at + i * 7 * MIN;
            expect(render(d, now)).toEqual(renderDeployment(d, now));
          }
        }
      }),
      { numRuns: plan === hugeTemplate ? 5 : 40 },
    );
  });
});

describe('the remembering renderer redraws what shows a change, and only that', () => {
  const plan = realisticTemplate;
  const [first, second] = itemsOfStage(plan, 'pre');

  // Preparing already (a first item confirmed): the click changes one item, not the status.
  const preparing = () => play(created(plan), [{ type: 'item_confirmed', key: first!.key }]);

  it('a checklist click redraws the card (its progress) and the one message showing the item', () => {
    const render = createDeploymentRenderer();
    const d = preparing();
    const before = render(d, T0);
    const after = render(applyEvent(d, { type: 'item_confirmed', key: second!.key, actor: 'U1', at: T0 }), T0);
    expect(redrawn(before, after)).toEqual(changed(before, after));
    expect(redrawn(before, after)).toContain('pre:1');
    expect(redrawn(before, after)).toContain('parent');
    // Phases, approvals, verification and the rest are the very same messages.
    expect(after.filter((m) => m.key.startsWith('phase') || m.key.startsWith('verify')).length).toBeGreaterThan(0);
    for (const m of after.filter((x) => !redrawn(before, after).includes(x.key)))
      expect(before.find((b) => b.key === m.key)).toBe(m);
  });

  it('a one-off look renders the same messages and remembers nothing; a deployment remembered already is kept up to date', () => {
    const render = createDeploymentRenderer();
    const d = preparing();
    const looked = render(d, T0, false);
    expect(looked).toEqual(renderDeployment(d, T0));
    // Not remembered: the next render draws every message afresh.
    const first = render(d, T0);
    expect(first.every((m, i) => m !== looked[i])).toBe(true);
    // Remembered now: a one-off look reuses (and keeps) what is held.
    const again = render(d, T0, false);
    expect(again.every((m, i) => m === first[i])).toBe(true);
  });

  it('holds the deployments drawn last within its number of messages, the one drawn longest ago out first', () => {
    const a = preparing();
    const b = { ...preparing(), id: a.id + 1 };
    const size = renderDeployment(a, T0).length;
    const render = createDeploymentRenderer(size + 1);
    const firstA = render(a, T0);
    const firstB = render(b, T0);
    // Both would be more messages than it holds: the one drawn longest ago went.
    expect(render(b, T0).every((m, i) => m === firstB[i])).toBe(true);
    const againA = render(a, T0);
    expect(againA.every((m, i) => m !== firstA[i])).toBe(true);
    expect(againA).toEqual(firstA);
  });

  it('an undo redraws the same message again, back to what it showed', () => {
    const render = createDeploymentRenderer();
    const d0 = preparing();
    const d1 = applyEvent(d0, { type: 'item_confirmed', key: second!.key, actor: 'U1', at: T0 });
    const before = render(d0, T0);
    render(d1, T0);
    const undone = applyEvent(d1, {
      type: 'item_undone',
      key: second!.key,
      previous: d1.items[second!.key]!,
      actor: 'U1',
      at: T0 + MIN,
    });
    const again = render(undone, T0 + MIN);
    expect(again).toEqual(before);
    expect(again).toEqual(renderDeployment(undone, T0 + MIN));
  });

  it('an approval redraws every message that shows it: the approvals and the card', () => {
    const render = createDeploymentRenderer();
    const d = created(plan);
    const before = render(d, T0);
    const role = plan.approvals[0]!.role;
    const approved = applyEvent(d, { type: 'approved', role, actor: d.approvers[role]![0]!, at: T0 });
    const after = render(approved, T0);
    expect(changed(before, after)).toEqual(expect.arrayContaining(['parent', 'approvals']));
    expect(redrawn(before, after)).toEqual(expect.arrayContaining(changed(before, after)));
    expect(after).toEqual(renderDeployment(approved, T0));
  });

  it('the first phase shows Start when the start gate opens, and is not redrawn by the clicks before that', () => {
    const render = createDeploymentRenderer();
    const phase = `phase:${plan.phases[0]!.id}`;
    // Preparing already (its status does not change again until the phase starts).
    const pre = itemsOfStage(plan, 'pre').filter((p) => p.item.required);
    let d = play(created(plan), [{ type: 'item_confirmed', key: pre[0]!.key }]);
    let before = render(d, T0);
    // Every pre-deployment item but the last, then every approval: the gate stays closed throughout.
    const steps: RecordedEvent[] = [
      ...pre.slice(1, -1).map((p): RecordedEvent => ({ type: 'item_confirmed', key: p.key, actor: 'U1', at: T0 })),
      ...requiredRoles(d).map(
        (role): RecordedEvent => ({ type: 'approved', role, actor: d.approvers[role]![0]!, at: T0 }),
      ),
    ];
    for (const e of steps) {
      d = applyEvent(d, e);
      const after = render(d, T0);
      expect(redrawn(before, after)).not.toContain(phase);
      before = after;
    }
    // The last item opens the gate: the phase is redrawn with its Start button.
    d = applyEvent(d, { type: 'item_confirmed', key: pre.at(-1)!.key, actor: 'U1', at: T0 });
    const opened = render(d, T0);
    expect(changed(before, opened)).toContain(phase);
    expect(JSON.stringify(opened.find((m) => m.key === phase))).toContain('"Start phase"');
    expect(opened).toEqual(renderDeployment(d, T0));
  });

  it('a running phase is redrawn as time passes (its overrun), with the card', () => {
    const render = createDeploymentRenderer();
    const phase = plan.phases[0]!;
    const d = play(created(plan), [{ type: 'phase_started', phaseId: phase.id }]);
    const early = render(d, T0 + 2 * MIN);
    const late = render(d, T0 + 600 * MIN);
    expect(changed(early, late)).toEqual(expect.arrayContaining(['parent', `phase:${phase.id}`]));
    expect(redrawn(early, late)).toEqual(expect.arrayContaining(changed(early, late)));
    expect(late).toEqual(renderDeployment(d, T0 + 600 * MIN));
  });
});

describe('time shows only while a clock runs (what the remembering renderer relies on)', () => {
  const quiet = (d: Deployment) =>
    !Object.values(d.phases).some((p) => p.started && !p.completed) && !(d.rollback && !d.rollback.completed);

  it.each(
    [realisticTemplate, hugeTemplate, ...builtInTemplates].flatMap((plan) =>
      statesOf(plan).map(([name, d]) => [`${plan.name}: ${name}`, d] as const),
    ),
  )('%s', (_name, d) => {
    if (!quiet(d)) return;
    expect(renderDeployment(d, T0)).toEqual(renderDeployment(d, LATE));
  });
});
