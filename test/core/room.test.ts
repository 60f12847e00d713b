import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../src/core/deployment/apply.js';
import {
  awaitingRoom,
  homeChannelOf,
  MAX_CHANNEL_NAME,
  roomName,
  roomNames,
  roomOf,
} from '../../src/core/deployment/room.js';
import { roomJobs } from '../../src/core/schedule/room.js';
import type { Deployment } from '../../src/core/deployment/types.js';

const VALID = /^[a-z0-9][a-z0-9_-]*$/;

describe('the dedicated channel name', () => {
  it('is prefix-service-version, lowercase, with dots and spaces as dashes', () => {
    expect(roomName('deploy', 'checkout', '2.4.0')).toBe('deploy-checkout-2-4-0');
    expect(roomName('deploy', 'Checkout API', 'v2.4.0-rc.1')).toBe('deploy-checkout-api-v2-4-0-rc-1');
    expect(roomName('rel', 'café_svc', '1.0')).toBe('rel-cafe_svc-1-0');
  });

  it('drops what Slack refuses and never has empty parts or doubled dashes', () => {
    expect(roomName('deploy', '  ** ', '1..0//')).toBe('deploy-1-0');
    expect(roomName('deploy', '日本', '🚀')).toBe('deploy');
    expect(roomName('', 'x', '1')).toBe('deploy-x-1');
  });

  it('is at most 80 characters, keeping a suffix whole', () => {
    const long = roomName('deploy', 'a'.repeat(100), '1.2.3');
    expect(long).toHaveLength(MAX_CHANNEL_NAME);
    const suffixed = roomName('deploy', 'a'.repeat(100), '1.2.3', 'dep-12');
    expect(suffixed).toHaveLength(MAX_CHANNEL_NAME);
    expect(suffixed.endsWith('-dep-12')).toBe(true);
    expect(roomName('deploy', `${'a'.repeat(72)}---b`, '1')).toMatch(VALID);
  });

  it('tries the plain name, then with the ref, then numbered', () => {
    expect(roomNames('deploy', { service: 'checkout', version: '2.4.0', ref: 'DEP-12' })).toEqual([
      'deploy-checkout-2-4-0',
      'deploy-checkout-2-4-0-dep-12',
      'deploy-checkout-2-4-0-dep-12-2',
      'deploy-checkout-2-4-0-dep-12-3',
      'deploy-checkout-2-4-0-dep-12-4',
    ]);
    for (const name of roomNames('deploy', { service: '!!'.repeat(50), version: 'ÅÄÖ'.repeat(40), ref: 'DEP-99' })) {
      expect(name).toMatch(VALID);
      expect(name.length).toBeLessThanOrEqual(MAX_CHANNEL_NAME);
    }
  });
});

describe('where a deployment lives', () => {
  const base = {
    id: 12,
    ref: 'DEP-12',
    channelId: 'CDEPLOYS',
    status: 'completed',
    location: 'channel',
  } as unknown as Deployment;
  const opened = applyEvent(
    { ...base, revision: 1 },
    { type: 'room_opened', channelId: 'CROOM', name: 'deploy-x-1', archiveAfterHours: 2, actor: 'liftoff', at: 1000 },
  );

  it('waits for its channel, then lives there; a failure falls back to the deploy channel', () => {
    expect(awaitingRoom(base)).toBe(true);
    expect(homeChannelOf(base)).toBe('CDEPLOYS');
    expect(roomOf(opened)).toMatchObject({ channelId: 'CROOM', archiveAfterHours: 2 });
    expect(homeChannelOf(opened)).toBe('CROOM');
    const failed = applyEvent(
      { ...base, revision: 1 },
      { type: 'room_failed', reason: 'no', actor: 'liftoff', at: 1000 },
    );
    expect(awaitingRoom(failed)).toBe(false);
    expect(homeChannelOf(failed)).toBe('CDEPLOYS');
    expect(awaitingRoom({ ...base, location: undefined })).toBe(false);
  });

  it('plans the archive archiveAfterHours after the end, and only with a channel', () => {
    expect(roomJobs(opened, { type: 'completed' }, 5_000)).toEqual([
      {
        key: 'DEP-12:archive_room:thread',
        deploymentId: 12,
        kind: 'archive_room',
        dueAt: 5_000 + 2 * 3600_000,
        payload: { target: 'thread' },
      },
    ]);
    expect(roomJobs(opened, { type: 'approved', role: 'qa' }, 5_000)).toEqual([]);
    expect(roomJobs(base, { type: 'cancelled', reason: 'x' }, 5_000)).toEqual([]);
    // Created after the deployment ended (a restart): archived from then.
    expect(
      roomJobs(opened, { type: 'room_opened', channelId: 'CROOM', name: 'n', archiveAfterHours: 2 }, 9_000),
    ).toHaveLength(1);
  });
});
