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
const report = (target: 'thread' | 'announce') =>
  renderNotice({
    job: { kind: 'summary', dueAt: LATE, payload: { target } },
    d,
    events,
    now: LATE,
    timings: DEFAULT_TIMINGS,
  });

describe('the summary report of a long deployment', () => {
  it('stays within the Block Kit limits in both copies', () => {
    for (const target of ['thread', 'announce'] as const) {
      const n = report(target);
      expect(validateMessageBlocks(n.blocks, n.text)).toEqual([]);
    }
  });

  it('says where the rest of the timeline is: the checklists above in the thread, the thread in the announcement channel', () => {
    expect(mrkdwnOf(report('thread').blocks)).toMatch(
      /_and \d+ more: each checklist message above shows who confirmed what, and when_/,
    );
    expect(mrkdwnOf(report('announce').blocks)).toMatch(/_and \d+ more in the deployment's thread_/);
    expect(mrkdwnOf(report('thread').blocks)).not.toContain('more in the thread_');
  });
});
