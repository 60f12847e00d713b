import { describe, expect, it } from 'vitest';
import { visibleTo } from '../../src/core/policy/visibility.js';

describe('visibleTo: the see rule', () => {
  const members = new Set(['UMEMBER']);
  it('a public channel: everyone sees everything', () => {
    expect(visibleTo('UANYONE', { kind: 'public' })).toBe('full');
  });
  it('a private channel: its members see everything, others only that it exists', () => {
    expect(visibleTo('UMEMBER', { kind: 'private', members })).toBe('full');
    expect(visibleTo('UOTHER', { kind: 'private', members })).toBe('exists');
  });
  it('a channel Slack told nothing about: fails closed', () => {
    expect(visibleTo('UMEMBER', { kind: 'unknown' })).toBe('exists');
  });
});
