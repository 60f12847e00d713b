import { describe, expect, it } from 'vitest';
import { withPipelines, type PipelineConfig } from '../../src/config/team/pipelines.js';
import { may } from '../../src/core/policy/may.js';
import { DEFAULT_POLICY } from '../../src/core/policy/policy.js';

const gha: PipelineConfig = {
  name: 'github-actions',
  token: 'x'.repeat(32),
  services: ['checkout'],
  environments: ['staging', 'production'],
  may: ['start', 'confirm'],
  ratePerMinute: 60,
};
const policyFor = withPipelines(() => DEFAULT_POLICY, [gha]);
const checkout = { service: 'checkout', environment: 'production' as const };

describe('what a pipeline may', () => {
  it('what its scope grants, for its services and environments only', () => {
    expect(may(checkout, 'deploy', 'pipeline:github-actions', policyFor(checkout))).toMatchObject({
      allowed: true,
      as: 'pipeline',
    });
    const search = { service: 'search', environment: 'production' as const };
    expect(may(search, 'deploy', 'pipeline:github-actions', policyFor(search))).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/may not act on search/),
    });
    const uat = { service: 'checkout', environment: 'uat' as const };
    expect(may(uat, 'deploy', 'pipeline:github-actions', policyFor(uat)).allowed).toBe(false);
  });

  it('never approves, overrides, cancels or is the deployer; a permission it lacks is named', () => {
    for (const action of ['be_deployer', 'override', 'cancel', 'reschedule'] as const) {
      expect(may(checkout, action, 'pipeline:github-actions', policyFor(checkout)).allowed).toBe(false);
    }
    expect(may(checkout, { type: 'lock' }, 'pipeline:github-actions', policyFor(checkout)).allowed).toBe(false);
    expect(may(checkout, 'start_phase', 'pipeline:github-actions', policyFor(checkout))).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/add "phases"/),
    });
    // Another pipeline's name is not this one's.
    expect(may(checkout, 'deploy', 'pipeline:other', policyFor(checkout)).allowed).toBe(false);
  });
});
