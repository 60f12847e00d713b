import { describe, expect, it } from 'vitest';
import { createdEvent } from '../../src/core/deployment/create.js';
import { HISTORY_STATUSES } from '../../src/core/deployment/history.js';
import { createDeploymentService } from '../../src/usecases/deployments.js';
import { deploymentInput, T0, template, USERS } from '../core/fixtures.js';
import { seedPastDeployments } from '../support/past-deployments.js';
import { useTempDatabases } from './helpers.js';

const temp = useTempDatabases();

describe('the history of past deployments', () => {
  it('pages through 1,000 past deployments, newest window first, with the active ones left out', () => {
    const repos = temp.repos();
    seedPastDeployments(repos, 1000, { from: T0, service: (i) => (i % 2 ? 'web' : 'api') });
    repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0); // still scheduled
    const service = createDeploymentService({ repos, clock: { now: () => T0 } });

    const first = service.history({}, 1);
    expect(first).toMatchObject({ page: 1, pages: 100, total: 1000 });
    expect(first.deployments.map((d) => d.ref)).toEqual(Array.from({ length: 10 }, (_, i) => `DEP-${1000 - i}`));
    const last = service.history({}, 100);
    expect(last.deployments.map((d) => d.ref).at(-1)).toBe('DEP-1');
    expect(service.history({}, 5000).page).toBe(100);

    const seen = new Set<string>();
    for (let p = 1; p <= 100; p++) for (const d of service.history({}, p).deployments) seen.add(d.ref);
    expect(seen.size).toBe(1000);
    expect(seen.has('DEP-1001')).toBe(false);
    for (const d of first.deployments) expect(HISTORY_STATUSES).toContain(d.status);
  });

  it('filters by service and environment', () => {
    const repos = temp.repos();
    seedPastDeployments(repos, 40, {
      from: T0,
      service: (i) => (i % 2 ? 'web' : 'api'),
      environment: (i) => (i % 4 < 2 ? 'production' : 'staging'),
    });
    const service = createDeploymentService({ repos, clock: { now: () => T0 } });
    const web = service.history({ service: 'web' }, 1);
    expect(web.total).toBe(20);
    expect(web.deployments.every((d) => d.service === 'web')).toBe(true);
    const webStaging = service.history({ service: 'web', environment: 'staging' }, 1);
    expect(webStaging.total).toBe(10);
    expect(webStaging.deployments.every((d) => d.service === 'web' && d.environment === 'staging')).toBe(true);
    expect(service.history({ service: 'nope' }, 1)).toMatchObject({ total: 0, pages: 1, deployments: [] });
  });
});
