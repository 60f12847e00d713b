import { randomBytes } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { isDomainError } from '../core/errors.js';
import type { Logger } from '../support/logger.js';
import { explainSlackError, slackErrorCode } from './errors.js';
import { errorMessage, unexpectedErrorMessage } from './views/answers.js';

export interface Answer {
  text: string;
  blocks?: unknown[];
}

export interface Where {
  channel?: string | undefined;
  user: string;
  threadTs?: string | undefined;
  /** Bolt's respond() for requests that carry a response_url. */
  respond?: ((message: { response_type: 'ephemeral'; replace_original: false; text: string; blocks?: any[] }) => Promise<unknown>) | undefined;
}

/**
 * Turns any error into what the user should read: a DomainError's own
 * message; a Slack refusal in plain words; anything else a short apology with
 * an id that is also logged, so the user can quote it.
 */
export function presentError(error: unknown, logger: Logger, fields: Record<string, unknown> = {}): Answer {
  if (isDomainError(error)) return errorMessage(error);
  const code = slackErrorCode(error);
  if (code && code !== 'request_failed') {
    logger.with('warn', 'Slack refused a call', { ...fields, code });
    return { text: explainSlackError(code) };
  }
  const errorId = `E-${randomBytes(4).toString('hex').toUpperCase()}`;
  logger.with('error', 'unexpected error', { ...fields, errorId, error });
  return unexpectedErrorMessage(errorId);
}

/** Shows an answer only to `user`: ephemeral in the channel (and thread), else via response_url, else by DM. */
export async function tell(client: WebClient, where: Where, answer: Answer, logger: Logger): Promise<void> {
  const blocks = answer.blocks as any[] | undefined;
  if (where.channel) {
    try {
      await client.chat.postEphemeral({
        channel: where.channel,
        user: where.user,
        text: answer.text,
        ...(blocks ? { blocks } : {}),
        ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
      });
      return;
    } catch (error) {
      logger.with('debug', 'ephemeral answer failed, trying another way', { code: slackErrorCode(error) });
    }
  }
  try {
    if (where.respond) {
      await where.respond({ response_type: 'ephemeral', replace_original: false, text: answer.text, ...(blocks ? { blocks } : {}) });
      return;
    }
    await client.chat.postMessage({ channel: where.user, text: answer.text, ...(blocks ? { blocks } : {}) });
  } catch (error) {
    logger.with('error', 'could not tell the user', { user: where.user, error });
  }
}
