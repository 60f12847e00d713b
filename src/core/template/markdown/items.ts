import type { List, ListItem, RootContent } from 'mdast';
import type { Item } from '../schema.js';
import { blockText, hasWord, isOptional, itemText, keywords, leadingLabel, sentenceCase, type Fill } from './inline.js';
import { lineOf } from './sections.js';

export interface Placed<T> {
  value: T;
  line: number;
}

export type Allocate = (idSource: string) => string;

/**
 * Every entry of a list becomes an item. Under an item, "*Label:* value" sub-lines
 * become its evidence (links, ids, locations) or details; nested "- [ ]" or numbered
 * entries become level-1 items right after it; other nested bullets become details.
 */
export function listItems(list: List, fill: Fill, allocate: Allocate, level: 0 | 1 = 0): Array<Placed<Item>> {
  return list.children.flatMap((li) => entryItems(li, fill, allocate, level));
}

function entryItems(li: ListItem, fill: Fill, allocate: Allocate, level: 0 | 1): Array<Placed<Item>> {
  const [first, ...rest] = li.children;
  const lead = first?.type === 'paragraph' ? itemText(first, fill) : { text: '', idSource: '' };
  const item: Item = {
    id: allocate(lead.idSource),
    text: lead.text,
    required: !isOptional(lead.text),
    details: [],
    level,
  };
  const nested: Array<Placed<Item>> = [];
  const blocks = first?.type === 'paragraph' ? rest : li.children;
  for (const block of blocks) {
    if (block.type !== 'list') {
      pushText(item.details, blockText(block, fill));
      continue;
    }
    for (const sub of block.children) {
      if (sub.checked !== null && sub.checked !== undefined) nested.push(...entryItems(sub, fill, allocate, 1));
      else if (block.ordered) nested.push(...entryItems(sub, fill, allocate, 1));
      else subLine(item, sub, fill);
    }
  }
  return [{ value: item, line: lineOf(li) }, ...nested];
}

function subLine(item: Item, sub: ListItem, fill: Fill): void {
  const [first, ...rest] = sub.children;
  const labelled = first?.type === 'paragraph' ? leadingLabel(first, fill) : null;
  if (labelled && !item.evidence) {
    const kind = evidenceKind(labelled.label, labelled.rest);
    if (kind) {
      item.evidence = { label: sentenceCase(labelled.label), kind, ...(labelled.rest ? { hint: labelled.rest } : {}) };
      for (const block of rest) pushText(item.details, blockText(block, fill));
      return;
    }
  }
  if (labelled) pushText(item.details, `*${labelled.label}:* ${labelled.rest}`.trim());
  else if (first) pushText(item.details, blockText(first, fill));
  for (const block of rest) pushText(item.details, blockText(block, fill));
}

/** A sub-line asks for evidence when it wants a link, or an id or location to record. */
export function evidenceKind(label: string, value: string): 'url' | 'text' | null {
  const w = keywords(label);
  const v = value.toLowerCase();
  if (w.startsWith(' link ') || hasWord(w, 'url', 'dashboard') || v === '[url]' || v.startsWith('http')) return 'url';
  if (hasWord(w, 'id', 'location', 'reference', 'ticket')) return 'text';
  return null;
}

function pushText(into: string[], text: string): void {
  if (text.trim()) into.push(text.trim());
}

/** Plain text of each entry of a list, nested entries included. */
export function listLines(list: List, fill: Fill): Array<Placed<string>> {
  return list.children.flatMap((li) => {
    const out: Array<Placed<string>> = [];
    for (const block of li.children) {
      if (block.type === 'list') out.push(...listLines(block, fill));
      else out.push({ value: blockText(block, fill), line: lineOf(block) });
    }
    return out.filter((p) => p.value);
  });
}

/** The lists among blocks; everything else is handed to `other`. */
export function splitLists(blocks: RootContent[], other: (block: RootContent) => void): List[] {
  const lists: List[] = [];
  for (const block of blocks) {
    if (block.type === 'list') lists.push(block);
    else other(block);
  }
  return lists;
}
