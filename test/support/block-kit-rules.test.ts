import { describe, expect, it } from 'vitest';
import { judgeMessage, judgeView, validateMessageBlocks, validateView } from './block-kit-rules.js';

const x = (n: number) => 'x'.repeat(n);
const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const actions = (...elements: object[]) => ({ type: 'actions', elements });
const button = (o: object = {}) => ({ type: 'button', action_id: 'b', text: plain('Go'), ...o });
const opt = (value: string, text: string = value) => ({ text: plain(text), value });
const opts = (n: number) => Array.from({ length: n }, (_, i) => opt(`o${i}`));
const select = (o: object) => ({
  type: 'static_select',
  action_id: 's',
  placeholder: plain('Pick'),
  options: opts(2),
  ...o,
});
const confirm = (o: object = {}) => ({
  title: plain('Sure?'),
  text: mrkdwn('Really?'),
  confirm: plain('Yes'),
  deny: plain('No'),
  ...o,
});
const many = (n: number, f: (i: number) => object) => Array.from({ length: n }, (_, i) => f(i));

/** [rule, a block at the limit (valid), the same one step over, where Slack points]. */
const messageCases: Array<[string, object, object, string]> = [
  ['section text ≤ 3000', section(x(3000)), section(x(3001)), '/blocks/0/text/text'],
  ['section text ≥ 1', section('a'), section(''), '/blocks/0/text/text'],
  [
    'section fields ≤ 10',
    { type: 'section', fields: many(10, () => mrkdwn('f')) },
    { type: 'section', fields: many(11, () => mrkdwn('f')) },
    '/blocks/0/fields',
  ],
  [
    'section field ≤ 2000',
    { type: 'section', fields: [mrkdwn(x(2000))] },
    { type: 'section', fields: [mrkdwn(x(2001))] },
    '/blocks/0/fields/0/text',
  ],
  [
    'header ≤ 150',
    { type: 'header', text: plain(x(150)) },
    { type: 'header', text: plain(x(151)) },
    '/blocks/0/text/text',
  ],
  [
    'header is plain_text',
    { type: 'header', text: plain('h') },
    { type: 'header', text: mrkdwn('h') },
    '/blocks/0/text/type',
  ],
  ['text object type', section('s'), { type: 'section', text: { type: 'markdown', text: 's' } }, '/blocks/0/text/type'],
  [
    'button text ≤ 75',
    actions(button({ text: plain(x(75)) })),
    actions(button({ text: plain(x(76)) })),
    '/blocks/0/elements/0/text/text',
  ],
  [
    'button text is plain_text',
    actions(button()),
    actions(button({ text: mrkdwn('Go') })),
    '/blocks/0/elements/0/text/type',
  ],
  [
    'button value ≤ 2000',
    actions(button({ value: x(2000) })),
    actions(button({ value: x(2001) })),
    '/blocks/0/elements/0/value',
  ],
  [
    'button url ≤ 3000',
    actions(button({ url: x(3000) })),
    actions(button({ url: x(3001) })),
    '/blocks/0/elements/0/url',
  ],
  [
    'action_id ≤ 255',
    actions(button({ action_id: x(255) })),
    actions(button({ action_id: x(256) })),
    '/blocks/0/elements/0/action_id',
  ],
  [
    'block_id ≤ 255',
    { ...section('s'), block_id: x(255) },
    { ...section('s'), block_id: x(256) },
    '/blocks/0/block_id',
  ],
  [
    'action_id unique in a block',
    actions(button({ action_id: 'a' }), button({ action_id: 'b' })),
    actions(button({ action_id: 'a' }), button({ action_id: 'a' })),
    '/blocks/0/elements/1/action_id',
  ],
  [
    'actions ≤ 25 elements',
    actions(...many(25, (i) => button({ action_id: `a${i}` }))),
    actions(...many(26, (i) => button({ action_id: `a${i}` }))),
    '/blocks/0/elements',
  ],
  [
    'context ≤ 10 elements',
    { type: 'context', elements: many(10, () => mrkdwn('c')) },
    { type: 'context', elements: many(11, () => mrkdwn('c')) },
    '/blocks/0/elements',
  ],
  [
    'checkboxes ≤ 10 options',
    actions({ type: 'checkboxes', action_id: 'c', options: opts(10) }),
    actions({ type: 'checkboxes', action_id: 'c', options: opts(11) }),
    '/blocks/0/elements/0/options',
  ],
  [
    'checkboxes ≥ 1 option',
    actions({ type: 'checkboxes', action_id: 'c', options: opts(1) }),
    actions({ type: 'checkboxes', action_id: 'c', options: [] }),
    '/blocks/0/elements/0/options',
  ],
  [
    'radio initial_option equals an option',
    actions({ type: 'radio_buttons', action_id: 'r', options: opts(2), initial_option: opt('o1') }),
    actions({ type: 'radio_buttons', action_id: 'r', options: opts(2), initial_option: opt('o1', 'other label') }),
    '/blocks/0/elements/0/initial_option',
  ],
  [
    'static_select ≤ 100 options',
    actions(select({ options: opts(100) })),
    actions(select({ options: opts(101) })),
    '/blocks/0/elements/0/options',
  ],
  [
    'select option text is plain_text',
    actions(select({})),
    actions(select({ options: [opt('a'), { text: mrkdwn('b'), value: 'b' }] })),
    '/blocks/0/elements/0/options/1/text/type',
  ],
  [
    'placeholder ≤ 150',
    actions(select({ placeholder: plain(x(150)) })),
    actions(select({ placeholder: plain(x(151)) })),
    '/blocks/0/elements/0/placeholder/text',
  ],
  [
    'overflow ≤ 5 options',
    actions({ type: 'overflow', action_id: 'o', options: opts(5) }),
    actions({ type: 'overflow', action_id: 'o', options: opts(6) }),
    '/blocks/0/elements/0/options',
  ],
  [
    'overflow ≥ 2 options',
    actions({ type: 'overflow', action_id: 'o', options: opts(2) }),
    actions({ type: 'overflow', action_id: 'o', options: opts(1) }),
    '/blocks/0/elements/0/options',
  ],
  [
    'option text ≤ 75',
    actions(select({ options: [opt('a', x(75))] })),
    actions(select({ options: [opt('a', x(76))] })),
    '/blocks/0/elements/0/options/0/text/text',
  ],
  [
    'option value ≤ 75',
    actions(select({ options: [opt(x(75), 'a')] })),
    actions(select({ options: [opt(x(76), 'a')] })),
    '/blocks/0/elements/0/options/0/value',
  ],
  [
    'confirm title ≤ 100',
    actions(button({ confirm: confirm({ title: plain(x(100)) }) })),
    actions(button({ confirm: confirm({ title: plain(x(101)) }) })),
    '/blocks/0/elements/0/confirm/title/text',
  ],
  [
    'confirm text ≤ 300',
    actions(button({ confirm: confirm({ text: mrkdwn(x(300)) }) })),
    actions(button({ confirm: confirm({ text: mrkdwn(x(301)) }) })),
    '/blocks/0/elements/0/confirm/text/text',
  ],
  [
    'confirm button ≤ 30',
    actions(button({ confirm: confirm({ confirm: plain(x(30)) }) })),
    actions(button({ confirm: confirm({ confirm: plain(x(31)) }) })),
    '/blocks/0/elements/0/confirm/confirm/text',
  ],
  [
    'deny button ≤ 30',
    actions(button({ confirm: confirm({ deny: plain(x(30)) }) })),
    actions(button({ confirm: confirm({ deny: plain(x(31)) }) })),
    '/blocks/0/elements/0/confirm/deny/text',
  ],
];

