import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/core/schedule/jobs.js';
import { DEFAULT_TIMINGS } from '../../src/core/schedule/index.js';
import { renderNotice } from '../../src/slack/views/notices/index.js';
import { created, MIN, realisticTemplate, T0 } from './fixtures.js';
import { allTextOf } from './helpers.js';

const render = (
  kind: 'announcement' | 'reminder' | 'start',
  target: Target,
  announceChannelId: string | null = null,
  now = T0 - 30 * MIN,
) =>
  allTextOf(
    renderNotice({
      job: { kind, dueAt: now, payload: { target } },
      d: created(realisticTemplate, { announceChannelId }),
      events: [],
      now,
      timings: DEFAULT_TIMINGS,
    }).blocks,
  );

describe('where a notice points', () => {
  it('a copy in the announcement or ops channel points to the thread in the deploy channel', () => {
    expect(render('announcement', 'announce', 'C0ANNOUNCE1')).toContain('Follow it in the thread in <#C0DEPLOYS01>.');
    expect(render('announcement', 'ops')).toContain('Follow it in the thread in <#C0DEPLOYS01>.');
  });

  it('without an announcement channel the copy is a reply in that thread (shown in the channel): it points nowhere', () => {
    // The notice itself is drawn (a blank one would point nowhere too), only without the pointer.
    const announcement = render('announcement', 'announce');
    const reminder = render('reminder', 'announce');
    expect(announcement).toContain('📣 *Upcoming deployment*');
    expect(reminder).toContain('⏰ *Starting soon*');
    expect(announcement).not.toContain('Follow it in');
    expect(reminder).not.toContain('Follow it in');
  });
});

describe('notice wording', () => {
  it('the reminder counts what is open in words, not "thing(s)"', () => {
    expect(render('reminder', 'announce')).toMatch(/⏳ \d+ things still open before it can start\./);
  });

  it('the start notice shows the window once: how far into it, not its end a second time', () => {
    const text = render('start', 'announce', 'C0ANNOUNCE1', T0 + 10 * MIN);
    expect(text).toContain('10 min into the window, 1 h 50 min left');
    expect(text).not.toContain('(ends');
  });
});
