import { describe, expect, it } from 'vitest';
import { modalErrors, plainModalError } from '../../src/slack/views/modal-errors.js';

describe('field errors are plain text', () => {
  it('mentions, channels, links, dates and mrkdwn become readable plain text; entities are decoded', () => {
    expect(plainModalError('Only <@UDEVLEAD> can sign as *Development Lead* in <#C123|deploys>.')).toBe(
      'Only @UDEVLEAD can sign as Development Lead in #deploys.',
    );
    expect(
      plainModalError(
        'See <https://example.com/x|the runbook> before <!date^1700000000^{date}|Nov 14>; `a &lt; b &amp; c`',
      ),
    ).toBe('See the runbook before Nov 14; a < b & c');
    expect(plainModalError('<@U1|ann> and <!here>')).toBe('@ann and @here');
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
