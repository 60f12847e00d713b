/**
 * Rendering one deployment into its Slack messages, in this process, as a redraw after a click
 * does: every item done (the heaviest message set), then one item undone or done again before
 * each render, with the renderer the message sync uses (it renders again only what changed).
 * The biggest test template and a built-in one.
 */
import { performance } from 'node:perf_hooks';
import { applyEvent } from '../src/core/deployment/apply.js';
import { planItems } from '../src/core/template/items.js';
import { createDeploymentRenderer } from '../src/slack/views/deployment/index.js';
import { allTemplates, builtInTemplates, hugeTemplate, worstDone } from '../test/views/fixtures.js';
import { summarize, type Summary } from './stats.js';

export interface RenderRow {
  template: string;
  messages: number;
  ms: Summary;
}

export function runRender(rounds: number): RenderRow[] {
  const biggest = [...allTemplates.map(([, t]) => t), hugeTemplate].sort(
    (a, b) => JSON.stringify(b).length - JSON.stringify(a).length,
  )[0]!;
  const cases = [
    { label: `built-in "${builtInTemplates[0]!.name}"`, plan: builtInTemplates[0]! },
    { label: 'the biggest test template', plan: biggest },
  ];
  return cases.map(({ label, plan }) => {
    const render = createDeploymentRenderer();
    const done = worstDone(plan);
    const keys = planItems(plan).map((p) => p.key);
    let d = done;
    render(d, Date.now());
    const times: number[] = [];
    let messages = 0;
    for (let i = 0; i < rounds; i++) {
      const key = keys[(i * 7) % keys.length]!;
      const at = Date.now();
      d = d.items[key]
        ? applyEvent(d, { type: 'item_undone', key, previous: d.items[key], actor: 'UBENCH', at })
        : applyEvent(d, {
            type: 'item_confirmed',
            key,
            evidence: done.items[key]?.evidence ?? 'x',
            actor: 'UBENCH',
            at,
          });
      const t0 = performance.now();
      messages = render(d, at).length;
      times.push(performance.now() - t0);
    }
    return { template: label, messages, ms: summarize(times) };
  });
}
