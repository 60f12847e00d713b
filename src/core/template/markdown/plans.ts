import type { List, ListItem, RootContent } from 'mdast';
import type { ApprovalRole } from '../schema.js';
import type { Context } from './draft.js';
import { blockText, hasWord, itemText, keywords, leadingLabel, minutesIn, type Labelled } from './inline.js';
import { listLines, splitLists } from './items.js';
import { lineOf, partKind, type Part, type Section } from './sections.js';
import { idAllocator, slugify } from './slug.js';

export interface Entry {
  li: ListItem;
  line: number;
  labelled: Labelled | null;
  text: string;
  /** Lists nested in the entry. */
  lists: List[];
  /** Other blocks nested in the entry. */
  rest: RootContent[];
}

export function entries(lists: List[], ctx: Context): Entry[] {
  return lists.flatMap((list) =>
    list.children.map((li) => {
      const [first, ...others] = li.children;
      const para = first?.type === 'paragraph' ? first : null;
      const after = para ? others : li.children;
      return {
        li,
        line: lineOf(li),
        labelled: para ? leadingLabel(para, ctx.fill) : null,
        text: para ? itemText(para, ctx.fill).text : '',
        lists: after.filter((b): b is List => b.type === 'list'),
        rest: after.filter((b) => b.type !== 'list'),
      };
    }),
  );
}

const where = (section: Section, part: Part) => (part.title ? `${section.title} › ${part.title}` : section.title);
const partsOf = (section: Section) => [section.intro, ...section.parts];

/** Each part's lists (as entries); everything else in it becomes a note. */
function partEntries(section: Section, part: Part, ctx: Context): Entry[] {
  return entries(
    splitLists(part.blocks, (b) => ctx.note(where(section, part), b)),
    ctx,
  );
}

function noteEntry(section: string, entry: Entry, ctx: Context): void {
  ctx.note(section, { type: 'list', ordered: false, children: [entry.li] } as List);
}

/** "**Label:** placeholder" entries. */
export function readOverview(section: Section, ctx: Context): void {
  for (const part of partsOf(section)) {
    for (const e of partEntries(section, part, ctx)) {
      if (!e.labelled || e.lists.length || e.rest.length) {
        noteEntry(where(section, part), e, ctx);
        continue;
      }
      ctx.mark(`overview.${ctx.draft.overview.length}`, e.line);
      ctx.draft.overview.push({ label: e.labelled.label, placeholder: e.labelled.rest });
    }
  }
}

/** Changes (plain entries) and tickets ("**KEY:** description" entries). */
export function readSummary(section: Section, ctx: Context): void {
  const summary = ctx.draft.summary;
  for (const part of partsOf(section)) {
    const ticketsPart = partKind(part.title, [['t', ['ticket*', 'issues', 'jira']]]) !== null;
    for (const e of partEntries(section, part, ctx)) {
      if (e.lists.length || e.rest.length) noteEntry(where(section, part), e, ctx);
      if (e.labelled) {
        ctx.mark(`summary.tickets.${summary.tickets.length}`, e.line);
        summary.tickets.push({ key: e.labelled.label, description: e.labelled.rest });
      } else if (ticketsPart && e.text.length <= 40) {
        ctx.mark(`summary.tickets.${summary.tickets.length}`, e.line);
        summary.tickets.push({ key: e.text, description: '' });
      } else if (e.text) {
        ctx.mark(`summary.changes.${summary.changes.length}`, e.line);
        summary.changes.push(e.text);
      }
    }
  }
}

type RollbackPart = 'triggers' | 'steps' | 'validation' | 'time';
const ROLLBACK_PARTS: Array<[RollbackPart, string[]]> = [
  ['triggers', ['trigger*', 'conditions', 'when', 'criteria']],
  ['validation', ['validation', 'validate', 'verification', 'verify', 'checks']],
  ['time', ['time', 'estimate*', 'duration']],
  ['steps', ['steps', 'procedure', 'how']],
];

/** Triggers, steps, validation and estimated time: as "###" parts, or as "**Label:**" entries with nested lists. */
export function readRollback(section: Section, ctx: Context): void {
  const r = ctx.draft.rollback;
  const stepIds = idAllocator();
  const validationIds = idAllocator();
  const take = (kind: RollbackPart, lists: List[], texts: Array<{ value: string; line: number }>) => {
    if (kind === 'steps') ctx.addItems(r.steps, 'rollback.steps', lists, stepIds);
    else if (kind === 'validation') ctx.addItems(r.validation, 'rollback.validation', lists, validationIds);
    else if (kind === 'triggers') {
      for (const t of [...texts, ...lists.flatMap((l) => listLines(l, ctx.fill))]) {
        ctx.mark(`rollback.triggers.${r.triggers.length}`, t.line);
        r.triggers.push(t.value);
      }
    } else if (texts[0] && r.estimatedTime === null) {
      ctx.mark('rollback.estimatedTime', texts[0].line);
      r.estimatedTime = texts[0].value;
    }
  };
  for (const part of partsOf(section)) {
    const kind = part.title ? partKind(part.title, ROLLBACK_PARTS) : null;
    const texts: Array<{ value: string; line: number }> = [];
    // A paragraph "*Estimated Rollback Time:* 15 minutes" (or "**Trigger Conditions:** …") is read as
    // that part wherever it stands; other paragraphs are the part's text (triggers, time) or notes.
    const paragraph = (b: RootContent) => {
      const labelled = b.type === 'paragraph' ? leadingLabel(b, ctx.fill) : null;
      const labelKind = labelled?.rest ? partKind(labelled.label, ROLLBACK_PARTS) : null;
      if (labelled && (labelKind === 'time' || labelKind === 'triggers'))
        take(labelKind, [], [{ value: labelled.rest, line: lineOf(b) }]);
      else if (b.type === 'paragraph' && (kind === 'time' || kind === 'triggers'))
        texts.push({ value: blockText(b, ctx.fill), line: lineOf(b) });
      else ctx.note(where(section, part), b);
    };
    const lists = splitLists(part.blocks, paragraph);
    if (kind) {
      take(kind, lists, texts);
      continue;
    }
    for (const e of entries(lists, ctx)) {
      const labelKind = e.labelled ? partKind(e.labelled.label, ROLLBACK_PARTS) : null;
      if (labelKind && e.labelled)
        take(labelKind, e.lists, e.labelled.rest ? [{ value: e.labelled.rest, line: e.line }] : []);
      else if (!e.labelled && !part.title)
        take('steps', [{ type: 'list', ordered: true, children: [e.li] } as List], []);
      else noteEntry(where(section, part), e, ctx);
    }
  }
  r.estimatedMinutes = minutesIn(r.estimatedTime);
}

