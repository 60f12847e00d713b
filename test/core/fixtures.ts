import { applyEvent, initialState } from '../../src/core/deployment/apply.js';
import { createdEvent } from '../../src/core/deployment/create.js';
import { decide, DEFAULT_POLICY, type Command, type Policy } from '../../src/core/deployment/decide.js';
import type { DeploymentEvent, RecordedEvent } from '../../src/core/deployment/events.js';
import type { Deployment, DeploymentInput } from '../../src/core/deployment/types.js';
import { DomainError } from '../../src/core/errors.js';
import type { Template, TemplateInput } from '../../src/core/template/schema.js';
import { validateTemplate } from '../../src/core/template/validate.js';

/** 2026-11-23 09:00 UTC, a Monday. */
export const T0 = Date.UTC(2026, 10, 23, 9, 0);
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export const USERS = {
  deployer: 'U0DEPLOYER1',
  dev: 'U0DEVLEAD01',
  qa: 'U0QALEAD001',
  ops: 'U0OPSLEAD01',
  po: 'U0PRODUCT01',
  stranger: 'U0STRANGER1',
} as const;

export const rawTemplate: TemplateInput = {
  id: 'web-release',
  name: 'Web release',
  description: 'A release of the web service with a database migration.',
  preDeployment: [
    {
      id: 'code',
      title: 'Code Preparation',
      items: [
        {
          id: 'tests',
          text: 'All tests passing',
          evidence: { label: 'Link to test results', kind: 'url', hint: '[URL]' },
        },
        { id: 'reviewed', text: 'Code reviewed and approved' },
      ],
    },
    {
      id: 'environment',
      title: 'Environment Preparation',
      items: [
        { id: 'backup', text: 'Database backup completed', evidence: { label: 'Backup ID', kind: 'text' } },
        { id: 'maintenance-page', text: 'Maintenance page ready (if applicable)', required: false },
      ],
    },
  ],
  phases: [
    {
      id: 'prepare',
      title: 'Preparation',
      durationMinutes: 30,
      steps: [
        { id: 'drain', text: 'Drain traffic from node A' },
        { id: 'snapshot', text: 'Take a storage snapshot' },
      ],
    },
    {
      id: 'deploy',
      title: 'Deployment',
      steps: [
        { id: 'migrate', text: 'Run database migrations' },
        { id: 'rollout', text: 'Roll out the new version' },
        { id: 'flags', text: 'Flip feature flags (if any)', required: false },
      ],
    },
    {
      id: 'smoke',
      title: 'Smoke tests',
      steps: [{ id: 'login', text: 'Log in as a test user' }],
    },
  ],
  verification: {
    groups: [
      {
        id: 'checks',
        title: 'Verification',
        items: [
          { id: 'health', text: 'Health endpoint answers 200' },
          { id: 'errors', text: 'Error rate below 1%' },
        ],
      },
    ],
  },
  postDeployment: {
    groups: [
      {
        id: 'wrap-up',
        title: 'Post-deployment',
        items: [
          { id: 'announce', text: 'Announce completion' },
          { id: 'docs', text: 'Update the docs (if needed)', required: false },
        ],
      },
    ],
  },
  rollback: {
    triggers: ['Error rate above 5% for 10 minutes'],
    steps: [
      { id: 'revert', text: 'Redeploy the previous version' },
      { id: 'restore', text: 'Restore the database backup' },
    ],
    validation: [{ id: 'health', text: 'Health endpoint answers 200 again' }],
  },
  approvals: [
    { role: 'dev_lead', label: 'Dev Lead' },
    { role: 'qa_lead', label: 'QA Lead' },
    { role: 'ops_lead', label: 'Ops Lead' },
    { role: 'product_owner', label: 'Product Owner', required: false },
  ],
};

function validated(raw: TemplateInput): Template {
  const v = validateTemplate(raw);
  if (!v.ok) throw new Error(`fixture template is invalid: ${JSON.stringify(v.problems)}`);
  return v.value;
}

export const template: Template = validated(rawTemplate);

/** Every item key of the fixture, by name, so tests read like the checklist. */
export const KEYS = {
  tests: 'pre.code.tests',
  reviewed: 'pre.code.reviewed',
  backup: 'pre.environment.backup',
  maintenance: 'pre.environment.maintenance-page',
  drain: 'phase.prepare.drain',
  snapshot: 'phase.prepare.snapshot',
  migrate: 'phase.deploy.migrate',
  rollout: 'phase.deploy.rollout',
  flags: 'phase.deploy.flags',
  login: 'phase.smoke.login',
  health: 'verify.checks.health',
  errors: 'verify.checks.errors',
  announce: 'post.wrap-up.announce',
  docs: 'post.wrap-up.docs',
  revert: 'rollback.steps.revert',
} as const;

