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
  'completed',
  'cancelled',
] as const;
export type Status = (typeof STATUSES)[number];
export const STATUS_LABELS: Record<Status, string> = {
  scheduled: 'Scheduled',
  preparing: 'Preparing',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
  cancelled: 'Cancelled',
};
export const FINISHED: ReadonlySet<Status> = new Set(['completed', 'cancelled']);

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
}

export type GateId = 'start' | 'complete';

export interface Override extends Stamp {
  gate: GateId;
  reason: string;
  /** What the gate was missing when it was overridden. */
  missing: string[];
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
  cancelled?: Stamp & { reason: string };
  completed?: Stamp;
  /** The number of events folded so far (1 after "created"). */
  revision: number;
}

export const refOf = (id: number) => `DEP-${id}`;
