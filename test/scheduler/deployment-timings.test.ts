import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/core/deployment/decide.js';
import {
  DEFAULT_TIMINGS,
  deploymentTimings,
  monitoringMinutesOf,
  offeredTimings,
  planChange,
} from '../../src/core/schedule/index.js';
import type { DeploymentEvent } from '../../src/core/deployment/events.js';
import { offeredTimingsFor, planWithSettings } from '../../src/config/team/plan.js';
import type { Settings } from '../../src/config/team.js';
import { timingsFrom } from '../../src/scheduler/planner.js';
import { HOUR, KEYS, newDeployment, Scenario, T0, template, USERS } from '../core/fixtures.js';

/** The template with its own numbers: announcement 48 h, progress every 15 min, reminder blank, monitoring 90 min. */
function withNumbers() {
  const plan = structuredClone(template);
  plan.communication.notices = [
    { kind: 'announcement', text: 'a', hoursBefore: 48, audience: [], channel: null },
    { kind: 'progress', text: 'p', everyMinutes: 15, audience: [], channel: null },
    { kind: 'reminder', text: 'Sent [X] hours before', hoursBefore: null, audience: [], channel: null },
  ];
  plan.monitoring = { ...plan.monitoring, durationMinutes: 90 };
  return plan;
}

const settings = (communication: Partial<Settings['communication']>): Settings =>
  ({
    healthChecks: [],
    communication: {
      announcementHoursBefore: null,
      reminderHoursBefore: null,
      progressEveryMinutes: null,
      monitoringMinutes: null,
      ...communication,
    },
  }) as unknown as Settings;

describe('a deployment’s communication timings: per deployment > team configuration > template > defaults', () => {
  it('the start form offers the template’s numbers, with the configuration’s on top, monitoring included', () => {
    expect(offeredTimings(template)).toEqual({
      announcementHoursBefore: 24,
      reminderHoursBefore: 1,
      progressEveryMinutes: 30,
      monitoringMinutes: 0,
    });
    expect(offeredTimingsFor(withNumbers(), null)).toEqual({
      announcementHoursBefore: 48,
      reminderHoursBefore: 1,
      progressEveryMinutes: 15,
      monitoringMinutes: 90,
    });
    expect(offeredTimingsFor(withNumbers(), settings({ announcementHoursBefore: 12, monitoringMinutes: 30 }))).toEqual({
      announcementHoursBefore: 12,
      reminderHoursBefore: 1,
      progressEveryMinutes: 15,
      monitoringMinutes: 30,
    });
    // A template without a reminder notice still gets the configured reminder hours.
    const bare = structuredClone(template);
    bare.communication.notices = [];
    expect(offeredTimingsFor(bare, settings({ reminderHoursBefore: 4 })).reminderHoursBefore).toBe(4);
    // The configuration may switch monitoring off for a template that has it.
    expect(offeredTimingsFor(withNumbers(), settings({ monitoringMinutes: 0 })).monitoringMinutes).toBe(0);
  });

  it('the deployment’s own timings win over the plan and over the planner’s overrides', () => {
    const plan = planWithSettings(withNumbers(), settings({ reminderHoursBefore: 3 }));
    const { deployment } = newDeployment(
      { timings: { announcementHoursBefore: 6, progressEveryMinutes: 5 } },
      { plan },
    );
    expect(deploymentTimings(deployment)).toEqual({
      ...DEFAULT_TIMINGS,
      announcementHoursBefore: 6,
      reminderHoursBefore: 3,
      progressEveryMinutes: 5,
    });
    expect(timingsFrom({ progressEveryMinutes: 20, reminderHoursBefore: 2 })(deployment)).toMatchObject({
      progressEveryMinutes: 5,
      reminderHoursBefore: 2,
    });
    // Without timings of its own, the plan's.
    expect(deploymentTimings(newDeployment({}, { plan }).deployment)).toMatchObject({
      announcementHoursBefore: 48,
      reminderHoursBefore: 3,
      progressEveryMinutes: 15,
    });
  });

  it('the announcement and reminder jobs are due at the deployment’s own hours', () => {
    const { deployment } = newDeployment({
      windowStart: T0 + 30 * HOUR,
      windowEnd: T0 + 32 * HOUR,
      announceChannelId: 'C0ANNOUNCE1',
      timings: { announcementHoursBefore: 6, reminderHoursBefore: 2 },
    });
    const plan = planChange(deployment, [{ type: 'created' } as DeploymentEvent], 1, T0, deploymentTimings(deployment));
    const due = Object.fromEntries(plan.add.map((j) => [j.kind, j.dueAt]));
    expect(due).toMatchObject({ announcement: T0 + 24 * HOUR, reminder: T0 + 28 * HOUR });
  });

  it('monitoring lasts the deployment’s minutes, else the template’s, else the policy’s', () => {
    const plan = withNumbers();
    expect(monitoringMinutesOf(newDeployment({ timings: { monitoringMinutes: 5 } }, { plan }).deployment, 60)).toBe(5);
    expect(monitoringMinutesOf(newDeployment({ timings: { monitoringMinutes: 0 } }, { plan }).deployment, 60)).toBe(0);
    expect(monitoringMinutesOf(newDeployment({}, { plan }).deployment, 60)).toBe(90);
    expect(monitoringMinutesOf(newDeployment({}).deployment, 60)).toBe(60);
  });

  it('completing a deployment with its own monitoring minutes watches it that long; 0 completes it at once', () => {
    const complete = (minutes: number) => {
      const s = new Scenario(
        { timings: { monitoringMinutes: minutes } },
        { ...DEFAULT_POLICY, defaultMonitoringMinutes: 30 },
      ).allPhases();
      s.act(USERS.qa, { type: 'confirm_item', key: KEYS.health });
      s.act(USERS.qa, { type: 'confirm_item', key: KEYS.errors });
      s.act(USERS.deployer, { type: 'confirm_item', key: KEYS.announce });
      s.act(USERS.deployer, { type: 'complete' });
      return s;
    };
    expect(complete(45).log.at(-1)).toMatchObject({ type: 'monitoring_started', minutes: 45 });
    expect(complete(0).d.status).toBe('completed');
  });
});
