import { describe, expect, it } from 'vitest';
import type { DeploymentEvent } from '../../src/core/deployment/events.js';
import type { Deployment } from '../../src/core/deployment/types.js';
import {
  DEFAULT_TIMINGS,
  followUpsFor,
  hadIssues,
  isHookKind,
  nextProgress,
  NO_HOOKS,
  onlyIfIssues,
  planChange,
  skipReason,
  timingsOf,
  type HookPresence,
  type PlannedJob,
} from '../../src/core/schedule/index.js';
import { HOUR, KEYS, MIN, Scenario, T0, template, USERS } from '../core/fixtures.js';

const t = DEFAULT_TIMINGS;

/** Plans the events of the scenario's last command, as the use case does inside its transaction. */
function planLast(s: Scenario, events: DeploymentEvent[]) {
  return planChange(s.d, events, s.d.revision - events.length + 1, s.at, t);
}
const keys = (jobs: PlannedJob[]) => jobs.map((j) => j.key).sort();
const withAnnounce = () => new Scenario({ announceChannelId: 'C0ANNOUNCE1' });

describe('timings', () => {
  it('are 24 h, 1 h and 30 min by default, and blanks in the template keep them', () => {
    expect(timingsOf(template)).toEqual(DEFAULT_TIMINGS);
    expect(DEFAULT_TIMINGS).toMatchObject({
      announcementHoursBefore: 24,
      reminderHoursBefore: 1,
      progressEveryMinutes: 30,
    });
  });

  it("take the template's numbers, then the configuration's overrides", () => {
    const plan = structuredClone(template);
    plan.communication.notices = [
      { kind: 'announcement', text: 'a', hoursBefore: 48, audience: [], channel: null },
      { kind: 'progress', text: 'p', everyMinutes: 15, audience: [], channel: null },
      { kind: 'reminder', text: 'r', hoursBefore: null, audience: [], channel: null },
    ];
    expect(timingsOf(plan)).toMatchObject({
      announcementHoursBefore: 48,
      progressEveryMinutes: 15,
      reminderHoursBefore: 1,
    });
    expect(timingsOf(plan, { progressEveryMinutes: 10 })).toMatchObject({
      announcementHoursBefore: 48,
      progressEveryMinutes: 10,
    });
  });
});

