import type { KnownBlock } from '@slack/types';
import type { TemplateCatalog } from '../../core/template/catalog.js';
import type { Template } from '../../core/template/schema.js';
import { context, section } from './blocks.js';
import { MAX_BLOCKS_CHARS, measure } from './deployment/layout.js';
import { clip, plural } from './format.js';

const MAX_SHOWN = 45;
/** The answer's blocks, measured as Slack measures them, with the deployment messages' margin. */
const MAX_CHARS = MAX_BLOCKS_CHARS - 500;

/** One template, for `/deploy templates`: name, id, where it comes from, approval roles, checklist items and phases. */
function templateLine(t: Template, source: string | undefined, isDefault: boolean): string {
  const from =
    source === undefined ? '' : source === 'built-in' ? ' · built-in' : ` · team file \`${clip(source, 100)}\``;
  const roles = clip(t.approvals.map((a) => `${a.label}${a.required ? '' : ' (optional)'}`).join(', '), 600);
  const items = t.preDeployment.reduce((n, g) => n + g.items.length, 0);
  const steps = t.phases.reduce((n, p) => n + p.steps.length, 0);
  return [
    `*${clip(t.name, 75)}* (\`${t.id}\`)${isDefault ? ' — default' : ''}${from}`,
    `Approvals: ${roles}`,
    `${plural(items, 'checklist item')} before the start · ${plural(t.phases.length, 'phase')} (${plural(steps, 'step')})`,
  ].join('\n');
}

/** The answer to `/deploy templates`: every loaded template, one section each. */
export function templatesMessage(catalog: TemplateCatalog): { text: string; blocks: KnownBlock[] } {
  const all = catalog.all();
  const blocks: KnownBlock[] = [section(`*${plural(all.length, 'template')} you can deploy with*`)];
  const footer = [
    context(
      'Choose one in the `/deploy start` form. Check a runbook before adding it with `npx liftoff template check FILE`.',
    ),
    context(`_and ${all.length} more_`),
  ];
  // As many as fit, measured: however many templates there are, the answer stays within Slack's limits.
  let shown = 0;
  for (const t of all.slice(0, MAX_SHOWN)) {
    const next = section(templateLine(t, catalog.sourceOf?.(t.id), t.id === catalog.defaultId));
    if (measure([...blocks, next, ...footer]).chars > MAX_CHARS) break;
    blocks.push(next);
    shown++;
  }
  if (all.length > shown) blocks.push(context(`_and ${all.length - shown} more_`));
  blocks.push(footer[0]!);
  const text = `Templates you can deploy with: ${all.map((t) => `${t.name} (${t.id})`).join(', ')}`;
  return { text: clip(text, 3000), blocks };
}
