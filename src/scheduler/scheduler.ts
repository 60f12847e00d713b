import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import { currentPhase } from '../core/deployment/progress.js';
import type { Deployment } from '../core/deployment/types.js';
import { isHookKind, type HookKind, type Job, type JobAlert } from '../core/schedule/jobs.js';
import { NO_HOOK_RUNNER, type HookRunner } from '../hooks/jobs.js';
import type { HealthCheckRunner } from '../hooks/health-checks.js';
import { nextProgress } from '../core/schedule/plan.js';
import { skipReason } from '../core/schedule/stale.js';
import { timerFace } from '../core/schedule/timer-face.js';
import type { Pacer } from '../slack/pacing.js';
import type { MessageSync } from '../slack/sync.js';
import { confirmsSteps, LIFTOFF_ACTOR, stepsDoneByNotice } from '../core/schedule/liftoff-steps.js';
import { renderNotice } from '../slack/views/notices/index.js';
import { JOB_LABELS } from '../slack/views/notices/alert.js';
import type { Durability } from '../storage/durability.js';
import type { Repositories } from '../storage/index.js';
import { writeTransaction } from '../storage/transaction.js';
import type { Logger } from '../support/logger.js';
import { destinationOf, findPosted, post, type Destination } from './delivery.js';
import { archiveDestinationOf, archiveRoom, archiveWaitsFor } from './archive.js';
import { beforePreviousAttempt, classify, MAX_ATTEMPTS, retryDelayMs } from './failures.js';
import type { TimingsFor } from './planner.js';

export interface SchedulerDeps {
  repos: Repositories;
  client: WebClient;
  /**
   * Posts the notices: a client that never retries a call by itself, so a
   * timed-out post is settled by the history check here, never posted twice
   * by a blind retry. Defaults to `client`.
   */
  noticeClient?: WebClient;
  clock: Clock;
  logger: Logger;
  /** `shownFace` spares the first look after a start the render of a timer already showing its face. */
  sync: Pick<MessageSync, 'sync' | 'shownFace'>;
  timingsFor: TimingsFor;
  /** Makes the hook jobs' HTTP calls (at most once each); without it they are skipped. */
  hooks?: HookRunner;
  /** Runs the health checks (`health_checks` jobs); without it they are skipped. */
  healthChecks?: Pick<HealthCheckRunner, 'run'>;
  /** Told how long each tick took, in seconds (the metrics). */
  observeTick?: (seconds: number) => void;
  /**
   * Slack's pace (pacing.ts): a timer is redrawn only when a background `chat.update` would go out
   * now. Without it, timers are redrawn whenever they move.
   */
  pace?: Pick<Pacer, 'backgroundRoom'>;
  /**
   * Commits synced off the event loop (storage/durability.ts): a tick's claim is committed without
   * waiting for the disk, and its jobs start once it is on disk. Without it, the claim syncs at once.
   */
  durability?: Pick<Durability, 'deferred' | 'durable'>;
}

/** A timer is looked at again at most this many refresh periods later, even when its face seems settled. */
const LOOK_AHEAD_STEPS = 4;

/** Marks a job released after a post without a clear answer that was not in the history yet: it may still land. */
const NOT_FOUND_YET = 'not found yet after ';

/**
 * Sends what the job table says is due, exactly once:
 * 1. `claimDue` moves due jobs from pending to sending in one transaction
 *    (overlapping ticks or processes never get the same job);
 * 2. each is checked (still useful?), rendered and posted with its key in
 *    the message metadata;
 * 3. it is marked sent with the message ts (or skipped, retried, failed).
 * A job still `sending` at start was interrupted between 2 and 3: `recover`
 * looks for its message in Slack's history before deciding. Hook jobs are an
 * HTTP call instead of step 2, made at most once: one interrupted is never
 * called again (`uncertain`, and the thread is told).
 * A job that ends failed or uncertain plans an `alert` job in the same
 * transaction: a person is told once (the ops channel, else the deployer).
 */
