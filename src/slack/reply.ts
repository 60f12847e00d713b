import { randomBytes } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { isDomainError } from '../core/errors.js';
import type { Logger } from '../support/logger.js';
import { explainSlackError, isTokenRefused, slackErrorCode } from './errors.js';
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
  respond?:
    | ((message: {
        response_type: 'ephemeral';
        replace_original: false;
        text: string;
        blocks?: any[];
      }) => Promise<unknown>)
    | undefined;
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

/** What a click payload says about where it happened. */
export interface ClickBody {
  user: { id: string };
  channel?: { id: string } | undefined;
  message?: { ts?: string | undefined; thread_ts?: string | undefined } | undefined;
}

/**
 * Where to answer a click: where the person clicked. A click on a top-level
 * message (the card, even when it has a thread) is answered in the channel;
 * only a click on a message in a thread is answered in that thread (Slack
 * shows a thread ephemeral only in a thread that is open and active).
 */
export function whereClicked(body: ClickBody, respond: Where['respond']): Where {
  const m = body.message;
  const inThread = m?.thread_ts !== undefined && m.thread_ts !== m.ts;
  return { user: body.user.id, channel: body.channel?.id, threadTs: inThread ? m.thread_ts : undefined, respond };
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
      await where.respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: answer.text,
        ...(blocks ? { blocks } : {}),
      });
      return;
    }
    await client.chat.postMessage({ channel: where.user, text: answer.text, ...(blocks ? { blocks } : {}) });
  } catch (error) {
    logger.with('error', 'could not tell the user', { user: where.user, error });
  }
}

/**
 * How long after a click the redraw it set off may answer through it: a redraw is asked for as soon
 * as the click's change is on disk, so an older click is another one (a form has no response_url).
 */
const CLICK_TO_REDRAW_MS = 10_000;
/** People remembered at most (the oldest go first). */
const RESPONDERS_MAX = 1_000;

/** Who asked for a redraw (the person whose change it shows), and when. */
export interface AskedBy {
  user: string;
  at: number;
}

/**
 * How to answer the people who clicked lately: each person's latest click that carries a response_url,
 * kept for the redraw it set off after the acknowledgement. Taken once: a person is told once.
 */
export function createResponders(now: () => number = Date.now) {
  const byUser = new Map<string, { where: Where; at: number }>();
  return {
    /** Notes how to answer `where.user` (a request with a response_url). */
    note(where: Where): void {
      if (!where.respond) return;
      byUser.delete(where.user);
      byUser.set(where.user, { where, at: now() });
      if (byUser.size > RESPONDERS_MAX) byUser.delete(byUser.keys().next().value!);
    },
    /** The click that set off the redraw `asked` for, if it was one; forgotten once taken. */
    take(asked: AskedBy): Where | undefined {
      const noted = byUser.get(asked.user);
      if (!noted || noted.at > asked.at || asked.at - noted.at > CLICK_TO_REDRAW_MS) return undefined;
      byUser.delete(asked.user);
      return noted.where;
    },
  };
}

export type Responders = ReturnType<typeof createResponders>;

/**
 * Slack refused the token while bringing messages in line after someone's click: the click is stored,
 * but the message, an ephemeral and a DM would all fail the same way. The person who clicked is
 * answered through the click's response_url (which needs no token). False when the code is not a token
 * refusal or nobody can be answered that way (the scheduler, a restart, a form).
 */
export async function answerRequesterTokenRefused(
  code: string,
  ref: string,
  asked: AskedBy | undefined,
  responders: Responders,
  logger: Logger,
): Promise<boolean> {
  if (!asked || !isTokenRefused(code)) return false;
  const where = responders.take(asked);
  if (!where?.respond) return false;
  try {
    await where.respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: `Your change to ${ref} is saved, but I could not update its messages. ${explainSlackError(code, undefined, true)}`,
    });
    logger.with('warn', 'told the person clicking that the token is refused', {
      deployment: ref,
      user: where.user,
      code,
    });
    return true;
  } catch (error) {
    logger.with('error', 'could not tell the person clicking that the token is refused', {
      deployment: ref,
      user: where.user,
      code,
      error,
    });
    return false;
  }
}
