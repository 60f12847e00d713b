import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/core/deployment/events.js';
import { planItems } from '../../src/core/template/items.js';
import { DEFAULT_TIMINGS } from '../../src/core/schedule/index.js';
import { measure } from '../../src/slack/views/deployment/layout.js';
import type { Notice } from '../../src/slack/views/notices/index.js';
import { summaryReport } from '../../src/slack/views/notices/summary.js';
import { judgeMessage } from '../support/block-kit-rules.js';
import { hugeTemplate, LATE, T0, USERS, worstFailed } from './fixtures.js';
import { mrkdwnOf } from './helpers.js';

/** A notice's messages in the order they are posted. */
const messagesOf = (n: Notice) => [n, ...(n.more ?? [])];

describe('the summary report is measured, not counted', () => {
  // At its worst: every item confirmed, failed and undone, long texts, overrides.
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
  const messages = messagesOf(report);

  it('goes on in continuation messages, each under what Slack takes in one message', () => {
    expect(messages.length).toBeGreaterThan(2);
    for (const m of messages) {
      expect(measure(m.blocks as never).chars).toBeLessThanOrEqual(10_500);
      expect(m.blocks.length).toBeLessThanOrEqual(50);
      expect(judgeMessage(m.blocks, m.text)).toBeFalsy();
    }
    // The first says how many follow; each continuation says which it is, in order.
    expect(mrkdwnOf(report.blocks)).toContain(
      `Continued in the next ${messages.length - 1} messages (1/${messages.length})`,
    );
    messages.slice(1).forEach((m, i) => {
      expect(m.text).toBe(`📋 Summary report of ${d.ref}, continued (${i + 2}/${messages.length})`);
    });
  });

  it('loses nothing: every timeline line is there once, in order, and no list says "and N more"', () => {
    const all = messages.map((m) => mrkdwnOf(m.blocks)).join('\n');
    const lines = all.split('\n').filter((l) => / (confirmed|undid) “/.test(l));
    expect(lines).toHaveLength(events.length);
    expect(lines.filter((l) => l.includes(' confirmed “')).length).toBe(events.length / 2);
    // In the order they happened: line i names the item of event i.
    const items = events.map((e) => planItems(hugeTemplate).find((x) => x.key === (e as { key: string }).key)!);
    lines.forEach((line, i) => {
      expect(line.slice(line.indexOf('“') + 1)).toContain(items[i]!.item.text.slice(0, 20));
    });
    expect(all).not.toMatch(/and \d+ more/);
    expect(all).toContain('Report made');
  });
});
