/** Checks of Block Kit's composition objects: text, option, confirm dialog, plain strings and ids. */
import { LIMITS } from './limits.js';

/** Untyped Block Kit JSON, as a caller may send it. */
export type Json = Record<string, any>;

/** Collects one problem, worded like Slack's `[ERROR] <what> [json-pointer:<ptr>]`. */
export type Report = (what: string, ptr: string) => void;

export const formatProblem = (what: string, ptr: string) => `[ERROR] ${what} [json-pointer:${ptr}]`;
export const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
/** Length in code points, as Slack counts (an emoji is one character). */
export const len = (s: string) => [...s].length;

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

type TextKind = 'plain_text' | 'mrkdwn' | 'any';

export function checkText(
  report: Report,
  t: unknown,
  ptr: string,
  o: { kind?: TextKind; max?: number; min?: number; required?: boolean } = {},
) {
  const kind = o.kind ?? 'any';
  if (t === undefined || t === null) {
    if (o.required !== false) report('missing required field: text object', ptr);
    return;
  }
  if (!isObj(t)) return report('must be a text object', ptr);
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn')
    return report(`text object type must be plain_text or mrkdwn, got ${JSON.stringify(t.type)}`, `${ptr}/type`);
  if (kind !== 'any' && t.type !== kind) report(`must be a ${kind} text object, got ${t.type}`, `${ptr}/type`);
  if (t.type === 'mrkdwn' && 'emoji' in t) report('emoji is only allowed on plain_text text objects', `${ptr}/emoji`);
  if (t.type === 'plain_text' && 'verbatim' in t)
    report('verbatim is only allowed on mrkdwn text objects', `${ptr}/verbatim`);
  if (typeof t.text !== 'string') return report('missing required field: text', `${ptr}/text`);
  const n = len(t.text);
  const min = o.min ?? 1;
  if (n < min) report(`must be at least ${min} character${min === 1 ? '' : 's'} (text is empty)`, `${ptr}/text`);
  if (o.max !== undefined && n > o.max) report(`must be less than ${o.max + 1} characters (is ${n})`, `${ptr}/text`);
}

export function checkString(
  report: Report,
  v: unknown,
  ptr: string,
  max: number,
  o: { required?: boolean; min?: number; what?: string } = {},
) {
  const what = o.what ?? 'value';
  if (v === undefined || v === null) {
    if (o.required) report(`missing required field${o.what ? `: ${o.what}` : ''}`, ptr);
    return;
  }
  if (typeof v !== 'string') return report(`${what} must be a string`, ptr);
  const n = len(v);
  if (n < (o.min ?? 0)) report(`${what} must be at least ${o.min} characters`, ptr);
  if (n > max) report(`${what} must be less than ${max + 1} characters (is ${n})`, ptr);
}

/** action_id, block_id, callback_id, external_id. */
export const checkId = (report: Report, v: unknown, ptr: string, what: string) =>
  checkString(report, v, ptr, LIMITS.id, { min: 1, what });

export function checkConfirm(report: Report, c: unknown, ptr: string) {
  if (c === undefined) return;
  if (!isObj(c)) return report('confirm must be an object', ptr);
  checkText(report, c.title, `${ptr}/title`, { kind: 'plain_text', max: LIMITS.confirmTitle });
  checkText(report, c.text, `${ptr}/text`, { max: LIMITS.confirmText });
  checkText(report, c.confirm, `${ptr}/confirm`, { kind: 'plain_text', max: LIMITS.confirmButton });
  checkText(report, c.deny, `${ptr}/deny`, { kind: 'plain_text', max: LIMITS.confirmButton });
  if (c.style !== undefined && c.style !== 'primary' && c.style !== 'danger')
    report('style must be primary or danger', `${ptr}/style`);
}

/** Options of selects and overflow menus must be plain_text; checkboxes and radio buttons may use mrkdwn. */
export type OptionText = 'plain_text' | 'any';

function checkOption(report: Report, o: unknown, ptr: string, textKind: OptionText) {
  if (!isObj(o)) return report('option must be an object', ptr);
  checkText(report, o.text, `${ptr}/text`, { kind: textKind, max: LIMITS.optionText });
  checkString(report, o.value, `${ptr}/value`, LIMITS.optionValue, { required: true, min: 1, what: 'option value' });
  if (o.description !== undefined)
    checkText(report, o.description, `${ptr}/description`, { kind: textKind, max: LIMITS.optionDescription });
  if (o.url !== undefined) checkString(report, o.url, `${ptr}/url`, LIMITS.url, { what: 'url' });
}

/** Checks a list of options; returns the well-formed entries, to compare initial options with. */
export function checkOptions(
  report: Report,
  opts: unknown,
  ptr: string,
  o: { min: number; max: number; textKind: OptionText },
): Json[] {
  if (!Array.isArray(opts)) {
    report('missing required field: options', ptr);
    return [];
  }
  if (opts.length < o.min)
    report(`must provide at least ${o.min} option${o.min === 1 ? '' : 's'} (has ${opts.length})`, ptr);
  if (opts.length > o.max) report(`must provide no more than ${o.max} options (has ${opts.length})`, ptr);
  opts.forEach((x, i) => checkOption(report, x, `${ptr}/${i}`, o.textKind));
  const values = opts.filter(isObj).map((x) => x.value);
  if (new Set(values).size !== values.length) report('option values must be unique', ptr);
  return opts.filter(isObj);
}

/** `initial_options` (or `initial_option`) must deep-equal entries of the options. */
export function checkInitialOptions(report: Report, e: Json, ptr: string, options: Json[], allowMany: boolean) {
  const keys = new Set(options.map(canonical));
  if (e.initial_option !== undefined && !keys.has(canonical(e.initial_option)))
    report('initial_option must exactly match one of options', `${ptr}/initial_option`);
  if (!allowMany || e.initial_options === undefined) return;
  if (!Array.isArray(e.initial_options)) return report('initial_options must be an array', `${ptr}/initial_options`);
  e.initial_options.forEach((x: unknown, i: number) => {
    if (!keys.has(canonical(x)))
      report('initial_options must exactly match entries of options', `${ptr}/initial_options/${i}`);
  });
}

export function checkPlaceholder(report: Report, p: unknown, ptr: string) {
  if (p !== undefined) checkText(report, p, ptr, { kind: 'plain_text', max: LIMITS.placeholder });
}
