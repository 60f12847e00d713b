import type { KnownBlock } from '@slack/types';
import { ENVIRONMENT_LABELS, type Deployment } from '../../core/deployment/types.js';
import { freezeText, localText, type Freeze } from '../../core/schedule/calendar.js';
import type { FreezeOutcome } from '../../usecases/calendar.js';
import { context, section } from './blocks.js';
import { clip, joinLines, mention, plural, slackDate } from './format.js';

const envsOf = (f: Freeze) => f.environments.map((e) => ENVIRONMENT_LABELS[e]).join(', ');

/** One freeze in a line: which environments, until when (team time zone), why, who and since when. */
export function freezeLine(f: Freeze, timeZone: string): string {
  const who = f.by ? ` — ${mention(f.by)} ${slackDate(f.from)}` : ' (team configuration)';
  return `🧊 *${envsOf(f)}* ${clip(freezeText(f, timeZone), 400)}${who}`;
}

/** The freezes in force or planned, for /deploy list; none: no blocks. */
export function freezeBlocks(freezes: Freeze[], timeZone: string): KnownBlock[] {
  if (!freezes.length) return [];
  return [
    section(
      joinLines(
        freezes.map((f) => freezeLine(f, timeZone)),
        2900,
        '',
      ),
    ),
    context('Lift a freeze with `/deploy unfreeze ENVIRONMENT`; an emergency can still go ahead with a second person.'),
  ];
}

/** An answer with the freezes added below it. */
export function withFreezes<A extends { text: string; blocks?: KnownBlock[] }>(
  answer: A,
  freezes: Freeze[],
  timeZone: string,
): A {
  if (!freezes.length) return answer;
  return {
    ...answer,
    text: `${answer.text} · ${plural(freezes.length, 'freeze')}`,
    blocks: [...(answer.blocks ?? [section(answer.text)]), ...freezeBlocks(freezes, timeZone)],
  };
}

/** What the person who froze or unfroze an environment is told. */
export function freezeAnswer(o: FreezeOutcome, lifted: boolean): string {
  const env = ENVIRONMENT_LABELS[o.environment];
  const planned = o.planned
    ? ` The team configuration still freezes it${o.planned.from > o.freeze.from ? ` from ${localText(o.planned.from, o.timeZone)}` : ''} ${clip(freezeText(o.planned, o.timeZone).replace(/^frozen /, ''), 300)}.`
    : '';
  return lifted
    ? `☀️ ${env} is unfrozen: deployments within its allowed hours can start again.${planned}`
    : `🧊 ${env} is ${clip(freezeText(o.freeze, o.timeZone), 400)}. Starts and schedules in it are refused with the next allowed slot; an emergency needs a second person.`;
}

/** The ops channel's copy of a freeze or an unfreeze. */
export function freezeAnnouncement(o: FreezeOutcome, actor: string, lifted: boolean): string {
  const env = ENVIRONMENT_LABELS[o.environment];
  const admin = o.admin ? ' (admin)' : '';
  return lifted
    ? `☀️ ${mention(actor)}${admin} unfroze ${env} (it was ${clip(freezeText(o.freeze, o.timeZone), 300)}).`
    : `🧊 ${mention(actor)}${admin} froze ${env}: ${clip(freezeText(o.freeze, o.timeZone), 400)}`;
}

/** The warning its submitter gets when a deployment's window overlaps others of the same service and environment. */
export function overlapWarning(d: Deployment, others: Deployment[]) {
  const lines = others
    .slice(0, 5)
    .map(
      (o) =>
        `• ${o.ref}: ${clip(o.service, 80)} ${clip(o.version, 64)}, ${slackDate(o.window.start)} – ${slackDate(o.window.end)}, deployer ${mention(o.deployerId)}`,
    );
  const text = `⚠️ The window of ${d.ref} overlaps ${plural(others.length, 'other deployment')} of ${clip(d.service, 80)} in ${ENVIRONMENT_LABELS[d.environment]}:\n${lines.join('\n')}\nBoth go ahead; if they should not run together, move one with \`/deploy reschedule\`.`;
  return { text, blocks: [section(text)] };
}
