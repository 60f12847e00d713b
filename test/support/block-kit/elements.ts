/** Checks of interactive elements (buttons, menus, inputs, pickers) and image elements. */
import { LIMITS, SELECTS } from './limits.js';
import {
  checkConfirm,
  checkId,
  checkInitialOptions,
  checkOptions,
  checkPlaceholder,
  checkString,
  checkText,
  isObj,
  len,
  type Json,
  type Report,
} from './objects.js';

export function checkElement(report: Report, e: unknown, ptr: string, allowed: Set<string>, where: string) {
  if (!isObj(e)) return report('element must be an object', ptr);
  if (typeof e.type !== 'string') return report('missing required field: type', `${ptr}/type`);
  if (!allowed.has(e.type)) return report(`element type ${e.type} is not allowed in ${where}`, `${ptr}/type`);
  if (e.type !== 'image' && e.action_id !== undefined) checkId(report, e.action_id, `${ptr}/action_id`, 'action_id');
  checkConfirm(report, e.confirm, `${ptr}/confirm`);
  switch (e.type) {
    case 'button':
      return checkButton(report, e, ptr);
    case 'image':
      return checkImage(report, e, ptr);
    case 'checkboxes':
    case 'radio_buttons': {
      const opts = checkOptions(report, e.options, `${ptr}/options`, {
        min: LIMITS.choiceOptionsMin,
        max: LIMITS.choiceOptionsMax,
        textKind: 'any',
      });
      return checkInitialOptions(report, e, ptr, opts, e.type === 'checkboxes');
    }
    case 'overflow':
      checkOptions(report, e.options, `${ptr}/options`, {
        min: LIMITS.overflowMin,
        max: LIMITS.overflowMax,
        textKind: 'plain_text',
      });
      return;
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return checkTextInput(report, e, ptr);
    case 'datepicker':
      checkPlaceholder(report, e.placeholder, `${ptr}/placeholder`);
      if (
        e.initial_date !== undefined &&
        !(typeof e.initial_date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(e.initial_date))
      )
        report('initial_date must be YYYY-MM-DD', `${ptr}/initial_date`);
      return;
    case 'timepicker':
      checkPlaceholder(report, e.placeholder, `${ptr}/placeholder`);
      if (
        e.initial_time !== undefined &&
        !(typeof e.initial_time === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(e.initial_time))
      )
        report('initial_time must be HH:mm', `${ptr}/initial_time`);
      if (e.timezone !== undefined && typeof e.timezone !== 'string')
        report('timezone must be a string', `${ptr}/timezone`);
      return;
    case 'datetimepicker':
      if (
        e.initial_date_time !== undefined &&
        !(typeof e.initial_date_time === 'number' && Number.isInteger(e.initial_date_time))
      )
        report('initial_date_time must be an integer (unix seconds)', `${ptr}/initial_date_time`);
      return;
    default:
      if (SELECTS.has(e.type)) checkSelect(report, e, ptr);
  }
}

function checkButton(report: Report, e: Json, ptr: string) {
  checkText(report, e.text, `${ptr}/text`, { kind: 'plain_text', max: LIMITS.buttonText });
  if (e.value !== undefined) checkString(report, e.value, `${ptr}/value`, LIMITS.buttonValue, { what: 'button value' });
  if (e.url !== undefined) checkString(report, e.url, `${ptr}/url`, LIMITS.url, { min: 1, what: 'url' });
  if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger')
    report('style must be primary or danger', `${ptr}/style`);
  if (e.accessibility_label !== undefined)
    checkString(report, e.accessibility_label, `${ptr}/accessibility_label`, 75, { what: 'accessibility_label' });
}

/** An image element, or the fields an image block shares with it. */
export function checkImage(report: Report, e: Json, ptr: string) {
  if (e.image_url === undefined && e.slack_file === undefined)
    report('missing required field: image_url', `${ptr}/image_url`);
  if (e.image_url !== undefined)
    checkString(report, e.image_url, `${ptr}/image_url`, LIMITS.url, { min: 1, what: 'image_url' });
  checkString(report, e.alt_text, `${ptr}/alt_text`, LIMITS.altText, { required: true, min: 1, what: 'alt_text' });
}

function checkTextInput(report: Report, e: Json, ptr: string) {
  checkPlaceholder(report, e.placeholder, `${ptr}/placeholder`);
  const max = LIMITS.inputMaxLength;
  if (e.max_length !== undefined && (typeof e.max_length !== 'number' || e.max_length < 1 || e.max_length > max))
    report(`max_length must be between 1 and ${max}`, `${ptr}/max_length`);
  if (e.min_length !== undefined && (typeof e.min_length !== 'number' || e.min_length < 0 || e.min_length > max))
    report(`min_length must be between 0 and ${max}`, `${ptr}/min_length`);
  if (typeof e.min_length === 'number' && typeof e.max_length === 'number' && e.min_length > e.max_length)
    report('min_length must not exceed max_length', `${ptr}/min_length`);
  if (e.initial_value === undefined) return;
  if (typeof e.initial_value !== 'string') return report('initial_value must be a string', `${ptr}/initial_value`);
  const n = len(e.initial_value);
  if (typeof e.max_length === 'number' && n > e.max_length)
    report(`initial_value is longer than max_length ${e.max_length}`, `${ptr}/initial_value`);
  else if (n > max) report(`initial_value must be less than ${max + 1} characters`, `${ptr}/initial_value`);
}

function checkSelect(report: Report, e: Json, ptr: string) {
  checkPlaceholder(report, e.placeholder, `${ptr}/placeholder`);
  if (e.max_selected_items !== undefined && (typeof e.max_selected_items !== 'number' || e.max_selected_items < 1))
    report('max_selected_items must be at least 1', `${ptr}/max_selected_items`);
  if (e.type !== 'static_select' && e.type !== 'multi_static_select') return;
  if (e.options !== undefined && e.option_groups !== undefined)
    report('provide options or option_groups, not both', ptr);
  let all: Json[] = [];
  if (e.option_groups !== undefined) {
    if (!Array.isArray(e.option_groups)) return report('option_groups must be an array', `${ptr}/option_groups`);
    if (e.option_groups.length < 1 || e.option_groups.length > LIMITS.selectOptions)
      report(
        `must provide between 1 and ${LIMITS.selectOptions} option_groups (has ${e.option_groups.length})`,
        `${ptr}/option_groups`,
      );
    e.option_groups.forEach((g: unknown, i: number) => {
      const gp = `${ptr}/option_groups/${i}`;
      if (!isObj(g)) return report('option group must be an object', gp);
      checkText(report, g.label, `${gp}/label`, { kind: 'plain_text', max: LIMITS.optionText });
      all = all.concat(
        checkOptions(report, g.options, `${gp}/options`, { min: 1, max: LIMITS.selectOptions, textKind: 'plain_text' }),
      );
    });
  } else {
    all = checkOptions(report, e.options, `${ptr}/options`, {
      min: 1,
      max: LIMITS.selectOptions,
      textKind: 'plain_text',
    });
  }
  checkInitialOptions(report, e, ptr, all, true);
}
