import { maintenanceRequestOf, type MaintenanceMoment } from '../core/deployment/maintenance.js';
import type { Deployment } from '../core/deployment/types.js';
import type { HookCall, HookWording } from './report.js';

const WORDING: Record<MaintenanceMoment['event'], HookWording> = {
  'maintenance.start': {
    name: 'maintenance start hook',
    okNote: '',
    what: 'the start of the maintenance window',
    unknown: 'took note of it',
    manual: 'The deployment goes on; tell whoever watches maintenance windows by hand.',
    recheck:
      'Check whether it took note of the start of the maintenance window; if not, tell whoever watches maintenance windows by hand.',
  },
  'maintenance.end': {
    name: 'maintenance end hook',
    okNote: '',
    what: 'the end of the maintenance window',
    unknown: 'took note of it',
    manual: 'Tell whoever watches maintenance windows by hand that it is over.',
    recheck:
      'Check whether it took note of the end of the maintenance window; if not, tell whoever watches maintenance windows by hand that it is over.',
  },
};

/**
 * The call of the maintenance start hook (when a deployment's first phase
 * starts) or end hook (when it leaves its running phases): a scheduler job
 * (`maintenance_start_hook`, `maintenance_end_hook`) planned in the change's
 * transaction (`hookJobs`, decided by `maintenanceMomentOf`), called at most
 * once by the scheduler (`src/hooks/jobs.ts`); it never holds the deployment up.
 */
export const maintenanceHookCall = (d: Deployment, moment: MaintenanceMoment): HookCall => ({
  wording: WORDING[moment.event],
  body: maintenanceRequestOf(d, moment),
  userAgent: 'Liftoff maintenance hook',
});
