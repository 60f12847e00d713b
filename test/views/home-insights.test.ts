import { describe, expect, it } from 'vitest';
import type { HistoryPage } from '../../src/core/deployment/history.js';
import { deliveryStats } from '../../src/core/deployment/stats.js';
import type { Waiting } from '../../src/core/deployment/waiting.js';
import { divider } from '../../src/slack/views/blocks.js';
import { historyBlocks } from '../../src/slack/views/history.js';
import { homeStatsBlocks } from '../../src/slack/views/home-insights.js';
import { homeView } from '../../src/slack/views/home.js';
import { homeWithHidden } from '../../src/slack/views/private.js';
import { validateView } from '../support/block-kit-rules.js';
import { HOSTILE, hugeTemplate, LATE, realisticTemplate as plan, worstFailed } from './fixtures.js';
import { mrkdwnOf } from './helpers.js';

const LINK = `https://acme.slack.com/archives/C1/p1${'9'.repeat(400)}`;

describe('App Home: history and delivery stats', () => {
  it('stay within Home’s limits with many of everything, the list giving up the blocks they take', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      d: { ...worstFailed(i % 2 ? hugeTemplate : plan), id: i + 1 },
      link: `${LINK}${i}`,
    }));
    const waiting: Waiting = {
      approvals: many.map(({ d }) => ({ d, role: 'r', label: HOSTILE.repeat(10) })),
      deployments: many.map(({ d }) => ({ d, need: { kind: 'phase_running', phase: '&'.repeat(300) } })),
    };
    const links = new Map(many.map((i) => [i.d.id, i.link]));
    const page: HistoryPage = {
      filter: {},
      page: 50,
      pages: 100,
      total: 1000,
      deployments: many.slice(0, 10).map((i) => i.d),
    };
    const ds = many.map((i) => i.d);
    const stats = {
      team: deliveryStats(ds, 30, LATE),
      mine: { services: Array.from({ length: 40 }, () => HOSTILE.repeat(5)), stats: deliveryStats(ds, 30, LATE) },
    };
    const insights = [...historyBlocks(page, links, 'home'), divider(), ...homeStatsBlocks(stats)];
    const home = homeWithHidden(
      homeView(many, LATE, waiting, links, insights),
      Array.from({ length: 500 }, (_, i) => `DEP-${i}`),
    );
    expect(validateView(home)).toEqual([]);
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    const text = mrkdwnOf(home.blocks);
    expect(text).toContain('Page 50 of 100');
    expect(text).toContain('*Your services*');
    expect(text).toContain('_and 35 more_');
    expect(text).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil/);
  });
});
