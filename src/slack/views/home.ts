import type { HomeView, KnownBlock } from '@slack/types';
import { context, header, section } from './blocks.js';
import { slackDate } from './format.js';
import { listBlocks, type Listed } from './summary.js';

/** App Home: the active and upcoming deployments, with links to their threads. */
export function homeView(items: Listed[], now: number): HomeView {
  const list = listBlocks(items, 90, 100_000);
  const blocks: KnownBlock[] = [
    header('🚀 Deployments'),
    context(`As of ${slackDate(now)}`),
    ...(list.length ? list : [section('No deployments are under way or scheduled. Start one with `/deploy start` in a channel.')]),
    context('`/deploy help` lists every command.'),
  ];
  return { type: 'home', blocks };
}
