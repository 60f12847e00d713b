/**
 * Block Kit limits, as Slack enforces them. Used by the fake Slack Web API (fake-slack.ts) and directly
 * by renderer tests.
 *
 * Every problem is worded like Slack's `response_metadata.messages`:
 *   "[ERROR] <what is wrong> [json-pointer:/blocks/3/text/text]"
 * An empty list means valid.
 */
import { checkBlocks } from './block-kit/blocks.js';
import { LIMITS } from './block-kit/limits.js';
import { checkString, checkText, formatProblem, isObj, len, type Report } from './block-kit/objects.js';

/** The Slack error a whole call fails with, and the problems listed in `response_metadata.messages`. */
export interface Verdict {
  error: 'invalid_blocks' | 'msg_blocks_too_long' | 'msg_too_long' | 'invalid_arguments' | 'view_too_large';
  messages: string[];
}

function collector(): { problems: string[]; report: Report } {
  const problems: string[] = [];
  return { problems, report: (what, ptr) => problems.push(formatProblem(what, ptr)) };
}

/** A message's problems by the error Slack reports first: malformed blocks, then blocks too long, then text too long. */
function messageProblems(blocks: unknown, text: string | undefined): Array<[Verdict['error'], string[]]> {
  const { problems, report } = collector();
  if (blocks !== undefined && blocks !== null) checkBlocks(report, blocks, '/blocks', LIMITS.messageBlocks);
  const size = Array.isArray(blocks) ? JSON.stringify(blocks).length : 0;
  const tooLong =
    size > LIMITS.messageBlocksJson
      ? [
          formatProblem(
            `msg_blocks_too_long: blocks JSON is ${size} characters, over ${LIMITS.messageBlocksJson}`,
            '/blocks',
          ),
        ]
      : [];
  const n = typeof text === 'string' ? len(text) : 0;
  const textTooLong =
    n > LIMITS.messageText
      ? [formatProblem(`msg_too_long: text must be less than ${LIMITS.messageText + 1} characters (is ${n})`, '/text')]
      : [];
  return [
    ['invalid_blocks', problems],
    ['msg_blocks_too_long', tooLong],
    ['msg_too_long', textTooLong],
  ];
}

/**
 * What Slack does with a message (chat.postMessage, chat.update, chat.postEphemeral,
 * chat.scheduleMessage, a response_url post): undefined when it is accepted.
 */
export function judgeMessage(blocks: unknown, text: string | undefined): Verdict | undefined {
  const first = messageProblems(blocks, text).find(([, messages]) => messages.length > 0);
  return first && { error: first[0], messages: first[1] };
}

/**
 * Every rule a message breaks (empty = valid). `text` is the top-level fallback text: when given, it
 * must be at most 40,000 characters and, beside blocks, not blank (notifications and screen readers show it).
 */
export function validateMessageBlocks(blocks: unknown, text?: string): string[] {
  const problems = messageProblems(blocks, text).flatMap(([, messages]) => messages);
  if (text !== undefined && Array.isArray(blocks) && blocks.length > 0 && text.trim() === '')
    problems.push(
      formatProblem('fallback text is empty beside blocks (notifications and screen readers show it)', '/text'),
    );
  return problems;
}

/** What Slack does with a view (views.open/update/push/publish, a response_action): undefined when accepted. */
export function judgeView(view: unknown): Verdict | undefined {
  const { problems, report } = collector();
  const p = '/view';
  if (!isObj(view)) {
    report('view must be an object', p);
    return { error: 'invalid_arguments', messages: problems };
  }
  if (view.type !== 'modal' && view.type !== 'home')
    report(`view type must be modal or home, got ${JSON.stringify(view.type)}`, `${p}/type`);
  checkBlocks(report, view.blocks, `${p}/blocks`, LIMITS.viewBlocks);
  if (view.type === 'modal') {
    checkText(report, view.title, `${p}/title`, { kind: 'plain_text', max: LIMITS.modalTitle });
    if (view.submit !== undefined)
      checkText(report, view.submit, `${p}/submit`, { kind: 'plain_text', max: LIMITS.modalButton });
    if (view.close !== undefined)
      checkText(report, view.close, `${p}/close`, { kind: 'plain_text', max: LIMITS.modalButton });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b: unknown) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined)
      report('submit is required when the view has input blocks', `${p}/submit`);
  } else if (view.title !== undefined) {
    checkText(report, view.title, `${p}/title`, { kind: 'plain_text', max: LIMITS.modalTitle });
  }
  if (view.private_metadata !== undefined)
    checkString(report, view.private_metadata, `${p}/private_metadata`, LIMITS.privateMetadata, {
      what: 'private_metadata',
    });
  if (view.callback_id !== undefined)
    checkString(report, view.callback_id, `${p}/callback_id`, LIMITS.id, { what: 'callback_id' });
  if (view.external_id !== undefined)
    checkString(report, view.external_id, `${p}/external_id`, LIMITS.id, { what: 'external_id' });
  if (problems.length) return { error: 'invalid_arguments', messages: problems };
  const size = Buffer.byteLength(JSON.stringify(view));
  if (size > LIMITS.viewBytes)
    return { error: 'view_too_large', messages: [formatProblem(`view is ${size} bytes, over ${LIMITS.viewBytes}`, p)] };
  return undefined;
}

/** Every rule a modal or App Home view breaks (empty = valid). */
export function validateView(view: unknown): string[] {
  return judgeView(view)?.messages ?? [];
}
