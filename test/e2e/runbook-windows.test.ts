import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Deployment } from '../../src/core/deployment/types.js';
import { startDeployment, textOf, threadOf } from '../support/flows.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../support/harness.js';
import { stateOf as storedState } from '../support/stored.js';

const FIXTURES = new URL('../fixtures/runbooks/', import.meta.url);

let h: Harness;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'liftoff-windows-'));
  const books = join(dir, 'runbooks');
  mkdirSync(books);
  for (const name of ['deployment-task-filled.md', 'deployment-process-template-filled.md'])
    copyFileSync(new URL(name, FIXTURES), join(books, name));
  // One runbook that would have stopped the start (a stack overflow with no file name): now refused and left out.
  writeFileSync(join(books, 'nested.md'), `# Nested\n\n${'>'.repeat(8000)} too deep\n`);
  writeFileSync(join(dir, 'liftoff.yml'), 'templates_dir: runbooks\n');
  h = await startHarness({ env: { LIFTOFF_CONFIG: join(dir, 'liftoff.yml') } });
});
afterEach(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

const stateOf = (id: number): Deployment => storedState(h, id);

/** 09:00–11:30 UTC on the day after the harness clock's. */
function nextMorning(): { windowStart: number; windowEnd: number } {
  const now = new Date(h.clock.now());
  const nine = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 9, 0) / 1000;
  return { windowStart: nine, windowEnd: nine + 150 * 60 };
}

/** The phase message's planned line: "Planned <date 09:10 UTC> – <time 09:40 UTC>". */
const planned = (start: string, end: string) =>
  new RegExp(
    `Planned <!date\\^\\d+\\^[^|]*\\|\\d{4}-\\d\\d-\\d\\d ${start} UTC> – <!date\\^\\d+\\^\\{time\\}\\|\\d{4}-\\d\\d-\\d\\d ${end} UTC>`,
  );

describe('the seeds filled in keep their phase windows, end to end', () => {
  it('deployment-task with "**\\[09:10\\] - \\[09:40\\]**": every phase message shows its window', async () => {
    const { id, parentTs } = await startDeployment(h, { template: 'deployment-task-filled', ...nextMorning() });
    expect(stateOf(id).plan.phases.map((p) => p.window)).toEqual([
      { start: '09:10', end: '09:40' },
      { start: '09:40', end: '10:10' },
      { start: '10:10', end: '10:40' },
      { start: '10:40', end: '11:10' },
      { start: '11:10', end: '11:30' },
    ]);
    const thread = threadOf(h, parentTs).map(textOf);
    const windows = [
      ['Preparation', '09:10', '09:40'],
      ['Application Deployment', '09:40', '10:10'],
      ['Database Migration', '10:10', '10:40'],
      ['Verification', '10:40', '11:10'],
      ['Finalization', '11:10', '11:30'],
    ];
    windows.forEach(([title, start, end], i) => {
      const phase = thread.find((t) => t.includes(`Phase ${i + 1} of 5: ${title}`));
      expect(phase, title).toMatch(planned(start!, end!));
    });
  });

  it('the deployment process template with "**[09:10] - [10:10]**" under its steps', async () => {
    const { id, parentTs } = await startDeployment(h, {
      template: 'deployment-process-template-filled',
      ...nextMorning(),
    });
    expect(stateOf(id).plan.phases.map((p) => [p.title, p.window])).toEqual([
      ['Deployment steps', { start: '09:10', end: '10:10' }],
    ]);
    expect(stateOf(id).plan.rollback.estimatedMinutes).toBe(15);
    const phase = threadOf(h, parentTs)
      .map(textOf)
      .find((t) => t.includes('Phase 1 of 1: Deployment steps'));
    expect(phase).toMatch(planned('09:10', '10:10'));
  });
});

describe('a runbook that cannot be read', () => {
  it('is logged with its file and line at start and left out; the others load; config check exits 1 for it', async () => {
    const log = h.logs.find((l) => l.includes('a template file was refused and left out'));
    expect(log).toContain('nested.md is not a usable runbook');
    expect(log).toContain('line 3: quotes and lists are nested 8000 deep');
    await h.slack.command('templates', { user: PEOPLE.deployer, channel: CHANNELS.deploys });
    const listed = textOf(h.fake.ephemerals({ user: PEOPLE.deployer })[0] as never);
    expect(listed).toContain('`deployment-task-filled`');
    expect(listed).toContain('`deployment-process-template-filled`');
    expect(listed).not.toContain('nested');

    let out = '';
    const code = await main(['config', 'check', join(dir, 'liftoff.yml')], {
      out: { write: (s: string) => (out += s) },
      err: { write: () => 0 },
      env: {},
    });
    expect(code).toBe(1);
    expect(out).toMatch(
      /templates_dir: .*nested\.md is not a usable runbook:\n {2}- line 3: quotes and lists are nested 8000 deep/,
    );
  });
});
