import { slackErrorCode } from '../slack/errors.js';

/** Slack refused for a reason a retry cannot fix: the job fails and the deployer is told. */
export const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_blocks_too_long',
  'msg_too_long',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'token_revoked',
  'invalid_auth',
  'account_inactive',
  'missing_scope',
]);

/** Codes with which Slack may still have posted the message (its side failed mid-way). */
const AMBIGUOUS = new Set([
  'request_failed',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

export type Failure =
  | { kind: 'permanent'; code: string }
  /** Slack answered and posted nothing: safe to send again later. */
  | { kind: 'retry'; code: string }
  /** No answer (network, timeout, 5xx): it may have been posted; check before sending again. */
  | { kind: 'unknown'; code: string };

export function classify(error: unknown): Failure {
  const code = slackErrorCode(error);
  if (code && PERMANENT.has(code)) return { kind: 'permanent', code };
  if (code && !AMBIGUOUS.has(code)) return { kind: 'retry', code };
  return { kind: 'unknown', code: code ?? 'no_answer' };
}

export const MAX_ATTEMPTS = 6;

/** 30 s, 1 min, 2 min, 4 min… at most 15 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(15 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Shortly before a job's previous attempt, for its `attempts`-th: the retry
 * waited `retryDelayMs` after it, plus a minute for a late tick. Where to start
 * looking for what that attempt may have posted.
 */
export const beforePreviousAttempt = (attempts: number, now: number): number =>
  now - retryDelayMs(attempts - 1) - 60_000;
