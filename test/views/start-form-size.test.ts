import { describe, expect, it } from 'vitest';
import { MAX_APPROVAL_ROLES } from '../../src/core/template/schema.js';
import { validateTemplate } from '../../src/core/template/validate.js';
import { createCatalog } from '../../src/core/template/catalog.js';
import { startModal } from '../../src/slack/views/modals/index.js';
import { templatesMessage } from '../../src/slack/views/templates.js';
import { judgeMessage, judgeView } from '../support/block-kit-rules.js';
import { hugeTemplate, T0 } from './fixtures.js';

const roles = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    role: `role_${i}`,
    label: `${'Role '.repeat(14)}${i}`,
    required: i % 2 === 0,
  }));

describe('approval roles are capped so the start form stays under 100 blocks', () => {
  it(`a template with ${MAX_APPROVAL_ROLES} roles renders a start form Slack takes, with every optional field and timing shown`, () => {
    const template = { id: 'many', name: 'Many roles', roles: roles(MAX_APPROVAL_ROLES) };
    const view = startModal({
      templates: [template],
      templateId: 'many',
      prefill: {},
      deployerId: 'U1',
      channelId: 'C1',
      now: T0,
      errors: Array(20).fill('x'.repeat(500)),
      timings: {
        announcementHoursBefore: 2880,
        reminderHoursBefore: 0.5,
        progressEveryMinutes: 1440,
        monitoringMinutes: 20160,
      },
      fill: { deployChannelId: 'C2', location: 'channel', announceChannelId: 'C3' } as never,
    });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(judgeView(view)).toBeFalsy();
  });

  it('a template with more roles is refused, saying why (template check shows this problem)', () => {
    const raw = JSON.parse(JSON.stringify({ ...hugeTemplate, approvals: roles(MAX_APPROVAL_ROLES + 1) }));
    const result = validateTemplate(raw);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain(`at most ${MAX_APPROVAL_ROLES} approval roles`);
  });
});

describe('/deploy templates stays within one message however many templates there are', () => {
  it('45 templates with the most roles and longest names: as many as fit, then "and N more"', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      ...hugeTemplate,
      id: `huge-${i}`,
      name: `${'&'.repeat(70)}${i}`,
      approvals: roles(MAX_APPROVAL_ROLES),
    }));
    const answer = templatesMessage(createCatalog(many));
    expect(judgeMessage(answer.blocks, answer.text)).toBeFalsy();
    expect(JSON.stringify(answer.blocks)).toMatch(/and \d+ more/);
  });
});
