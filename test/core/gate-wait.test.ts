import { describe, expect, it } from 'vitest';
import { gateOutcome } from '../../src/core/deployment/gate-wait.js';
import { monitored, USERS } from './fixtures.js';

describe('a pipeline waiting on the completion gate', () => {
  it('keeps waiting through monitoring, for the verdict', () => {
    const s = monitored();
    expect(s.d.status).toBe('monitoring');
    expect(gateOutcome(s.d, 'complete')).toEqual({
      state: 'waiting',
      missing: ['the monitoring verdict (healthy or faulty)'],
    });
    // The start gate is long open.
    expect(gateOutcome(s.d, 'start')).toEqual({ state: 'open' });
  });

  it('is let through by a healthy verdict', () => {
    const s = monitored();
    s.act(USERS.deployer, { type: 'mark_healthy' });
    expect(gateOutcome(s.d, 'complete')).toEqual({ state: 'open' });
  });

  it('is stopped by a faulty verdict', () => {
    const s = monitored();
    s.act(USERS.deployer, { type: 'mark_faulty', note: 'errors up' });
    expect(gateOutcome(s.d, 'complete')).toMatchObject({ state: 'ended' });
  });
});
