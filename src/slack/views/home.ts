import type { HomeView, KnownBlock } from '@slack/types';
import type { DeployerNeed, Waiting } from '../../core/deployment/waiting.js';
import type { Deployment } from '../../core/deployment/types.js';
import { context, divider, header, section } from './blocks.js';
import { clip, firstFew, joinLines, plural, slackDate, statusText } from './format.js';
import { listBlocks, refLink, serviceLine, type Listed } from './summary.js';
import { WAITING_MAX } from '../../usecases/home.js';

export { WAITING_MAX };
/** Blocks the general list may use: Home allows 100, the rest is header, "Waiting for you" and footer. */
const LIST_MAX_BLOCKS = 88;

/** What the deployer is expected to do, in a few words. */
export function needText(need: DeployerNeed): string {
  switch (need.kind) {
    case 'missed_window':
      return 'its window has passed: start it, reschedule or cancel';
    case 'start_gate':
      return `start gate closed, ${plural(need.missing, 'thing')} missing: chase the approvals and checklist`;
    case 'ready_to_start':
      return `ready: start “${clip(need.phase, 100)}”`;
    case 'phase_running':
      return `“${clip(need.phase, 100)}” is running: confirm its steps and complete it`;
    case 'next_phase':
      return `start the next phase, “${clip(need.phase, 100)}”`;
    case 'complete_gate':
      return `${plural(need.missing, 'thing')} missing before it can be completed`;
    case 'ready_to_complete':
      return 'ready: complete it';
    case 'verdict':
      return 'monitoring is over: mark it healthy or roll back';
    case 'faulty':
      return 'reported faulty: roll back or mark it healthy';
    case 'rollback':
      return need.failed ? 'the rollback failed: see the thread' : 'rolling back: work through the rollback checklist';
  }
}

/**
 * What is waiting for the user; `approvals` and `deployments` may hold only the first
 * `WAITING_MAX` of `approvalsTotal` and `deploymentsTotal` (the rest are counted, not read).
 */
export type HomeWaiting = Waiting & { approvalsTotal?: number; deploymentsTotal?: number };

/** "Waiting for you": the approvals the user can give and their own deployments that need them, one line each. */
function waitingBlocks(waiting: HomeWaiting, links: ReadonlyMap<number, string | null>): KnownBlock[] {
  const link = (d: Deployment) => refLink(d, links.get(d.id) ?? null);
  const blocks: KnownBlock[] = [section('*⏳ Waiting for you*')];
  if (!waiting.approvals.length && !waiting.deployments.length) {
    return [...blocks, context('Nothing is waiting for you right now. 🎉')];
  }
  if (waiting.approvals.length) {
    const lines = firstFew(
      waiting.approvals,
      WAITING_MAX,
      ({ d, label }) =>
        `${link(d)} · ${serviceLine(d)} · ${slackDate(d.window.start)} — approve as *${clip(label, 80)}*`,
      waiting.approvalsTotal,
    );
    blocks.push(section(`*✍️ Your approvals*\n${joinLines(lines, 2_800)}`));
  }
  if (waiting.deployments.length) {
    const lines = firstFew(
      waiting.deployments,
      WAITING_MAX,
      ({ d, need }) => `${link(d)} · ${serviceLine(d)} · ${statusText(d.status)} — ${needText(need)}`,
      waiting.deploymentsTotal,
    );
    blocks.push(section(`*🧑‍🚀 Your deployments*\n${joinLines(lines, 2_800)}`));
  }
  return blocks;
}

/**
 * App Home: what is waiting for the user who opened it (when given), then the
 * active and upcoming deployments, with links to their threads, then a page of
 * past deployments and the delivery stats (`history`, see views/history.ts and
 * views/home-insights.ts).
 */
export function homeView(
  items: Listed[],
  now: number,
  waiting?: HomeWaiting,
  links?: ReadonlyMap<number, string | null>,
  history: KnownBlock[] = [],
): HomeView {
  const linkMap = links ?? new Map(items.map((i) => [i.d.id, i.link]));
  // The history page and stats (at most 17 blocks) and their divider come out of the list's share.
  const list = listBlocks(items, LIST_MAX_BLOCKS - (history.length ? history.length + 1 : 0), 100_000);
  const blocks: KnownBlock[] = [
    header('🚀 Deployments'),
    context(`As of ${slackDate(now)}`),
    ...(waiting ? [...waitingBlocks(waiting, linkMap), divider()] : []),
    ...(list.length
      ? list
      : [section('No deployments are under way or scheduled. Start one with `/deploy start` in a channel.')]),
    ...(history.length ? [divider(), ...history] : []),
    context('`/deploy help` lists every command.'),
  ];
  return { type: 'home', blocks };
}
