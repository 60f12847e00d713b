import { describe, expect, it } from 'vitest';
import { createdEvent } from '../../src/core/deployment/create.js';
import { deploymentInput, MIN, T0, template, USERS } from '../core/fixtures.js';
import { useTempDatabases } from './helpers.js';

const temp = useTempDatabases();

function withDeployment() {
  const repos = temp.repos();
  repos.deployments.create(createdEvent(deploymentInput(), template), USERS.deployer, T0);
  return repos;
}

describe('the messages repository', () => {
  it('remembers where each part of a deployment is shown, and what it last showed', () => {
    const { messages } = withDeployment();
    messages.save(
      { deploymentId: 1, key: 'parent', channelId: 'C0DEPLOYS01', ts: '1700000000.000100', renderedHash: 'h1' },
      T0,
    );
    messages.save(
      { deploymentId: 1, key: 'phase.prepare', channelId: 'C0DEPLOYS01', ts: null, renderedHash: null },
      T0,
    );
    expect(messages.list(1)).toEqual(
      new Map([
        [
          'parent',
          { deploymentId: 1, key: 'parent', channelId: 'C0DEPLOYS01', ts: '1700000000.000100', renderedHash: 'h1' },
        ],
        [
          'phase.prepare',
          { deploymentId: 1, key: 'phase.prepare', channelId: 'C0DEPLOYS01', ts: null, renderedHash: null },
        ],
      ]),
    );
  });

  it('what a redraw drew is committed, and every later commit is again synced to disk in full', () => {
    const { messages, db } = withDeployment();
    const drawn = { deploymentId: 1, key: 'parent', channelId: 'C0DEPLOYS01', ts: '1.2', renderedHash: 'h1' };
    messages.saveDrawn([drawn], T0);
    expect([...messages.list(1).values()]).toEqual([drawn]);
    // 2 = FULL: the clicks and marks that follow are on disk before they are acknowledged.
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('saving the same key again replaces the record instead of adding one', () => {
    const { messages, db } = withDeployment();
    messages.save({ deploymentId: 1, key: 'parent', channelId: 'C0DEPLOYS01', ts: null, renderedHash: null }, T0);
    messages.save(
      { deploymentId: 1, key: 'parent', channelId: 'C0OTHER0001', ts: '1.2', renderedHash: 'h2' },
      T0 + MIN,
    );
    expect([...messages.list(1).values()]).toEqual([
      { deploymentId: 1, key: 'parent', channelId: 'C0OTHER0001', ts: '1.2', renderedHash: 'h2' },
    ]);
    expect(db.prepare('SELECT updated_at FROM messages').all()).toEqual([{ updated_at: T0 + MIN }]);
  });

  it('keeps the messages of each deployment apart', () => {
    const repos = withDeployment();
    repos.deployments.create(createdEvent(deploymentInput({ service: 'api' }), template), USERS.deployer, T0);
    repos.messages.save({ deploymentId: 2, key: 'parent', channelId: 'C0DEPLOYS01', ts: '9.9', renderedHash: 'x' }, T0);
    expect(repos.messages.list(1).size).toBe(0);
    expect(repos.messages.list(2).get('parent')?.ts).toBe('9.9');
  });

  it('refuses a message for a deployment that does not exist', () => {
    const { messages } = withDeployment();
    expect(() =>
      messages.save({ deploymentId: 9, key: 'parent', channelId: 'C1', ts: null, renderedHash: null }, T0),
    ).toThrow(/FOREIGN KEY/);
  });
});

describe('the submissions repository', () => {
  it('records a view id once: the second record of the same view is refused', () => {
    const { submissions } = withDeployment();
    expect(submissions.find('V0VIEW1')).toBeUndefined();
    expect(submissions.record('V0VIEW1', 1, T0)).toBe(true);
    expect(submissions.record('V0VIEW1', null, T0 + MIN)).toBe(false);
    expect(submissions.find('V0VIEW1')).toEqual({ deploymentId: 1 });
  });

  it('can record a handled view that created nothing', () => {
    const { submissions } = withDeployment();
    expect(submissions.record('V0VIEW2', null, T0)).toBe(true);
    expect(submissions.find('V0VIEW2')).toEqual({ deploymentId: null });
  });
});