describe('messages', () => {
  it.each(messageCases)('%s', (_rule, ok, over, pointer) => {
    expect(validateMessageBlocks([ok], 'fallback')).toEqual([]);
    const problems = validateMessageBlocks([over], 'fallback');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^\\[ERROR\\] .+ \\[json-pointer:${pointer}\\]$`));
    expect(judgeMessage([over], 'fallback')).toEqual({ error: 'invalid_blocks', messages: problems });
  });

  it('at most 50 blocks, each block_id once', () => {
    expect(
      validateMessageBlocks(
        many(50, () => ({ type: 'divider' })),
        't',
      ),
    ).toEqual([]);
    expect(
      validateMessageBlocks(
        many(51, () => ({ type: 'divider' })),
        't',
      ),
    ).toEqual(['[ERROR] no more than 50 items allowed (has 51) [json-pointer:/blocks]']);
    const twice = [
      { ...section('a'), block_id: 'same' },
      { type: 'divider', block_id: 'same' },
    ];
    expect(validateMessageBlocks(twice, 't')).toEqual([
      '[ERROR] duplicate block_id "same" (also at /blocks/0) [json-pointer:/blocks/1/block_id]',
    ]);
  });

  it('blocks JSON over 11,000 characters, text over 40,000, blank fallback text', () => {
    const long = many(4, (i) => ({ ...section(x(2600)), block_id: `b${i}` }));
    expect(validateMessageBlocks(long, 't')).toEqual([]);
    const longer = [...long, { ...section(x(2600)), block_id: 'b4' }];
    expect(judgeMessage(longer, 't')?.error).toBe('msg_blocks_too_long');
    expect(judgeMessage([section('s')], x(40_000))).toBeUndefined();
    expect(judgeMessage([section('s')], x(40_001))?.error).toBe('msg_too_long');
    expect(validateMessageBlocks([section('s')], ' ')).toEqual([
      expect.stringMatching(/fallback text is empty.*json-pointer:\/text/),
    ]);
    // No text given at all: the renderer's caller decides; the fake warns instead.
    expect(validateMessageBlocks([section('s')])).toEqual([]);
  });

  it('counts characters as Slack does: an emoji is one', () => {
    expect(validateMessageBlocks([{ type: 'header', text: plain('🚀'.repeat(150)) }], 't')).toEqual([]);
  });
});

const input = (element: object, o: object = {}) => ({
  type: 'input',
  block_id: 'i',
  label: plain('Label'),
  element: { action_id: 'v', ...element },
  ...o,
});
const view = (o: object = {}) => ({
  type: 'modal',
  title: plain('Title'),
  submit: plain('Save'),
  close: plain('Cancel'),
  blocks: [input({ type: 'plain_text_input' })],
  ...o,
});

/** [rule, a view at the limit, one step over, where Slack points]. */
const viewCases: Array<[string, object, object, string]> = [
  [
    'modal ≤ 100 blocks',
    view({ blocks: many(100, () => ({ type: 'divider' })) }),
    view({ blocks: many(101, () => ({ type: 'divider' })) }),
    '/view/blocks',
  ],
  ['title ≤ 24', view({ title: plain(x(24)) }), view({ title: plain(x(25)) }), '/view/title/text'],
  ['title is plain_text', view(), view({ title: mrkdwn('t') }), '/view/title/type'],
  ['submit ≤ 24', view({ submit: plain(x(24)) }), view({ submit: plain(x(25)) }), '/view/submit/text'],
  ['close ≤ 24', view({ close: plain(x(24)) }), view({ close: plain(x(25)) }), '/view/close/text'],
  [
    'private_metadata ≤ 3000',
    view({ private_metadata: x(3000) }),
    view({ private_metadata: x(3001) }),
    '/view/private_metadata',
  ],
  ['callback_id ≤ 255', view({ callback_id: x(255) }), view({ callback_id: x(256) }), '/view/callback_id'],
  [
    'input label ≤ 2000',
    view({ blocks: [input({ type: 'plain_text_input' }, { label: plain(x(2000)) })] }),
    view({ blocks: [input({ type: 'plain_text_input' }, { label: plain(x(2001)) })] }),
    '/view/blocks/0/label/text',
  ],
  [
    'input hint ≤ 2000',
    view({ blocks: [input({ type: 'plain_text_input' }, { hint: plain(x(2000)) })] }),
    view({ blocks: [input({ type: 'plain_text_input' }, { hint: plain(x(2001)) })] }),
    '/view/blocks/0/hint/text',
  ],
  [
    'max_length ≤ 3000',
    view({ blocks: [input({ type: 'plain_text_input', max_length: 3000 })] }),
    view({ blocks: [input({ type: 'plain_text_input', max_length: 3001 })] }),
    '/view/blocks/0/element/max_length',
  ],
  [
    'max_length ≥ 1',
    view({ blocks: [input({ type: 'plain_text_input', max_length: 1 })] }),
    view({ blocks: [input({ type: 'plain_text_input', max_length: 0 })] }),
    '/view/blocks/0/element/max_length',
  ],
  [
    'checkbox initial_options equal options',
    view({ blocks: [input({ type: 'checkboxes', options: opts(3), initial_options: [opt('o2'), opt('o0')] })] }),
    view({ blocks: [input({ type: 'checkboxes', options: opts(3), initial_options: [opt('o2'), opt('o9')] })] }),
    '/view/blocks/0/element/initial_options/1',
  ],
  [
    'block_id unique in a view',
    view({ blocks: [input({ type: 'plain_text_input' }), { type: 'divider', block_id: 'd' }] }),
    view({ blocks: [input({ type: 'plain_text_input' }), { type: 'divider', block_id: 'i' }] }),
    '/view/blocks/1/block_id',
  ],
];

describe('views', () => {
  it.each(viewCases)('%s', (_rule, ok, over, pointer) => {
    expect(validateView(ok)).toEqual([]);
    const problems = validateView(over);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^\\[ERROR\\] .+ \\[json-pointer:${pointer}\\]$`));
    expect(judgeView(over)?.error).toBe('invalid_arguments');
  });

  it('a Home tab holds 100 blocks and needs no title', () => {
    expect(validateView({ type: 'home', blocks: many(100, () => ({ type: 'divider' })) })).toEqual([]);
    expect(validateView({ type: 'home', blocks: many(101, () => ({ type: 'divider' })) })).toHaveLength(1);
  });
});
