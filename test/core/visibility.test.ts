import { describe, expect, it } from 'vitest';
import { deploymentSight, visibleTo } from '../../src/core/policy/visibility.js';

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

describe('deploymentSight: a deployment in its channels', () => {
  const seen = new Map([
    ['CPUBLIC', 'full'],
    ['CROOM', 'exists'],
  ] as const);
  it('is seen in full only by who sees every channel it lives in in full', () => {
    expect(deploymentSight(['CPUBLIC'], seen)).toBe('full');
    expect(deploymentSight(['CPUBLIC', 'CROOM'], seen)).toBe('exists');
  });
  it('a channel not asked about counts as not seen: fails closed', () => {
    expect(deploymentSight(['CPUBLIC', 'CUNASKED'], seen)).toBe('exists');
  });
});