export function createScheduler({
  repos,
  client,
  noticeClient = client,
  clock,
  logger,
  sync,
  timingsFor,
  hooks = NO_HOOK_RUNNER,
  healthChecks,
  observeTick,
  pace,
  durability,
}: SchedulerDeps) {
  const log = logger.child({ component: 'scheduler' });
  /** Per running deployment: what its timers show as drawn, at which revision, since when, and when to look again. */
  const timers = new Map<number, { face: string; revision: number; drawnAt: number; lookAt: number }>();
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;

  /** Alerts planned since a notice last ended: a tick sends them at once. */
  let alertsPlanned = 0;

  /**
   * Ends a job; a sent notice confirms the runbook steps it is, a progress update plans the next
   * one, and a job that failed or may not have happened plans its alert (once: its key is unique),
   * in the same transaction.
   */
  const settle = writeTransaction(
    repos.db,
    (
      job: Job,
      status: 'sent' | 'skipped' | 'failed' | 'uncertain',
      result: string,
      now: number,
      about: Pick<JobAlert, 'code' | 'where'> = {},
    ) => {
      if (!repos.jobs.finish(job.id, status, result, now)) return;
      // A runbook step that is this notice ("Announce the start of the deployment window", "… the completion") is done: by Liftoff.
      if (status === 'sent') {
        repos.deployments.change(
          job.deploymentId,
          (d) => stepsDoneByNotice(d, job.kind).map((key) => ({ type: 'item_confirmed' as const, key })),
          LIFTOFF_ACTOR,
          now,
        );
      }
      if (job.kind === 'progress') {
        const d = repos.deployments.get(job.deploymentId);
        if (d && (d.status === 'in_progress' || d.status === 'verifying'))
          repos.jobs.plan([nextProgress(d, job, now, timingsFor(d))], now);
      }
      if ((status === 'failed' || status === 'uncertain') && job.kind !== 'alert') {
        const d = repos.deployments.get(job.deploymentId);
        if (d) alertsPlanned += repos.jobs.plan([alertJob(d, { ...job, kind: job.kind }, status, about, now)], now);
      }
    },
  );

  function fail(job: Job, d: Deployment, code: string, to: Destination | null, now: number) {
    settle(job, 'failed', code, now, { code, ...(to ? { where: to.channel } : {}) });
    log.with('error', job.kind === 'alert' ? 'an alert could not be sent' : 'a notice could not be sent', {
      deployment: d.ref,
      job: job.key,
      code,
    });
  }

  function retry(job: Job, d: Deployment, reason: string, to: Destination | null, now: number) {
    if (job.attempts >= MAX_ATTEMPTS) return fail(job, d, reason, to, now);
    repos.jobs.release(job.id, now + retryDelayMs(job.attempts), `attempt ${job.attempts}: ${reason}`, now);
    log.with('warn', 'a notice will be retried', { deployment: d.ref, job: job.key, reason, attempts: job.attempts });
  }

  /** A job whose outcome is unknown: found in Slack → sent; surely absent → send again; else uncertain. */
  async function resolve(job: Job, d: Deployment, to: Destination, now: number, reason: string) {
    const seen = await findPosted(client, to, job.key, job.claimedAt ?? now);
    if (seen === 'absent') return retry({ ...job }, d, `${NOT_FOUND_YET}${reason}`, to, now);
    if (seen !== 'unavailable')
      return settle(job, 'sent', JSON.stringify({ channel: to.channel, ts: seen.found }), now);
    settle(job, 'uncertain', `${reason}; history unavailable`, now, { where: to.channel });
    log.with('error', 'a notice may or may not have been posted; not resending it', {
      deployment: d.ref,
      job: job.key,
      reason,
    });
  }

  /** A hook job: waits like a notice until its thread exists, then is called once (the result goes to the thread). */
  async function callHookJob(job: Job & { kind: HookKind }, d: Deployment, now: number) {
    const to = destinationOf(d, job, repos.messages);
    if ('wait' in to) return retry(job, d, to.wait, null, now);
    await hooks.run(job, d, (status, result) => settle(job, status, result, clock.now()));
  }

  /** Health checks: like a hook job, they wait for the thread; their GETs are safe to repeat. */
  async function runHealthChecks(job: Job & { kind: 'health_checks' }, d: Deployment, now: number) {
    if (!healthChecks) return settle(job, 'skipped', 'health checks are not wired in this process', now);
    const to = destinationOf(d, job, repos.messages);
    if ('wait' in to) return retry(job, d, to.wait, null, now);
    await healthChecks.run(job, d, (status, result) => settle(job, status, result, clock.now()), clock.now);
  }

  /** A hook job left `sending`: never called before its thread existed; otherwise it may have been, so it is not called again. */
  async function recoverHook(job: Job & { kind: HookKind }, d: Deployment, now: number) {
    if ('wait' in destinationOf(d, job, repos.messages))
      return void repos.jobs.release(job.id, now, 'interrupted before calling', now);
    settle(job, 'uncertain', 'interrupted while calling; not called again', now);
    await hooks.interrupted(job, d);
  }

  async function run(job: Job) {
    const now = clock.now();
    const d = repos.deployments.get(job.deploymentId);
    if (!d) return void repos.jobs.finish(job.id, 'skipped', 'the deployment no longer exists', now);
    const timings = timingsFor(d);
    const skip = skipReason(job, d, now, timings);
    if (skip) {
      log.with('info', 'notice skipped', { deployment: d.ref, job: job.key, reason: skip });
      return settle(job, 'skipped', skip, now);
    }
    if (isHookKind(job.kind)) return callHookJob({ ...job, kind: job.kind }, d, now);
    if (job.kind === 'health_checks') return runHealthChecks({ ...job, kind: job.kind }, d, now);
    const archiving = job.kind === 'archive_room';
    const to = archiving ? archiveDestinationOf(d) : noticeDestinationOf(d, job);
    if ('wait' in to) return retry(job, d, to.wait, null, now);
    const first = archiving ? archiveWaitsFor(job, repos.jobs.ofDeployment(d.id)) : undefined;
    if (first)
      return void repos.jobs.release(
        job.id,
        now + 60_000,
        `waiting for the ${JOB_LABELS[first.kind]} to be posted first`,
        now,
      );
    if (job.result?.includes(NOT_FOUND_YET)) {
      // The last post had no clear answer and was not seen then: Slack may have posted it since. Look again first.
      const seen = await findPosted(client, to, job.key, beforePreviousAttempt(job.attempts, now));
      if (seen === 'unavailable') return resolve(job, d, to, now, 'an earlier post had no clear answer');
      if (seen !== 'absent') return settle(job, 'sent', JSON.stringify({ channel: to.channel, ts: seen.found }), now);
    }
    const notice = renderNotice({ job, d, events: repos.deployments.events(d.id), now, timings });
    try {
      const posted = archiving
        ? await archiveRoom(noticeClient, to, notice, job, now)
        : await post(
            noticeClient,
            to,
            notice,
            job.key,
            // Tried before: parts of a long notice may be in Slack already.
            notice.more?.length && job.attempts > 1 ? beforePreviousAttempt(job.attempts, now) : undefined,
          );
      settle(job, 'sent', JSON.stringify(posted), clock.now());
      if (confirmsSteps(job.kind)) await sync.sync(d.id); // the steps it performed show as done
    } catch (error) {
      const failure = classify(error);
      if (failure.kind === 'permanent') return fail(job, d, failure.code, to, clock.now());
      // Archiving is safe to repeat (it looks for its note first): no answer is simply tried again.
      if (failure.kind === 'retry' || archiving) return retry(job, d, failure.code, to, clock.now());
      await resolve(job, d, to, clock.now(), failure.code);
    }
  }

  /**
   * Redraws running deployments so their phase (or rollback) timers move. A tick only picks, from
   * the status index, the running deployments whose timer is due for a look (its shown minute may
   * have moved, or the deployment changed), longest undrawn first; the looks and redraws follow,
   * one per turn of the event loop, and each redraw waits for the one before. A timer is redrawn
   * only while the pacer says a background `chat.update` would go out now (Slack's Tier 3, about
   * 50 a minute for the workspace, a share of it for background work): with many phases running,
   * each timer moves every few minutes, no render waits for the minute, and a person's change,
   * drawn at once by its own path, always finds room.
   */
  function refreshTimers(now: number): Promise<void> {
    // No room for a redraw: nothing would be looked at, the index is not even read.
    if (!roomForRedraw()) return looking ?? Promise.resolve();
    // From the status index: a deployment whose timer is not due, and unchanged since, is not even read.
    const rows = repos.deployments.mayBeRunning();
    const ids = new Set<number>();
    const due: Array<{ id: number; revision: number; drawnAt: number }> = [];
    for (const r of rows) {
      ids.add(r.id);
      const t = timers.get(r.id);
      if (t === undefined || t.revision !== r.revision || now >= t.lookAt)
        due.push({ id: r.id, revision: r.revision, drawnAt: t?.drawnAt ?? 0 });
    }
    for (const id of timers.keys()) if (!ids.has(id)) timers.delete(id);
    toLook = due.sort((a, b) => a.drawnAt - b.drawnAt);
    if (toLook.length) looking ??= track(lookAtTimers());
    return looking ?? Promise.resolve();
  }

  /** Whether a background `chat.update` would go out now. */
  const roomForRedraw = () => (pace?.backgroundRoom('chat.update') ?? Number.POSITIVE_INFINITY) >= 1;

  /** The running deployments due for a look, longest undrawn first (each tick makes it anew). */
  let toLook: Array<{ id: number; revision: number }> = [];
  let looking: Promise<void> | null = null;

  async function lookAtTimers(): Promise<void> {
    try {
      while (toLook.length) {
        await new Promise((resolve) => setImmediate(resolve));
        // No room in the background share: the rest are looked at from the next tick on, first in line.
        if (!roomForRedraw()) return;
        const next = toLook.shift();
        // Background: a click's redraw goes before it in Slack's lanes.
        if (next && lookAt(next, clock.now())) await sync.sync(next.id, 'background');
      }
    } finally {
      looking = null;
    }
  }

  /**
   * Notes what a running deployment's timers show; says whether they moved since drawn. A first
   * look says moved (what Slack shows may be from before a restart); a change (its own path drew
   * it) only notes what is shown now.
   */
  function lookAt(r: { id: number; revision: number }, now: number): boolean {
    const last = timers.get(r.id);
    const d = repos.deployments.at(r.id, r.revision);
    if (!d || !(currentPhase(d) || d.status === 'rolling_back')) {
      timers.set(r.id, { face: '', revision: r.revision, drawnAt: now, lookAt: Number.POSITIVE_INFINITY });
      return false;
    }
    const face = timerFace(d, now);
    // A first look draws it unless its messages are noted as in line and drawn at this very face (the
    // start-up reconciliation leaves running timers to these paced redraws): what Slack shows may be
    // from before a restart, and a render of every running deployment at once would hold up the start.
    const moved =
      last === undefined ? sync.shownFace(r.id) !== face : last.revision === d.revision && last.face !== face;
    // The next look: when the shown face changes, sought a refresh period at a time.
    const every = timingsFor(d).timerRefreshSeconds * 1000;
    let step = 1;
    while (step < LOOK_AHEAD_STEPS && timerFace(d, now + step * every) === face) step++;
    const drawn = moved || last === undefined || last.revision !== d.revision;
    timers.set(r.id, {
      face,
      revision: d.revision,
      drawnAt: drawn ? now : last.drawnAt,
      lookAt: now + step * every,
    });
    return moved;
  }

  /** Runs one claimed job; a bug never leaves it claimed: it becomes uncertain, not resent. */
  async function runSafely(job: Job) {
    try {
      await run(job);
    } catch (error) {
      log.with('error', 'scheduler job crashed', { job: job.key, error });
      settle(job, 'uncertain', `crashed: ${(error as Error).message}`.slice(0, 500), clock.now());
    }
  }

  /**
   * Hook calls, timer redraws and notices in flight: they run beside the ticks, so a slow endpoint or
   * Slack's pace never holds up anyone's notices (and a tick measures Liftoff's own work).
   */
  const calls = new Set<Promise<void>>();
  function track(work: Promise<void>): Promise<void> {
    const tracked = work.finally(() => calls.delete(tracked));
    calls.add(tracked);
    return tracked;
  }

  /**
   * The notices of each channel, one after another in the order they fell due (Slack takes about a
   * message a second per channel): a backlog in one channel never makes another channel's notice late.
   */
  const lanes = new Map<string, Promise<void>>();
  function enqueue(lane: string, job: Job, after: Promise<unknown> = Promise.resolve()): Promise<void> {
    const next = Promise.all([lanes.get(lane), after]).then(() => runThenAlert(job));
    lanes.set(lane, next);
    return track(next.finally(() => lanes.get(lane) === next && lanes.delete(lane)));
  }

  /** Runs a claimed job; alerts about the jobs that just failed go out now, not at the next tick. */
  async function runThenAlert(job: Job) {
    await runSafely(job);
    if (alertsPlanned) {
      alertsPlanned = 0;
      void tick();
    }
  }

  /** The channel a claimed notice goes to (its lane), or null when it will not post (it waits, or is skipped). */
  function laneOf(job: Job): string | null {
    const d = repos.deployments.get(job.deploymentId);
    if (!d) return null;
    const to = job.kind === 'archive_room' ? archiveDestinationOf(d) : noticeDestinationOf(d, job);
    return 'wait' in to ? null : to.channel;
  }

  /** One tick: what it claimed is on its way when it returns; the promise says when all of it has ended. */
  function tickOnce(): Promise<unknown> {
    const started = performance.now();
    try {
      return dispatchDue();
    } finally {
      observeTick?.((performance.now() - started) / 1000);
    }
  }

  /** Claims what is due and hands each job to its channel's lane (not awaited), then looks at the timers. */
  function dispatchDue(): Promise<unknown> {
    const now = clock.now();
    const sending: Promise<void>[] = [];
    const claimed = durability ? durability.deferred(() => repos.jobs.claimDue(now)) : repos.jobs.claimDue(now);
    // Nothing is posted or called before its claim is on disk: after a crash, `recover` finds it `sending`.
    const onDisk = claimed.length && durability ? durability.durable() : Promise.resolve();
    for (const job of claimed) {
      // Hook calls and health checks stay claimed (sending) until they end, so no other tick or process calls them meanwhile.
      const lane = isHookKind(job.kind) || job.kind === 'health_checks' ? null : laneOf(job);
      // Archiving a channel comes after the notices already on their way (they may be its own).
      if (job.kind === 'archive_room')
        sending.push(enqueue(lane ?? '', job, Promise.all([onDisk, Promise.allSettled([...lanes.values()])])));
      else if (lane === null) sending.push(track(onDisk.then(() => runThenAlert(job))));
      else sending.push(enqueue(lane, job, onDisk));
    }
    // The timer redraws are started (not finished) when the tick's promise resolves.
    sending.push(refreshTimers(now));
    return Promise.all(sending);
  }

  /**
   * Claims what is due and starts sending it, each channel's notices in order, then refreshes timers.
   * Ticks in one process claim one after another (calling it while one claims queues at most one
   * more); the claiming is quick, and the next tick never waits for the posting. The promise
   * resolves when the jobs the tick claimed have ended.
   */
  function tick(): Promise<void> {
    if (queued) return queued;
    let sent: Promise<unknown> = Promise.resolve();
    const claimed = chain.then(() => {
      queued = null;
      sent = tickOnce();
    });
    chain = claimed.catch((error: unknown) => log.with('error', 'scheduler tick failed', { error }));
    const next = claimed
      .then(() => sent)
      .then(
        () => undefined,
        () => undefined,
      );
    queued = next;
    return next;
  }

  /** Where a notice goes; an alert goes to whom it names (the ops channel, or the deployer by direct message). */
  function noticeDestinationOf(d: Deployment, job: Job): Destination | { wait: string } {
    const to = job.kind === 'alert' ? job.payload.alert?.to : undefined;
    return to ? { channel: to } : destinationOf(d, job, repos.messages);
  }

  return {
    tick,

    /** At start, before any tick: settles jobs left `sending` by a process that stopped mid-way. */
    async recover(): Promise<void> {
      for (const job of repos.jobs.withStatus('sending')) {
        const now = clock.now();
        const d = repos.deployments.get(job.deploymentId);
        if (!d) {
          repos.jobs.finish(job.id, 'skipped', 'the deployment no longer exists', now);
          continue;
        }
        if (isHookKind(job.kind)) {
          await recoverHook({ ...job, kind: job.kind }, d, now);
          continue;
        }
        if (job.kind === 'health_checks') {
          // GET requests are safe to repeat, and a run posts its result only once settled: it is made again.
          repos.jobs.release(job.id, now, 'interrupted; running the health checks again', now);
          continue;
        }
        if (job.kind === 'archive_room') {
          // Safe to repeat: the next attempt looks for its note before posting it.
          repos.jobs.release(job.id, now, 'interrupted; archiving again', now);
          continue;
        }
        const to = noticeDestinationOf(d, job);
        if ('wait' in to) {
          // Never posted: its thread did not even exist.
          repos.jobs.release(job.id, now, 'interrupted before sending', now);
          continue;
        }
        const seen = await findPosted(client, to, job.key, job.claimedAt ?? now);
        if (seen === 'absent') {
          repos.jobs.release(job.id, now, 'interrupted; not found in Slack, sending again', now);
          log.with('info', 'an interrupted notice was not posted; sending it again', {
            deployment: d.ref,
            job: job.key,
          });
        } else if (seen === 'unavailable') {
          await resolve(job, d, to, now, 'interrupted while sending');
        } else {
          settle(job, 'sent', JSON.stringify({ channel: to.channel, ts: seen.found }), now);
          log.with('info', 'an interrupted notice had been posted; marked sent', { deployment: d.ref, job: job.key });
        }
      }
    },

    /** Resolves when no tick, hook call or timer redraw is running. */
    idle: async (): Promise<void> => {
      let seen: Promise<void>;
      do {
        seen = chain;
        await chain;
        await Promise.all([...calls]);
      } while (calls.size || seen !== chain);
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;

/**
 * The alert about a job that failed or may not have happened: to the ops channel, or to the
 * deployer when there is none (or when the job itself was the ops channel's copy).
 */
function alertJob(
  d: Deployment,
  job: Job & { kind: Exclude<Job['kind'], 'alert'> },
  status: 'failed' | 'uncertain',
  about: Pick<JobAlert, 'code' | 'where'>,
  now: number,
) {
  const to = d.opsChannelId && job.payload.target !== 'ops' ? d.opsChannelId : d.deployerId;
  return {
    key: `${job.key}:alert`,
    deploymentId: d.id,
    kind: 'alert' as const,
    dueAt: now,
    payload: { target: 'ops' as const, alert: { kind: job.kind, status, ...about, to } },
  };
}
