import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import {
  errorMessage,
  helpMessage,
  listMessage,
  statusMessage,
  unexpectedErrorMessage,
  usageMessage,
} from '../../src/slack/views/answers.js';
import { homeView } from '../../src/slack/views/home.js';
import { created, HOSTILE, play, realisticTemplate as plan, T0, USERS } from './fixtures.js';
import { allTextOf, mrkdwnOf } from './helpers.js';

const underway = () =>
  play(
    created(plan, {}, 7),
    [{ type: 'gate_overridden', gate: 'start', reason: 'x', missing: [] }],
    [{ type: 'phase_started', phaseId: 'preparation' }],
  );

describe('answers', () => {
  it('help lists every command', () => {
    const { text } = helpMessage();
    for (const cmd of [
      '/deploy start [service] [version] [environment]',
      '/deploy list',
      '/deploy status DEP-12',
      '/deploy cancel DEP-12 reason',
      '/deploy templates',
      '/deploy help',
    ]) {
      expect(text).toContain(`\`${cmd}\``);
    }
  });

  it('usage is short and shows the input inert', () => {
    const { text } = usageMessage('frobnicate <!channel>');
    expect(text).toBe("I don't know “frobnicate &lt;!channel&gt;”. Try `/deploy help` to see what I can do.");
  });

  it('list splits deployments under way from upcoming ones, with links to threads', () => {
    const later = created(plan, { service: 'search', windowStart: T0 + 86_400_000, windowEnd: T0 + 90_000_000 }, 9);
    const answer = listMessage(
      [
        { d: later, link: null },
        { d: created(plan), link: 'https://acme.slack.com/archives/C0DEPLOYS01/p1795424400000100' },
        { d: underway(), link: 'https://acme.slack.com/archives/C0DEPLOYS01/p1' },
      ],
      T0,
    );
    const text = mrkdwnOf(answer.blocks);
    expect(text.indexOf('*🚀 Under way*')).toBeLessThan(
      text.indexOf('<https://acme.slack.com/archives/C0DEPLOYS01/p1|DEP-7>'),
    );
    expect(text.indexOf('*🗓️ Upcoming*')).toBeLessThan(text.indexOf('DEP-12'));
    expect(text.indexOf('DEP-12')).toBeLessThan(text.indexOf('*DEP-9*'));
    expect(text).toContain('▶️ Preparation');
    expect(answer.text).toBe('1 under way, 2 upcoming: DEP-7, DEP-12, DEP-9');
  });

  it('list stops at what fits in a message and says how many more there are', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      d: created(plan, { service: HOSTILE.repeat(2) }, i + 1),
      link: null,
    }));
    const answer = listMessage(many, T0);
    expect(JSON.stringify(answer.blocks).length).toBeLessThan(11_000);
    expect(allTextOf(answer.blocks)).toMatch(/…and \d+ more\.$/);
  });

  it('list says so when there is nothing', () => {
    expect(listMessage([], T0).text).toBe('No deployments are under way or scheduled. Start one with `/deploy start`.');
  });

  it('status shows the card, both gates and the thread', () => {
    const answer = statusMessage(created(plan), 'https://acme.slack.com/archives/C1/p2', T0);
    const text = mrkdwnOf(answer.blocks);
    expect(text).toContain('▱▱▱▱▱▱▱▱▱▱ 0% (0/43 required · optional 0/2)');
    expect(text).toContain('🔒 *Start gate closed*');
    expect(text).toContain('🔒 *Completion gate closed*');
    expect(text).toContain('Open the thread: <https://acme.slack.com/archives/C1/p2|DEP-12>');
  });

  it('status shows only the gates still ahead: the completion gate once under way, none once finished', () => {
    const started = play(
      created(plan),
      [{ type: 'gate_overridden', gate: 'start', reason: 'x', missing: [] }],
      [{ type: 'phase_started', phaseId: plan.phases[0]!.id }],
    );
    const running = mrkdwnOf(statusMessage(started, null, T0).blocks);
    expect(running).not.toContain('Start gate');
    expect(running).toContain('*Completion gate closed*');
    const cancelled = mrkdwnOf(
      statusMessage(play(created(plan), [{ type: 'cancelled', reason: 'moved' }]), null, T0).blocks,
    );
    expect(cancelled).not.toMatch(/gate (open|closed)/);
    expect(cancelled).toContain('Cancelled');
  });

  it('errors keep the core’s mentions but nothing else', () => {
    const err = new DomainError('gate_closed', `Only <@${USERS.deployer}> can start ${HOSTILE}.`, [
      'Code Preparation: <!here> tests',
      'b',
    ]);
    const { text } = errorMessage(err);
    expect(text).toBe(
      `⚠️ Only <@${USERS.deployer}> can start &lt;!channel&gt; <@U123> &lt;https://evil|bank&gt; &amp; co.\n• Code Preparation: &lt;!here&gt; tests\n• b\nConfirm them in the thread first.`,
    );
  });

  it('a refusal that lists what is missing says what to do about it', () => {
    const gate = errorMessage(
      new DomainError('gate_closed', 'DEP-12 cannot start yet. Still missing:', ['QA Lead approval']),
    );
    expect(gate.text).toBe(
      '⚠️ DEP-12 cannot start yet. Still missing:\n• QA Lead approval\nConfirm them in the thread, or the deployer can go ahead anyway with *Override gate…* there and a reason.',
    );
    const steps = errorMessage(new DomainError('gate_closed', '“Preparation” still has steps to do:', ['Step 1']));
    expect(steps.text).toBe('⚠️ “Preparation” still has steps to do:\n• Step 1\nConfirm them in the thread first.');
    expect(errorMessage(new DomainError('not_allowed', 'Only the deployer can do that.')).text).toBe(
      '⚠️ Only the deployer can do that.',
    );
  });

  it('unexpected errors give an id to quote', () => {
    expect(unexpectedErrorMessage('E-1A2B3C4D').text).toBe(
      'Something went wrong on our side. If it keeps happening, quote error id `E-1A2B3C4D` to whoever runs Liftoff.',
    );
  });

  it('App Home lists active deployments, or says there are none', () => {
    const home = homeView([{ d: underway(), link: null }], T0);
    expect(home.type).toBe('home');
    expect(allTextOf(home.blocks)).toContain('*DEP-7* · *checkout-api 2.14.0* → Production · 🚀 In progress');
    expect(allTextOf(homeView([], T0).blocks)).toContain('No deployments are under way or scheduled.');
  });
});
