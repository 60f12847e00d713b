import { describe, expect, it } from 'vitest';
import { modalErrors, plainModalError } from '../../src/slack/views/modal-errors.js';

describe('field errors are plain text', () => {
  it('mentions, channels, links, dates and mrkdwn become readable plain text; entities are decoded', () => {
    expect(plainModalError('Approved by <@UDEVLEAD> in <#C123|deploys>, not in <#C456>: *Development Lead*.')).toBe(
      'Approved by someone in #deploys, not in the channel: Development Lead.',
    );
    expect(
      plainModalError(
        'See <https://example.com/x|the runbook> before <!date^1700000000^{date}|Nov 14>; `a &lt; b &amp; c`',
      ),
    ).toBe('See the runbook before Nov 14; a < b & c');
    expect(plainModalError('<@U1|ann> and <!here>')).toBe('@ann and @here');
  });

  it('people are said by what they are, never by their ids', () => {
    expect(
      plainModalError('Only the named Dev Lead (<@U0DEV1>, <@U0DEV2> or <!subteam^S0QA|@qa>) can sign as Dev Lead.'),
    ).toBe('Only the named Dev Lead can sign as Dev Lead.');
    expect(
      plainModalError('Only the deployer, <@U0DEP1>, or an admin (<@U0ADM1>, <@U0ADM2> or …) can cancel DEP-3.'),
    ).toBe('Only the deployer or an admin can cancel DEP-3.');
    expect(plainModalError('DEP-3 is already rolling back (started by <@U0QA01>).')).toBe(
      'DEP-3 is already rolling back.',
    );
    expect(plainModalError('“Backup” was already confirmed (by <@U0QA01>).')).toBe('“Backup” was already confirmed.');
  });

  it('is shortened by whole characters, never inside an entity or a surrogate pair', () => {
    const cut = plainModalError(`${'x'.repeat(297)}&amp;&amp;`, 300);
    expect(cut).toBe(`${'x'.repeat(297)}&&`);
    const emoji = plainModalError('🚀'.repeat(400), 300);
    expect([...emoji]).toHaveLength(300);
    expect(emoji.endsWith('…')).toBe(true);
  });

  it('an error keyed to a block the view does not have goes to its first input block', () => {
    const blocks = [
      { type: 'section', block_id: 'intro' },
      { type: 'input', block_id: 'evidence' },
    ];
    expect(modalErrors({ reason: 'Out of *date*' }, blocks)).toEqual({ evidence: 'Out of date' });
    expect(modalErrors({ evidence: 'A', intro: 'B' }, blocks)).toEqual({ evidence: 'A B' });
  });
});
