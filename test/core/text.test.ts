import { describe, expect, it } from 'vitest';
import { cleanText, escapeMrkdwn, safeUrl, truncate } from '../../src/core/text.js';

describe('escapeMrkdwn', () => {
  it('makes a channel-wide ping inert', () => {
    expect(escapeMrkdwn('<!channel> deploy now')).toBe('&lt;!channel&gt; deploy now');
  });

  it('makes a user mention inert', () => {
    expect(escapeMrkdwn('ask <@U123>')).toBe('ask &lt;@U123&gt;');
  });

  it('makes a relabelled link inert', () => {
    expect(escapeMrkdwn('<https://evil|bank>')).toBe('&lt;https://evil|bank&gt;');
  });

  it('escapes & first, so an already escaped entity is shown as typed', () => {
    expect(escapeMrkdwn('R&D')).toBe('R&amp;D');
    expect(escapeMrkdwn('&lt;!here&gt;')).toBe('&amp;lt;!here&amp;gt;');
  });

  it('leaves no raw < or > in anything', () => {
    const out = escapeMrkdwn('<<!everyone>> <#C123|general> a > b < c');
    expect(out).not.toMatch(/[<>]/);
  });

  it('leaves ordinary text and mrkdwn formatting alone', () => {
    expect(escapeMrkdwn('*bold* _it_ `code` ~x~')).toBe('*bold* _it_ `code` ~x~');
  });
});

describe('cleanText', () => {
  it('strips control characters, zero-width and bidi overrides but keeps newlines and tabs', () => {
    expect(cleanText('a\u0000b\u0007c\u001b[31md\u007f')).toBe('abc[31md');
    expect(cleanText('pay\u202eusd.exe')).toBe('payusd.exe');
    expect(cleanText('zero\u200bwidth\u2066x\u2069')).toBe('zerowidthx');
    expect(cleanText('line 1\nline 2\tcol')).toBe('line 1\nline 2\tcol');
  });

  it('trims surrounding whitespace', () => {
    expect(cleanText('  \n hello \t ')).toBe('hello');
    expect(cleanText('\u0000  \u0001')).toBe('');
  });
});

describe('truncate', () => {
  it('keeps text that fits', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('cuts longer text to exactly max characters, ending in an ellipsis', () => {
    const out = truncate('abcdefgh', 5);
    expect(out).toBe('abcd…');
    expect(out).toHaveLength(5);
  });
});

describe('safeUrl', () => {
  it('accepts http and https links', () => {
    expect(safeUrl(' https://ci.example.com/run/1 ')).toBe('https://ci.example.com/run/1');
    expect(safeUrl('http://example.com')).toBe('http://example.com/');
  });

  it('refuses other schemes and non-URLs', () => {
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      'ftp://x.com/f',
      'slack://open',
      'not a url',
      '',
      'https://evil|bank',
    ]) {
      expect(safeUrl(bad), bad).toBeNull();
    }
  });

  it('percent-encodes < and > (the caller still has to deal with "|" inside a link)', () => {
    expect(safeUrl('https://x.com/a<b>')).toBe('https://x.com/a%3Cb%3E');
    expect(safeUrl('https://good.com/|label')).toBe('https://good.com/|label');
  });
});
