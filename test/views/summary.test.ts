import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/core/deployment/events.js';
import { DEFAULT_TIMINGS } from '../../src/core/schedule/index.js';
import { planItems } from '../../src/core/template/items.js';
import { renderNotice } from '../../src/slack/views/notices/index.js';
import { validateMessageBlocks } from '../support/block-kit-rules.js';
import { hugeTemplate, LATE, MIN, T0, USERS, worstDone } from './fixtures.js';
import { mrkdwnOf } from './helpers.js';

/** A timeline far longer than one message may hold: every item of the biggest template confirmed. */
const d = worstDone(hugeTemplate);
const events: RecordedEvent[] = planItems(hugeTemplate).map((p, i) => ({
  type: 'item_confirmed',
  key: p.key,
  actor: USERS.deployer,
  at: T0 + i * MIN,
}));
const report = (target: 'thread' | 'announce', kind: 'summary' | 'completion' = 'summary') =>
  renderNotice({
    job: { kind, dueAt: LATE, payload: { target } },
    d,
    events,
    now: LATE,
    timings: DEFAULT_TIMINGS,
  });

describe('the summary report of a long deployment', () => {
  it('stays within the Block Kit limits in both copies, each of its messages', () => {
    for (const target of ['thread', 'announce'] as const) {
      const n = report(target);
      for (const m of [n, ...(n.more ?? [])]) expect(validateMessageBlocks(m.blocks, m.text)).toEqual([]);
    }
  });

  it('a completion notice: whole in the thread (continued over several messages); elsewhere what fits, pointing to the thread', () => {
    const completion = (target: 'thread' | 'announce') => report(target, 'completion');
    const thread = completion('thread');
    const parts = [thread, ...(thread.more ?? [])];
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(validateMessageBlocks(part.blocks, part.text)).toEqual([]);
    const all = parts.map((part) => mrkdwnOf(part.blocks)).join('\n');
    expect(all.match(/ confirmed “/g)).toHaveLength(events.length);
    const announce = completion('announce');
    expect(announce.more).toBeUndefined();
    expect(validateMessageBlocks(announce.blocks, announce.text)).toEqual([]);
    // Stakeholders get the outcome, not the timeline: who confirmed what, and when, stays in the thread.
    expect(mrkdwnOf(announce.blocks)).toContain('*Phases*');
    expect(mrkdwnOf(announce.blocks)).not.toMatch(/ confirmed “/);
  });
});
