import type { List, RootContent } from 'mdast';
import type { Group, Item, Template } from '../schema.js';
import { blockText, type Fill } from './inline.js';
import { listItems } from './items.js';
import { lineOf } from './sections.js';
import { idAllocator } from './slug.js';

/** The template being assembled, before validation. */
export type Draft = Omit<Template, 'id' | 'name' | 'description'>;

export function emptyDraft(): Draft {
  return {
    overview: [],
    summary: { changes: [], tickets: [] },
    preDeployment: [],
    phases: [],
    verification: { groups: [], validationQueries: [], healthChecks: [] },
    postDeployment: { groups: [], followUps: [] },
    rollback: { triggers: [], steps: [], validation: [], estimatedTime: null, estimatedMinutes: null },
    monitoring: { metrics: [], thresholds: [], duration: null, durationMinutes: null },
    communication: { notices: [] },
    approvals: [],
    notes: [],
  };
}

const NOTE_MAX = 3000;

/** What every section reader shares: placeholder filling, notes, and where each path came from. */
export class Context {
  readonly draft = emptyDraft();
  /** Dotted template path → line in the runbook, for reporting validation problems. */
  readonly lines = new Map<string, number>();
  /** Mistakes found while reading, beyond what validation finds. */
  readonly problems: Array<{ line: number; message: string }> = [];
  private readonly groupIds = new Map<string, (title: string) => string>();

  constructor(readonly fill: Fill) {}

  mark(path: string, line: number): void {
    if (!this.lines.has(path)) this.lines.set(path, line);
  }

  /** Keeps a block that was understood but not recognised, with the section it was in. */
  note(section: string, block: RootContent): void {
    this.noteText(section, blockText(block, this.fill), lineOf(block));
  }

  noteText(section: string, text: string, line: number): void {
    // Long blocks are split rather than cut: nothing of the runbook is dropped.
    for (let at = 0; at < text.trim().length; at += NOTE_MAX) {
      this.mark(`notes.${this.draft.notes.length}`, line);
      this.draft.notes.push({ section: section.slice(0, 150), text: text.trim().slice(at, at + NOTE_MAX) });
    }
  }

  /** A group id unique among the groups of one list (pre-deployment, post-deployment, phases…). */
  groupId(list: string, title: string): string {
    let allocate = this.groupIds.get(list);
    if (!allocate) this.groupIds.set(list, (allocate = idAllocator()));
    return allocate(title);
  }

  /** Appends the entries of `lists` to `items`, marking each item's line under `path`. */
  addItems(items: Item[], path: string, lists: List[], allocate: (s: string) => string): void {
    for (const list of lists) {
      for (const { value, line } of listItems(list, this.fill, allocate)) {
        this.mark(`${path}.${items.length}`, line);
        items.push(value);
      }
    }
  }

  /** A checklist group from lists, added to `groups` unless it has no items. */
  addGroup(groups: Group[], path: string, list: string, title: string, line: number, lists: List[]): void {
    const group: Group = { id: this.groupId(list, title), title, items: [] };
    const index = groups.length;
    this.addItems(group.items, `${path}.${index}.items`, lists, idAllocator());
    if (!group.items.length) return;
    this.mark(`${path}.${index}`, line);
    groups.push(group);
  }
}
