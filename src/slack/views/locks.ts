import type { KnownBlock } from '@slack/types';
import { ENVIRONMENT_LABELS, refOf } from '../../core/deployment/types.js';
import type { Lock } from '../../storage/locks.js';
import { context, section } from './blocks.js';
import { clip, joinLines, mention, plural, slackDate } from './format.js';

/** One lock in a line: what is locked, by which deployment, why, who and when. */
export function lockLine(l: Lock): string {
  const by = l.deploymentId ? ` (${refOf(l.deploymentId)})` : '';
  return `🔒 *${clip(l.service, 80)} in ${ENVIRONMENT_LABELS[l.environment]}* is locked${by}: ${clip(l.reason, 300)} — ${mention(l.lockedBy)} ${slackDate(l.lockedAt)}`;
}

/** Active locks for /deploy list and /deploy status; none: no blocks. */
export function lockBlocks(locks: Lock[]): KnownBlock[] {
  if (!locks.length) return [];
  return [section(joinLines(locks.map(lockLine), 2900, '')), context('A lead releases a lock with `/deploy unlock SERVICE ENVIRONMENT`.')];
}

/** An answer with the active locks added below it (for /deploy list and /deploy status). */
export function withLocks<A extends { text: string; blocks?: KnownBlock[] }>(answer: A, locks: Lock[]): A {
  if (!locks.length) return answer;
  return {
    ...answer,
    text: `${answer.text} · ${plural(locks.length, 'environment')} locked`,
    blocks: [...(answer.blocks ?? [section(answer.text)]), ...lockBlocks(locks)],
  };
}
