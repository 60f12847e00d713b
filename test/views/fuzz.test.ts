import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeploymentEvent } from '../../src/core/deployment/events.js';
import { planItems } from '../../src/core/template/items.js';
import type { Template } from '../../src/core/template/schema.js';
import { renderDeployment } from '../../src/slack/views/deployment/index.js';
import { created, hugeTemplate, LATE, play, realisticTemplate, T0, type Step } from './fixtures.js';
import { ownLimitProblems } from './helpers.js';

/** Text at its nastiest: quotes, entities, control characters, lone surrogates, mentions. */
const nasty = fc.oneof(
  fc.string({
    maxLength: 1000,
    unit: fc.constantFrom('"', '&', '<', '>', '\\', '\n', '\u0001', '\ud800', '😀', 'a', '|'),
  }),
  fc.constant('https://ci.example.com/' + 'x&y|'.repeat(200)),
  fc.constant('"'.repeat(1000)),
  fc.webUrl(),
);
const user = fc.oneof(
  fc.constantFrom('U0DEPLOYER1', 'U0QALEAD001', `W${'9'.repeat(20)}`),
  fc.string({ maxLength: 60 }),
);

function eventsFor(plan: Template) {
  const keys = planItems(plan).map((p) => p.key);
  const phaseIds = plan.phases.map((p) => p.id);
  const roles = plan.approvals.map((a) => a.role);
  const event: fc.Arbitrary<DeploymentEvent> = fc.oneof(
    fc.record({ type: fc.constant('item_confirmed' as const), key: fc.constantFrom(...keys), evidence: nasty }),
    fc.record({ type: fc.constant('item_failed' as const), key: fc.constantFrom(...keys), note: nasty }),
    fc.record({ type: fc.constant('approved' as const), role: fc.constantFrom(...roles) }),
    fc.record({ type: fc.constant('rejected' as const), role: fc.constantFrom(...roles), reason: nasty }),
    fc.record({
      type: fc.constant('gate_overridden' as const),
      gate: fc.constantFrom('start' as const, 'complete' as const),
      reason: nasty,
      missing: fc.array(nasty, { maxLength: 50 }),
    }),
    fc.record({ type: fc.constant('phase_started' as const), phaseId: fc.constantFrom(...phaseIds) }),
    fc.record({ type: fc.constant('phase_completed' as const), phaseId: fc.constantFrom(...phaseIds) }),
  );
  const ending = fc.option(
    fc.oneof(
      fc.record({ type: fc.constant('cancelled' as const), reason: nasty }),
      fc.constant({ type: 'completed' as const }),
    ),
  );
  const step = fc.tuple(event, user, fc.integer({ min: T0 - 86_400_000, max: LATE }));
  return fc.tuple(
    fc.array(step, { maxLength: 150 }),
    ending,
    fc.array(user, { maxLength: 30 }),
    fc.integer({ min: T0, max: LATE }),
  );
}

describe.each([
  ['realistic', realisticTemplate],
  ['huge', hugeTemplate],
])('any state of the %s template', (_name, plan) => {
  const keys = renderDeployment(created(plan), T0).map((m) => m.key);

  it('renders within the limits, under the same keys', () => {
    fc.assert(
      fc.property(eventsFor(plan), ([steps, ending, approvers, now]) => {
        const base = created(plan, {
          service: '"'.repeat(80),
          approvers: Object.fromEntries(plan.approvals.map((a, i) => [a.role, i % 2 ? approvers : []])),
        });
        const all: Step[] = steps.map(([e, by, at]) => [e, by, at]);
        if (ending) all.push([ending]);
        const msgs = renderDeployment(play(base, ...all), now);
        expect(msgs.filter((m) => !m.key.startsWith('note:')).map((m) => m.key)).toEqual(keys);
        for (const m of msgs) expect(ownLimitProblems(m.blocks, m.text), m.key).toEqual([]);
      }),
      { numRuns: plan === hugeTemplate ? 15 : 60 },
    );
  });
});
