import { describe, expect, it } from 'vitest';
import { checkEvidenceLink, hostAllowed } from '../../src/core/deployment/evidence.js';
import { hostFirst, safeLink } from '../../src/slack/views/format.js';

describe('checkEvidenceLink', () => {
  it('accepts https links, normalised', () => {
    expect(checkEvidenceLink(' https://Grafana.example.com/d/1 ')).toEqual({
      ok: true,
      url: 'https://grafana.example.com/d/1',
    });
  });

  it.each(['not a link', 'javascript:alert(1)', 'ftp://files.example.com/x', 'slack://open'])('refuses %s', (raw) => {
    expect(checkEvidenceLink(raw)).toEqual({ ok: false, error: 'Paste a link starting with https://' });
  });

  it('refuses a user name or password before the host', () => {
    expect(checkEvidenceLink('https://grafana.example.com@evil.example/d/1')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/before "@"/),
    });
    expect(checkEvidenceLink('https://u:p@grafana.example.com/')).toMatchObject({ ok: false });
  });

  it('accepts http only for listed hosts, exactly or by "*." subdomain', () => {
    const hosts = ['grafana.internal', '*.ci.corp'];
    expect(checkEvidenceLink('http://grafana.internal:3000/d', hosts)).toEqual({
      ok: true,
      url: 'http://grafana.internal:3000/d',
    });
    expect(checkEvidenceLink('http://build.ci.corp/1', hosts)).toMatchObject({ ok: true });
    expect(checkEvidenceLink('http://ci.corp/1', hosts)).toMatchObject({ ok: false });
    expect(checkEvidenceLink('http://grafana.internal.evil.example/d', hosts)).toMatchObject({ ok: false });
    expect(checkEvidenceLink('http://evilci.corp/1', hosts)).toMatchObject({ ok: false });
  });

  it('hostAllowed ignores case', () => {
    expect(hostAllowed('Grafana.Internal', ['grafana.internal'])).toBe(true);
  });
});

describe('links read host first', () => {
  it('a user name before the host never shows; the real host does', () => {
    const link = safeLink(`https://grafana.example.com${'.x'.repeat(60)}@evil.example/d/1`)!;
    expect(link.split('|')[1]).toBe('evil.example/d/1>');
  });

  it('a very long host shows its end, where the owner is, and the label stays short', () => {
    const label = hostFirst(new URL(`https://${'a.'.repeat(100)}evil.example/path`));
    expect(label.startsWith('…')).toBe(true);
    expect(label).toContain('evil.example/path');
    expect(label.length).toBeLessThanOrEqual(80);
  });

  it('a long path is shortened after the host', () => {
    expect(hostFirst(new URL(`https://grafana.example.com/d/${'x'.repeat(200)}`))).toMatch(
      /^grafana\.example\.com\/d\/x+…$/,
    );
    expect(hostFirst(new URL('https://grafana.example.com/'))).toBe('grafana.example.com');
  });
});
