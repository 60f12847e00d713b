import type { KnownBlock } from '@slack/types';
import type { Deployment, ItemState, Stamp } from '../../../core/deployment/types.js';
import { planItems } from '../../../core/template/items.js';
import type { Template } from '../../../core/template/schema.js';

/**
 * How a deployment's messages are cut into chunks. A message key must never
 * move to other content, so the cut depends on the plan only: every unit (an
 * item, an approval role, a frame) is measured in the worst state it can ever
 * be rendered in, and units are packed so that even then a message stays
 * within Slack's limits.
 */

export const MAX_BLOCKS = 50;
/** Slack documents 50 blocks, but has refused messages at ~13k characters of blocks (bolt-js#2509). */
export const MAX_BLOCKS_CHARS = 11_000;
/** What packing aims for: the measure below is exact, the margin is for what Slack adds. */
const TARGET_CHARS = MAX_BLOCKS_CHARS - 500;

export interface Cost {
  blocks: number;
  chars: number;
}

export const ZERO: Cost = { blocks: 0, chars: 0 };

/** Blocks and characters `blocks` add to a message's blocks JSON (with the comma between blocks). */
export const measure = (blocks: KnownBlock[]): Cost => ({
  blocks: blocks.length,
  chars: blocks.reduce((n, b) => n + JSON.stringify(b).length + 1, 0),
});

export const maxOf = (costs: Cost[]): Cost =>
  costs.reduce((a, b) => ({ blocks: Math.max(a.blocks, b.blocks), chars: Math.max(a.chars, b.chars) }), ZERO);

export const plus = (a: Cost, b: Cost): Cost => ({ blocks: a.blocks + b.blocks, chars: a.chars + b.chars });
const atMost = (a: Cost, b: Cost) => a.blocks <= b.blocks && a.chars <= b.chars;

/** What units may use once the message's frame (header, actions…) has taken its share. */
export const budgetAfter = (frame: Cost): Cost => ({
  blocks: MAX_BLOCKS - frame.blocks,
  chars: TARGET_CHARS - frame.chars - 2,
});

// --- Worst states -----------------------------------------------------------

const Q = (n: number) => '"'.repeat(n); // a quote escapes to two characters of JSON: the worst case
const WORST_USER = `U${'Z'.repeat(20)}`;
const WORST_AT = 4_102_444_800_000; // 2100-01-01: as many digits as dates get
/** "Now" far after the planned windows, so durations and overruns are as long as they get. */
export const WORST_NOW = WORST_AT + 100 * 365 * 86_400_000;
const WORST_URL = `https://e.co/${'a'.repeat(587)}`; // the longest link `safeLink` still makes

function base(plan: Template): Deployment {
  const stamp: Stamp = { by: WORST_USER, at: WORST_AT };
  return {
    id: 999_999_999,
    ref: 'DEP-999999999',
    plan,
    service: Q(80),
    version: Q(64),
    environment: 'development',
    type: 'config_update',
    templateId: plan.id,
    window: { start: WORST_AT, end: WORST_AT + 3_600_000 },
    deployerId: WORST_USER,
    approvers: Object.fromEntries(plan.approvals.map((a) => [a.role, Array<string>(1000).fill(WORST_USER)])),
    channelId: 'C0',
    announceChannelId: null,
    branch: Q(200),
    changes: Array<string>(60).fill(Q(500)),
    tickets: Array.from({ length: 60 }, () => ({ key: Q(40), description: Q(300) })),
    status: 'scheduled',
    created: stamp,
    items: {},
    approvals: {},
    phases: Object.fromEntries(
      plan.phases.map((p) => [p.id, { plannedStart: WORST_AT, plannedEnd: WORST_AT + 60_000 }]),
    ),
    overrides: [],
    revision: 1,
  };
}

function withAll(d: Deployment, item: ItemState | null, phase: 'running' | 'completed' | null): Deployment {
  const stamp = { by: WORST_USER, at: WORST_AT };
  return {
    ...d,
    items: item ? Object.fromEntries(planItems(d.plan).map((p) => [p.key, item])) : {},
    phases: Object.fromEntries(
      Object.entries(d.phases).map(([id, w]) => [
        id,
        phase === 'running'
          ? { ...w, started: stamp }
          : phase === 'completed'
            ? { ...w, started: stamp, completed: stamp }
            : w,
      ]),
    ),
  };
}

/** Synthetic states of a plan that, between them, render every unit at its largest. */
function variants(plan: Template): Deployment[] {
  const d = base(plan);
  const stamp = { by: WORST_USER, at: WORST_AT };
  const done = (evidence: string): ItemState => ({ state: 'done', ...stamp, evidence, note: Q(2000) });
  const overrides = (['start', 'complete'] as const).map((gate) => ({
    gate,
    ...stamp,
    reason: Q(2000),
    missing: Array<string>(40).fill(Q(600)),
  }));
  const rejected = Object.fromEntries(
    plan.approvals.map((a) => [a.role, { decision: 'rejected' as const, ...stamp, reason: Q(2000) }]),
  );
  const approved = Object.fromEntries(plan.approvals.map((a) => [a.role, { decision: 'approved' as const, ...stamp }]));
  return [
    d,
    { ...withAll(d, null, 'running'), status: 'in_progress' },
    { ...withAll(d, done(WORST_URL), 'running'), status: 'in_progress', approvals: approved },
    { ...withAll(d, done(Q(2000)), 'running'), status: 'verifying', approvals: approved },
    {
      ...withAll(d, { state: 'failed', ...stamp, note: Q(2000) }, 'running'),
      status: 'in_progress',
      approvals: rejected,
      overrides,
    },
    { ...withAll(d, done(Q(2000)), 'completed'), status: 'scheduled', approvals: rejected, overrides },
  ];
}