type MonitoringPart = 'duration' | 'thresholds' | 'metrics';
const MONITORING_PARTS: Array<[MonitoringPart, string[]]> = [
  ['duration', ['duration', 'long', 'period', 'window']],
  ['thresholds', ['threshold*', 'alert*', 'limits']],
  ['metrics', ['metric*', 'monitor*', 'watch', 'signals', 'dashboards']],
];

export function readMonitoring(section: Section, ctx: Context): void {
  const m = ctx.draft.monitoring;
  const take = (kind: MonitoringPart, texts: Array<{ value: string; line: number }>) => {
    for (const t of texts) {
      if (kind === 'duration') {
        if (m.duration === null) ctx.mark('monitoring.duration', t.line);
        m.duration ??= t.value;
      } else {
        ctx.mark(`monitoring.${kind}.${m[kind].length}`, t.line);
        m[kind].push(t.value);
      }
    }
  };
  for (const part of partsOf(section)) {
    const kind = part.title ? partKind(part.title, MONITORING_PARTS) : null;
    if (kind) {
      const texts: Array<{ value: string; line: number }> = [];
      const lists = splitLists(part.blocks, (b) =>
        b.type === 'paragraph'
          ? texts.push({ value: blockText(b, ctx.fill), line: lineOf(b) })
          : ctx.note(where(section, part), b),
      );
      take(kind, [...texts, ...lists.flatMap((l) => listLines(l, ctx.fill))]);
      continue;
    }
    for (const e of partEntries(section, part, ctx)) {
      const labelKind = e.labelled ? partKind(e.labelled.label, MONITORING_PARTS) : null;
      const nested = e.lists.flatMap((l) => listLines(l, ctx.fill));
      if (labelKind && e.labelled)
        take(labelKind, [...(e.labelled.rest ? [{ value: e.labelled.rest, line: e.line }] : []), ...nested]);
      else if (!part.title && !e.labelled) take('metrics', [{ value: e.text, line: e.line }, ...nested]);
      else noteEntry(where(section, part), e, ctx);
    }
  }
  m.durationMinutes = minutesIn(m.duration);
}

const KNOWN_ROLES: Array<[string, string[]]> = [
  ['product_owner', ['product', 'po']],
  ['qa_lead', ['qa', 'quality', 'test', 'testing']],
  ['ops_lead', ['operations', 'ops', 'sre', 'infrastructure']],
  ['dev_lead', ['development', 'dev', 'engineering', 'developer', 'tech']],
];

export const DEFAULT_APPROVALS: ApprovalRole[] = [
  { role: 'dev_lead', label: 'Development Lead', required: true },
  { role: 'qa_lead', label: 'QA Lead', required: true },
  { role: 'ops_lead', label: 'Operations Lead', required: true },
  { role: 'product_owner', label: 'Product Owner', required: false },
];

/** "**Role:** [Name/Signature] - Date: ___" entries; "(Optional)" makes the role optional. */
export function readApprovals(section: Section, ctx: Context): void {
  for (const part of partsOf(section)) {
    for (const e of partEntries(section, part, ctx)) {
      const raw = e.labelled ? e.labelled.label : e.text;
      const optional = keywords(raw).includes(' optional ');
      const label = withoutOptional(raw);
      if (!label || label.length > 75) {
        noteEntry(where(section, part), e, ctx);
        continue;
      }
      const w = keywords(label);
      const known = KNOWN_ROLES.find(([, words]) => hasWord(w, ...words));
      const role = known ? known[0] : slugify(label, 'approver').replaceAll('-', '_');
      ctx.mark(`approvals.${ctx.draft.approvals.length}`, e.line);
      ctx.draft.approvals.push({ role, label, required: !optional });
    }
  }
}

function withoutOptional(label: string): string {
  const at = label.toLowerCase().indexOf('optional');
  if (at < 0) return label;
  let start = at;
  let end = at + 'optional'.length;
  if (label[start - 1] === '(' && label[end] === ')') {
    start--;
    end++;
  }
  return `${label.slice(0, start)} ${label.slice(end)}`.split(' ').filter(Boolean).join(' ');
}
