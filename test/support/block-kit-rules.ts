/**
 * Block Kit limits, as Slack enforces them (see the project's Slack facts sheet). Used by the fake Slack
 * Web API (test/support/fake-slack.ts) and directly by renderer tests.
 *
 * Every problem is reported like Slack's `response_metadata.messages`:
 *   "[ERROR] <what is wrong> [json-pointer:/blocks/3/text/text]"
 * An empty list means valid.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = Record<string, any>;

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageBlocksJson: 12_000,
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

/** A problem found by the rules. `code` is the Slack error the whole call fails with. */
export interface Violation {
  code: 'invalid_blocks' | 'msg_blocks_too_long' | 'msg_too_long' | 'invalid_arguments' | 'view_too_large';
  message: string;
}

const fmt = (what: string, ptr: string) => `[ERROR] ${what} [json-pointer:${ptr}]`;
const isObj = (v: unknown): v is J => !!v && typeof v === 'object' && !Array.isArray(v);
const len = (s: string) => [...s].length;

const BLOCK_TYPES = new Set(['section', 'header', 'divider', 'context', 'actions', 'input', 'image', 'rich_text', 'video', 'file', 'markdown', 'context_actions']);
const SELECTS = new Set([
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
const ACTIONS_ELEMENTS = new Set([...SELECTS, 'button', 'checkboxes', 'datepicker', 'datetimepicker', 'timepicker', 'overflow', 'radio_buttons', 'workflow_button', 'rich_text_input']);
const ACCESSORY_ELEMENTS = new Set([...SELECTS, 'button', 'checkboxes', 'datepicker', 'timepicker', 'image', 'overflow', 'radio_buttons', 'workflow_button']);
const INPUT_ELEMENTS = new Set([
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

/** Deep equality that ignores key order (how Slack compares initial options with options). */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObj(v)) {
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

class Checker {
  readonly problems: string[] = [];
  err(what: string, ptr: string) {
    this.problems.push(fmt(what, ptr));
  }

  /** A text object. `kind`: which types are allowed. */
  text(t: unknown, ptr: string, o: { kind?: 'plain_text' | 'mrkdwn' | 'any'; max?: number; min?: number; required?: boolean } = {}) {
    const kind = o.kind ?? 'any';
    if (t === undefined || t === null) {
      if (o.required !== false) this.err('missing required field: text object', ptr);
      return;
    }
    if (!isObj(t)) return this.err('must be a text object', ptr);
    if (t.type !== 'plain_text' && t.type !== 'mrkdwn') return this.err(`text object type must be plain_text or mrkdwn, got ${JSON.stringify(t.type)}`, `${ptr}/type`);
    if (kind !== 'any' && t.type !== kind) this.err(`must be a ${kind} text object, got ${t.type}`, `${ptr}/type`);
    if (t.type === 'mrkdwn' && 'emoji' in t) this.err('emoji is only allowed on plain_text text objects', `${ptr}/emoji`);
    if (t.type === 'plain_text' && 'verbatim' in t) this.err('verbatim is only allowed on mrkdwn text objects', `${ptr}/verbatim`);
    if (typeof t.text !== 'string') return this.err('missing required field: text', `${ptr}/text`);
    const n = len(t.text);
    const min = o.min ?? 1;
    if (n < min) this.err(`must be at least ${min} character${min === 1 ? '' : 's'} (text is empty)`, `${ptr}/text`);
    if (o.max !== undefined && n > o.max) this.err(`must be less than ${o.max + 1} characters (is ${n})`, `${ptr}/text`);
  }

  str(v: unknown, ptr: string, max: number, o: { required?: boolean; min?: number; what?: string } = {}) {
    if (v === undefined || v === null) {
      if (o.required) this.err(`missing required field${o.what ? `: ${o.what}` : ''}`, ptr);
      return;
    }
    if (typeof v !== 'string') return this.err(`${o.what ?? 'value'} must be a string`, ptr);
    const n = len(v);
    if (n < (o.min ?? 0)) this.err(`${o.what ?? 'value'} must be at least ${o.min} characters`, ptr);
    if (n > max) this.err(`${o.what ?? 'value'} must be less than ${max + 1} characters (is ${n})`, ptr);
  }

  id(v: unknown, ptr: string, what: string) {
    this.str(v, ptr, LIMITS.id, { min: 1, what });
  }

  confirm(c: unknown, ptr: string) {
    if (c === undefined) return;
    if (!isObj(c)) return this.err('confirm must be an object', ptr);
    this.text(c.title, `${ptr}/title`, { kind: 'plain_text', max: LIMITS.confirmTitle });
    this.text(c.text, `${ptr}/text`, { max: LIMITS.confirmText });
    this.text(c.confirm, `${ptr}/confirm`, { kind: 'plain_text', max: LIMITS.confirmButton });
    this.text(c.deny, `${ptr}/deny`, { kind: 'plain_text', max: LIMITS.confirmButton });
    if (c.style !== undefined && c.style !== 'primary' && c.style !== 'danger') this.err('style must be primary or danger', `${ptr}/style`);
  }

  option(o: unknown, ptr: string, textKind: 'plain_text' | 'any') {
    if (!isObj(o)) return this.err('option must be an object', ptr);
    this.text(o.text, `${ptr}/text`, { kind: textKind, max: LIMITS.optionText });
    this.str(o.value, `${ptr}/value`, LIMITS.optionValue, { required: true, min: 1, what: 'option value' });
    if (o.description !== undefined) this.text(o.description, `${ptr}/description`, { kind: textKind, max: LIMITS.optionDescription });
    if (o.url !== undefined) this.str(o.url, `${ptr}/url`, LIMITS.url, { what: 'url' });
  }

  options(opts: unknown, ptr: string, o: { min: number; max: number; textKind: 'plain_text' | 'any' }): J[] {
    if (!Array.isArray(opts)) {
      this.err('missing required field: options', ptr);
      return [];
    }
    if (opts.length < o.min) this.err(`must provide at least ${o.min} option${o.min === 1 ? '' : 's'} (has ${opts.length})`, ptr);
    if (opts.length > o.max) this.err(`must provide no more than ${o.max} options (has ${opts.length})`, ptr);
    opts.forEach((x, i) => this.option(x, `${ptr}/${i}`, o.textKind));
    const values = opts.filter(isObj).map((x) => x.value);
    if (new Set(values).size !== values.length) this.err('option values must be unique', ptr);
    return opts.filter(isObj);
  }

  placeholder(p: unknown, ptr: string) {
    if (p !== undefined) this.text(p, ptr, { kind: 'plain_text', max: LIMITS.placeholder });
  }

  element(e: unknown, ptr: string, allowed: Set<string>, where: string) {
    if (!isObj(e)) return this.err('element must be an object', ptr);
    if (typeof e.type !== 'string') return this.err('missing required field: type', `${ptr}/type`);
    if (!allowed.has(e.type)) return this.err(`element type ${e.type} is not allowed in ${where}`, `${ptr}/type`);
    if (e.type !== 'image' && e.action_id !== undefined) this.id(e.action_id, `${ptr}/action_id`, 'action_id');
    this.confirm(e.confirm, `${ptr}/confirm`);
    switch (e.type) {
      case 'button':
        this.text(e.text, `${ptr}/text`, { kind: 'plain_text', max: LIMITS.buttonText });
        if (e.value !== undefined) this.str(e.value, `${ptr}/value`, LIMITS.buttonValue, { what: 'button value' });
        if (e.url !== undefined) this.str(e.url, `${ptr}/url`, LIMITS.url, { min: 1, what: 'url' });
        if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') this.err('style must be primary or danger', `${ptr}/style`);
        if (e.accessibility_label !== undefined) this.str(e.accessibility_label, `${ptr}/accessibility_label`, 75, { what: 'accessibility_label' });
        break;
      case 'image':
        if (e.image_url === undefined && e.slack_file === undefined) this.err('missing required field: image_url', `${ptr}/image_url`);
        if (e.image_url !== undefined) this.str(e.image_url, `${ptr}/image_url`, LIMITS.url, { min: 1, what: 'image_url' });
        this.str(e.alt_text, `${ptr}/alt_text`, LIMITS.altText, { required: true, min: 1, what: 'alt_text' });
        break;
      case 'checkboxes':
      case 'radio_buttons': {
        const opts = this.options(e.options, `${ptr}/options`, { min: LIMITS.choiceOptionsMin, max: LIMITS.choiceOptionsMax, textKind: 'any' });
        const keys = new Set(opts.map(canonical));
        if (e.type === 'checkboxes' && e.initial_options !== undefined) {
          if (!Array.isArray(e.initial_options)) this.err('initial_options must be an array', `${ptr}/initial_options`);
          else
            e.initial_options.forEach((x: unknown, i: number) => {
              if (!keys.has(canonical(x))) this.err('initial_options must exactly match entries of options', `${ptr}/initial_options/${i}`);
            });
        }
        if (e.type === 'radio_buttons' && e.initial_option !== undefined && !keys.has(canonical(e.initial_option)))
          this.err('initial_option must exactly match one of options', `${ptr}/initial_option`);
        break;
      }
      case 'overflow':
        this.options(e.options, `${ptr}/options`, { min: LIMITS.overflowMin, max: LIMITS.overflowMax, textKind: 'plain_text' });
        break;
      case 'plain_text_input':
      case 'email_text_input':
      case 'url_text_input':
      case 'number_input':
        this.placeholder(e.placeholder, `${ptr}/placeholder`);
        if (e.max_length !== undefined && (typeof e.max_length !== 'number' || e.max_length < 1 || e.max_length > LIMITS.inputMaxLength))
          this.err(`max_length must be between 1 and ${LIMITS.inputMaxLength}`, `${ptr}/max_length`);
        if (e.min_length !== undefined && (typeof e.min_length !== 'number' || e.min_length < 0 || e.min_length > LIMITS.inputMaxLength))
          this.err(`min_length must be between 0 and ${LIMITS.inputMaxLength}`, `${ptr}/min_length`);
        if (typeof e.min_length === 'number' && typeof e.max_length === 'number' && e.min_length > e.max_length)
          this.err('min_length must not exceed max_length', `${ptr}/min_length`);
        if (e.initial_value !== undefined) {
          if (typeof e.initial_value !== 'string') this.err('initial_value must be a string', `${ptr}/initial_value`);
          else if (typeof e.max_length === 'number' && len(e.initial_value) > e.max_length)
            this.err(`initial_value is longer than max_length ${e.max_length}`, `${ptr}/initial_value`);
          else if (len(e.initial_value) > LIMITS.inputMaxLength) this.err(`initial_value must be less than ${LIMITS.inputMaxLength + 1} characters`, `${ptr}/initial_value`);
        }
        break;
      case 'datepicker':
        this.placeholder(e.placeholder, `${ptr}/placeholder`);
        if (e.initial_date !== undefined && !(typeof e.initial_date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(e.initial_date)))
          this.err('initial_date must be YYYY-MM-DD', `${ptr}/initial_date`);
        break;
      case 'timepicker':
        this.placeholder(e.placeholder, `${ptr}/placeholder`);
        if (e.initial_time !== undefined && !(typeof e.initial_time === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(e.initial_time)))
          this.err('initial_time must be HH:mm', `${ptr}/initial_time`);
        if (e.timezone !== undefined && typeof e.timezone !== 'string') this.err('timezone must be a string', `${ptr}/timezone`);
        break;
      case 'datetimepicker':
        if (e.initial_date_time !== undefined && !(typeof e.initial_date_time === 'number' && Number.isInteger(e.initial_date_time)))
          this.err('initial_date_time must be an integer (unix seconds)', `${ptr}/initial_date_time`);
        break;
      default:
        if (SELECTS.has(e.type)) this.select(e, ptr);
    }
  }

  select(e: J, ptr: string) {
    this.placeholder(e.placeholder, `${ptr}/placeholder`);
    if (e.max_selected_items !== undefined && (typeof e.max_selected_items !== 'number' || e.max_selected_items < 1))
      this.err('max_selected_items must be at least 1', `${ptr}/max_selected_items`);
    if (e.type !== 'static_select' && e.type !== 'multi_static_select') return;
    let all: J[] = [];
    if (e.options !== undefined && e.option_groups !== undefined) this.err('provide options or option_groups, not both', ptr);
    if (e.option_groups !== undefined) {
      if (!Array.isArray(e.option_groups)) return this.err('option_groups must be an array', `${ptr}/option_groups`);
      if (e.option_groups.length < 1 || e.option_groups.length > LIMITS.selectOptions)
        this.err(`must provide between 1 and ${LIMITS.selectOptions} option_groups (has ${e.option_groups.length})`, `${ptr}/option_groups`);
      e.option_groups.forEach((g: unknown, i: number) => {
        if (!isObj(g)) return this.err('option group must be an object', `${ptr}/option_groups/${i}`);
        this.text(g.label, `${ptr}/option_groups/${i}/label`, { kind: 'plain_text', max: LIMITS.optionText });
        all = all.concat(this.options(g.options, `${ptr}/option_groups/${i}/options`, { min: 1, max: LIMITS.selectOptions, textKind: 'plain_text' }));
      });
    } else {
      all = this.options(e.options, `${ptr}/options`, { min: 1, max: LIMITS.selectOptions, textKind: 'plain_text' });
    }
    const keys = new Set(all.map(canonical));
    if (e.initial_option !== undefined && !keys.has(canonical(e.initial_option)))
      this.err('initial_option must exactly match one of options', `${ptr}/initial_option`);
    if (e.initial_options !== undefined) {
      if (!Array.isArray(e.initial_options)) this.err('initial_options must be an array', `${ptr}/initial_options`);
      else
        e.initial_options.forEach((x: unknown, i: number) => {
          if (!keys.has(canonical(x))) this.err('initial_options must exactly match entries of options', `${ptr}/initial_options/${i}`);
        });
    }
  }

  blocks(blocks: unknown, ptr: string, max: number) {
    if (!Array.isArray(blocks)) return this.err('blocks must be an array', ptr);
    if (blocks.length > max) this.err(`no more than ${max} items allowed (has ${blocks.length})`, ptr);
    const blockIds = new Map<string, number>();
    blocks.forEach((b, i) => {
      const p = `${ptr}/${i}`;
      if (!isObj(b)) return this.err('block must be an object', p);
      if (typeof b.type !== 'string' || !BLOCK_TYPES.has(b.type)) return this.err(`unknown block type ${JSON.stringify(b.type)}`, `${p}/type`);
      if (b.block_id !== undefined) {
        this.id(b.block_id, `${p}/block_id`, 'block_id');
        if (typeof b.block_id === 'string') {
          const prev = blockIds.get(b.block_id);
          if (prev !== undefined) this.err(`duplicate block_id ${JSON.stringify(b.block_id)} (also at ${ptr}/${prev})`, `${p}/block_id`);
          else blockIds.set(b.block_id, i);
        }
      }
      this.block(b, p);
    });
  }

  block(b: J, p: string) {
    switch (b.type) {
      case 'section':
        if (b.text === undefined && b.fields === undefined) this.err('section must have text or fields', p);
        if (b.text !== undefined) this.text(b.text, `${p}/text`, { max: LIMITS.sectionText });
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields)) this.err('fields must be an array', `${p}/fields`);
          else {
            if (b.fields.length < 1) this.err('fields must not be empty', `${p}/fields`);
            if (b.fields.length > LIMITS.sectionFields) this.err(`no more than ${LIMITS.sectionFields} items allowed (has ${b.fields.length})`, `${p}/fields`);
            b.fields.forEach((f: unknown, i: number) => this.text(f, `${p}/fields/${i}`, { max: LIMITS.sectionFieldText }));
          }
        }
        if (b.accessory !== undefined) this.element(b.accessory, `${p}/accessory`, ACCESSORY_ELEMENTS, 'a section accessory');
        break;
      case 'header':
        this.text(b.text, `${p}/text`, { kind: 'plain_text', max: LIMITS.headerText });
        break;
      case 'divider':
        break;
      case 'context':
        if (!Array.isArray(b.elements)) return this.err('missing required field: elements', `${p}/elements`);
        if (b.elements.length < 1) this.err('elements must not be empty', `${p}/elements`);
        if (b.elements.length > LIMITS.contextElements) this.err(`no more than ${LIMITS.contextElements} items allowed (has ${b.elements.length})`, `${p}/elements`);
        b.elements.forEach((e: unknown, i: number) => {
          if (isObj(e) && e.type === 'image') this.element(e, `${p}/elements/${i}`, new Set(['image']), 'a context block');
          else this.text(e, `${p}/elements/${i}`);
        });
        break;
      case 'actions': {
        if (!Array.isArray(b.elements)) return this.err('missing required field: elements', `${p}/elements`);
        if (b.elements.length < 1) this.err('elements must not be empty', `${p}/elements`);
        if (b.elements.length > LIMITS.actionsElements) this.err(`no more than ${LIMITS.actionsElements} items allowed (has ${b.elements.length})`, `${p}/elements`);
        const seen = new Map<string, number>();
        b.elements.forEach((e: unknown, i: number) => {
          this.element(e, `${p}/elements/${i}`, ACTIONS_ELEMENTS, 'an actions block');
          if (isObj(e) && typeof e.action_id === 'string') {
            const prev = seen.get(e.action_id);
            if (prev !== undefined) this.err(`duplicate action_id ${JSON.stringify(e.action_id)} in block (also at ${p}/elements/${prev})`, `${p}/elements/${i}/action_id`);
            else seen.set(e.action_id, i);
          }
        });
        break;
      }
      case 'input':
        this.text(b.label, `${p}/label`, { kind: 'plain_text', max: LIMITS.label });
        if (b.hint !== undefined) this.text(b.hint, `${p}/hint`, { kind: 'plain_text', max: LIMITS.hint });
        if (b.element === undefined) this.err('missing required field: element', `${p}/element`);
        else this.element(b.element, `${p}/element`, INPUT_ELEMENTS, 'an input block');
        break;
      case 'image':
        if (b.image_url === undefined && b.slack_file === undefined) this.err('missing required field: image_url', `${p}/image_url`);
        if (b.image_url !== undefined) this.str(b.image_url, `${p}/image_url`, LIMITS.url, { min: 1, what: 'image_url' });
        this.str(b.alt_text, `${p}/alt_text`, LIMITS.altText, { required: true, min: 1, what: 'alt_text' });
        if (b.title !== undefined) this.text(b.title, `${p}/title`, { kind: 'plain_text', max: LIMITS.imageTitle });
        break;
      case 'markdown':
        this.str(b.text, `${p}/text`, LIMITS.markdownBlockText, { required: true, min: 1, what: 'text' });
        break;
      case 'rich_text':
        if (!Array.isArray(b.elements)) this.err('missing required field: elements', `${p}/elements`);
        break;
      default:
        break;
    }
  }
}

function checkMessage(blocks: unknown, text: string | undefined): { structural: string[]; tooLong: string[]; textTooLong: string[] } {
  const c = new Checker();
  if (blocks !== undefined && blocks !== null) c.blocks(blocks, '/blocks', LIMITS.messageBlocks);
  const tooLong: string[] = [];
  if (Array.isArray(blocks)) {
    const n = JSON.stringify(blocks).length;
    if (n > LIMITS.messageBlocksJson) tooLong.push(fmt(`msg_blocks_too_long: blocks JSON is ${n} characters, over ${LIMITS.messageBlocksJson}`, '/blocks'));
  }
  const textTooLong: string[] = [];
  if (typeof text === 'string' && len(text) > LIMITS.messageText)
    textTooLong.push(fmt(`msg_too_long: text must be less than ${LIMITS.messageText + 1} characters (is ${len(text)})`, '/text'));
  return { structural: c.problems, tooLong, textTooLong };
}

/**
 * What Slack would do with a message (chat.postMessage, chat.update, chat.postEphemeral,
 * chat.scheduleMessage, response_url): the error code it fails with, and the messages.
 */
export function judgeMessage(blocks: unknown, text: string | undefined): { error: Violation['code']; messages: string[] } | undefined {
  const r = checkMessage(blocks, text);
  if (r.structural.length) return { error: 'invalid_blocks', messages: r.structural };
  if (r.tooLong.length) return { error: 'msg_blocks_too_long', messages: r.tooLong };
  if (r.textTooLong.length) return { error: 'msg_too_long', messages: r.textTooLong };
  return undefined;
}

/**
 * Every rule a message breaks. `text` is the top-level fallback text: when given, it must be at most
 * 40,000 characters and, beside blocks, not blank (Slack's notifications and screen readers show it).
 */
export function validateMessageBlocks(blocks: unknown, text?: string): string[] {
  const r = checkMessage(blocks, text);
  const out = [...r.structural, ...r.tooLong, ...r.textTooLong];
  if (text !== undefined && Array.isArray(blocks) && blocks.length > 0 && (typeof text !== 'string' || text.trim() === ''))
    out.push(fmt('fallback text is empty beside blocks (notifications and screen readers show it)', '/text'));
  return out;
}

/** What Slack would do with a view (views.open/update/push/publish). */
export function judgeView(view: unknown): { error: Violation['code']; messages: string[] } | undefined {
  const c = new Checker();
  const p = '/view';
  if (!isObj(view)) {
    c.err('view must be an object', p);
    return { error: 'invalid_arguments', messages: c.problems };
  }
  if (view.type !== 'modal' && view.type !== 'home') c.err(`view type must be modal or home, got ${JSON.stringify(view.type)}`, `${p}/type`);
  c.blocks(view.blocks, `${p}/blocks`, LIMITS.viewBlocks);
  if (view.type === 'modal') {
    c.text(view.title, `${p}/title`, { kind: 'plain_text', max: LIMITS.modalTitle });
    if (view.submit !== undefined) c.text(view.submit, `${p}/submit`, { kind: 'plain_text', max: LIMITS.modalButton });
    if (view.close !== undefined) c.text(view.close, `${p}/close`, { kind: 'plain_text', max: LIMITS.modalButton });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b: unknown) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) c.err('submit is required when the view has input blocks', `${p}/submit`);
  } else if (view.title !== undefined) {
    c.text(view.title, `${p}/title`, { kind: 'plain_text', max: LIMITS.modalTitle });
  }
  if (view.private_metadata !== undefined) c.str(view.private_metadata, `${p}/private_metadata`, LIMITS.privateMetadata, { what: 'private_metadata' });
  if (view.callback_id !== undefined) c.str(view.callback_id, `${p}/callback_id`, LIMITS.id, { what: 'callback_id' });
  if (view.external_id !== undefined) c.str(view.external_id, `${p}/external_id`, LIMITS.id, { what: 'external_id' });
  if (c.problems.length) return { error: 'invalid_arguments', messages: c.problems };
  const size = Buffer.byteLength(JSON.stringify(view));
  if (size > LIMITS.viewBytes) return { error: 'view_too_large', messages: [fmt(`view is ${size} bytes, over ${LIMITS.viewBytes}`, p)] };
  return undefined;
}

/** Every rule a modal or App Home view breaks (empty = valid). */
export function validateView(view: unknown): string[] {
  return judgeView(view)?.messages ?? [];
}
