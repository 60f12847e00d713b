import { describe, expect, it } from 'vitest';
import {
  parseDeploymentInput,
  parseTickets,
  type InputContext,
  type RawDeploymentInput,
} from '../../src/core/deployment/input.js';
import { HOUR, T0, template, USERS } from './fixtures.js';

const ctx = (over: Partial<InputContext> = {}): InputContext => ({
  now: T0,
  roles: template.approvals.map(({ role, label, required }) => ({ role, label, required })),
  templateIds: [template.id, 'hotfix'],
  deployerMayApprove: false,
  ...over,
});

const raw = (over: Partial<RawDeploymentInput> = {}): RawDeploymentInput => ({
  service: 'web',
  version: '2.4.0',
  environment: 'production',
  type: 'release',
  templateId: template.id,
  windowStart: T0 + HOUR,
  windowEnd: T0 + 3 * HOUR,
  deployerId: USERS.deployer,
  approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.qa], ops_lead: [USERS.ops] },
  channelId: 'C0DEPLOYS01',
  announceChannelId: null,
  branch: 'release/2.4',
  changes: '- Faster checkout\n* New logo\n\n• Fewer bugs',
  tickets: '#WEB-1: Faster checkout\nweb-2',
  ...over,
});

function errorsOf(over: Partial<RawDeploymentInput>, c: Partial<InputContext> = {}) {
  const result = parseDeploymentInput(raw(over), ctx(c));
  if (result.ok) throw new Error('expected the input to be refused');
  return result.errors;
}

