import type { Template } from '../template/schema.js';

export const ENVIRONMENTS = ['production', 'staging', 'uat', 'development'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const ENVIRONMENT_LABELS: Record<Environment, string> = {
  production: 'Production',
  staging: 'Staging',
  uat: 'UAT',
  development: 'Development',
};

export const DEPLOYMENT_TYPES = ['release', 'hotfix', 'rollback', 'config_update'] as const;
export type DeploymentType = (typeof DEPLOYMENT_TYPES)[number];
export const DEPLOYMENT_TYPE_LABELS: Record<DeploymentType, string> = {
  release: 'Release',
  hotfix: 'Hotfix',
  rollback: 'Rollback',
  config_update: 'Configuration Update',
};

export const STATUSES = [
  'scheduled',
  'preparing',
  'in_progress',
  'verifying',
  'monitoring',
  'completed',
  'cancelled',
  'rolling_back',
  'rollback_failed',
  'rolled_back',
] as const;
export type Status = (typeof STATUSES)[number];
export const STATUS_LABELS: Record<Status, string> = {
  scheduled: 'Scheduled',
  preparing: 'Preparing',
  in_progress: 'In progress',
  verifying: 'Verifying',
  monitoring: 'Monitoring',
  completed: 'Completed',
  cancelled: 'Cancelled',
  rolling_back: 'Rolling back',
  rollback_failed: 'Rollback failed',
  rolled_back: 'Rolled back',
};
export const FINISHED: ReadonlySet<Status> = new Set(['completed', 'cancelled', 'rolled_back']);
/** Statuses in which a rollback can start: from the first phase through the monitoring window. */
export const ROLLBACK_FROM: ReadonlySet<Status> = new Set(['in_progress', 'verifying', 'monitoring']);

export interface Ticket {
  key: string;
  description: string;
}

/** What the deployer submits; validated by `parseDeploymentInput`. All times are epoch ms. */
export interface DeploymentInput {
  service: string;
  version: string;
  environment: Environment;
  type: DeploymentType;
  templateId: string;
  windowStart: number;
  windowEnd: number;
  deployerId: string;
  /** role id -> the Slack user ids who may sign for it (empty or absent: nobody named). */
  approvers: Record<string, string[]>;
  channelId: string;
  announceChannelId: string | null;
  branch: string | null;
  changes: string[];
  tickets: Ticket[];
  /** For a deployment of type Rollback: the deployment it reverses (filled at start from history). */
  reverses?: number;
  /** Its communication timings, chosen in the start form (per deployment > team configuration > template > defaults). */
  timings?: TimingOverrides;
  /** The ops channel of its service's environment (team configuration), recorded at creation: the start, issue, completion and rollback notices go there too. */
  opsChannelId?: string | null;
  /** Where it lives: a thread in `channelId` (`thread`, also when absent) or a dedicated channel (`channel`). */
  location?: Location;
  /** Started outside the deploy calendar as an emergency: it waits at its calendar gate for a second person. */
  emergency?: Emergency;
}

/** Why a deployment outside the deploy calendar goes ahead anyway. */
export interface Emergency {
  /** Why it cannot wait, as its submitter wrote it. */
  reason: string;
  /** What the calendar said ("Production is frozen until …"). */
  calendar: string;
}

export type Location = 'thread' | 'channel';

/** The dedicated channel of a `location: channel` deployment, once created (or why it could not be). */
export type RoomState =
  | { channelId: string; name: string; archiveAfterHours: number; opened: Stamp; private?: boolean }
  | { failed: Stamp & { reason: string } };

/** A deployment's own communication timings; an absent field falls back to the plan (template and configuration). */
export interface TimingOverrides {
  announcementHoursBefore?: number;
  reminderHoursBefore?: number;
  progressEveryMinutes?: number;
  /** Minutes of monitoring after completion; 0: none. */
  monitoringMinutes?: number;
}

export interface Stamp {
  by: string;
  at: number;
}

export interface ItemState extends Stamp {
  state: 'done' | 'failed';
  evidence?: string;
  note?: string;
}

export interface ApprovalState extends Stamp {
  decision: 'approved' | 'rejected';
  reason?: string;
}

export interface PhaseState {
  plannedStart: number;
  plannedEnd: number;
  started?: Stamp;
  completed?: Stamp;
  /** Closed without completing because a rollback started. */
  interrupted?: Stamp;
}

export interface RollbackState {
  started: Stamp;
  /** The trigger condition chosen, or the reason in words. */
  trigger: string;
  /** What to restore: code, configuration, database, data (ids from the modal). */
  restore: string[];
  note: string;
  fromVersion: string;
  /** The previous successful version of the service in that environment, when known. */
  toVersion: string | null;
  completed?: Stamp;
  failed?: Stamp & { note: string };
}

/** `calendar`: an emergency outside the deploy calendar, held until a second person grants it. */
export type GateId = 'start' | 'complete' | 'calendar';

export interface Override extends Stamp {
  gate: GateId;
  reason: string;
  /** What the gate was missing when it was overridden. */
  missing: string[];
  /** Granted by `by` on this person's request (the deployer). */
  requestedBy?: string;
  /** Overridden at once by an admin. */
  emergency?: boolean;
}

/** The current state of one deployment: a fold of its events. */
export interface Deployment extends Omit<DeploymentInput, 'windowStart' | 'windowEnd'> {
  id: number;
  ref: string;
  /** The frozen copy of the template: editing the template never changes it. */
  plan: Template;
  window: { start: number; end: number };
  status: Status;
  created: Stamp;
  items: Record<string, ItemState>;
  approvals: Record<string, ApprovalState>;
  phases: Record<string, PhaseState>;
  overrides: Override[];
  /** Overrides the deployer asked for that wait for a second person, by gate. */
  overrideRequests?: Partial<Record<GateId, Override>>;
  cancelled?: Stamp & { reason: string };
  completed?: Stamp;
  /** Set while (and after) the deployment is watched after completion. */
  monitoring?: Stamp & { until: number; verdict?: Stamp & { healthy: boolean; note?: string } };
  rollback?: RollbackState;
  /** For a deployment of type Rollback: the deployment it reverses. */
  reverses?: number;
  /** Its dedicated channel (`location: channel`), once created or failed. */
  room?: RoomState;
  /** The number of events folded so far (1 after "created"). */
  revision: number;
}

export const refOf = (id: number) => `DEP-${id}`;
