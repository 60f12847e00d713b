import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkTemplateFile, describeTemplate } from '../src/cli/template.js';
import { readTemplateFolder } from '../src/config/templates.js';
import { parseRunbook } from '../src/core/template/markdown.js';
import { RUNBOOK_LIMITS } from '../src/core/template/markdown/limits.js';
import type { Template } from '../src/core/template/schema.js';

const FIXTURES = new URL('./fixtures/runbooks/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');

function parsed(markdown: string): Template {
  const { template, problems } = parseRunbook(markdown, { id: 'runbook' });
  expect(problems).toEqual([]);
  if (!template) throw new Error('no template');
  return template;
}

/** A runbook around `steps` (the body of "## Deployment Steps") and `rollback` (of "## Rollback Plan"). */
const runbook = (steps: string, rollback = '1. Redeploy the previous version\n', overview = '') =>
  `# R\n\n## Overview\n\n- **Service:** x\n${overview}\n## Pre-Deployment Checklist\n\n- [ ] Ready\n\n## Deployment Steps\n\n${steps}\n## Rollback Plan\n\n${rollback}`;

const phasesOf = (t: Template) => t.phases.map((p) => [p.title, p.window ?? p.durationMinutes ?? null]);

describe('the seeds, filled in as people fill them in, keep their phase windows', () => {
  const TASK = [
    ['Preparation', { start: '09:10', end: '09:40' }],
    ['Application Deployment', { start: '09:40', end: '10:10' }],
    ['Database Migration', { start: '10:10', end: '10:40' }],
    ['Verification', { start: '10:40', end: '11:10' }],
    ['Finalization', { start: '11:10', end: '11:30' }],
  ];

  it("deployment-task with the seed's escaped brackets kept: **\\[09:10\\] - \\[09:40\\]**", () => {
    const text = fixture('deployment-task-filled.md');
    expect(text).toContain('**\\[09:10\\] - \\[09:40\\]**');
    expect(phasesOf(parsed(text))).toEqual(TASK);
    expect(parseRunbook(text, { id: 'x' }).warnings).toBeUndefined();
  });

  it('deployment-task with plain brackets kept: **[09:10] - [09:40]**', () => {
    const text = fixture('deployment-task-filled.md').replace(
      /\*\*\\\[(\d\d:\d\d)\\\] - \\\[(\d\d:\d\d)\\\]\*\*/g,
      '**[$1] - [$2]**',
    );
    expect(text).toContain('**[09:10] - [09:40]**');
    expect(phasesOf(parsed(text))).toEqual(TASK);
  });

  it('the deployment process template with a window under its steps and its rollback estimate filled in', () => {
    const t = parsed(fixture('deployment-process-template-filled.md'));
    expect(phasesOf(t)).toEqual([['Deployment steps', { start: '09:10', end: '10:10' }]]);
    expect(t.rollback).toMatchObject({ estimatedTime: '15 minutes', estimatedMinutes: 15 });
  });

  it('the seeds as they are still leave their windows blank', () => {
    expect(parsed(fixture('deployment-task.md')).phases.map((p) => p.window)).toEqual(
      Array(5).fill({ start: null, end: null }),
    );
  });
});