describe('parseDeploymentInput', () => {
  it('accepts a complete form and normalises it', () => {
    const result = parseDeploymentInput(raw(), ctx());
    expect(result).toEqual({
      ok: true,
      input: {
        service: 'web',
        version: '2.4.0',
        environment: 'production',
        type: 'release',
        templateId: template.id,
        windowStart: T0 + HOUR,
        windowEnd: T0 + 3 * HOUR,
        deployerId: USERS.deployer,
        approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.qa], ops_lead: [USERS.ops] },
        channelId: 'C0DEPLOYS01',
        announceChannelId: null,
        branch: 'release/2.4',
        changes: ['Faster checkout', 'New logo', 'Fewer bugs'],
        tickets: [
          { key: 'WEB-1', description: 'Faster checkout' },
          { key: 'WEB-2', description: '' },
        ],
      },
    });
  });

  it('refuses an empty version, also when it is only whitespace or control characters', () => {
    expect(errorsOf({ version: '' })).toEqual({ version: 'Version is required' });
    expect(errorsOf({ version: '  \u0000\u200b ' })).toEqual({ version: 'Version is required' });
  });

  it('refuses a service that is too long', () => {
    expect(errorsOf({ service: 'x'.repeat(81) })).toEqual({ service: 'Service must be at most 80 characters' });
  });

  it('strips control characters from what it keeps', () => {
    const result = parseDeploymentInput(
      raw({ service: ' w\u0000eb\u202e ', version: '2.4\u0007.0', branch: 'main\u001b', changes: 'fix\u200b it' }),
      ctx(),
    );
    expect(result.ok && result.input).toMatchObject({
      service: 'web',
      version: '2.4.0',
      branch: 'main',
      changes: ['fix it'],
    });
  });

  it('turns a blank branch into null and no changes into an empty list', () => {
    const result = parseDeploymentInput(raw({ branch: '   ', changes: null, tickets: undefined }), ctx());
    expect(result.ok && result.input).toMatchObject({ branch: null, changes: [], tickets: [] });
  });

  it('refuses a window that ends before (or when) it starts', () => {
    expect(errorsOf({ windowEnd: T0 + HOUR - 1 })).toEqual({ windowEnd: 'the window must end after it starts' });
    expect(errorsOf({ windowEnd: T0 + HOUR })).toEqual({ windowEnd: 'the window must end after it starts' });
  });

  it('refuses a window longer than 7 days, and one that has already ended', () => {
    expect(errorsOf({ windowEnd: T0 + HOUR + 7 * 24 * HOUR + 1 })).toEqual({
      windowEnd: 'a window can last at most 7 days',
    });
    expect(errorsOf({ windowStart: T0 - 3 * HOUR, windowEnd: T0 - HOUR })).toEqual({
      windowEnd: 'the window has already ended',
    });
  });

  it('accepts a window that has started but not ended', () => {
    expect(parseDeploymentInput(raw({ windowStart: T0 - HOUR, windowEnd: T0 + HOUR }), ctx()).ok).toBe(true);
  });

  it('refuses a template that is not offered', () => {
    expect(errorsOf({ templateId: 'unknown' })).toEqual({ templateId: 'choose one of the listed templates' });
    expect(errorsOf({ templateId: '' })).toEqual({ templateId: 'choose a template' });
  });

  it('refuses an unknown environment or type with a plain message', () => {
    expect(errorsOf({ environment: 'moon' as never })).toEqual({ environment: 'choose an environment' });
    expect(errorsOf({ type: 'yolo' as never })).toEqual({ type: 'choose a deployment type' });
  });

  it('refuses ids that are not Slack users or channels', () => {
    expect(errorsOf({ deployerId: 'bob' })).toEqual({ deployerId: 'pick a person' });
    expect(errorsOf({ channelId: 'general' })).toEqual({ channelId: 'pick a channel' });
    expect(errorsOf({ approvers: { dev_lead: ['<@U1>'], qa_lead: [USERS.qa], ops_lead: [USERS.ops] } })).toEqual({
      'approver:dev_lead': 'pick a person',
    });
  });

  it('requires someone for every required role, but not for the optional product owner', () => {
    expect(errorsOf({ approvers: { dev_lead: [USERS.dev], qa_lead: [] } })).toEqual({
      'approver:qa_lead': 'name the QA Lead',
      'approver:ops_lead': 'name the Ops Lead',
    });
  });

  it('keeps only roles with someone named, without duplicates', () => {
    const result = parseDeploymentInput(
      raw({
        approvers: { dev_lead: [USERS.dev, USERS.dev], qa_lead: [USERS.qa], ops_lead: [USERS.ops], product_owner: [] },
      }),
      ctx(),
    );
    expect(result.ok && result.input.approvers).toEqual({
      dev_lead: [USERS.dev],
      qa_lead: [USERS.qa],
      ops_lead: [USERS.ops],
    });
  });

  it('refuses the same person for two roles, on the second role', () => {
    expect(errorsOf({ approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.dev], ops_lead: [USERS.ops] } })).toEqual({
      'approver:qa_lead': 'already named as Dev Lead: one person signs for one role',
    });
  });

  it('refuses the deployer as an approver unless the policy allows it', () => {
    const approvers = { dev_lead: [USERS.deployer], qa_lead: [USERS.qa], ops_lead: [USERS.ops] };
    expect(errorsOf({ approvers })).toEqual({
      'approver:dev_lead': 'the deployer cannot approve their own deployment',
    });
    expect(parseDeploymentInput(raw({ approvers }), ctx({ deployerMayApprove: true })).ok).toBe(true);
  });

  it('drops the deployer from a list of several candidates (a user group) instead of refusing the form', () => {
    const result = parseDeploymentInput(
      raw({ approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.qa, USERS.deployer], ops_lead: [USERS.ops] } }),
      ctx(),
    );
    expect(result.ok && result.input.approvers.qa_lead).toEqual([USERS.qa]);
    // Where the deployer may approve, they stay a candidate.
    const allowed = parseDeploymentInput(
      raw({ approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.qa, USERS.deployer], ops_lead: [USERS.ops] } }),
      ctx({ deployerMayApprove: true }),
    );
    expect(allowed.ok && allowed.input.approvers.qa_lead).toEqual([USERS.qa, USERS.deployer]);
  });

  it('lets one person be a candidate for two roles when each role keeps someone of its own', () => {
    const approvers = {
      dev_lead: [USERS.dev, USERS.qa],
      qa_lead: [USERS.qa, USERS.dev],
      ops_lead: [USERS.ops, USERS.dev],
    };
    const result = parseDeploymentInput(raw({ approvers }), ctx());
    expect(result.ok && result.input.approvers).toEqual(approvers);
    // One candidate for a role, also among another role's: the other role still has someone.
    expect(
      parseDeploymentInput(
        raw({ approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.dev, USERS.qa], ops_lead: [USERS.ops] } }),
        ctx(),
      ).ok,
    ).toBe(true);
  });

  it('refuses roles that cannot all be signed by different people', () => {
    expect(
      errorsOf({
        approvers: { dev_lead: [USERS.dev, USERS.qa], qa_lead: [USERS.qa, USERS.dev], ops_lead: [USERS.dev, USERS.qa] },
      }),
    ).toEqual({
      'approver:ops_lead': 'already named as Dev Lead and QA Lead: one person signs for one role',
    });
  });

  it('still refuses the deployer picked alone for a role (also a group whose only member is the deployer)', () => {
    expect(
      errorsOf({
        approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.deployer, USERS.deployer], ops_lead: [USERS.ops] },
      }),
    ).toEqual({
      'approver:qa_lead': 'the deployer cannot approve their own deployment',
    });
  });

  it('names the configured user group when a role is empty because the group has no members Slack knows of', () => {
    expect(
      errorsOf(
        { approvers: { dev_lead: [USERS.dev], qa_lead: [], ops_lead: [USERS.ops] } },
        { emptyGroups: { qa_lead: ['@qa'] } },
      ),
    ).toEqual({
      'approver:qa_lead': 'the user group @qa has no members Slack knows of',
    });
    // An optional role the team configured a group for is wanted too.
    expect(
      errorsOf(
        { approvers: { dev_lead: [USERS.dev], qa_lead: [USERS.qa], ops_lead: [USERS.ops] } },
        { emptyGroups: { product_owner: ['@po', 'S0EMPTY01'] } },
      ),
    ).toEqual({
      'approver:product_owner': 'the user groups @po, S0EMPTY01 have no members Slack knows of',
    });
    // Someone picked in the form fills the role anyway.
    expect(parseDeploymentInput(raw(), ctx({ emptyGroups: { qa_lead: ['@qa'] } })).ok).toBe(true);
  });

  it('refuses a bad ticket line, naming it', () => {
    expect(errorsOf({ tickets: 'WEB-1: ok\nfix the thing' })).toEqual({
      tickets: 'line 2 (“fix the thing”) is not like “#TICKET-1: description”',
    });
  });

  it('reports shape problems first; once the shape is right, every rule problem at once, each under its own field', () => {
    const errors = errorsOf({ version: '', windowEnd: T0 + HOUR, templateId: 'nope', tickets: 'nope' });
    expect(Object.keys(errors).sort()).toEqual(['version']);
    const later = errorsOf({ windowEnd: T0 + HOUR, templateId: 'nope', tickets: 'nope' });
    expect(Object.keys(later).sort()).toEqual(['templateId', 'tickets', 'windowEnd']);
  });
});