const variantCache = new WeakMap<Template, Deployment[]>();

/** The largest `render` gets over every worst state of `plan`. */
export function worstCost(plan: Template, render: (d: Deployment, now: number) => KnownBlock[]): Cost {
  let v = variantCache.get(plan);
  if (!v) variantCache.set(plan, (v = variants(plan)));
  return maxOf(v.map((d) => measure(render(d, WORST_NOW))));
}

/** Worst costs remembered by what was measured (`sharedCost`), the first measured first out. */
const sharedCosts = new Map<string, Cost>();
const SHARED_COSTS_HELD = 5_000;

/**
 * A unit's worst cost, remembered by `key` rather than by the whole plan:
 * every deployment's frozen plan is its own (its branch is filled in), and
 * without this each deployment's first render measured every unit of its
 * template again (3 ms of a 3.5 ms first render). `key` must name everything
 * the unit's render reads beyond the worst states, which give every item,
 * role and phase the same state: for an item, its `PlanItem` and how it is
 * drawn (`unitKey`); for a gate, which gate.
 */
export function sharedCost(key: string, measureIt: () => Cost): Cost {
  let cost = sharedCosts.get(key);
  if (cost === undefined) {
    cost = measureIt();
    if (sharedCosts.size >= SHARED_COSTS_HELD) sharedCosts.delete(sharedCosts.keys().next().value as string);
    sharedCosts.set(key, cost);
  }
  return cost;
}

/** `sharedCost`'s key for a unit drawn as `drawnAs` from `what` (a plan item, an approval role). */
export const unitKey = (drawnAs: string, what: object): string => `${drawnAs}\n${JSON.stringify(what)}`;

// --- Packing ----------------------------------------------------------------

/** A run of units under one title (a checklist group); `title` null for untitled runs. */
export interface Segment<U> {
  title: string | null;
  units: U[];
}

export interface Part<U> extends Segment<U> {
  /** True when the segment began in an earlier chunk. */
  continued: boolean;
}

/**
 * Packs segments into chunks within `budget`: a segment goes whole into the
 * current chunk if it fits, else whole into a new one, and only a segment too
 * big for any chunk is split between its units (its title repeated, "continued").
 */
export function pack<U>(
  segments: Segment<U>[],
  unitCost: (u: U) => Cost,
  titleCost: (title: string, continued: boolean) => Cost,
  budget: Cost,
): Part<U>[][] {
  const chunks: Part<U>[][] = [];
  let current: Part<U>[] = [];
  let used = ZERO;
  const flush = () => {
    if (current.length) chunks.push(current);
    current = [];
    used = ZERO;
  };
  const title = (s: Segment<U>, continued: boolean) => (s.title === null ? ZERO : titleCost(s.title, continued));

  for (const seg of segments) {
    const whole = seg.units.reduce((c, u) => plus(c, unitCost(u)), title(seg, false));
    if (!atMost(plus(used, whole), budget) && current.length && atMost(whole, budget)) flush();
    if (atMost(plus(used, whole), budget)) {
      current.push({ ...seg, continued: false });
      used = plus(used, whole);
      continue;
    }
    let part: Part<U> | null = null;
    for (const u of seg.units) {
      const c = unitCost(u);
      if (part && !atMost(plus(used, c), budget)) {
        flush();
        part = null;
      }
      if (!part) {
        const continued = seg.units[0] !== u;
        const t = title(seg, continued);
        if (current.length && !atMost(plus(plus(used, t), c), budget)) flush();
        part = { title: seg.title, continued, units: [] };
        current.push(part);
        used = plus(used, t);
      }
      part.units.push(u);
      used = plus(used, c);
    }
  }
  flush();
  return chunks;
}

const byIdentity = new WeakMap<Template, Map<string, unknown>>();
const byContent = new Map<string, Map<string, unknown>>();

/**
 * Caches what is computed from a plan alone. Storage may hand out a fresh copy
 * of the same plan on every read, so copies with equal content share an entry.
 */
export function memoByPlan<T>(plan: Template, key: string, compute: () => T): T {
  let entry = byIdentity.get(plan);
  if (!entry) {
    const content = JSON.stringify(plan);
    entry = byContent.get(content);
    if (!entry) {
      entry = new Map();
      if (byContent.size >= 50) byContent.delete(byContent.keys().next().value as string);
      byContent.set(content, entry);
    }
    byIdentity.set(plan, entry);
  }
  if (!entry.has(key)) entry.set(key, compute());
  return entry.get(key) as T;
}

/** "(2/3)" when a message is one of several parts, else "". */
export const partLabel = (part: number, total: number) => (total > 1 ? ` (${part}/${total})` : '');
