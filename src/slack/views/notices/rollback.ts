import type { KnownBlock } from '@slack/types';
import type { Deployment } from '../../../core/deployment/types.js';
import { rollbackButton } from '../deployment/offer.js';
import { rollbackNotice, rollbackReport, type RollbackNoticeKind } from '../deployment/rollback.js';
import { section } from '../blocks.js';
import { threadHint, type Notice, type NoticeInput } from './common.js';

/** A rollback notice as the scheduler sends it: copies outside the thread point to it; the thread's completed notice carries the report. */
function rollbackJobNotice({ d, job }: NoticeInput, kind: RollbackNoticeKind): Notice {
  const notice = rollbackNotice(d, kind, null);
  const report = kind === 'completed' && job.payload.target === 'thread' ? rollbackReport(d) : [];
  return { text: notice.text, blocks: [...notice.blocks, ...report, ...threadHint(d, job.payload.target)] };
}

export const rollbackStarted = (input: NoticeInput) => rollbackJobNotice(input, 'started');
export const rollbackCompleted = (input: NoticeInput) => rollbackJobNotice(input, 'completed');
export const rollbackFailed = (input: NoticeInput) => rollbackJobNotice(input, 'failed');

/** The answer to the Faulty click: everyone is told, and the rollback is offered at once. */
export function faultyAnswer(d: Deployment): { text: string; blocks: KnownBlock[] } {
  const b = rollbackButton(d);
  const text = b
    ? `${d.ref} is marked faulty and everyone following it is told. Roll it back now?`
    : `${d.ref} is marked faulty and everyone following it is told.`;
  return { text, blocks: [section(text, b ?? undefined)] };
}
