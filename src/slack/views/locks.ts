import type { KnownBlock } from '@slack/types';
import { ENVIRONMENT_LABELS, refOf } from '../../core/deployment/types.js';
import type { Lock } from '../../storage/locks.js';
import { context, section } from './blocks.js';
import { clip, joinLines, mention, plural, slackDate } from './format.js';

/** A lock as someone sees it: `hidden` when it tells of a deployment in a private channel they are not in. */
export type SeenLock = Lock & { hidden?: boolean };

/** One lock in a line: what is locked, by which deployment, why, who and when. */
export function lockLine(l: Lock): string {
  const by = l.deploymentId ? ` (${refOf(l.deploymentId)})` : '';
  return `🔒 *${clip(l.service, 80)} in ${ENVIRONMENT_LABELS[l.environment]}* is locked${by}: ${clip(l.reason, 300)} — ${mention(l.lockedBy)} ${slackDate(l.lockedAt)}`;
}

/** A lock of a deployment in a private channel, for someone not in it: that it is locked, never why or by which deployment. */
export const hiddenLockLine = (l: Lock) =>
  `🔒 *${clip(l.service, 80)} in ${ENVIRONMENT_LABELS[l.environment]}* is locked, for a deployment in a private channel you are not in.`;

/** Active locks for /deploy list and /deploy status, each with who may release it (`releasers`, in words); none: no blocks. */
export function lockBlocks(locks: SeenLock[], releasers: (l: SeenLock) => string = () => ''): KnownBlock[] {
  if (!locks.length) return [];
  const lines = locks.map((l) => {
    const who = releasers(l);
    const lapses = l.expiresAt ? ` Lapses ${slackDate(l.expiresAt)}.` : '';
    return `${l.hidden ? hiddenLockLine(l) : lockLine(l)}${who ? `\n      Released by ${who}.` : ''}${lapses}`;
  });
  return [section(joinLines(lines, 2900, '')), context('Release a lock with `/deploy unlock SERVICE ENVIRONMENT`.')];
}

/** An answer with the active locks added below it (for /deploy list and /deploy status). */
export function withLocks<A extends { text: string; blocks?: KnownBlock[] }>(
  answer: A,
  locks: SeenLock[],
  releasers?: (l: SeenLock) => string,
): A {
  if (!locks.length) return answer;
  return {
    ...answer,
    text: `${answer.text} · ${plural(locks.length, 'environment')} locked`,
    blocks: [...(answer.blocks ?? [section(answer.text)]), ...lockBlocks(locks, releasers)],
  };
}
