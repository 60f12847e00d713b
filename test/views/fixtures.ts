import { BUILT_IN_TEMPLATES_DIR, loadTemplates } from '../../src/config/templates.js';
import { initialState, applyEvent } from '../../src/core/deployment/apply.js';
import { createdEvent } from '../../src/core/deployment/create.js';
import type { DeploymentEvent } from '../../src/core/deployment/events.js';
import type { Deployment, DeploymentInput } from '../../src/core/deployment/types.js';
import { planItems } from '../../src/core/template/items.js';
import { validateTemplate } from '../../src/core/template/validate.js';
import type { Template, TemplateInput } from '../../src/core/template/schema.js';

/** 2026-11-23 09:00 UTC, a Monday. */
export const T0 = Date.UTC(2026, 10, 23, 9, 0);
export const MIN = 60_000;

export const USERS = {
  deployer: 'U0DEPLOYER1',
  dev: 'U0DEVLEAD01',
  qa: 'U0QALEAD001',
  ops: 'U0OPSLEAD01',
  po: 'U0PRODUCT01',
} as const;

export const HOSTILE = '<!channel> <@U123> <https://evil|bank> & co';

function template(raw: TemplateInput): Template {
  const v = validateTemplate(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return v.value;
}

const items = (...texts: string[]) => texts.map((text, i) => ({ id: `i${i + 1}`, text }));

/** The seed runbook (shared/seeds/deployment-task.md) as a template. */
export const realisticTemplate: Template = template({
  id: 'standard-release',
  name: 'Standard release',
  description: 'Release with approvals, a database migration and verification.',
  summary: { changes: [], tickets: [] },
  preDeployment: [
    {
      id: 'code-preparation',
      title: 'Code Preparation',
      items: [
        {
          id: 'tests-passing',
          text: 'All tests passing',
          evidence: { label: 'Link to test results', kind: 'url', hint: '[URL]' },
        },
        { id: 'code-reviewed', text: 'Code reviewed and approved' },
        { id: 'merged', text: 'Merged to deployment branch', details: ['*Branch:* `[branch_name]`'] },
        { id: 'version-updated', text: 'Version number updated' },
        { id: 'changelog', text: 'Changelog updated' },
        { id: 'artifacts', text: 'Build artifacts generated' },
      ],
    },
    {
      id: 'environment-preparation',
      title: 'Environment Preparation',
      items: [
        { id: 'window', text: 'Deployment window scheduled' },
        { id: 'stakeholders', text: 'Stakeholders notified' },
        { id: 'maintenance-page', text: 'Maintenance page ready', required: false },
        {
          id: 'backup',
          text: 'Database backup completed',
          evidence: { label: 'Backup location/ID', kind: 'text', hint: '[Details]' },
        },
        { id: 'rollback-plan', text: 'Rollback plan prepared' },
        { id: 'alerts', text: 'Monitoring alerts configured' },
      ],
    },
    {
      id: 'database-changes',
      title: 'Database Changes',
      items: [
        {
          id: 'reviewed',
          text: 'Migration scripts reviewed',
          details: ['*Details:* [List scripts or link to migration plan]'],
        },
        { id: 'tested', text: 'Migrations tested on staging' },
        { id: 'rollback-scripts', text: 'Rollback scripts tested' },
        { id: 'integrity', text: 'Data integrity checks prepared' },
      ],
    },
    {
      id: 'dependencies',
      title: 'Dependencies',
      items: [
        { id: 'external', text: 'All external dependencies available' },
        { id: 'third-party', text: 'Third-party services notified (if needed)', required: false },
        { id: 'ssl', text: 'SSL certificates valid' },
        { id: 'env-vars', text: 'Environment variables configured' },
      ],
    },
  ],
  phases: [
    {
      id: 'preparation',
      title: 'Preparation',
      durationMinutes: 15,
      steps: items('Announce the start of the window', 'Freeze merges'),
    },
    {
      id: 'application-deployment',
      title: 'Application Deployment',
      durationMinutes: 20,
      steps: [
        ...items('Enable maintenance mode', 'Stop application services'),
        {
          id: 'deploy',
          text: 'Deploy new version',
          details: ['*Method:* CI/CD pipeline'],
          evidence: { label: 'Link to deployment job', kind: 'url' },
        },
        { id: 'start', text: 'Start application services' },
      ],
    },
    {
      id: 'database-migration',
      title: 'Database Migration',
      durationMinutes: 15,
      steps: items(
        'Backup current database',
        'Run migration scripts',
        'Verify migration success',
        'Run data validation queries',
      ),
    },
    {
      id: 'verification',
      title: 'Verification',
      steps: [
        { id: 'smoke', text: 'Initial smoke tests' },
        { id: 'smoke-endpoint', text: 'Check main endpoint/URL accessibility', level: 1 },
        { id: 'smoke-a', text: 'Verify core functionality A', level: 1 },
        { id: 'logs', text: 'Check application logs' },
      ],
      notes: ['Roll back if the error rate stays above 2% for 5 minutes.'],
    },
    {
      id: 'finalization',
      title: 'Finalization',
      steps: items('Disable maintenance mode', 'Clear CDN cache (if applicable)', 'Notify stakeholders of completion'),
    },
  ],
  verification: {
    groups: [
      {
        id: 'smoke-tests',
        title: 'Smoke Tests',
        items: items('Critical path: checkout', 'Critical path: login', 'Critical path: search'),
      },
    ],
    validationQueries: [
      { language: 'sql', code: '-- Verify data integrity\nSELECT COUNT(*) FROM orders WHERE total < 0;' },
    ],
    healthChecks: [{ endpoint: 'https://checkout.example.com/healthz', expected: '200 {"status":"ok"}' }],
  },
  postDeployment: {
    groups: [
      {
        id: 'verification-checklist',
        title: 'Verification Checklist',
        items: [
          ...items('All smoke tests passed', 'No critical errors in logs'),
          {
            id: 'metrics',
            text: 'Performance metrics normal',
            evidence: { label: 'Monitoring dashboard', kind: 'url' },
          },
          ...items('User reports monitored', 'Support team notified').map((i) => ({ ...i, id: `${i.id}b` })),
        ],
      },
    ],
    followUps: [
      'Monitor for 24 hours',
      'Update documentation',
      'Archive deployment artifacts',
      'Conduct post-mortem (if issues)',
    ],
  },
  rollback: { steps: items('Enable maintenance mode', 'Deploy previous version', 'Verify rollback success') },
  approvals: [
    { role: 'dev_lead', label: 'Development Lead' },
    { role: 'qa_lead', label: 'QA Lead' },
    { role: 'ops_lead', label: 'Operations Lead' },
    { role: 'product_owner', label: 'Product Owner', required: false },
  ],
});

const long = (seed: string, n = 400) => `${seed} ${'lorem ipsum & <dolor> "sit" amet '.repeat(20)}`.slice(0, n);
const slug48 = (s: string) => `${s}-${'x'.repeat(48)}`.slice(0, 48);

function hugeGroups(prefix: string, groups: number, perGroup: number) {
  return Array.from({ length: groups }, (_, g) => ({
    id: slug48(`${prefix}${g}`),
    title: long(`${prefix} group ${g}`, 150),
    items: Array.from({ length: perGroup }, (_, i) => ({
      id: slug48(`item${i}`),
      text: long(`${prefix} ${g}.${i}`, 400),
      required: i % 5 !== 4,
      level: i % 3 === 2 ? 1 : 0,
      details: i % 2 ? [long('detail', 1000), long('more detail', 1000)] : [],
      ...(i % 4 === 0
        ? {
            evidence: {
              label: long('evidence', 150),
              kind: i % 8 === 0 ? ('url' as const) : ('text' as const),
              hint: '[URL]',
            },
          }
        : {}),
    })),
  }));
}

/** Far beyond any real runbook: proves the splitting. */
export const hugeTemplate: Template = template({
  id: 'huge',
  name: long('Huge template', 75),
  preDeployment: hugeGroups('pre', 6, 15),
  phases: Array.from({ length: 8 }, (_, p) => ({
    id: slug48(`phase${p}`),
    title: long(`Phase ${p}`, 150),
    durationMinutes: 30,
    notes: [long('note', 1000), long('another note', 1000)],
    steps: Array.from({ length: 12 }, (_, i) => ({
      id: slug48(`step${i}`),
      text: long(`step ${p}.${i}`, 400),
      details: i % 2 ? [long('how', 1000)] : [],
      ...(i % 3 === 0 ? { evidence: { label: long('job link', 150), kind: 'url' as const } } : {}),
    })),
  })),
  verification: {
    groups: hugeGroups('verify', 6, 15),
    validationQueries: Array.from({ length: 4 }, (_, i) => ({ language: 'sql', code: long(`SELECT ${i}`, 3000) })),
    healthChecks: Array.from({ length: 30 }, (_, i) => ({
      endpoint: long(`https://svc${i}.example.com/health`, 300),
      expected: long('200', 300),
    })),
  },
  postDeployment: {
    groups: hugeGroups('post', 6, 15),
    followUps: Array.from({ length: 30 }, (_, i) => long(`follow ${i}`, 500)),
  },
  rollback: { steps: items('Roll back') },
  approvals: Array.from({ length: 12 }, (_, i) => ({
    role: slug48(`role${i}`),
    label: long(`Role ${i}`, 75),
    required: i % 3 !== 2,
  })),
});

export function inputFor(plan: Template, over: Partial<DeploymentInput> = {}): DeploymentInput {
  const roles = plan.approvals.map((a) => a.role);
  const people = [USERS.dev, USERS.qa, USERS.ops, USERS.po];
  return {
    service: 'checkout-api',
    version: '2.14.0',
    environment: 'production',
    type: 'release',
    templateId: plan.id,
    windowStart: T0,
    windowEnd: T0 + 120 * MIN,
    deployerId: USERS.deployer,
    approvers: Object.fromEntries(roles.map((r, i) => [r, [people[i % people.length]!]])),
    channelId: 'C0DEPLOYS01',
    announceChannelId: null,
    branch: 'release/2.14',
    changes: ['Retry failed card captures', 'Faster cart totals', 'New fraud rules'],
    tickets: [
      { key: 'PAY-123', description: 'Retry failed card captures' },
      { key: 'PAY-130', description: 'Cart totals' },
    ],
    ...over,
  };
}

export function created(plan: Template, over: Partial<DeploymentInput> = {}, id = 12): Deployment {
  const e = createdEvent(inputFor(plan, over), plan);
  return initialState(id, { ...e, actor: USERS.deployer, at: T0 - 60 * MIN });
}

export type Step = [event: DeploymentEvent, actor?: string, at?: number];

/** Applies events; each happens one minute after the previous one unless given a time. */
export function play(d: Deployment, ...steps: Step[]): Deployment {
  let at = T0;
  return steps.reduce((s, [event, actor = USERS.deployer, when]) => {
    at = when ?? at + MIN;
    return applyEvent(s, { ...event, actor, at });
  }, d);
}

const Q = (c: string, n: number) => c.repeat(n);
export const LONG_URL = `https://ci.example.com/run/${'a1b2'.repeat(240)}`.slice(0, 1000);

/** Every item confirmed with the longest evidence, every approval in, every phase done late. */
export function worstDone(plan: Template, evidence: 'url' | 'text' = 'text'): Deployment {
  const d = created(plan, {
    service: Q('&', 80),
    version: Q('"', 64),
    branch: Q('<', 200),
    changes: Array(50).fill(Q('&', 500)),
    tickets: Array(50).fill({ key: Q('&', 40), description: Q('"', 300) }),
  });
  const steps: Step[] = [];
  for (const a of plan.approvals) steps.push([{ type: 'approved', role: a.role }, d.approvers[a.role]?.[0]]);
  for (const phase of plan.phases)
    steps.push(
      [{ type: 'phase_started', phaseId: phase.id }],
      [{ type: 'phase_completed', phaseId: phase.id }, USERS.deployer, T0 + 365 * 24 * 60 * MIN],
    );
  for (const p of planItems(plan)) {
    const ev = p.item.evidence?.kind === 'url' && evidence === 'url' ? LONG_URL : Q('"', 1000);
    steps.push([{ type: 'item_confirmed', key: p.key, evidence: ev }]);
  }
  return play(d, ...steps);
}

/** Every phase running, every step failed with the longest note, every role rejected, gates overridden. */
export function worstFailed(plan: Template): Deployment {
  const d = created(plan, { service: HOSTILE, version: Q('&', 64) });
  const steps: Step[] = [];
  for (const a of plan.approvals)
    steps.push([{ type: 'rejected', role: a.role, reason: Q('&', 1000) }, d.approvers[a.role]?.[0]]);
  for (const gate of ['start', 'complete'] as const) {
    steps.push([{ type: 'gate_overridden', gate, reason: Q('"', 1000), missing: Array(60).fill(Q('<', 500)) }]);
  }
  for (const phase of plan.phases) steps.push([{ type: 'phase_started', phaseId: phase.id }]);
  for (const p of planItems(plan).filter((x) => x.stage === 'phase'))
    steps.push([{ type: 'item_failed', key: p.key, note: Q('"', 1000) }]);
  return play(d, ...steps);
}

/** "Now" long after every planned window: durations and overruns at their longest. */
export const LATE = T0 + 3 * 365 * 24 * 60 * MIN;

/** Every state a test of the limits should see, for one plan. */
export function statesOf(plan: Template): Array<[name: string, d: Deployment, now: number]> {
  return [
    ['empty', created(plan), T0],
    ['every item done, long text evidence', worstDone(plan, 'text'), LATE],
    ['every item done, long link evidence', worstDone(plan, 'url'), LATE],
    ['every step failed, every role rejected, gates overridden', worstFailed(plan), LATE],
    ['cancelled', play(worstFailed(plan), [{ type: 'cancelled', reason: '"'.repeat(1000) }]), LATE],
    ['completed', play(worstDone(plan), [{ type: 'completed' }]), LATE],
  ];
}

/** The templates Liftoff ships (data/templates), as the app loads them. */
export const builtInTemplates: Template[] = [...loadTemplates(BUILT_IN_TEMPLATES_DIR).values()].map((l) => l.template);

/** Every template the limit tests run on: shipped, realistic and huge. */
export const allTemplates: Array<[name: string, plan: Template]> = [
  ...builtInTemplates.map((t): [string, Template] => [`built-in ${t.id}`, t]),
  ['realistic', realisticTemplate],
  ['huge', hugeTemplate],
];