describe('phase headings and timings in the shapes real runbooks take', () => {
  it.each([
    [
      'numbered phase heading, colon',
      '### Phase 1: Prepare\n\n**09:10 - 09:40**\n\n1. a\n',
      ['Prepare', { start: '09:10', end: '09:40' }],
    ],
    [
      'dashed phase heading (en dash)',
      '### Phase 2 – Roll out\n\n**09:10 - 09:40**\n\n1. a\n',
      ['Roll out', { start: '09:10', end: '09:40' }],
    ],
    ['dashed phase heading (hyphen)', '### Phase 2 - Roll out\n\n1. a\n', ['Roll out', null]],
    ['numbered heading without the word', '### 2. Roll out\n\n1. a\n', ['Roll out', null]],
    ['stage heading', '### Stage 3. Verify\n\n1. a\n', ['Verify', null]],
    ['filled brackets', '### Phase 1: A\n\n**[09:10] - [09:40]**\n\n1. a\n', ['A', { start: '09:10', end: '09:40' }]],
    [
      'escaped brackets',
      '### Phase 1: A\n\n**\\[09:10\\] - \\[09:40\\]**\n\n1. a\n',
      ['A', { start: '09:10', end: '09:40' }],
    ],
    ['am/pm', '### Phase 1: A\n\n**9:10 am - 9:40 am**\n\n1. a\n', ['A', { start: '09:10', end: '09:40' }]],
    [
      'pm shared by both times',
      '### Phase 1: A\n\n**1:10 - 1:40 pm**\n\n1. a\n',
      ['A', { start: '13:10', end: '13:40' }],
    ],
    ['09h10', '### Phase 1: A\n\n**09h10 - 09h40**\n\n1. a\n', ['A', { start: '09:10', end: '09:40' }]],
    ['"to" and UTC', '### Phase 1: A\n\n*09:10 to 09:40 UTC*\n\n1. a\n', ['A', { start: '09:10', end: '09:40' }]],
    ['a plain line', '### Phase 1: A\n\n09:10–09:40\n\n1. a\n', ['A', { start: '09:10', end: '09:40' }]],
    [
      'a timing label',
      '### Phase 1: A\n\n**Window:** [09:10] - [09:40]\n\n1. a\n',
      ['A', { start: '09:10', end: '09:40' }],
    ],
    ['a window in the heading', '### Phase 1: A (09:10 - 09:40)\n\n1. a\n', ['A', { start: '09:10', end: '09:40' }]],
    ['a duration in the heading', '### Phase 1: A (15 minutes)\n\n1. a\n', ['A', 15]],
    ['a duration in parentheses', '### Phase 1: A\n\n(30 min)\n\n1. a\n', ['A', 30]],
    ['a duration in bold parentheses', '### Phase 1: A\n\n**(1h30)**\n\n1. a\n', ['A', 90]],
    ['a duration label', '### Phase 1: A\n\n*Duration:* about 2 hours\n\n1. a\n', ['A', 120]],
    ['a bold line about the duration (as before)', '### Phase 1: A\n\n**Takes 30 minutes**\n\n1. a\n', ['A', 30]],
    [
      'the blank seed window',
      '### Phase 1: A\n\n**\\[HH:MM\\] - \\[HH:MM\\]**\n\n1. a\n',
      ['A', { start: null, end: null }],
    ],
  ])('%s', (_, steps, expected) => {
    expect(phasesOf(parsed(runbook(steps)))).toEqual([expected]);
  });

  it('a sentence with times or minutes in it stays a note of its phase', () => {
    const t = parsed(runbook('### Phase 1: A\n\nWait 30 minutes between 10:00 - 11:00 batches.\n\n1. a\n'));
    expect(phasesOf(t)).toEqual([['A', null]]);
    expect(t.phases[0]?.notes).toEqual(['Wait 30 minutes between 10:00 - 11:00 batches.']);
  });

  it('windows in a table of phases (by title or number) are read, and the table is then not kept as a note', () => {
    const steps =
      '| Phase | Window |\n|---|---|\n| Prepare | [09:10] - [09:40] |\n| 2 | 9:40 am - 10:10 am |\n\n### Phase 1: Prepare\n\n1. a\n\n### Phase 2: Ship\n\n1. b\n';
    const t = parsed(runbook(steps));
    expect(phasesOf(t)).toEqual([
      ['Prepare', { start: '09:10', end: '09:40' }],
      ['Ship', { start: '09:40', end: '10:10' }],
    ]);
    expect(t.notes).toEqual([]);
  });

  it('start and end columns, and durations, in a table', () => {
    const steps =
      '| Step | Start | End | Duration |\n|---|---|---|---|\n| Prepare | 09:10 | 09:40 | |\n| Ship | | | 45 min |\n\n### Prepare\n\n1. a\n\n### Ship\n\n1. b\n';
    expect(phasesOf(parsed(runbook(steps)))).toEqual([
      ['Prepare', { start: '09:10', end: '09:40' }],
      ['Ship', 45],
    ]);
  });

  it('a table in the notes keeps every row, in the notes and in template check', () => {
    const md = `${runbook('1. a\n')}\n## Contacts\n\n| Team | Person |\n| --- | --- |\n| Payments | Ana |\n| Search | Bo |\n`;
    const t = parsed(md);
    expect(t.notes).toEqual([{ section: 'Contacts', text: 'Team | Person\nPayments | Ana\nSearch | Bo' }]);
    expect(describeTemplate(t)).toContain('  Contacts:\n    Team | Person\n    Payments | Ana\n    Search | Bo');
  });
});

