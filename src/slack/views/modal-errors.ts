/** Slack shows at most this much of a field error, and shows it as plain text. */
export const MODAL_ERROR_MAX = 300;

/** A person or user group as messages mention them. */
const PERSON = String.raw`(?:<@[UW][A-Z0-9]+(?:\|[^>]*)?>|<!subteam\^[A-Z0-9]+(?:\|[^>]*)?>)`;
/** "<@A>, <@B> or …": the people a message names after saying who they are. */
const NAMED = `${PERSON}(?:(?:, | or | and )(?:${PERSON}|…))*`;
/** "the named Dev Lead (<@A>, <@B>)", "an admin (<@A>)", "(started by <@A>)": the words say who; the ids go. */
const NAMED_AFTER_WORDS = new RegExp(String.raw`\s*\((?:[a-z][a-z ]* )?${NAMED}\)`, 'g');
/** "the deployer, <@A>, can": the same. */
const NAMED_BETWEEN_COMMAS = new RegExp(`, ${PERSON},`, 'g');

/**
 * A field error as Slack shows it under an input: plain text, so no mrkdwn,
 * no `<@U…>` mentions, links or dates, and no entities ("&lt;"). People are
 * said by what they are: the ids a message adds after the words that say who
 * ("the named Dev Lead (<@U1>)", "the deployer, <@U1>,") are left out; a
 * mention with a name becomes "@name", one without "someone", never a bare id
 * (a channel without its name: "the channel"). Links become their label,
 * dates their fallback; `*bold*`, `_italic_`, `~strike~` and `code` lose their
 * markers. Shortened by whole characters, never inside one.
 */
export function plainModalError(text: string, max = MODAL_ERROR_MAX): string {
  const plain = text
    .replace(NAMED_AFTER_WORDS, '')
    .replace(NAMED_BETWEEN_COMMAS, '')
    .replace(/<([@#])([A-Z0-9]+)\|([^>]*)>/g, (_m, sigil: string, _id: string, name: string) => `${sigil}${name}`)
    .replace(/<@[A-Z0-9]+>/g, 'someone')
    .replace(/<#[A-Z0-9]+>/g, 'the channel')
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_m, handle?: string) => handle ?? 'a user group')
    .replace(/<([^<>|]+)\|([^<>]+)>/g, '$2')
    .replace(/<([^<>]+)>/g, '$1')
    .replace(/(^|[\s(])([*_~])(\S(?:[^\n]*?\S)?)\2(?=$|[\s).,:;!?])/g, '$1$3')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...plain];
  return chars.length <= max ? plain : `${chars.slice(0, max - 1).join('')}…`;
}

interface ViewBlock {
  type?: string;
  block_id?: string;
}

/**
 * The errors of a `response_action: errors` answer, made what Slack shows:
 * plain text, each keyed to an input block of that view. An error keyed to a
 * block the view does not have goes to its first input block (Slack would
 * refuse the whole answer); several there are joined. When the submission does not show
 * the view's blocks (no input block known), the keys are kept as the listener gave them.
 */
export function modalErrors(errors: Record<string, unknown>, blocks: readonly ViewBlock[]): Record<string, string> {
  const inputs = blocks.filter((b) => b.type === 'input' && typeof b.block_id === 'string').map((b) => b.block_id!);
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    const target = inputs.length === 0 || inputs.includes(key) ? key : inputs[0]!;
    const text = plainModalError(String(message));
    out[target] = out[target] ? plainModalError(`${out[target]} ${text}`) : text;
  }
  return out;
}
