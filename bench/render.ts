/**
 * Rendering one deployment into its Slack messages, in this process (a pure function): the
 * biggest template with every item done (the heaviest message set) and a built-in one.
 */
import { performance } from 'node:perf_hooks';
import { renderDeployment } from '../src/slack/views/deployment/index.js';
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
    const d = worstDone(plan);
    const times: number[] = [];
    let messages = 0;
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      messages = renderDeployment(d, Date.now()).length;
      times.push(performance.now() - t0);
    }
    return { template: label, messages, ms: summarize(times) };
  });
}