describe('the estimated rollback time', () => {
  it.each([
    ['a paragraph after the steps', '1. Redeploy\n\n*Estimated Rollback Time:* 15 minutes\n'],
    ['a bold paragraph before them', '**Estimated Rollback Time:** 15 minutes\n\n1. Redeploy\n'],
    [
      'a paragraph under "### Rollback Steps"',
      '### Rollback Steps\n\n1. Redeploy\n\n*Estimated Rollback Time:* 15 minutes\n',
    ],
    ['a list entry (as before)', '- **Rollback Steps:**\n  1. Redeploy\n- **Estimated Rollback Time:** 15 minutes\n'],
  ])('%s', (_, rollback) => {
    const t = parsed(runbook('1. a\n', rollback));
    expect(t.rollback).toMatchObject({ estimatedTime: '15 minutes', estimatedMinutes: 15 });
    expect(t.rollback.steps.map((s) => s.text)).toEqual(['Redeploy']);
    expect(t.notes).toEqual([]);
  });
});

describe("phase times against the runbook's deployment window (warnings, not mistakes)", () => {
  const window = '- **Deployment Window:** [09:00] - [10:00]\n';

  it("warns about a phase outside it, with the phase's line; the runbook still runs", () => {
    const md = runbook(
      '### Phase 1: A\n\n**09:10 - 09:40**\n\n1. a\n\n### Phase 2: B\n\n**09:40 - 10:30**\n\n1. b\n',
      undefined,
      window,
    );
    const { template, warnings } = parseRunbook(md, { id: 'x' });
    expect(template).toBeDefined();
    const line = md.split('\n').indexOf('**09:40 - 10:30**') + 1;
    expect(warnings).toEqual([
      { line, message: 'phase "B" (09:40–10:30) is outside the deployment window 09:00–10:00' },
    ]);
  });

  it('a window past midnight holds phases after midnight', () => {
    const md = runbook(
      '### Phase 1: A\n\n**23:30 - 23:50**\n\n1. a\n\n### Phase 2: B\n\n**00:10 - 00:40**\n\n1. b\n',
      undefined,
      '- **Deployment Window:** 23:00 - 01:00\n',
    );
    expect(parseRunbook(md, { id: 'x' }).warnings).toBeUndefined();
  });

  it('warns when durations add up to more than the window', () => {
    const md = runbook('### Phase 1: A (45 min)\n\n1. a\n\n### Phase 2: B (30 min)\n\n1. b\n', undefined, window);
    expect(parseRunbook(md, { id: 'x' }).warnings).toEqual([
      {
        line: 6,
        message: "the phases' durations add up to 75 minutes, more than the deployment window 09:00–10:00 (60 minutes)",
      },
    ]);
  });

  it('template check prints the warnings and still exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftoff-warn-'));
    try {
      const file = join(dir, 'late.md');
      writeFileSync(file, runbook('### Phase 1: A\n\n**11:00 - 11:30**\n\n1. a\n', undefined, window));
      expect(checkTemplateFile(file).warnings).toEqual([
        expect.stringMatching(/^line \d+: phase "A" \(11:00–11:30\) is outside the deployment window 09:00–10:00$/),
      ]);
      expect(checkTemplateFile(file).problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a runbook cannot stop the bot', () => {
  const { MAX_CHARS, MAX_MARKS, MAX_PREFIX } = RUNBOOK_LIMITS;

  it('8,000 nested quotes are refused with their line, not a stack overflow', () => {
    const md = `# X\n\nIntro\n\n${'>'.repeat(8000)} deep\n`;
    expect(parseRunbook(md, { id: 'x' })).toEqual({
      problems: [{ line: 5, message: `quotes and lists are nested 8000 deep; at most ${MAX_PREFIX} are read` }],
      notes: [],
    });
  });

  it('nested lists on one line, and indentation, are bounded too', () => {
    expect(parseRunbook(`# X\n\n${'- '.repeat(40)}x\n`, { id: 'x' }).problems).toEqual([
      { line: 3, message: expect.stringMatching(/nested 40 deep/) },
    ]);
    const stairs = Array.from({ length: 60 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n');
    expect(parseRunbook(`# X\n\n${stairs}\n`, { id: 'x' }).problems).toEqual([
      { line: 35, message: 'the line is indented by 65 columns; at most 64 are read' },
    ]);
  });

  it('a paragraph of 48,000 emphasis marks ("*a_" × 16,000) is refused at once, naming its line', () => {
    const md = `# X\n\n## Notes\n\n${'*a_'.repeat(16000)}\n`;
    expect(parseRunbook(md, { id: 'x' }).problems).toEqual([
      { line: 5, message: expect.stringMatching(new RegExp(`more than ${MAX_MARKS} emphasis or link marks`)) },
    ]);
  });

  it('many ordinary paragraphs and list items with emphasis are fine', () => {
    const items = Array.from(
      { length: 300 },
      (_, i) => `- [ ] **Item ${i}:** check _this_ and [that](https://x.example/${i})`,
    ).join('\n');
    const t = parsed(runbook('1. a\n').replace('- [ ] Ready', items));
    expect(t.preDeployment[0]?.items).toHaveLength(300);
  });

  it('a runbook over the size limit is refused with the line where the limit falls', () => {
    const md = `# X\n\n${'word '.repeat(MAX_CHARS / 5)}\n`;
    const { problems } = parseRunbook(md, { id: 'x' });
    expect(problems).toEqual([
      {
        line: 3,
        message: expect.stringMatching(/^the runbook is 100,0\d\d characters long; at most 100,000 are read/),
      },
    ]);
  });

  it('lists nested deeper than anyone writes, within the indentation limit, are refused by depth, with the line', () => {
    const stairs = Array.from({ length: 30 }, (_, i) => `${'  '.repeat(i)}- x`).join('\n');
    expect(parseRunbook(`# X\n\n${stairs}\n`, { id: 'x' }).problems).toEqual([
      { line: 27, message: 'elements are nested more than 48 deep; at most 48 are read' },
    ]);
  });
});

describe('a template folder with one unusable file', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses that file, naming it and its line, and loads the rest', () => {
    dir = mkdtempSync(join(tmpdir(), 'liftoff-folder-'));
    writeFileSync(join(dir, 'deep.md'), `# X\n\n${'>'.repeat(8000)}\n`);
    writeFileSync(join(dir, 'hotfix.md'), fixture('minimal.md'));
    const yaml = (pre: string, window: string) =>
      `id: y${pre.length}\nname: Y\npreDeployment: ${pre}\nphases:\n  - id: deploy\n    title: Deploy\n    window: ${window}\n    steps: [{ id: s, text: Ship }]\nrollback: { steps: [{ id: r, text: Revert }] }\napprovals: [{ role: qa_lead, label: QA Lead }]\n`;
    writeFileSync(join(dir, 'empty.yml'), yaml('[]', '{ start: "09:00", end: "09:30" }'));
    writeFileSync(
      join(dir, 'window.yml'),
      yaml('[{ id: c, title: C, items: [{ id: i, text: I }] }]', '{ start: "10:00", end: "09:30" }'),
    );
    const { templates, refused } = readTemplateFolder(dir);
    expect([...templates.keys()]).toEqual(['hotfix']);
    expect(refused).toEqual([
      {
        source: join(dir, 'deep.md'),
        message: `${join(dir, 'deep.md')} is not a usable runbook:\n  - line 3: quotes and lists are nested 8000 deep; at most 16 are read`,
      },
      {
        source: join(dir, 'empty.yml'),
        message: `${join(dir, 'empty.yml')} is not a valid template:\n  - preDeployment: a template needs a pre-deployment checklist (line 3)`,
      },
      {
        source: join(dir, 'window.yml'),
        message: `${join(dir, 'window.yml')} is not a valid template:\n  - phases.0.window: ends (09:30) before it starts (10:00) (line 7)`,
      },
    ]);
    expect(checkTemplateFile(join(dir, 'window.yml')).problems).toEqual([
      'phases.0.window: ends (09:30) before it starts (10:00) (line 7)',
    ]);
  });
});
