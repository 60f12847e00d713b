import type { KnownBlock, SectionBlock } from '@slack/types';
import type { DeliveryStats, HomeStats } from '../../core/deployment/stats.js';
import { context, md } from './blocks.js';
import { clip, firstFew } from './format.js';
import { doraShort } from './stats.js';

/** The four DORA measures side by side, one field each. */
function doraFields(title: string, s: DeliveryStats): SectionBlock {
  const m = doraShort(s);
  return {
    type: 'section',
    text: md(title),
    fields: [
      md(`*Deployment frequency*\n${m.frequency}`),
      md(`*Change failure rate*\n${m.failureRate}`),
      md(`*Time to restore*\n${m.restore}`),
      md(`*Lead time for changes*\n${m.lead}`),
    ],
  };
}

/**
 * App Home's delivery stats, compact (at most 3 blocks): the team's four DORA
 * measures over the period, then those of the services the person deployed.
 */
export function homeStatsBlocks({ team, mine }: HomeStats): KnownBlock[] {
  const blocks: KnownBlock[] = [doraFields(`*📊 Delivery* · all services · last ${team.days} days`, team)];
  if (mine) {
    const services = firstFew(mine.services, 5, (s) => clip(s, 40)).join(', ');
    blocks.push(doraFields(`*Your services* (${services})`, mine.stats));
  }
  blocks.push(
    context(
      'The four DORA measures. `/deploy stats [service] [environment] [period]` adds each phase planned against actual, and a chart.',
    ),
  );
  return blocks;
}
