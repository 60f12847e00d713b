import { afterEach, describe, expect, it } from 'vitest';
import { startDeployment } from '../support/flows.js';
import { startHarness, type Harness } from '../support/harness.js';

/**
 * LOG_LEVEL is the operator's: Bolt sets the logger it is given to its own level (info when it is
 * given none), which had overridden it.
 */
let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const levels = (logs: readonly string[]) => new Set(logs.map((l) => (JSON.parse(l) as { level: string }).level));

describe('LOG_LEVEL', () => {
  it('warn: a deployment started and the requests around it write no info or debug line', async () => {
    h = await startHarness({ env: { LOG_LEVEL: 'warn' } });
    await startDeployment(h);
    expect(h.query<{ n: number }>('SELECT COUNT(*) AS n FROM deployments')[0]!.n).toBe(1);
    expect([...levels(h.logs)].filter((l) => l === 'info' || l === 'debug')).toEqual([]);
  });

  it('info: the start is logged, and no debug line', async () => {
    h = await startHarness({ env: { LOG_LEVEL: 'info' } });
    await startDeployment(h);
    expect(h.logs.some((l) => (JSON.parse(l) as { msg: string }).msg === 'deployment started')).toBe(true);
    expect(levels(h.logs).has('debug')).toBe(false);
  });

  it('debug: debug lines are written for each request (Bolt’s own among them)', async () => {
    h = await startHarness({ env: { LOG_LEVEL: 'debug' } });
    await startDeployment(h);
    const debug = h.logs.map((l) => JSON.parse(l) as { level: string; msg: string }).filter((l) => l.level === 'debug');
    expect(debug.some((l) => l.msg.startsWith('ack() call begins'))).toBe(true);
  });
});
