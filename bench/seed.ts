/**
 * A database at a large organisation's scale, written through the storage layer (no rules applied,
 * as a long-lived database would hold it): `active` deployments in every unfinished status (a third
 * of them with a running phase), `finished` ones with their whole record, and `jobs` pending jobs,
 * all from the built-in templates. Every deployment goes through `repos.deployments.create` and
 * `change`, so `liftoff db check` passes on the result. One transaction per batch: seconds, not hours.
 *
 *   node --import tsx bench/seed.ts --active 2000 --finished 20000 --jobs 10000 --db data/bench.db
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BUILT_IN_TEMPLATES_DIR, loadTemplates } from '../src/config/templates.js';
import { createdEvent } from '../src/core/deployment/create.js';
import type { DeploymentEvent } from '../src/core/deployment/events.js';
import { ENVIRONMENTS, type Deployment, type DeploymentInput } from '../src/core/deployment/types.js';
import type { JobKind, PlannedJob } from '../src/core/schedule/jobs.js';
import { itemsOfStage } from '../src/core/template/items.js';
import type { Template } from '../src/core/template/schema.js';
import { openDatabase } from '../src/storage/db.js';
import { createRepositories, type Repositories } from '../src/storage/index.js';

export interface SeedOptions {
  active: number;
  finished: number;
  /** Pending jobs, spread over the active deployments, due between `jobsFrom` and `jobsFrom + jobsSpan`. */
  jobs: number;
  /** "Now" for the data (epoch ms): active windows are around it, finished ones before it. */
  now?: number;
  /** When the first pending job is due (epoch ms); default an hour after `now`. */
  jobsFrom?: number;
  /** Over how long the pending jobs are spread (ms); default a week. */
  jobsSpan?: number;
  /** The deploy channels, taken in turn (deployment i lives in channel i mod their number), as an organisation's teams each have theirs. */
  channels?: readonly string[];
  /** Slack user ids: the deployer and the approvers. */
  users?: { deployer: string; approver: string };
}

