import type { Deployment } from '../../../core/deployment/types.js';

/**
 * Remembering a part of a deployment's render by what it read. A part (the
 * card, the approvals, one stage's checklist, one phase…) is rendered with a
 * stand-in for the deployment that notes every field it reads, and, in the
 * maps of items, approvals and phases, every entry. The next render of that
 * part reuses the output while each noted read gives the same value (a
 * snapshot is never changed in place: a changed item is a new object); a part
 * that lists a whole map depends on all of it. Nothing is declared by hand,
 * so a renderer that starts reading another field is redrawn when it changes.
 */

/** The maps whose entries are noted one by one: a click changes one entry. */
const MAPS = new Set(['items', 'approvals', 'phases']);

/** A read: a field of the deployment, an entry of one of its maps (`map` set), or a value derived from it (`derive` set). */
interface Read {
  field: string;
  map?: string;
  derive?: (d: Deployment) => unknown;
  value: unknown;
}

export interface Part<T> {
  reads: Read[];
  /** Time the output depends on (a phase or a rollback running), else null. */
  now: number | null;
  out: T;
}

const entryOf = (d: Deployment, r: Read) =>
  r.derive
    ? r.derive(d)
    : r.map === undefined
      ? (d as unknown as Record<string, unknown>)[r.field]
      : (d as unknown as Record<string, Record<string, unknown> | undefined>)[r.map]?.[r.field];

/** Whether `part`, rendered before, is still what `d` at `now` renders. */
export const stillValid = <T>(part: Part<T>, d: Deployment, now: number): boolean =>
  (part.now === null || part.now === now) && part.reads.every((r) => Object.is(entryOf(d, r), r.value));

/** The stand-ins of the renders under way: the deployment each stands for, and how it notes a derived read. */
const tracking = new WeakMap<object, { raw: Deployment; note: (r: Read) => void }>();

/**
 * `derive(d)`, which a part depends on by its value alone: a part that shows
 * only whether a gate is open is redrawn when that answer changes, not at every
 * change of what the answer reads. `derive` must be a pure function of the
 * deployment, `name` unique to it.
 */
export function derived<T>(d: Deployment, name: string, derive: (d: Deployment) => T): T {
  const t = tracking.get(d);
  if (!t) return derive(d);
  const value = derive(t.raw);
  t.note({ field: name, derive, value });
  return value;
}

/** A clock runs: a phase started and not completed, or a rollback not yet over. Only then does `now` show. */
const clockRuns = (d: Deployment) =>
  Object.values(d.phases).some((p) => p.started && !p.completed) || (!!d.rollback && !d.rollback.completed);

/** Renders one part through a stand-in that notes what it reads; `timed` parts also depend on `now` while a clock runs. */
export function renderTracked<T>(d: Deployment, now: number, timed: boolean, render: (d: Deployment) => T): Part<T> {
  const fields = new Map<string, Read>();
  const entries = new Map<string, Map<string, Read>>();
  const note = (field: string, value: unknown, map?: string) => {
    if (map === undefined) {
      if (!fields.has(field)) fields.set(field, { field, value });
      return;
    }
    let seen = entries.get(map);
    if (!seen) entries.set(map, (seen = new Map()));
    if (!seen.has(field)) seen.set(field, { field, map, value });
  };
  const mapProxy = (map: string, target: Record<string, unknown>) =>
    new Proxy(target, {
      get(t, k) {
        const v = Reflect.get(t, k);
        if (typeof k === 'string') note(k, v, map);
        return v;
      },
      has(t, k) {
        if (typeof k === 'string') note(k, t[k], map);
        return Reflect.has(t, k);
      },
      getOwnPropertyDescriptor(t, k) {
        if (typeof k === 'string') note(k, t[k], map);
        return Reflect.getOwnPropertyDescriptor(t, k);
      },
      // Listing the map: the part depends on all of it.
      ownKeys(t) {
        note(map, t);
        return Reflect.ownKeys(t);
      },
    });
  const maps = new Map<string, unknown>();
  const standIn = new Proxy(d as unknown as Record<string, unknown>, {
    get(t, k) {
      const v = Reflect.get(t, k);
      if (typeof k !== 'string') return v;
      if (MAPS.has(k) && v && typeof v === 'object') {
        let p = maps.get(k);
        if (!p) maps.set(k, (p = mapProxy(k, v as Record<string, unknown>)));
        return p;
      }
      note(k, v);
      return v;
    },
    has(t, k) {
      if (typeof k === 'string') note(k, t[k]);
      return Reflect.has(t, k);
    },
    getOwnPropertyDescriptor(t, k) {
      if (typeof k === 'string') note(k, t[k]);
      return Reflect.getOwnPropertyDescriptor(t, k);
    },
    // Copying or listing the whole deployment: the part depends on every field.
    ownKeys(t) {
      for (const k of Reflect.ownKeys(t)) if (typeof k === 'string') note(k, t[k]);
      return Reflect.ownKeys(t);
    },
  }) as unknown as Deployment;
  const derivedReads = new Map<string, Read>();
  tracking.set(standIn, {
    raw: d,
    note: (r) => {
      if (!derivedReads.has(r.field)) derivedReads.set(r.field, r);
    },
  });
  const out = render(standIn);
  const usesNow = timed && clockRuns(standIn);
  const reads = [...fields.values()];
  for (const seen of entries.values()) reads.push(...seen.values());
  reads.push(...derivedReads.values());
  return { reads, now: usesNow ? now : null, out };
}
