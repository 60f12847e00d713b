import type { KnownBlock } from '@slack/types';
import { gateReport } from '../../core/deployment/gates.js';
import type { Deployment, GateId } from '../../core/deployment/types.js';
import type { DomainError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/text.js';
import { context, section } from './blocks.js';
import { renderParent } from './deployment/parent.js';
import { gateText } from './deployment/gate.js';
import { clip, firstFew } from './format.js';
import { listBlocks, refLink, splitActive } from './summary.js';

/** An answer shown only to the person who asked. */
export interface Answer {
  text: string;
  blocks?: KnownBlock[];
}

const COMMANDS: Array<[string, string]> = [
  ['/deploy start [service] [version] [environment]', 'open the form to start a deployment (everything optional)'],
  ['/deploy list', 'active and upcoming deployments'],
  ['/deploy status DEP-12', 'where one deployment stands'],
  ['/deploy cancel DEP-12 reason', 'cancel a deployment (its deployer only)'],
  ['/deploy reschedule DEP-12', 'move a deployment that has not started to a new window (its deployer only)'],
  ['/deploy rollback DEP-12', 'roll a deployment back (opens the confirmation form)'],
  [
    '/deploy lock checkout production [reason]',
    'lock a service’s environment against new deployments (or change the reason)',
  ],
  [
    '/deploy unlock checkout production',
    'release the lock (whoever locked it, a lead of the locking deployment, the rollback people)',
  ],
  [
    '/deploy freeze production [until 2027-01-05] reason',
    'freeze an environment: starts and schedules in it are refused (admins and its deployers)',
  ],
  ['/deploy unfreeze production', 'lift the freezes set with /deploy freeze'],
  ['/deploy history [service] [environment] [page N]', 'past deployments with their outcome, newest first'],
  [
    '/deploy stats [service] [environment] [period]',
    'the four DORA measures and phases planned against actual (default: last 30 days), with a chart of the weeks posted here',
  ],
  ['/deploy report DEP-12', 'post the summary report in the thread, with the full record as a Markdown file'],
  ['/deploy templates', 'the templates you can deploy with'],
  ['/deploy help', 'this help'],
];

export function helpMessage(): Answer {
  const lines = COMMANDS.map(([cmd, what]) => `• \`${cmd}\` — ${what}`).join('\n');
  const text = `*Liftoff runs deployments in Slack.*\n${lines}`;
  return {
    text,
    blocks: [
      section(text),
      context('Each deployment gets one message in the channel; approvals, checklists and phases are in its thread.'),
    ],
  };
}

/** For input that is not a command: short, and the input shown as written. */
export function usageMessage(input: string): Answer {
  return { text: `I don't know “${clip(input, 100)}”. Try \`/deploy help\` to see what I can do.` };
}

export function listMessage(items: Array<{ d: Deployment; link: string | null }>, _now: number): Answer {
  const { underway, upcoming } = splitActive(items);
  if (!underway.length && !upcoming.length) {
    const text = 'No deployments are under way or scheduled. Start one with `/deploy start`.';
    return { text, blocks: [section(text)] };
  }
  return {
    text: `${underway.length} under way, ${upcoming.length} upcoming: ${[...underway, ...upcoming].map((i) => i.d.ref).join(', ')}`,
    blocks: listBlocks(items),
  };
}

/** The gates still ahead of a deployment: both before it starts, the completion gate while it runs, none after. */
function gatesAhead(d: Deployment): GateId[] {
  if (d.status === 'scheduled' || d.status === 'preparing')
    return d.emergency ? ['calendar', 'start', 'complete'] : ['start', 'complete'];
  if (d.status === 'in_progress' || d.status === 'verifying') return ['complete'];
  return [];
}

/** One deployment: its card (summary, progress, now), the gates still ahead of it, and the way to its thread. */
export function statusMessage(d: Deployment, link: string | null, now: number): Answer {
  const card = renderParent(d, now);
  const gates = gatesAhead(d)
    .map((g) => gateText(gateReport(d, g)))
    .join('\n\n');
  const thread = link
    ? `Open the thread: ${refLink(d, link)}`
    : 'The thread is under the deployment’s message in its channel.';
  return { text: card.text, blocks: [...card.blocks, ...(gates ? [section(gates)] : []), context(thread)] };
}

/**
 * Domain messages hold mentions built from user ids by the core, next to
 * template text that must stay inert: escape everything, then restore only
 * well-formed user mentions.
 */
export const domainText = (s: string, max = 2000) => clip(s, max).replace(/&lt;@([UW][A-Z0-9]{2,30})&gt;/g, '<@$1>');

/** What to do about a refusal that lists what is still open (a closed gate, open steps). */
function nextStep(err: DomainError): string[] {
  if (err.code !== 'gate_closed' || !err.details.length) return [];
  return err.message.endsWith('Still missing:')
    ? ['Confirm them in the thread, or the deployer can go ahead anyway with *Override gate…* there and a reason.']
    : ['Confirm them in the thread first.'];
}

export function errorMessage(err: DomainError): Answer {
  const details = firstFew(err.details, 10, (line) => `• ${domainText(line, 200)}`);
  const text = [`⚠️ ${domainText(err.message)}`, ...details, ...nextStep(err)].join('\n');
  return { text, blocks: [section(text)] };
}

export function unexpectedErrorMessage(errorId: string): Answer {
  const text = `Something went wrong on our side. If it keeps happening, quote error id \`${escapeMrkdwn(errorId.slice(0, 40))}\` to whoever runs Liftoff.`;
  return { text, blocks: [section(`😵 ${text}`)] };
}