export interface SeedResult {
  active: number[];
  finished: number[];
  jobs: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const BATCH = 500;
const SERVICES = ['web', 'api', 'billing', 'search', 'auth', 'payments', 'mobile-gw', 'reports'];

/** The unfinished statuses an active deployment is left in, in turn (running phases are a third). */
const ACTIVE_SHAPES = ['scheduled', 'preparing', 'in_progress', 'in_progress', 'verifying', 'monitoring'] as const;
type Shape = (typeof ACTIVE_SHAPES)[number] | 'completed' | 'cancelled' | 'rolled_back' | 'rollback_failed';
const FINISHED_SHAPES = ['completed', 'completed', 'completed', 'cancelled', 'rolled_back'] as const;

/** The events that take a fresh deployment to `shape`, with when each happens (minutes after its window start). */
function eventsTo(d: Deployment, shape: Shape): Array<{ at: number; events: DeploymentEvent[] }> {
  const pre = itemsOfStage(d.plan, 'pre').map((p) => p.key);
  const phases = d.plan.phases.map((p) => p.id);
  const prepare: DeploymentEvent[] = [
    ...pre.map((key): DeploymentEvent => ({ type: 'item_confirmed', key })),
    ...d.plan.approvals.map((a): DeploymentEvent => ({ type: 'approved', role: a.role })),
  ];
  const run = (i: number): DeploymentEvent[] => [
    { type: 'phase_started', phaseId: phases[i]! },
    ...(i < phases.length - 1 ? [{ type: 'phase_completed' as const, phaseId: phases[i]! }] : []),
  ];
  const allPhases = phases.flatMap((id): DeploymentEvent[] => [
    { type: 'phase_started', phaseId: id },
    { type: 'phase_completed', phaseId: id },
  ]);
  const rollback: DeploymentEvent = {
    type: 'rollback_started',
    trigger: 'errors',
    restore: ['code'],
    note: 'error rate above threshold',
    fromVersion: d.version,
    toVersion: null,
  };
  switch (shape) {
    case 'scheduled':
      return [];
    case 'preparing':
      return [{ at: -2 * HOUR, events: pre.slice(0, 1).map((key) => ({ type: 'item_confirmed', key })) }];
    case 'in_progress':
      // The last phase is running (its earlier ones done): a timer on the card and in the scheduler.
      return [
        { at: -HOUR, events: prepare },
        { at: 0, events: phases.slice(0, -1).flatMap((_, i) => run(i)) },
        { at: 5 * MIN, events: [{ type: 'phase_started', phaseId: phases.at(-1)! }] },
      ];
    case 'verifying':
      return [
        { at: -HOUR, events: prepare },
        { at: 0, events: allPhases },
      ];
    case 'monitoring':
      return [
        { at: -HOUR, events: prepare },
        { at: 0, events: allPhases },
        { at: 40 * MIN, events: [{ type: 'monitoring_started', minutes: 120 }] },
      ];
    case 'completed':
      return [
        { at: -HOUR, events: prepare },
        { at: 0, events: allPhases },
        { at: 45 * MIN, events: [{ type: 'completed' }] },
      ];
    case 'cancelled':
      return [{ at: -30 * MIN, events: [{ type: 'cancelled', reason: 'window moved' }] }];
    case 'rolled_back':
    case 'rollback_failed':
      return [
        { at: -HOUR, events: prepare },
        { at: 0, events: [{ type: 'phase_started', phaseId: phases[0]! }] },
        {
          at: 30 * MIN,
          events: [
            rollback,
            shape === 'rolled_back'
              ? { type: 'rollback_completed' }
              : { type: 'rollback_failed', note: 'database restore failed' },
          ],
        },
      ];
  }
}

function inputFor(i: number, plan: Template, windowStart: number, o: Required<SeedOptions>): DeploymentInput {
  const roles = Object.fromEntries(plan.approvals.map((a) => [a.role, [o.users.approver]]));
  return {
    service: SERVICES[i % SERVICES.length]!,
    version: `${1 + (i % 7)}.${i % 50}.${i % 13}`,
    environment: ENVIRONMENTS[i % 3]!,
    type: 'release',
    templateId: plan.id,
    windowStart,
    windowEnd: windowStart + 4 * HOUR,
    deployerId: o.users.deployer,
    approvers: roles,
    channelId: o.channels[i % o.channels.length]!,
    announceChannelId: null,
    branch: `release/${i}`,
    changes: [`Change ${i}`],
    tickets: [{ key: `WEB-${i}`, description: `Ticket ${i}` }],
  };
}

/** Creates one deployment and takes it to `shape`; returns its id. */
function seedOne(
  repos: Repositories,
  i: number,
  shape: Shape,
  windowStart: number,
  o: Required<SeedOptions>,
  plans: Template[],
) {
  const plan = plans[i % plans.length]!;
  const input = inputFor(i, plan, windowStart, o);
  const d = repos.deployments.create(createdEvent(input, plan), o.users.deployer, windowStart - DAY);
  for (const step of eventsTo(d, shape)) {
    // Approvals are the approver's; everything else the deployer's.
    for (const by of [o.users.deployer, o.users.approver]) {
      const mine = step.events.filter((e) => (e.type === 'approved') === (by === o.users.approver));
      if (mine.length) repos.deployments.change(d.id, () => mine, by, windowStart + step.at);
    }
  }
  return d.id;
}

/** Runs `fn(i)` for i in [0, n) in transactions of BATCH. */
function inBatches(repos: Repositories, n: number, fn: (i: number) => void) {
  const batch = repos.db.transaction((from: number) => {
    for (let i = from; i < Math.min(n, from + BATCH); i++) fn(i);
  });
  for (let from = 0; from < n; from += BATCH) batch(from);
}

/** Writes the deployments and jobs into an open database (its migrations applied). */
export function seedRepositories(repos: Repositories, options: SeedOptions): SeedResult {
  const o: Required<SeedOptions> = {
    now: Date.now(),
    jobsFrom: (options.now ?? Date.now()) + HOUR,
    jobsSpan: 7 * DAY,
    channels: ['C0DEPLOYS01'],
    users: { deployer: 'U0DEPLOYER', approver: 'U0APPROVER' },
    ...options,
  };
  const plans = [...loadTemplates(BUILT_IN_TEMPLATES_DIR).values()].map((t) => t.template);
  const finished: number[] = [];
  const active: number[] = [];
  // Finished first (older ids), one a few minutes apart going back from a day ago.
  inBatches(repos, o.finished, (i) => {
    const start = o.now - DAY - (o.finished - i) * 15 * MIN;
    finished.push(seedOne(repos, i, FINISHED_SHAPES[i % FINISHED_SHAPES.length]!, start, o, plans));
  });
  inBatches(repos, o.active, (i) => {
    const shape = ACTIVE_SHAPES[i % ACTIVE_SHAPES.length]!;
    // Scheduled and preparing ones are still to come; the others started within the last hour.
    const start = shape === 'scheduled' || shape === 'preparing' ? o.now + HOUR + i * MIN : o.now - 30 * MIN;
    active.push(seedOne(repos, o.finished + i, shape, start, o, plans));
  });
  let jobs = 0;
  if (active.length) {
    inBatches(repos, o.jobs, (i) => {
      const id = active[i % active.length]!;
      const kind: JobKind = i % 2 ? 'personal_reminder' : 'reminder';
      const job: PlannedJob = {
        key: `DEP-${id}:${kind}:seed${i}:${i % 2 ? 'thread' : 'announce'}`,
        deploymentId: id,
        kind,
        dueAt: o.jobsFrom + Math.floor((i / Math.max(1, o.jobs)) * o.jobsSpan),
        payload: { target: i % 2 ? 'thread' : 'announce' },
      };
      jobs += repos.jobs.plan([job], o.now);
    });
  }
  return { active, finished, jobs };
}

/** Opens (creating and migrating) the database at `file` and seeds it. */
export function seedDatabase(file: string, options: SeedOptions): SeedResult {
  const db = openDatabase(file);
  try {
    return seedRepositories(createRepositories(db), options);
  } finally {
    db.close();
  }
}

const isMain = process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({
    options: {
      active: { type: 'string', default: '2000' },
      finished: { type: 'string', default: '20000' },
      jobs: { type: 'string', default: '10000' },
      db: { type: 'string', default: 'data/bench.db' },
    },
  });
  const started = Date.now();
  const r = seedDatabase(values.db, {
    active: Number(values.active),
    finished: Number(values.finished),
    jobs: Number(values.jobs),
  });
  process.stdout.write(
    `${values.db}: ${r.active.length} active, ${r.finished.length} finished deployment(s), ${r.jobs} pending job(s) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
