import type { WebClient } from '@slack/web-api';
import type { Deployment, Environment } from '../core/deployment/types.js';
import type { HookKind, HookPresence, Job } from '../core/schedule/jobs.js';
import { rollbackHookCall } from './rollback.js';
import type { MessageSync } from '../slack/sync.js';
import type { Repositories } from '../storage/index.js';
import type { Logger } from '../support/logger.js';
import { callHook, type HookConfig } from './call.js';
import { maintenanceHookCall } from './maintenance.js';
import {
  hookHost,
  hookOutcomeText,
  postInThread,
  reportHookResult,
  resultSummary,
  uncertainText,
  type HookCall,
} from './report.js';

/** The hooks a service's environment has in the team configuration, read when a call is made. */
export type HookLookup = (target: {
  service: string;
  environment: Environment;
}) => Record<keyof HookPresence, HookConfig | null>;

/** Which hooks exist, for the planner: only those calls are planned. */
export const presenceOf =
  (lookup: HookLookup) =>
  (d: Deployment): HookPresence => {
    const hooks = lookup(d);
    return {
      rollback: hooks.rollback !== null,
      maintenanceStart: hooks.maintenanceStart !== null,
      maintenanceEnd: hooks.maintenanceEnd !== null,
    };
  };

const HOOK_OF: Record<HookKind, keyof HookPresence> = {
  rollback_hook: 'rollback',
  maintenance_start_hook: 'maintenanceStart',
  maintenance_end_hook: 'maintenanceEnd',
};

function callOf(kind: HookKind, job: Job, d: Deployment): HookCall {
  switch (kind) {
    case 'rollback_hook':
      return rollbackHookCall(d);
    case 'maintenance_start_hook':
      return maintenanceHookCall(d, { event: 'maintenance.start' });
    case 'maintenance_end_hook':
      return maintenanceHookCall(d, { event: 'maintenance.end', reason: job.payload.reason ?? 'phases_completed' });
  }
}

/** How a hook job ended: called and accepted; refused, failed or timed out; or no longer configured. */
export type HookJobStatus = 'sent' | 'failed' | 'skipped';

export interface HookRunnerDeps {
  client: WebClient;
  repos: Repositories;
  sync: MessageSync;
  logger: Logger;
  hooksFor: HookLookup;
  fetchImpl?: typeof fetch;
}

/**
 * Makes the hook calls the scheduler's jobs promise (`rollback_hook`,
 * `maintenance_start_hook`, `maintenance_end_hook`), at most once each: the
 * scheduler claims the job, `run` calls the hook once, records the outcome
 * through `settle` before anything else, then tells the thread. A failure,
 * a timeout or a refused host is final (never called again). A job found
 * claimed at start may have been called: `interrupted` says so in the thread.
 */
export function createHookRunner({ client, repos, sync, logger, hooksFor, fetchImpl }: HookRunnerDeps) {
  const report = { client, repos, sync, logger };
  return {
    async run(
      job: Job & { kind: HookKind },
      d: Deployment,
      settle: (status: HookJobStatus, result: string) => void,
    ): Promise<void> {
      const call = callOf(job.kind, job, d);
      const config = hooksFor(d)[HOOK_OF[job.kind]];
      if (!config) {
        settle('skipped', 'no hook is configured for it any more');
        logger.with('warn', `${call.wording.name} not called: no longer configured`, {
          deployment: d.ref,
          job: job.key,
        });
        return;
      }
      const result = await callHook(config, call.body, call.userAgent, fetchImpl);
      settle(result.kind === 'answered' && result.ok ? 'sent' : 'failed', resultSummary(result));
      await reportHookResult(report, d, job.key, call.wording.name, result, hookOutcomeText(d, result, call.wording));
    },

    /** A hook job left claimed by a stop (already marked uncertain): logged and told in the thread, never called again. */
    async interrupted(job: Job & { kind: HookKind }, d: Deployment): Promise<void> {
      const call = callOf(job.kind, job, d);
      const config = hooksFor(d)[HOOK_OF[job.kind]];
      const host = config ? hookHost(config.url) : null;
      logger.with(
        'error',
        `the ${call.wording.name} may or may not have been called before a restart; not calling it again`,
        { deployment: d.ref, job: job.key },
      );
      await postInThread(report, d, job.key, call.wording.name, uncertainText(call.wording, host));
    },
  };
}

export type HookRunner = Pick<ReturnType<typeof createHookRunner>, 'run' | 'interrupted'>;

/** Without a runner (no hooks wired): a hook job is skipped, never called. */
export const NO_HOOK_RUNNER: HookRunner = {
  run: async (_job, _d, settle) => settle('skipped', 'hooks are not wired in this process'),
  interrupted: async () => undefined,
};
