import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/core/deployment/events.js';
import { planItems } from '../../src/core/template/items.js';
import { DEFAULT_TIMINGS } from '../../src/core/schedule/index.js';
import { measure } from '../../src/slack/views/deployment/layout.js';
import { summaryReport } from '../../src/slack/views/notices/summary.js';
import { judgeMessage } from '../support/block-kit-rules.js';
import { hugeTemplate, LATE, T0, USERS, worstFailed } from './fixtures.js';

describe('the summary report is measured, not counted', () => {
  it('at its worst (every item confirmed, failed and undone, long texts, overrides) its blocks stay under what Slack takes in one message', () => {
    const d = worstFailed(hugeTemplate);
    const events: RecordedEvent[] = planItems(hugeTemplate).flatMap((p, i) => [
      { type: 'item_confirmed', key: p.key, actor: USERS.qa, at: T0 + i * 60_000 },
      { type: 'item_undone', key: p.key, actor: USERS.qa, at: T0 + i * 60_000 + 1 },
    ]) as RecordedEvent[];
    const report = summaryReport({
      d,
      events,
      now: LATE,
      job: { kind: 'summary', dueAt: LATE, payload: { target: 'thread' } } as never,
      timings: DEFAULT_TIMINGS,
    });
    expect(measure(report.blocks as never).chars).toBeLessThanOrEqual(10_500);
    expect(judgeMessage(report.blocks, report.text)).toBeFalsy();
    // The timeline says how much more there is, and where.
    expect(JSON.stringify(report.blocks)).toMatch(/and \d+ more: each checklist message above/);
  });
});
