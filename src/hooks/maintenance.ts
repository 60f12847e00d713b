import type { WebClient } from '@slack/web-api';
import type { DeploymentEvent } from '../core/deployment/events.js';
import { maintenanceMomentOf, maintenanceRequestOf, type MaintenanceMoment } from '../core/deployment/maintenance.js';
import type { Deployment, Environment } from '../core/deployment/types.js';
import type { MessageSync } from '../slack/sync.js';
import type { Repositories } from '../storage/index.js';
import type { Logger } from '../support/logger.js';
import { callHook, type HookConfig } from './call.js';
import { createTracker, hookOutcomeText, reportHookResult, type HookWording } from './report.js';

/** The maintenance hooks, if any, a service's environment has. */
export type MaintenanceHookLookup = (target: { service: string; environment: Environment }) => { start: HookConfig | null; end: HookConfig | null };

export interface MaintenanceEffectsDeps {
  client: WebClient;
  repos: Repositories;
  sync: MessageSync;
  logger: Logger;
  hooksFor: MaintenanceHookLookup;
  fetchImpl?: typeof fetch;
}

const WORDING: Record<MaintenanceMoment['event'], HookWording> = {
  'maintenance.start': {
    name: 'maintenance start hook',
    okNote: '',
    what: 'the start of the maintenance window',
    unknown: 'took note of it',
    manual: 'The deployment goes on; tell whoever watches maintenance windows by hand.',
  },
  'maintenance.end': {
    name: 'maintenance end hook',
    okNote: '',
    what: 'the end of the maintenance window',
    unknown: 'took note of it',
    manual: 'Tell whoever watches maintenance windows by hand that it is over.',
  },
};

/** What the thread is told about a maintenance hook call: plainly, including failures. */
export const maintenanceResultText = (d: Deployment, moment: MaintenanceMoment, r: Parameters<typeof hookOutcomeText>[1]) =>
  hookOutcomeText(d, r, WORDING[moment.event]);

/**
 * Calls the maintenance start hook when a deployment's first phase starts and
 * the end hook when it leaves its running phases (`maintenanceMomentOf`),
 * after the change is committed and Slack acknowledged; the outcome is posted
 * in the thread. Never throws, never holds the deployment up.
 */
export function createMaintenanceEffects({ client, repos, sync, logger, hooksFor, fetchImpl }: MaintenanceEffectsDeps) {
  const tracker = createTracker(logger, 'maintenance hook follow-up');

  async function call(d: Deployment, moment: MaintenanceMoment): Promise<void> {
    const hooks = hooksFor(d);
    const config = moment.event === 'maintenance.start' ? hooks.start : hooks.end;
    if (!config) return;
    const result = await callHook(config, maintenanceRequestOf(d, moment), 'Liftoff maintenance hook', fetchImpl);
    await reportHookResult({ client, repos, sync, logger }, d, WORDING[moment.event].name, result, maintenanceResultText(d, moment, result));
  }

  return {
    /** Called with every committed change (outside the transaction). */
    onChange(d: Deployment, events: DeploymentEvent[]): void {
      const moment = maintenanceMomentOf(d, events);
      if (moment) tracker.track(call(d, moment));
    },
    /** Resolves when no call is running (graceful stop, tests). */
    idle: tracker.idle,
  };
}

export type MaintenanceEffects = ReturnType<typeof createMaintenanceEffects>;
