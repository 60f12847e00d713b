import type { WebClient } from '@slack/web-api';
import type { HealthCheckSettings } from '../config/team/settings.js';
import type { DeploymentEvent } from '../core/deployment/events.js';
import {
  healthRunEvents,
  judge,
  resolveEndpoint,
  runnableChecks,
  shownEndpoint,
  type CheckAnswer,
  type CheckOutcome,
  type HealthCheck,
} from '../core/deployment/health-checks.js';
import { ENVIRONMENT_LABELS, type Deployment, type Environment } from '../core/deployment/types.js';
import { may } from '../core/policy/may.js';
import type { Policy } from '../core/policy/policy.js';
import { nextHealthCheck } from '../core/schedule/health-checks.js';
import type { Job } from '../core/schedule/jobs.js';
import type { MessageSync } from '../slack/sync.js';
import { rollbackButton } from '../slack/views/deployment/offer.js';
import { healthCheckResult } from '../slack/views/notices/health-checks.js';
import type { Repositories } from '../storage/index.js';
import { writeTransaction } from '../storage/transaction.js';
import type { Logger } from '../support/logger.js';
import { getOnce, type HookResult } from './call.js';
import { FAILURE_WORDS, postInThread } from './report.js';

/** `health_check_settings` of a service's environment, read when the checks run. */
export type HealthCheckLookup = (target: { service: string; environment: Environment }) => HealthCheckSettings | null;

const USER_AGENT = 'Liftoff health check';

/** A request's result as the judge reads it: failures in words (never a library's message), the body kept apart. */
function answerOf(r: HookResult, raw: string): CheckAnswer {
  switch (r.kind) {
    case 'answered':
      return {
        kind: 'answered',
        status: r.status,
        ms: r.ms,
        raw,
        ...(r.redirectedTo !== undefined ? { redirectedTo: r.redirectedTo } : {}),
      };
    case 'timeout':
      return { kind: 'timeout', timeoutMs: r.timeoutMs };
    case 'refused_host':
      return r;
    case 'failed':
      return { kind: 'failed', problem: `${FAILURE_WORDS[r.failure]} ${r.host}` };
  }
}

export interface HealthCheckRunnerDeps {
  client: WebClient;
  repos: Repositories;
  sync: MessageSync;
  logger: Logger;
  settingsFor: HealthCheckLookup;
  policyFor: (d: Deployment) => Policy;
  /** Records a run's events as Liftoff's, in one change (the deployment use cases' `recordHealthChecks`). */
  record: (id: number, decide: (d: Deployment) => DeploymentEvent[]) => Deployment | undefined;
  fetchImpl?: typeof fetch;
}

/** A short record of a run, kept with its job: hosts, paths and outcomes only. */
const summaryOf = (outcomes: readonly CheckOutcome[]) =>
  `${outcomes.filter((o) => o.ok).length} of ${outcomes.length} passed: ${outcomes
    .map((o) => `${o.ok ? 'ok' : 'failed'} ${o.endpoint} (${o.detail})`)
    .join('; ')}`.slice(0, 500);

/**
 * Runs the plan's health checks for a `health_checks` job: one GET per check,
 * with a hook's protections (`getOnce`: allowed hosts only, the timeout, no
 * redirect followed, headers never shown), each judged against its expected
 * status and body. A run someone asked for is recorded, confirms the items it
 * does when all pass, and posts one message in the thread (the rollback
 * offered on a failure to whoever asked, if they may roll back). A scheduled
 * run plans the next one; its first failure is recorded (that sends the issue
 * notice once); otherwise it says nothing.
 */
export function createHealthCheckRunner(deps: HealthCheckRunnerDeps) {
  const { repos, logger, settingsFor, policyFor, record, fetchImpl } = deps;

  async function check(h: HealthCheck, d: Deployment, s: HealthCheckSettings | null): Promise<CheckOutcome> {
    if (!s) {
      const why = `not requested: no health_check_settings (allowed hosts) are configured for ${d.service} in ${ENVIRONMENT_LABELS[d.environment]}`;
      return judge(h, shownEndpoint(h.endpoint), { kind: 'not_run', problem: why });
    }
    const target = resolveEndpoint(h.endpoint, s.baseUrl);
    if ('refused' in target) return judge(h, shownEndpoint(h.endpoint), { kind: 'not_run', problem: target.refused });
    const config = {
      url: target.url,
      allowedHosts: s.allowedHosts,
      timeoutMs: s.timeoutMs,
      ...(s.headers ? { headers: s.headers } : {}),
    };
    const { result, raw } = await getOnce(config, USER_AGENT, fetchImpl);
    return judge(h, shownEndpoint(h.endpoint, target.url), answerOf(result, raw));
  }

  return {
    async run(
      job: Job & { kind: 'health_checks' },
      d: Deployment,
      settle: (status: 'sent', result: string) => void,
      now: () => number,
    ): Promise<void> {
      const settings = settingsFor(d);
      const outcomes = await Promise.all(runnableChecks(d.plan).map((h) => check(h, d, settings)));
      const requestedBy = job.payload.by ?? null;
      let confirmed: string[] = [];
      const after = record(d.id, (current) => {
        const events = healthRunEvents(current, outcomes, requestedBy, repos.deployments.events(current.id));
        confirmed = events.flatMap((e) => (e.type === 'item_confirmed' ? [e.key] : []));
        return events;
      });
      const current = after ?? d;
      writeTransaction(repos.db, () => {
        settle('sent', summaryOf(outcomes));
        const next = requestedBy ? null : nextHealthCheck(current, job, now(), settings?.everyMinutes ?? null);
        if (next) repos.jobs.plan([next], now());
      })();
      logger.with(outcomes.every((o) => o.ok) ? 'info' : 'warn', 'health checks run', {
        deployment: d.ref,
        passed: outcomes.filter((o) => o.ok).length,
        failed: outcomes.filter((o) => !o.ok).length,
        scheduled: !requestedBy,
      });
      if (!requestedBy) return;
      const failed = outcomes.some((o) => !o.ok);
      const mayRollBack = failed && may(current, 'rollback', requestedBy, policyFor(current)).allowed;
      const notice = healthCheckResult(
        current,
        { requestedBy, outcomes, confirmed },
        mayRollBack ? rollbackButton(current) : null,
      );
      await postInThread(deps, current, job.key, 'health checks result', notice);
    },
  };
}

export type HealthCheckRunner = ReturnType<typeof createHealthCheckRunner>;