describe('the plan of a deployment', () => {
  it('creating it plans the announcement, the reminders and the missed-window question from the window', () => {
    const s = new Scenario({ windowStart: T0 + 30 * HOUR, windowEnd: T0 + 32 * HOUR });
    const plan = planChange(s.d, [{ type: 'created' } as DeploymentEvent], 1, T0, t);
    const due = Object.fromEntries(plan.add.map((j) => [j.kind, { at: j.dueAt, target: j.payload.target }]));
    expect(due).toEqual({
      announcement: { at: T0 + 6 * HOUR, target: 'announce' },
      reminder: { at: T0 + 29 * HOUR, target: 'announce' },
      personal_reminder: { at: T0 + 29 * HOUR, target: 'thread' },
      missed_window: { at: T0 + 32 * HOUR, target: 'thread' },
    });
  });

  it('a window closer than the announcement time announces at once', () => {
    const s = withAnnounce(); // window in 2 h
    const plan = planChange(s.d, [{ type: 'created' } as DeploymentEvent], 1, T0, t);
    expect(plan.add.find((j) => j.kind === 'announcement')?.dueAt).toBe(T0);
    expect(plan.add.find((j) => j.kind === 'reminder')?.dueAt).toBe(T0 + HOUR);
  });

  it('without an announcement channel, an announcement due at once is not planned: the card just posted is the announcement', () => {
    const soon = planChange(new Scenario().d, [{ type: 'created' } as DeploymentEvent], 1, T0, t);
    expect(soon.add.map((j) => j.kind)).not.toContain('announcement');
    expect(soon.add.map((j) => j.kind)).toContain('reminder');
    const later = new Scenario({ windowStart: T0 + 30 * HOUR, windowEnd: T0 + 32 * HOUR });
    const planned = planChange(later.d, [{ type: 'created' } as DeploymentEvent], 1, T0, t);
    expect(planned.add.find((j) => j.kind === 'announcement')?.dueAt).toBe(T0 + 6 * HOUR);
  });

  it('the first phase brings the start notice (channel and thread), the first progress update and the overrun check', () => {
    const s = withAnnounce().ready();
    const plan = planLast(s, s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' }));
    expect(keys(plan.add)).toEqual([
      'DEP-1:overrun:prepare:thread',
      'DEP-1:progress:1:announce',
      'DEP-1:progress:1:thread',
      'DEP-1:start:announce',
      'DEP-1:start:thread',
    ]);
    expect(plan.add.find((j) => j.kind === 'progress')?.dueAt).toBe(s.at + 30 * MIN);
    const phase = s.d.phases.prepare!;
    expect(plan.add.find((j) => j.kind === 'overrun')?.dueAt).toBe(s.at + phase.plannedEnd - phase.plannedStart + 1);
  });

  it('later phases only get their overrun check; without an announcement channel nothing goes there', () => {
    const s = new Scenario().ready().runPhase('prepare');
    const plan = planLast(s, s.act(USERS.deployer, { type: 'start_phase', phaseId: 'deploy' }));
    expect(keys(plan.add)).toEqual(['DEP-1:overrun:deploy:thread']);
  });

  it('a failed step and a rejection become issue notices at once, one per event', () => {
    const s = withAnnounce();
    const rejected = planLast(s, s.act(USERS.qa, { type: 'reject', role: 'qa_lead', reason: 'flaky tests' }));
    expect(rejected.add.map((j) => [j.kind, j.dueAt, j.payload.target, j.payload.seq])).toEqual([
      ['issue', s.at, 'thread', 2],
      ['issue', s.at, 'announce', 2],
    ]);
  });

  it('completing sends the completion notice (which carries the summary), plans one follow-up reminder and cancels what no longer applies', () => {
    const s = withAnnounce().allPhases();
    s.d = {
      ...s.d,
      plan: {
        ...s.d.plan,
        postDeployment: { ...s.d.plan.postDeployment, followUps: ['Update documentation', 'Post-mortem'] },
      },
    };
    s.act(USERS.deployer, { type: 'confirm_item', key: 'verify.checks.health' });
    s.act(USERS.deployer, { type: 'confirm_item', key: 'verify.checks.errors' });
    s.act(USERS.deployer, { type: 'confirm_item', key: 'post.wrap-up.announce' });
    s.act(USERS.deployer, { type: 'confirm_item', key: 'post.wrap-up.docs' });
    const plan = planLast(s, s.act(USERS.deployer, { type: 'complete' }));
    expect(plan.add.map((j) => j.kind).sort()).toEqual(['completion', 'completion', 'follow_up']);
    expect(plan.cancel?.kinds).toEqual(
      expect.arrayContaining(['progress', 'overrun', 'announcement', 'reminder', 'missed_window']),
    );
  });

  it('monitoring asks for the verdict at its end; the verdict "healthy" is announced', () => {
    const s = new Scenario().allPhases();
    s.d = { ...s.d, plan: { ...s.d.plan, monitoring: { ...s.d.plan.monitoring, durationMinutes: 120 } } };
    for (const key of ['verify.checks.health', 'verify.checks.errors', 'post.wrap-up.announce', 'post.wrap-up.docs']) {
      s.act(USERS.deployer, { type: 'confirm_item', key });
    }
    const started = planLast(s, s.act(USERS.deployer, { type: 'complete' }));
    expect(started.add.find((j) => j.kind === 'monitoring_verdict')?.dueAt).toBe(s.at + 120 * MIN);
    const healthy = planLast(s, s.act(USERS.deployer, { type: 'mark_healthy' }));
    expect(healthy.add.map((j) => j.kind)).toEqual(['healthy']);
  });

  it('rescheduling replaces the window jobs with new keys and announces the change', () => {
    const s = new Scenario();
    const plan = planLast(
      s,
      s.act(USERS.deployer, { type: 'reschedule', windowStart: T0 + 50 * HOUR, windowEnd: T0 + 52 * HOUR }),
    );
    expect(plan.replace).toEqual(['announcement', 'reminder', 'personal_reminder', 'missed_window']);
    expect(plan.add.find((j) => j.kind === 'announcement')).toMatchObject({
      dueAt: T0 + 26 * HOUR,
      key: `DEP-1:announcement:w${(T0 + 50 * HOUR) / 1000}:announce`,
    });
    expect(plan.add.find((j) => j.kind === 'rescheduled')).toMatchObject({
      dueAt: s.at,
      payload: { target: 'announce' },
    });
  });

  it('cancelling cancels every job still to come; with an announcement channel the thread gets its own copy', () => {
    const s = withAnnounce();
    const plan = planLast(s, s.act(USERS.deployer, { type: 'cancel', reason: 'moved' }));
    expect(plan.cancel).toEqual({
      kinds: expect.arrayContaining([
        'announcement',
        'reminder',
        'personal_reminder',
        'missed_window',
        'start',
        'progress',
      ]),
      reason: 'the deployment was cancelled',
    });
    expect(plan.add.map((j) => [j.kind, j.payload.target])).toEqual([
      ['cancelled', 'announce'],
      ['cancelled', 'thread'],
    ]);
  });

  it('notices due together are one: created within the reminder time, only the announcement; created just before the reminder, none', () => {
    const created = (minutesBefore: number, announce = true) => {
      const s = new Scenario({
        ...(announce ? { announceChannelId: 'C0ANNOUNCE1' } : {}),
        windowStart: T0 + minutesBefore * MIN,
        windowEnd: T0 + (minutesBefore + 60) * MIN,
      });
      return planChange(s.d, [{ type: 'created' } as DeploymentEvent], 1, T0, t).add.map((j) => j.kind);
    };
    expect(created(45)).toEqual(['announcement', 'missed_window']);
    expect(created(70)).toEqual(['announcement', 'missed_window']); // the reminder would be due 10 min after creation
    expect(created(45, false)).toEqual(['missed_window']); // the card is the announcement
    expect(created(120)).toEqual(['announcement', 'reminder', 'personal_reminder', 'missed_window']);
  });
});

describe('stale jobs after downtime', () => {
  const job = (kind: PlannedJob['kind'], dueAt: number, payload: PlannedJob['payload'] = { target: 'thread' }) => ({
    kind,
    dueAt,
    payload,
  });
  const d = (): Deployment => new Scenario().d; // window T0+2h – T0+6h

  it('a preparation reminder after the window started is stale; before, it is still useful', () => {
    expect(skipReason(job('reminder', T0 + HOUR), d(), T0 + 90 * MIN, t)).toBeNull();
    expect(skipReason(job('reminder', T0 + HOUR), d(), T0 + 3 * HOUR, t)).toBe('the window has already started');
    expect(skipReason(job('announcement', T0), d(), T0 + 3 * HOUR, t)).toBe('the window has already started');
  });

  it('a completion notice, a summary and an issue notice are never stale', () => {
    for (const kind of ['completion', 'summary', 'issue'] as const)
      expect(skipReason(job(kind, T0), d(), T0 + 100 * HOUR, t)).toBeNull();
  });

  it('a personal reminder with nothing open is not sent', () => {
    const ready = new Scenario().ready().d;
    expect(skipReason(job('personal_reminder', T0 + HOUR), ready, T0 + HOUR, t)).toBe(
      'nothing is open before the start',
    );
    expect(skipReason(job('personal_reminder', T0 + HOUR), d(), T0 + HOUR, t)).toBeNull();
  });

  it('the missed-window question only when the window ended and nothing started', () => {
    expect(skipReason(job('missed_window', T0 + 6 * HOUR), d(), T0 + 6 * HOUR, t)).toBeNull();
    const started = new Scenario().ready();
    started.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(skipReason(job('missed_window', T0 + 6 * HOUR), started.d, T0 + 6 * HOUR, t)).toBe(
      'the deployment started or finished',
    );
  });

  it('a progress update older than its interval gives way to the next; the next keeps the cadence', () => {
    const s = new Scenario().ready();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    const first = job('progress', s.at + 30 * MIN, { target: 'thread', n: 1 });
    expect(skipReason(first, s.d, s.at + 31 * MIN, t)).toBeNull();
    expect(skipReason(first, s.d, s.at + 75 * MIN, t)).toBe('a newer progress update follows');
    expect(nextProgress(s.d, first, s.at + 31 * MIN, t)).toMatchObject({
      key: 'DEP-1:progress:2:thread',
      dueAt: s.at + 60 * MIN,
    });
    expect(nextProgress(s.d, first, s.at + 75 * MIN, t).dueAt).toBe(s.at + 90 * MIN);
  });

  it('an overrun alert only while the phase runs over its plan', () => {
    const s = new Scenario().ready();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    const p = s.d.phases.prepare!;
    const planned = p.plannedEnd - p.plannedStart;
    const overrun = job('overrun', s.at + planned + 1, { target: 'thread', phaseId: 'prepare' });
    expect(skipReason(overrun, s.d, s.at + planned + MIN, t)).toBeNull();
    expect(skipReason(overrun, s.d, s.at + planned - MIN, t)).toBe('the phase is within its plan');
  });
});

describe('who hears what: the ops channel, rollbacks, cancellations, follow-ups', () => {
  const withOps = () => new Scenario({ announceChannelId: 'C0ANNOUNCE1', opsChannelId: 'C0OPSROOM1' });
  const targetsOf = (jobs: PlannedJob[], kind: PlannedJob['kind']) =>
    jobs
      .filter((j) => j.kind === kind)
      .map((j) => j.payload.target)
      .sort();

  it('the start, issue and completion notices get an ops copy when the deployment has an ops channel; progress and the summary do not', () => {
    const s = withOps().ready();
    const started = planLast(s, s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' }));
    expect(targetsOf(started.add, 'start')).toEqual(['announce', 'ops', 'thread']);
    expect(targetsOf(started.add, 'progress')).toEqual(['announce', 'thread']);
    expect(started.add.find((j) => j.payload.target === 'ops')?.key).toBe('DEP-1:start:ops');
    const failed = planLast(s, s.act(USERS.deployer, { type: 'fail_item', key: KEYS.drain, note: 'broken' }));
    expect(targetsOf(failed.add, 'issue')).toEqual(['announce', 'ops', 'thread']);
  });

  it('without an announcement channel, the start, issue and completion notices still reach the channel: the thread copy is broadcast', () => {
    const s = new Scenario().ready();
    const started = planLast(s, s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' }));
    expect(started.add.filter((j) => j.kind === 'start').map((j) => j.payload)).toEqual([
      { target: 'thread', broadcast: true },
    ]);
    // Progress updates stay in the thread: every 30 minutes in the channel would be noise.
    expect(started.add.filter((j) => j.kind === 'progress').map((j) => j.payload)).toEqual([
      { target: 'thread', n: 1 },
    ]);
    const failed = planLast(s, s.act(USERS.deployer, { type: 'fail_item', key: KEYS.drain, note: 'broken' }));
    expect(failed.add.filter((j) => j.kind === 'issue').map((j) => j.payload)).toEqual([
      { target: 'thread', broadcast: true, seq: s.d.revision },
    ]);
  });

  it('in its own channel without an announcement channel, those notices get a copy for the deploy channel (the mirror card) besides the thread', () => {
    const s = new Scenario({ location: 'channel' }).ready();
    const started = planLast(s, s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' }));
    expect(targetsOf(started.add, 'start')).toEqual(['announce', 'thread']);
    expect(started.add.some((j) => j.payload.broadcast)).toBe(false);
  });

  it('without an ops channel nothing is planned for ops', () => {
    const s = withAnnounce().ready();
    const plan = planLast(s, s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' }));
    expect(plan.add.some((j) => j.payload.target === 'ops')).toBe(false);
  });

  it('a rollback plans its notices in its own change: started and completed to every audience, failed to ops', () => {
    const s = withOps().ready().runPhase('prepare');
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'deploy' });
    const started = planLast(
      s,
      s.act(USERS.deployer, {
        type: 'start_rollback',
        trigger: 'errors',
        restore: ['code'],
        note: '',
        toVersion: null,
      }),
    );
    const seq = s.d.revision;
    expect(
      started.add
        .filter((j) => j.kind === 'rollback_started')
        .map((j) => j.key)
        .sort(),
    ).toEqual(['announce', 'ops', 'thread'].map((t) => `DEP-1:rollback_started:${seq}:${t}`));
    const failed = planChange(s.d, [{ type: 'rollback_failed', note: 'x' }], seq + 1, s.at, t);
    expect(failed.add.map((j) => [j.kind, j.payload.target])).toEqual([['rollback_failed', 'ops']]);
    const completed = planChange(s.d, [{ type: 'rollback_completed' }], seq + 1, s.at, t);
    expect(targetsOf(completed.add, 'rollback_completed')).toEqual(['announce', 'ops', 'thread']);
  });

  it('a failed rollback without ops channel goes to the announcement channel (else a reply broadcast to the deployment channel)', () => {
    const s = new Scenario().ready();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(
      planChange(s.d, [{ type: 'rollback_failed', note: 'x' }], s.d.revision + 1, s.at, t).add.map(
        (j) => j.payload.target,
      ),
    ).toEqual(['announce']);
  });

  it('the cancellation notice is planned with or without an announcement channel', () => {
    const s = new Scenario();
    const plan = planLast(s, s.act(USERS.deployer, { type: 'cancel', reason: 'moved' }));
    expect(plan.add.map((j) => [j.kind, j.payload.target])).toEqual([['cancelled', 'announce']]);
  });

  it('follow-ups: the "(if issues)" ones only after issues; a completed rollback gets them all', () => {
    const followUps = ['Monitor for 2 hours', 'Conduct post-mortem (if issues)', 'Write a review if there were issues'];
    const withFollowUps = (s: Scenario) => {
      s.d = { ...s.d, plan: { ...s.d.plan, postDeployment: { ...s.d.plan.postDeployment, followUps } } };
      return s;
    };
    const clean = withFollowUps(new Scenario().allPhases());
    expect(followUpsFor(clean.d)).toEqual([0]);
    expect(hadIssues(clean.d)).toBe(false);
    const rejected = withFollowUps(new Scenario());
    rejected.act(USERS.qa, { type: 'reject', role: 'qa_lead', reason: 'flaky' });
    expect(followUpsFor(rejected.d)).toEqual([0, 1, 2]);
    expect(onlyIfIssues('Conduct post-mortem (if issues)')).toBe(true);
    expect(onlyIfIssues('Update documentation')).toBe(false);

    const rolled = withFollowUps(new Scenario().ready());
    rolled.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    rolled.act(USERS.deployer, {
      type: 'start_rollback',
      trigger: 'errors',
      restore: ['code'],
      note: '',
      toVersion: null,
    });
    const plan = planChange(rolled.d, [{ type: 'rollback_completed' }], rolled.d.revision + 1, rolled.at, t);
    expect(plan.add.filter((j) => j.kind === 'follow_up').map((j) => j.key)).toEqual(['DEP-1:follow_up:thread']);
  });
});

describe('the hook calls a change promises', () => {
  const ALL: HookPresence = { rollback: true, maintenanceStart: true, maintenanceEnd: true };
  const planWith = (s: Scenario, events: DeploymentEvent[], hooks: HookPresence = ALL) =>
    planChange(s.d, events, s.d.revision - events.length + 1, s.at, t, hooks);
  const hookJobs = (plan: { add: PlannedJob[] }) =>
    plan.add
      .filter((j) => isHookKind(j.kind))
      .map((j) => ({ key: j.key, kind: j.kind, payload: j.payload, dueAt: j.dueAt }));
  const startRollback = () => ({
    type: 'start_rollback' as const,
    trigger: 'errors',
    restore: ['code'],
    note: '',
    toVersion: null,
  });
  /** Through the last phase's steps, so that completing it ends the maintenance window. */
  const beforeLastPhaseEnds = () => {
    const s = new Scenario().ready().runPhase('prepare').runPhase('deploy');
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'smoke' });
    for (const step of s.d.plan.phases.find((p) => p.id === 'smoke')!.steps.filter((x) => x.required)) {
      s.act(USERS.deployer, { type: 'confirm_item', key: `phase.smoke.${step.id}` });
    }
    return s;
  };

  it('the first phase plans the maintenance start hook, due at once, after the start notices; the next phase plans none', () => {
    const s = new Scenario().ready();
    const plan = planWith(s, s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' }));
    expect(hookJobs(plan)).toEqual([
      {
        key: 'DEP-1:maintenance_start_hook:thread',
        kind: 'maintenance_start_hook',
        payload: { target: 'thread' },
        dueAt: s.at,
      },
    ]);
    expect(plan.add.findIndex((j) => j.kind === 'maintenance_start_hook')).toBeGreaterThan(
      plan.add.findIndex((j) => j.kind === 'start'),
    );
    const next = new Scenario().ready().runPhase('prepare');
    expect(hookJobs(planWith(next, next.act(USERS.deployer, { type: 'start_phase', phaseId: 'deploy' })))).toEqual([]);
  });

  it('completing the last phase plans the maintenance end hook with its reason; completing the deployment plans nothing more', () => {
    const s = beforeLastPhaseEnds();
    const plan = planWith(s, s.act(USERS.deployer, { type: 'complete_phase', phaseId: 'smoke' }));
    expect(hookJobs(plan)).toEqual([
      {
        key: 'DEP-1:maintenance_end_hook:thread',
        kind: 'maintenance_end_hook',
        payload: { target: 'thread', reason: 'phases_completed' },
        dueAt: s.at,
      },
    ]);
    expect(hookJobs(planWith(s, [{ type: 'completed' } as DeploymentEvent]))).toEqual([]);
  });

  it('a rollback plans the rollback hook, keyed by its event; completing it ends the maintenance window (rolled_back)', () => {
    const s = new Scenario().ready();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    const started = planWith(s, s.act(USERS.deployer, startRollback()));
    expect(hookJobs(started)).toEqual([
      {
        key: `DEP-1:rollback_hook:${s.d.revision}:thread`,
        kind: 'rollback_hook',
        payload: { target: 'thread', seq: s.d.revision },
        dueAt: s.at,
      },
    ]);
    const completed = planWith(s, [{ type: 'rollback_completed' }]);
    expect(hookJobs(completed).map((j) => [j.kind, j.payload.reason])).toEqual([
      ['maintenance_end_hook', 'rolled_back'],
    ]);
  });

  it('a cancellation ends the window only once a phase started', () => {
    const early = new Scenario();
    expect(hookJobs(planWith(early, early.act(USERS.deployer, { type: 'cancel', reason: 'moved' })))).toEqual([]);
    const late = new Scenario().ready();
    late.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    const plan = planWith(late, late.act(USERS.deployer, { type: 'cancel', reason: 'node would not drain' }));
    expect(hookJobs(plan).map((j) => [j.kind, j.payload.reason])).toEqual([['maintenance_end_hook', 'cancelled']]);
    // Not among what a cancellation cancels: the call still goes out.
    expect(plan.cancel?.kinds).not.toContain('maintenance_end_hook');
  });

  it('only the configured hooks are planned: none by default, each one alone', () => {
    const s = new Scenario().ready();
    const events = s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(hookJobs(planChange(s.d, events, s.d.revision, s.at, t))).toEqual([]);
    expect(hookJobs(planWith(s, events, NO_HOOKS))).toEqual([]);
    expect(hookJobs(planWith(s, events, { ...NO_HOOKS, rollback: true, maintenanceEnd: true }))).toEqual([]);
    const rollback = planWith(s, s.act(USERS.deployer, startRollback()), {
      ...NO_HOOKS,
      maintenanceStart: true,
      maintenanceEnd: true,
    });
    expect(hookJobs(rollback)).toEqual([]);
    const end = new Scenario().ready();
    end.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    expect(
      hookJobs(
        planWith(end, end.act(USERS.deployer, { type: 'cancel', reason: 'x' }), {
          ...NO_HOOKS,
          maintenanceStart: true,
        }),
      ),
    ).toEqual([]);
  });

  it('hook jobs are never skipped as stale: a call promised stays worth making after downtime', () => {
    const s = new Scenario().ready();
    s.act(USERS.deployer, { type: 'start_phase', phaseId: 'prepare' });
    for (const kind of ['rollback_hook', 'maintenance_start_hook', 'maintenance_end_hook'] as const) {
      expect(skipReason({ kind, dueAt: s.at, payload: { target: 'thread' } }, s.d, s.at + 10 * HOUR, t)).toBeNull();
    }
  });
});
