/** Block Kit limits, from the project's Slack facts sheet (docs.slack.dev, @slack/types). */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  /** Slack documents no number; `msg_blocks_too_long` was seen from ~11k characters (bolt-js#2509, #2867). */
  messageBlocksJson: 11_000,
  messageText: 40_000,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  id: 255,
  choiceOptionsMin: 1,
  choiceOptionsMax: 10,
  selectOptions: 100,
  overflowMin: 2,
  overflowMax: 5,
  contextElements: 10,
  actionsElements: 25,
  optionText: 75,
  /** The docs say 150, @slack/types says 75: the smaller is safe for both. */
  optionValue: 75,
  optionDescription: 75,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  placeholder: 150,
  label: 2000,
  hint: 2000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  inputMaxLength: 3000,
  altText: 2000,
  imageTitle: 2000,
  markdownBlockText: 12_000,
  viewBytes: 250_000,
} as const;

export const BLOCK_TYPES = new Set(['section', 'header', 'divider', 'context', 'actions', 'input', 'image', 'rich_text', 'video', 'file', 'markdown', 'context_actions']);

export const SELECTS = new Set([
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
]);

export const ACTIONS_ELEMENTS = new Set([...SELECTS, 'button', 'checkboxes', 'datepicker', 'datetimepicker', 'timepicker', 'overflow', 'radio_buttons', 'workflow_button', 'rich_text_input']);
export const ACCESSORY_ELEMENTS = new Set([...SELECTS, 'button', 'checkboxes', 'datepicker', 'timepicker', 'image', 'overflow', 'radio_buttons', 'workflow_button']);
export const INPUT_ELEMENTS = new Set([
  ...SELECTS,
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'timepicker',
  'email_text_input',
  'number_input',
  'plain_text_input',
  'radio_buttons',
  'url_text_input',
  'rich_text_input',
  'file_input',
]);
