import type { Root, RootContent } from 'mdast';
import { hasWord, headingTitle, keywords, type Fill } from './inline.js';

export type SectionKind =
  | 'overview'
  | 'summary'
  | 'pre'
  | 'steps'
  | 'verification'
  | 'rollback'
  | 'monitoring'
  | 'communication'
  | 'post'
  | 'approvals'
  | 'other';

/** A "###" part of a section; the part before the first "###" has an empty title. */
export interface Part {
  title: string;
  line: number;
  blocks: RootContent[];
}

export interface Section {
  kind: SectionKind;
  title: string;
  line: number;
  intro: Part;
  parts: Part[];
}

export interface Outline {
  title: { text: string; line: number } | null;
  /** Blocks between the title and the first section. */
  preamble: RootContent[];
  sections: Section[];
}

export const lineOf = (node: { position?: { start: { line: number } } }): number => node.position?.start.line ?? 1;

/** Splits the document at its headings: "#" is the title, "##" a section, "###" and deeper its parts. */
export function outline(root: Root, fill: Fill): Outline {
  const result: Outline = { title: null, preamble: [], sections: [] };
  let section: Section | null = null;
  let part: Part | null = null;
  for (const node of root.children) {
    if (node.type === 'yaml') continue;
    if (node.type === 'heading' && node.depth === 1 && !result.title && !section) {
      result.title = { text: headingTitle(node.children, fill), line: lineOf(node) };
    } else if (node.type === 'heading' && node.depth <= 2) {
      const title = headingTitle(node.children, fill);
      part = { title: '', line: lineOf(node), blocks: [] };
      section = { kind: classify(title), title, line: lineOf(node), intro: part, parts: [] };
      result.sections.push(section);
    } else if (node.type === 'heading' && section) {
      part = { title: headingTitle(node.children, fill), line: lineOf(node), blocks: [] };
      section.parts.push(part);
    } else if (part) part.blocks.push(node);
    else result.preamble.push(node);
  }
  return result;
}

/** Which part of the process a "##" heading names, by its words (checked in this order). */
export function classify(title: string): SectionKind {
  const w = keywords(title);
  if (hasWord(w, 'post', 'postdeployment', 'follow*', 'aftercare')) return 'post';
  if (hasWord(w, 'pre', 'predeployment', 'checklist', 'prerequisites', 'preparation')) return 'pre';
  if (hasWord(w, 'rollback', 'roll', 'revert', 'backout')) return 'rollback';
  if (hasWord(w, 'approval*', 'approver*', 'sign', 'signoff')) return 'approvals';
  if (hasWord(w, 'communication*', 'notification*', 'notify')) return 'communication';
  if (hasWord(w, 'monitoring', 'monitor', 'alerts', 'alerting', 'observability')) return 'monitoring';
  if (hasWord(w, 'summary', 'changes', 'changelog', 'tickets', 'scope')) return 'summary';
  if (hasWord(w, 'overview', 'details', 'information', 'info')) return 'overview';
  if (hasWord(w, 'steps', 'procedure', 'phases', 'execution', 'plan')) return 'steps';
  if (hasWord(w, 'verification', 'verify', 'testing', 'tests', 'validation', 'smoke')) return 'verification';
  return 'other';
}

/** How a "###" part of a section reads, for sections whose parts mean different things. */
export function partKind<K extends string>(title: string, table: Array<[K, string[]]>): K | null {
  const w = keywords(title);
  for (const [kind, words] of table) if (hasWord(w, ...words)) return kind;
  return null;
}