describe('parseDeploymentInput: communication timings', () => {
  const offered = {
    announcementHoursBefore: 24,
    reminderHoursBefore: 1,
    progressEveryMinutes: 30,
    monitoringMinutes: 60,
  };

  it('stores what the form offered when the fields are left blank, and what was typed instead', () => {
    const blank = parseDeploymentInput(
      raw({ timings: { announcementHoursBefore: '', reminderHoursBefore: null } }),
      ctx({ offeredTimings: offered }),
    );
    expect(blank.ok && blank.input.timings).toEqual(offered);
    const typed = parseDeploymentInput(
      raw({
        timings: {
          announcementHoursBefore: ' 48 ',
          reminderHoursBefore: '0,5',
          progressEveryMinutes: '15',
          monitoringMinutes: '0',
        },
      }),
      ctx({ offeredTimings: offered }),
    );
    expect(typed.ok && typed.input.timings).toEqual({
      announcementHoursBefore: 48,
      reminderHoursBefore: 0.5,
      progressEveryMinutes: 15,
      monitoringMinutes: 0,
    });
  });

  it('stores no timings when the form offered none and none were typed', () => {
    const result = parseDeploymentInput(raw(), ctx());
    expect(result.ok && 'timings' in result.input).toBe(false);
  });

  it('refuses numbers out of bounds or that are not numbers, each under its field', () => {
    expect(
      errorsOf(
        {
          timings: {
            announcementHoursBefore: '0',
            reminderHoursBefore: 'soon',
            progressEveryMinutes: '7.5',
            monitoringMinutes: '-1',
          },
        },
        { offeredTimings: offered },
      ),
    ).toEqual({
      'timing:announcementHoursBefore': 'more than 0 hours',
      'timing:reminderHoursBefore': 'enter a number of hours, like 24',
      'timing:progressEveryMinutes': 'a whole number of minutes',
      'timing:monitoringMinutes': 'at least 0 minutes',
    });
    expect(
      errorsOf({ timings: { announcementHoursBefore: '2881', progressEveryMinutes: '0', monitoringMinutes: '20161' } }),
    ).toEqual({
      'timing:announcementHoursBefore': 'at most 2880 hours (120 days)',
      'timing:progressEveryMinutes': 'at least 1 minute',
      'timing:monitoringMinutes': 'at most 20160 minutes',
    });
    expect(errorsOf({ timings: { reminderHoursBefore: '1e3' } })).toEqual({
      'timing:reminderHoursBefore': 'enter a number of hours, like 24',
    });
  });

  it('reports timing mistakes together with the other fields', () => {
    expect(Object.keys(errorsOf({ version: '', timings: { progressEveryMinutes: 'x' } })).sort()).toEqual([
      'timing:progressEveryMinutes',
      'version',
    ]);
  });
});

