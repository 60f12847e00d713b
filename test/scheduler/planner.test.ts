import { describe, expect, it } from 'vitest';
import { createPlanner, timingsFrom } from '../../src/scheduler/index.js';
import { createDeploymentService } from '../../src/usecases/deployments.js';
import { fakeClock } from '../support/clock.js';
import { deploymentInput, KEYS, T0, template, USERS } from '../core/fixtures.js';
import { useTempDatabases } from '../storage/helpers.js';

const temp = useTempDatabases();

/**
 * The planner says whether a change promised anything: Liftoff runs a scheduler tick at once only
 * after a change that did (a notice may be due now), not after every click.
 */
describe('the planner', () => {
  it('says a start planned its notices, a checklist click nothing, a cancellation that it cancelled them', () => {
    const repos = temp.repos();
    const planJobs = createPlanner({ jobs: repos.jobs, timingsFor: timingsFrom() });
    const planned: boolean[] = [];
    const service = createDeploymentService({
      repos,
      clock: fakeClock(T0),
      withinChange: (d, events, now) => planned.push(planJobs(d, events, now)),
    });
    const pending = () =>
      repos.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status = 'pending'").pluck().get() as number;

    const { deployment } = service.start(deploymentInput(), template, USERS.deployer);
    expect(planned).toEqual([true]);
    expect(pending()).toBeGreaterThan(0);
    const before = pending();

    service.act(deployment.id, { type: 'confirm_item', key: KEYS.reviewed }, USERS.deployer);
    service.act(deployment.id, { type: 'undo_item', key: KEYS.reviewed }, USERS.deployer);
    expect(planned).toEqual([true, false, false]);
    expect(pending()).toBe(before);

    service.act(deployment.id, { type: 'cancel', reason: 'Moved to next week' }, USERS.deployer);
    expect(planned).toEqual([true, false, false, true]);
    expect(pending()).toBeLessThan(before);
  });
});
