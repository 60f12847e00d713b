import { describe, expect, it } from 'vitest';
import { cleanText, escapeMrkdwn, truncate } from '../../src/core/text.js';

/** True when every surrogate in `s` is half of a pair: text Slack can show. */
const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe('truncate, on text beyond plain ASCII', () => {
  it('never cuts an emoji (a surrogate pair) in half', () => {
    const out = truncate('🚀🚀🚀', 2);
    expect(wellFormed(out)).toBe(true);
    expect(out).toBe('…');
    expect(truncate('go 🚀 now', 5)).toBe('go …');
  });

  it('stays within max for every cut of a mixed string', () => {
    const text = 'Déploiement 🚀 de la version 2.4 ✅ terminé 👍🏽';
    for (let max = 1; max <= text.length + 1; max++) {
      const out = truncate(text, max);
      expect(out.length, `max ${max}`).toBeLessThanOrEqual(max);
      expect(wellFormed(out), `max ${max}`).toBe(true);
    }
  });

  it('keeps text that fits untouched, emoji included', () => {
    expect(truncate('ok 👍', 5)).toBe('ok 👍');
    expect(truncate('ok 👍', 4)).toBe('ok …');
  });
});

describe('cleanText, on characters that hide or reorder text', () => {
  it('strips the C1 control characters too (U+0080–U+009F), such as the 8-bit escape CSI', () => {
    expect(cleanText('a\u0085b\u009b31mc\u0080d\u009fe')).toBe('ab31mcde');
  });

  it('strips invisible word joiners and byte-order marks', () => {
    expect(cleanText('\ufeffweb\u2060-api')).toBe('web-api');
  });

  it('keeps letters with accents, other scripts and emoji', () => {
    expect(cleanText('Über-Déploiement 東京 🚀')).toBe('Über-Déploiement 東京 🚀');
  });
});

describe('escapeMrkdwn after cleanText: the way user text reaches Slack', () => {
  it('leaves nothing that could mention, link or reorder', () => {
    const hostile = '\u202e<!here>\u200b<@U0DEPLOYER1|boss> <https://evil.example|bank.example> & <#C123>';
    const out = escapeMrkdwn(cleanText(hostile));
    expect(out).toBe(
      '&lt;!here&gt;&lt;@U0DEPLOYER1|boss&gt; &lt;https://evil.example|bank.example&gt; &amp; &lt;#C123&gt;',
    );
  });
});
