import { describe, expect, it } from 'vitest';
import type { Waiting } from '../../src/core/deployment/waiting.js';
import { homeView, needText, WAITING_MAX } from '../../src/slack/views/home.js';
import { validateView } from '../support/block-kit-rules.js';
import { created, HOSTILE, hugeTemplate, LATE, realisticTemplate as plan, T0, worstFailed } from './fixtures.js';
import { allTextOf, mrkdwnOf } from './helpers.js';

const LINK = 'https://acme.slack.com/archives/C1/p1';

describe('App Home: waiting for you', () => {
  it('lists the approvals waiting for the user with their role and a link to the thread', () => {
    const d = created(plan, {}, 7);
    const waiting: Waiting = { approvals: [{ d, role: 'qa_lead', label: 'QA Lead' }], deployments: [] };
    const text = mrkdwnOf(homeView([{ d, link: LINK }], T0, waiting).blocks);
    expect(text).toContain('*⏳ Waiting for you*');
    expect(text).toMatch(
      /<https:\/\/acme\.slack\.com\/archives\/C1\/p1\|DEP-7> · \*checkout-api 2\.14\.0\* → Production · .* — approve as \*QA Lead\*/,
    );
  });

  it('lists the deployer’s deployments with their status and what is expected of them', () => {
    const d = created(plan, {}, 8);
    const waiting: Waiting = { approvals: [], deployments: [{ d, need: { kind: 'start_gate', missing: 4 } }] };
    const text = mrkdwnOf(homeView([], T0, waiting, new Map([[8, LINK]])).blocks);
    expect(text).toContain('DEP-8>');
    expect(text).toContain('Scheduled — start gate closed, 4 things missing');
    expect(needText({ kind: 'start_gate', missing: 1 })).toContain('1 thing missing');
    expect(needText({ kind: 'phase_running', phase: HOSTILE })).not.toContain('<!channel>');
  });

  it('says so kindly when nothing is waiting; without a user it shows only the general list', () => {
    const text = allTextOf(homeView([], T0, { approvals: [], deployments: [] }).blocks);
    expect(text).toContain('Nothing is waiting for you right now.');
    expect(allTextOf(homeView([], T0).blocks)).not.toContain('Waiting for you');
  });

  it('escapes user text and never links an unsafe URL', () => {
    const d = created(plan, { service: HOSTILE }, 9);
    const waiting: Waiting = {
      approvals: [{ d, role: 'x', label: HOSTILE }],
      deployments: [{ d, need: { kind: 'next_phase', phase: HOSTILE } }],
    };
    const text = mrkdwnOf(homeView([], T0, waiting, new Map([[9, 'javascript:alert(1)']])).blocks);
    expect(text).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil/);
    expect(text).toContain('*DEP-9*');
  });

  it('stays within Home’s limits with many of everything, and says how many more', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      d: worstFailed(i % 2 ? hugeTemplate : plan),
      link: `${LINK}${'9'.repeat(400)}${i}`,
    }));
    const waiting: Waiting = {
      approvals: many.map(({ d }) => ({ d, role: 'r', label: HOSTILE.repeat(10) })),
      deployments: many.map(({ d }) => ({ d, need: { kind: 'phase_running', phase: '&'.repeat(300) } })),
    };
    const links = new Map(many.map((i) => [i.d.id, i.link]));
    const home = homeView(many, LATE, waiting, links);
    expect(validateView(home)).toEqual([]);
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    expect(mrkdwnOf(home.blocks).match(/_and \d+ more_/g)).toHaveLength(2);
    expect(validateView(homeView([], T0, { approvals: [], deployments: [] }))).toEqual([]);
    expect(WAITING_MAX).toBeLessThanOrEqual(20);
  });
});