export function deploymentInput(overrides: Partial<DeploymentInput> = {}): DeploymentInput {
  return {
    service: 'web',
    version: '2.4.0',
    environment: 'production',
    type: 'release',
    templateId: template.id,
    windowStart: T0 + 2 * HOUR,
    windowEnd: T0 + 6 * HOUR,
    deployerId: USERS.deployer,
    approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.qa], ops_lead: [USERS.ops] },
    channelId: 'C0DEPLOYS01',
    announceChannelId: null,
    branch: 'release/2.4',
    changes: ['Faster checkout'],
    tickets: [{ key: 'WEB-1', description: 'Faster checkout' }],
    ...overrides,
  };
}

/** A fresh deployment (id 1) as the `created` event makes it. */
export function newDeployment(
  overrides: Partial<DeploymentInput> = {},
  { id = 1, at = T0, plan = template }: { id?: number; at?: number; plan?: Template } = {},
): { deployment: Deployment; created: RecordedEvent & { type: 'created' } } {
  const input = deploymentInput(overrides);
  const created = { ...createdEvent(input, plan), actor: input.deployerId, at };
  return { deployment: initialState(id, created), created };
}

/**
 * A deployment together with its event log: `act` runs a command through
 * `decide`, folds the events and keeps them, as the storage would.
 */
export class Scenario {
  d: Deployment;
  log: RecordedEvent[];
  at: number;

  constructor(
    overrides: Partial<DeploymentInput> = {},
    readonly policy: Policy = DEFAULT_POLICY,
  ) {
    const { deployment, created } = newDeployment(overrides);
    this.d = deployment;
    this.log = [created];
    this.at = T0;
  }

  act(actor: string, cmd: Command): DeploymentEvent[] {
    this.at += MIN;
    const events = decide(this.d, cmd, actor, this.policy);
    for (const e of events) {
      const recorded = { ...e, actor, at: this.at } as RecordedEvent;
      this.log.push(recorded);
      this.d = applyEvent(this.d, recorded);
    }
    return events;
  }

  approveAll(): this {
    this.act(USERS.dev, { type: 'approve', role: 'dev_lead' });
    this.act(USERS.qa, { type: 'approve', role: 'qa_lead' });
    this.act(USERS.ops, { type: 'approve', role: 'ops_lead' });
    return this;
  }

  confirmPre(): this {
    this.act(USERS.deployer, { type: 'confirm_item', key: KEYS.tests, evidence: 'https://ci.example.com/run/1' });
    this.act(USERS.dev, { type: 'confirm_item', key: KEYS.reviewed });
    this.act(USERS.ops, { type: 'confirm_item', key: KEYS.backup, evidence: 'backup-2026-11-23' });
    return this;
  }

  /** Starts, works through and completes one phase (required steps only). */
  runPhase(phaseId: 'prepare' | 'deploy' | 'smoke'): this {
    this.act(USERS.deployer, { type: 'start_phase', phaseId });
    const phase = this.d.plan.phases.find((p) => p.id === phaseId)!;
    for (const step of phase.steps.filter((s) => s.required)) {
      this.act(USERS.deployer, { type: 'confirm_item', key: `phase.${phaseId}.${step.id}` });
    }
    this.act(USERS.deployer, { type: 'complete_phase', phaseId });
    return this;
  }

  ready(): this {
    return this.approveAll().confirmPre();
  }

  allPhases(): this {
    return this.ready().runPhase('prepare').runPhase('deploy').runPhase('smoke');
  }
}

/** The rollback form as a deployer submits it: errors above the threshold, the code restored. */
export const ROLLBACK_START: Command = {
  type: 'start_rollback',
  trigger: 'Error rate above 5%',
  restore: ['code'],
  note: '',
  toVersion: null,
};

/** Calls `fn`, expects a DomainError, and returns it for closer inspection. */
/** A deployment whose phases, verification and post-deployment are done, and which the deployer completed (30 minutes of monitoring). */
export function monitored(): Scenario {
  const s = new Scenario({}, { ...DEFAULT_POLICY, defaultMonitoringMinutes: 30 }).allPhases();
  s.act(USERS.qa, { type: 'confirm_item', key: KEYS.health });
  s.act(USERS.qa, { type: 'confirm_item', key: KEYS.errors });
  s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.announce });
  s.act(USERS.deployer, { type: 'complete' });
  return s;
}

export function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError, but the call succeeded');
}
