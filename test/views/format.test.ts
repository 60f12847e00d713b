import { describe, expect, it } from 'vitest';
import { clip, formatDuration, mention, progressBar, safeLink, slackDate } from '../../src/slack/views/format.js';

describe('format', () => {
  it('dates render in each reader’s zone, with a UTC fallback', () => {
    expect(slackDate(Date.UTC(2026, 10, 23, 9, 5, 30))).toBe(
      '<!date^1795424730^{date_short_pretty} {time}|2026-11-23 09:05 UTC>',
    );
    expect(slackDate(Date.UTC(2026, 10, 23, 9, 5), '{time}')).toBe('<!date^1795424700^{time}|2026-11-23 09:05 UTC>');
  });

  it.each([
    [20_000, '< 1 min'],
    [45 * 60_000, '45 min'],
    [65 * 60_000, '1 h 05 min'],
    [26 * 3_600_000, '26 h 00 min'],
  ])('formatDuration(%i) is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('mentions only real user ids', () => {
    expect(mention('U0ABC123')).toBe('<@U0ABC123>');
    expect(mention('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('draws progress', () => {
    expect(progressBar({ done: 12, total: 30, failed: 1, percent: 40, optionalDone: 1, optionalTotal: 4 })).toBe(
      '▰▰▰▰▱▱▱▱▱▱ 40% (12/30 required · optional 1/4) · 1 failed',
    );
  });

  it('says how many required items a deployment completed through an override left unconfirmed', () => {
    expect(progressBar({ done: 19, total: 46, failed: 0, percent: 100, optionalDone: 0, optionalTotal: 0 })).toBe(
      '▰▰▰▰▰▰▰▰▰▰ 100% (19/46 required) · 27 left unconfirmed',
    );
    expect(progressBar({ done: 46, total: 46, failed: 0, percent: 100, optionalDone: 0, optionalTotal: 0 })).toBe(
      '▰▰▰▰▰▰▰▰▰▰ 100% (46/46 required)',
    );
  });

  it('clips escaped text without breaking an entity', () => {
    expect(clip('a & b', 100)).toBe('a &amp; b');
    expect(clip('&&&&', 12)).toBe('&amp;&amp;…');
    expect(clip('x'.repeat(10), 5)).toBe('xxxx…');
  });

  it('links only http(s) URLs, and nothing in them can relabel the link', () => {
    expect(safeLink('https://ci.example.com/run/1?a=1&b=2')).toBe(
      '<https://ci.example.com/run/1?a=1&amp;b=2|ci.example.com/run/1?a=1&amp;b=2>',
    );
    expect(safeLink('javascript:alert(1)')).toBeNull();
    expect(safeLink('not a url')).toBeNull();
    expect(safeLink('https://a.example/x|bank')).toBe('<https://a.example/x%7Cbank|a.example/x%7Cbank>');
    expect(safeLink(`https://a.example/${'x'.repeat(700)}`)).toBeNull();
  });
});
