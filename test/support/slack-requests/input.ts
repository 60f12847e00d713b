/**
 * The values Slack submits for each kind of input element, as they appear in a view_submission's
 * `view.state.values[blockId][actionId]`. For `submitView({ values })`:
 *   values: { version: { value: input.text('2.4.0') }, deployer: { value: input.user('U1') } }
 */

export interface PlainText {
  text: { type: 'plain_text'; text: string; emoji: boolean };
  value: string;
}

export type StateValue =
  | { type: 'plain_text_input'; value: string | null }
  | { type: 'users_select'; selected_user: string | null }
  | { type: 'multi_users_select'; selected_users: string[] }
  | { type: 'static_select'; selected_option: PlainText | null }
  | { type: 'datetimepicker'; selected_date_time: number | null }
  | { type: 'datepicker'; selected_date: string | null }
  | { type: 'timepicker'; selected_time: string | null; timezone?: string }
  | { type: 'conversations_select'; selected_conversation: string | null }
  | { type: 'channels_select'; selected_channel: string | null }
  | { type: 'checkboxes'; selected_options: PlainText[] };

const option = (value: string, text: string = value): PlainText => ({
  text: { type: 'plain_text', text, emoji: true },
  value,
});

function users(u: string): StateValue;
function users(u: string[]): StateValue;
/** A `users_select` for one user, a `multi_users_select` for a list. */
function users(u: string | string[]): StateValue {
  return Array.isArray(u)
    ? { type: 'multi_users_select', selected_users: [...u] }
    : { type: 'users_select', selected_user: u };
}

export const input = {
  text: (v: string): StateValue => ({ type: 'plain_text_input', value: v }),
  user: (u: string): StateValue => ({ type: 'users_select', selected_user: u }),
  users,
  multiUsers: (u: string[]): StateValue => ({ type: 'multi_users_select', selected_users: [...u] }),
  /** A static_select choice; `text` is the option's label (default: the value). */
  select: (v: string, text: string = v): StateValue => ({ type: 'static_select', selected_option: option(v, text) }),
  dateTime: (unixSeconds: number): StateValue => ({ type: 'datetimepicker', selected_date_time: unixSeconds }),
  date: (yyyyMmDd: string): StateValue => ({ type: 'datepicker', selected_date: yyyyMmDd }),
  time: (hhmm: string, timezone?: string): StateValue => ({
    type: 'timepicker',
    selected_time: hhmm,
    ...(timezone ? { timezone } : {}),
  }),
  conversation: (c: string): StateValue => ({ type: 'conversations_select', selected_conversation: c }),
  channel: (c: string): StateValue => ({ type: 'channels_select', selected_channel: c }),
  checkboxes: (values: string[]): StateValue => ({
    type: 'checkboxes',
    selected_options: values.map((v) => option(v)),
  }),
  /** An optional input left empty: Slack sends the element with a null value. */
  empty: (
    type: 'plain_text_input' | 'users_select' | 'static_select' | 'datetimepicker' = 'plain_text_input',
  ): StateValue => {
    switch (type) {
      case 'users_select':
        return { type, selected_user: null };
      case 'static_select':
        return { type, selected_option: null };
      case 'datetimepicker':
        return { type, selected_date_time: null };
      default:
        return { type, value: null };
    }
  },
};