describe('parseTickets', () => {
  it('reads "#KEY-1: description", "KEY-1" and lowercase keys', () => {
    expect(parseTickets('#WEB-1: Faster checkout\n  ops_2-33 :  disk  \nabc-4')).toEqual({
      tickets: [
        { key: 'WEB-1', description: 'Faster checkout' },
        { key: 'OPS_2-33', description: 'disk' },
        { key: 'ABC-4', description: '' },
      ],
    });
  });

  it('skips blank lines and reads nothing from nothing', () => {
    expect(parseTickets('\n\n  \n')).toEqual({ tickets: [] });
    expect(parseTickets(null)).toEqual({ tickets: [] });
    expect(parseTickets(undefined)).toEqual({ tickets: [] });
  });

  it('refuses lines without a KEY-number, or with text but no colon', () => {
    for (const bad of ['WEB: x', '1-2: x', 'WEB-x', 'WEB-1 fix it', 'https://jira/WEB-1', '#-1']) {
      expect(parseTickets(bad), bad).toHaveProperty('error');
    }
    expect(parseTickets('ok-1\n\nbad')).toEqual({ error: 'line 2 (“bad”) is not like “#TICKET-1: description”' });
  });

  it('cuts descriptions to 300 characters and the quoted bad line to 40', () => {
    const result = parseTickets(`WEB-1: ${'d'.repeat(400)}`);
    expect('tickets' in result && result.tickets[0]!.description).toHaveLength(300);
    expect(parseTickets('x'.repeat(100))).toEqual({
      error: `line 1 (“${'x'.repeat(40)}”) is not like “#TICKET-1: description”`,
    });
  });

  it('allows at most 50 tickets', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `WEB-${i + 1}`).join('\n');
    expect(parseTickets(lines(50))).toHaveProperty('tickets');
    expect(parseTickets(lines(51))).toEqual({ error: 'at most 50 tickets' });
  });

  it('strips control characters from ticket lines', () => {
    expect(parseTickets('WEB-1: a\u0000b\u202ec')).toEqual({ tickets: [{ key: 'WEB-1', description: 'abc' }] });
  });
});
