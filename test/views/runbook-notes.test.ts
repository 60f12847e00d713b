import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/core/template/markdown/index.js';
import type { Template } from '../../src/core/template/schema.js';
import { renderDeployment } from '../../src/slack/views/deployment/index.js';
import { escapedPieces } from '../../src/slack/views/deployment/runbook-notes.js';
import { validateMessageBlocks } from '../support/block-kit-rules.js';
import { builtInTemplates, created, HOSTILE, realisticTemplate, T0 } from './fixtures.js';
import { mrkdwnOf, ownLimitProblems } from './helpers.js';

const runbook = (name: string): Template => {
  const text = readFileSync(new URL(`../fixtures/runbooks/${name}`, import.meta.url), 'utf8');
  const { template, problems } = parseRunbook(text, { id: name.replace(/\.md$/, '') });
  expect(problems).toEqual([]);
  return template!;
};

const notesOf = (plan: Template) =>
  renderDeployment(created(plan), T0).filter((m) => m.key.startsWith('runbook:notes'));

describe('notes from the runbook in the thread', () => {
  it('shows every note of a Markdown runbook with its section, before the Roll back message', () => {
    const plan = runbook('checkout-release.md');
    expect(plan.notes.length).toBeGreaterThan(0);
    const all = renderDeployment(created(plan), T0);
    const keys = all.map((m) => m.key);
    expect(keys.indexOf('runbook:notes')).toBe(keys.indexOf('rollback:offer') - 1);
    const [m, ...more] = notesOf(plan);
    expect(more).toEqual([]);
    expect(m!.placement).toBe('thread');
    expect(m!.text).toBe(`DEP-12 · Notes from the runbook: ${plan.notes.length} notes kept as written`);
    const text = mrkdwnOf(m!.blocks);
    for (const n of plan.notes) {
      expect(text).toContain(`*${n.section}*`);
      expect(text).toContain(n.text.split('\n')[0]);
    }
    expect(text).toContain('Refunds lag by a minute after deploys.');
  });

  it('is absent when the template has no notes (the built-in templates)', () => {
    for (const plan of [...builtInTemplates, realisticTemplate]) expect(notesOf(plan)).toEqual([]);
  });

  it('escapes what the runbook says: no pings, mentions or forged links', () => {
    const plan: Template = { ...realisticTemplate, notes: [{ section: HOSTILE, text: `${HOSTILE}\nsecond line` }] };
    const text = mrkdwnOf(notesOf(plan)[0]!.blocks);
    expect(text).toContain('&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|bank&gt; &amp; co');
    expect(text).not.toMatch(/<!channel>|<@U123>|<https:/);
  });

  it('splits long notes within Block Kit limits, under keys that depend on the plan only', () => {
    const notes = Array.from({ length: 40 }, (_, i) => ({
      section: `${'&'.repeat(140)} ${i}`,
      text: `${'&<>"'.repeat(750)}`,
    }));
    const plan: Template = { ...realisticTemplate, notes };
    const messages = notesOf(plan);
    expect(messages.length).toBeGreaterThan(5);
    expect(messages.map((m) => m.key)).toEqual([
      'runbook:notes',
      ...messages.slice(1).map((_, i) => `runbook:notes:${i + 2}`),
    ]);
    expect(messages[1]!.text).toMatch(/Notes from the runbook \(2\/\d+\)/);
    for (const m of messages) {
      expect(ownLimitProblems(m.blocks, m.text), m.key).toEqual([]);
      expect(validateMessageBlocks(m.blocks, m.text), m.key).toEqual([]);
    }
    // Nothing is lost: every character of every note is shown, escaped.
    const shown = messages.map((m) => mrkdwnOf(m.blocks)).join('\n');
    expect(shown.split('&lt;').length - 1).toBe(40 * 750);
    expect(shown.split('&gt;').length - 1).toBe(40 * 750);
    // The same plan always cuts the same way, whatever the deployment's state.
    expect(notesOf({ ...plan }).map((m) => m.key)).toEqual(messages.map((m) => m.key));
  });

  it('cuts text at line ends where it can, never inside an entity', () => {
    expect(escapedPieces('a & b\nc < d', 100)).toEqual(['a &amp; b\nc &lt; d']);
    expect(escapedPieces('aaaa\nbbbb', 6)).toEqual(['aaaa', 'bbbb']);
    const pieces = escapedPieces('&'.repeat(10), 12);
    expect(pieces).toEqual(['&amp;&amp;', '&amp;&amp;', '&amp;&amp;', '&amp;&amp;', '&amp;&amp;']);
    expect(escapedPieces('\n\n')).toEqual([]);
  });
});
