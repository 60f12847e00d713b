import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/core/deployment/types.js';
import { isLiftoffsAtTheEnd } from '../../src/core/schedule/liftoff-steps.js';
import { findItem, itemsOfStage } from '../../src/core/template/items.js';
import { ActionId } from '../../src/slack/ids.js';
import { renderDeployment } from '../../src/slack/views/deployment/index.js';
import { allTemplates, builtInTemplates, created, hugeTemplate, play, statesOf, T0, type Step } from './fixtures.js';
import { buttons, ownLimitProblems } from './helpers.js';

const stableKeys = (d: Deployment, now: number) =>
  renderDeployment(d, now)
    .filter((m) => !m.key.startsWith('note:'))
    .map((m) => m.key);

describe.each(allTemplates)('chunking of the %s template', (_name, plan) => {
  const states = statesOf(plan);

  it('gives the same message keys in every state', () => {
    const keys = stableKeys(created(plan), T0);
    for (const [name, d, now] of states) expect(stableKeys(d, now), name).toEqual(keys);
  });

  it('depends on the plan’s content, not on the object holding it', () => {
    expect(stableKeys(created(structuredClone(plan)), T0)).toEqual(stableKeys(created(plan), T0));
  });

  it.each(states.map(([name, d, now]) => [name, d, now] as const))(
    'stays within Slack’s limits: %s',
    (_state, d, now) => {
      for (const m of renderDeployment(d, now)) expect(ownLimitProblems(m.blocks, m.text), m.key).toEqual([]);
    },
  );

  it('shows every item exactly once, in plan order', () => {
    const confirmKeys = (d: Deployment, only?: (key: string) => boolean) =>
      renderDeployment(d, T0)
        .filter((m) => !only || only(m.key))
        .flatMap((m) => buttons(m.blocks).filter((b) => b.action_id === ActionId.confirmItem))
        .map((b) => JSON.parse(b.value!).k as string);
    const keysOf = (...stages: Array<'pre' | 'phase' | 'verify' | 'post'>) =>
      stages.flatMap((s) => itemsOfStage(plan, s)).map((p) => p.key);

    let d = created(plan);
    expect(confirmKeys(d)).toEqual(keysOf('pre'));
    // Phase steps have buttons only while their phase runs: walk through the phases.
    d = play(d, [{ type: 'gate_overridden', gate: 'start', reason: 'x', missing: [] }]);
    const stepKeys: string[] = [];
    for (const phase of plan.phases) {
      d = play(d, [{ type: 'phase_started', phaseId: phase.id }]);
      stepKeys.push(...confirmKeys(d, (key) => key.startsWith('phase:')));
      const done = phase.steps.map(
        (s): Step => [{ type: 'item_confirmed', key: `phase.${phase.id}.${s.id}`, evidence: 'https://x.example' }],
      );
      d = play(d, ...done, [{ type: 'phase_completed', phaseId: phase.id }]);
    }
    // "Announce the completion…" has none: Liftoff's completion notice does it.
    expect(stepKeys).toEqual(keysOf('phase').filter((key) => !isLiftoffsAtTheEnd(findItem(plan, key)!)));
    expect(confirmKeys(d)).toEqual(keysOf('pre', 'verify', 'post'));
  });
});

describe('splitting the huge template', () => {
  const msgs = renderDeployment(created(hugeTemplate), T0);
  const keys = msgs.map((m) => m.key);

  it('cuts each checklist into numbered parts', () => {
    const pre = msgs.filter((m) => m.key.startsWith('pre:'));
    expect(pre.length).toBeGreaterThan(3);
    expect(pre.map((m) => m.key)).toEqual(pre.map((_, i) => `pre:${i + 1}`));
    expect(pre[0]!.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: `Pre-deployment checklist (1/${pre.length})` },
    });
    expect(JSON.stringify(pre[1]!.blocks)).toContain('_(continued)_');
  });

  it('cuts big phases into parts with the actions on the last one', () => {
    const id = hugeTemplate.phases[0]!.id;
    const open = play(created(hugeTemplate), [{ type: 'gate_overridden', gate: 'start', reason: 'x', missing: [] }]);
    const parts = renderDeployment(open, T0).filter((m) => m.key === `phase:${id}` || m.key.startsWith(`phase:${id}:`));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((m) => m.key)).toEqual(parts.map((_, i) => (i ? `phase:${id}:${i + 1}` : `phase:${id}`)));
    expect(buttons(parts.at(-1)!.blocks).map((b) => b.action_id)).toEqual([ActionId.startPhase]);
    for (const p of parts.slice(0, -1)) expect(buttons(p.blocks)).toEqual([]);
  });

  it('keeps thread order: approvals, pre, phases, verify, post, the Roll back button', () => {
    const kinds = keys.map((k) => k.split(':')[0]);
    const order = ['parent', 'approvals', 'pre', 'phase', 'verify', 'post', 'rollback'];
    expect(kinds).toEqual([...kinds].sort((a, b) => order.indexOf(a!) - order.indexOf(b!)));
    expect(keys.filter((k) => k.startsWith('approvals')).length).toBeGreaterThan(1);
  });

  it('puts the Complete button on the last post-deployment part only', () => {
    const running = play(
      created(hugeTemplate),
      [{ type: 'gate_overridden', gate: 'start', reason: 'x', missing: [] }],
      [{ type: 'phase_started', phaseId: hugeTemplate.phases[0]!.id }],
    );
    const ready = play(running, [{ type: 'gate_overridden', gate: 'complete', reason: 'x', missing: [] }]);
    const post = renderDeployment(ready, T0).filter((m) => m.key.startsWith('post:'));
    const withComplete = post.filter((m) => buttons(m.blocks).some((b) => b.action_id === ActionId.complete));
    expect(withComplete.map((m) => m.key)).toEqual([post.at(-1)!.key]);
  });
});

describe('the shipped templates', () => {
  it.each(builtInTemplates.map((t) => [t.id, t] as const))('%s fits every section in one message', (_id, plan) => {
    const keys = renderDeployment(created(plan), T0).map((m) => m.key);
    expect(keys.filter((k) => /:\d+$/.test(k) && !/^(pre|verify|post):1$/.test(k))).toEqual([]);
  });
});
