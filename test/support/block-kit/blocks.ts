/** Checks of a list of blocks (a message, a modal, a Home tab) and of each block. */
import { checkElement, checkImage } from './elements.js';
import { ACCESSORY_ELEMENTS, ACTIONS_ELEMENTS, BLOCK_TYPES, INPUT_ELEMENTS, LIMITS } from './limits.js';
import { checkId, checkString, checkText, isObj, type Json, type Report } from './objects.js';

export function checkBlocks(report: Report, blocks: unknown, ptr: string, max: number) {
  if (!Array.isArray(blocks)) return report('blocks must be an array', ptr);
  if (blocks.length > max) report(`no more than ${max} items allowed (has ${blocks.length})`, ptr);
  const blockIds = new Map<string, number>();
  blocks.forEach((b, i) => {
    const p = `${ptr}/${i}`;
    if (!isObj(b)) return report('block must be an object', p);
    if (typeof b.type !== 'string' || !BLOCK_TYPES.has(b.type))
      return report(`unknown block type ${JSON.stringify(b.type)}`, `${p}/type`);
    if (b.block_id !== undefined) {
      checkId(report, b.block_id, `${p}/block_id`, 'block_id');
      if (typeof b.block_id === 'string') {
        const prev = blockIds.get(b.block_id);
        if (prev !== undefined)
          report(`duplicate block_id ${JSON.stringify(b.block_id)} (also at ${ptr}/${prev})`, `${p}/block_id`);
        else blockIds.set(b.block_id, i);
      }
    }
    checkBlock(report, b, p);
  });
}

function checkBlock(report: Report, b: Json, p: string) {
  switch (b.type) {
    case 'section':
      return checkSection(report, b, p);
    case 'header':
      return checkText(report, b.text, `${p}/text`, { kind: 'plain_text', max: LIMITS.headerText });
    case 'context':
      return checkElements(report, b, p, LIMITS.contextElements, (e, ep) => {
        if (isObj(e) && e.type === 'image') checkElement(report, e, ep, new Set(['image']), 'a context block');
        else checkText(report, e, ep);
      });
    case 'actions': {
      const seen = new Map<string, number>();
      return checkElements(report, b, p, LIMITS.actionsElements, (e, ep, i) => {
        checkElement(report, e, ep, ACTIONS_ELEMENTS, 'an actions block');
        if (!isObj(e) || typeof e.action_id !== 'string') return;
        const prev = seen.get(e.action_id);
        if (prev !== undefined)
          report(
            `duplicate action_id ${JSON.stringify(e.action_id)} in block (also at ${p}/elements/${prev})`,
            `${ep}/action_id`,
          );
        else seen.set(e.action_id, i);
      });
    }
    case 'input':
      checkText(report, b.label, `${p}/label`, { kind: 'plain_text', max: LIMITS.label });
      if (b.hint !== undefined) checkText(report, b.hint, `${p}/hint`, { kind: 'plain_text', max: LIMITS.hint });
      if (b.element === undefined) report('missing required field: element', `${p}/element`);
      else checkElement(report, b.element, `${p}/element`, INPUT_ELEMENTS, 'an input block');
      return;
    case 'image':
      checkImage(report, b, p);
      if (b.title !== undefined)
        checkText(report, b.title, `${p}/title`, { kind: 'plain_text', max: LIMITS.imageTitle });
      return;
    case 'markdown':
      return checkString(report, b.text, `${p}/text`, LIMITS.markdownBlockText, {
        required: true,
        min: 1,
        what: 'text',
      });
    case 'rich_text':
      if (!Array.isArray(b.elements)) report('missing required field: elements', `${p}/elements`);
      return;
    default:
      return;
  }
}

function checkSection(report: Report, b: Json, p: string) {
  if (b.text === undefined && b.fields === undefined) report('section must have text or fields', p);
  if (b.text !== undefined) checkText(report, b.text, `${p}/text`, { max: LIMITS.sectionText });
  if (b.fields !== undefined) {
    if (!Array.isArray(b.fields)) report('fields must be an array', `${p}/fields`);
    else {
      if (b.fields.length < 1) report('fields must not be empty', `${p}/fields`);
      if (b.fields.length > LIMITS.sectionFields)
        report(`no more than ${LIMITS.sectionFields} items allowed (has ${b.fields.length})`, `${p}/fields`);
      b.fields.forEach((f: unknown, i: number) =>
        checkText(report, f, `${p}/fields/${i}`, { max: LIMITS.sectionFieldText }),
      );
    }
  }
  if (b.accessory !== undefined)
    checkElement(report, b.accessory, `${p}/accessory`, ACCESSORY_ELEMENTS, 'a section accessory');
}

/** The `elements` of a context or actions block: 1..max of them, each checked by `each`. */
function checkElements(
  report: Report,
  b: Json,
  p: string,
  max: number,
  each: (e: unknown, ptr: string, i: number) => void,
) {
  if (!Array.isArray(b.elements)) return report('missing required field: elements', `${p}/elements`);
  if (b.elements.length < 1) report('elements must not be empty', `${p}/elements`);
  if (b.elements.length > max) report(`no more than ${max} items allowed (has ${b.elements.length})`, `${p}/elements`);
  b.elements.forEach((e: unknown, i: number) => each(e, `${p}/elements/${i}`, i));
}
