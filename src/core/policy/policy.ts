import type { Environment } from '../deployment/types.js';
import type { PipelinePermission } from './pipelines.js';

/** How an override of a gate is given: by the deployer alone, or granted by a second person. */
export const OVERRIDE_RULES = ['second_person', 'deployer'] as const;
export type OverrideRule = (typeof OVERRIDE_RULES)[number];

/** Where the team configuration does not say: production's gates need a second person, the others' the deployer alone. */
export const defaultOverrideRule = (environment: Environment): OverrideRule =>
  environment === 'production' ? 'second_person' : 'deployer';

/** The rules of one service's environment (from the team configuration); user groups already expanded to user ids. */
export interface Policy {
  /** Whether the deployer may approve their own deployment. Default false. */
  deployerMayApprove: boolean;
  /** Monitoring after completion when neither the deployment (start form) nor the template gives a duration (0: none). */
  defaultMonitoringMinutes: number;
  /** People allowed to roll back besides the deployer and the approvers (e.g. the ops role). */
  rollbackUsers: readonly string[];
  /** Who may start a deployment of it or be named its deployer; null (or absent): anyone. */
  deployers?: readonly string[] | null;
  /** The team's admins: release any lock, grant overrides (or override at once), cancel any deployment. */
  admins?: readonly string[];
  /** Who overrides a gate; absent: the deployer (teamPolicy fills in defaultOverrideRule). */
  overrides?: OverrideRule;
  /** Pipeline name → what it may, for the pipelines whose token covers this service and environment. */
  pipelines?: Readonly<Record<string, readonly PipelinePermission[]>>;
}

export const DEFAULT_POLICY: Policy = { deployerMayApprove: false, defaultMonitoringMinutes: 0, rollbackUsers: [] };
