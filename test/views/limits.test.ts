import type { KnownBlock, ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import { ViewId } from '../../src/slack/ids.js';
import {
  errorMessage,
  helpMessage,
  listMessage,
  statusMessage,
  unexpectedErrorMessage,
  usageMessage,
} from '../../src/slack/views/answers.js';
import { homeView } from '../../src/slack/views/home.js';
import { renderDeployment } from '../../src/slack/views/deployment/index.js';
import { evidenceModal, failStepModal, reasonModal, startModal } from '../../src/slack/views/modals/index.js';
import { validateMessageBlocks, validateView } from '../support/block-kit-rules.js';
import {
  allTemplates,
  created,
  HOSTILE,
  hugeTemplate,
  LATE,
  realisticTemplate,
  statesOf,
  T0,
  worstFailed,
} from './fixtures.js';

/** What the fake Slack would refuse: every rendered message and view must pass it. */

const Q = (n: number) => '"'.repeat(n);

describe.each(allTemplates)('deployment messages of the %s template pass the Block Kit rules', (_name, plan) => {
  it.each(statesOf(plan))('%s', (_state, d, now) => {
    for (const m of renderDeployment(d, now)) expect(validateMessageBlocks(m.blocks, m.text), m.key).toEqual([]);
  });
});

describe('answers pass the Block Kit rules', () => {
  const many = Array.from({ length: 60 }, (_, i) => ({
    d: worstFailed(i % 2 ? hugeTemplate : realisticTemplate),
    link: `https://acme.slack.com/archives/C1/p${i}`,
  }));
  const answers: Array<[string, { text: string; blocks?: KnownBlock[] }]> = [
    ['help', helpMessage()],
    ['usage', usageMessage(Q(2000))],
    ['list', listMessage(many, LATE)],
    ['empty list', listMessage([], T0)],
    ['status', statusMessage(worstFailed(hugeTemplate), `https://acme.slack.com/${'a'.repeat(900)}`, LATE)],
    ['error', errorMessage(new DomainError('gate_closed', Q(3000), Array(300).fill(Q(600))))],
    ['unexpected', unexpectedErrorMessage('E-1A2B3C4D')],
  ];
  it.each(answers)('%s', (_name, a) => expect(validateMessageBlocks(a.blocks ?? [], a.text)).toEqual([]));

  it('App Home', () => {
    expect(validateView(homeView(many, LATE))).toEqual([]);
    expect(validateView(homeView([], T0))).toEqual([]);
  });
});

describe('modals pass the Block Kit rules', () => {
  const templates = [realisticTemplate, hugeTemplate].map((t) => ({ id: t.id, name: t.name, roles: t.approvals }));
  const manyTemplates = Array.from({ length: 120 }, (_, i) => ({
    id: `t${i}`,
    name: Q(75),
    roles: realisticTemplate.approvals,
  }));
  const phase = hugeTemplate.phases[0]!;
  const views: Array<[string, ModalView]> = [
    [
      'start',
      startModal({
        templates,
        templateId: realisticTemplate.id,
        prefill: { service: HOSTILE, version: '1', environment: 'uat' },
        deployerId: 'U1',
        channelId: 'C1',
        now: T0,
      }),
    ],
    [
      'start, huge template',
      startModal({
        templates,
        templateId: hugeTemplate.id,
        prefill: {},
        deployerId: 'U1',
        channelId: 'C1',
        now: T0,
        errors: Array(20).fill(Q(500)),
      }),
    ],
    [
      'start, huge template, with the communication timings',
      startModal({
        templates,
        templateId: hugeTemplate.id,
        prefill: {},
        deployerId: 'U1',
        channelId: 'C1',
        now: T0,
        errors: Array(20).fill(Q(500)),
        timings: {
          announcementHoursBefore: 2880,
          reminderHoursBefore: 0.5,
          progressEveryMinutes: 1440,
          monitoringMinutes: 20160,
        },
      }),
    ],
    [
      'start, 120 templates',
      startModal({
        templates: manyTemplates,
        templateId: 'nope',
        prefill: { service: Q(500) },
        deployerId: 'U1',
        channelId: 'C1',
        now: T0,
      }),
    ],
    [
      'evidence',
      evidenceModal({
        d: 999_999_999,
        key: `phase.${phase.id}.${phase.steps[0]!.id}`,
        label: Q(150),
        hint: Q(150),
        kind: 'text',
        itemText: Q(500),
      }),
    ],
    ['evidence, url', evidenceModal({ d: 1, key: 'a.b.c', label: 'Link', hint: '[URL]', kind: 'url', itemText: 'x' })],
    ...[ViewId.reject, ViewId.overrideGate, ViewId.cancel].map((callbackId): [string, ModalView] => [
      callbackId,
      reasonModal({ callbackId, title: Q(100), prompt: Q(3000), ref: { d: 1, r: 'qa_lead' }, context: Q(3000) }),
    ]),
    [
      'fail step',
      failStepModal({ d: 1, phase, steps: phase.steps.map((item) => ({ key: `phase.${phase.id}.${item.id}`, item })) }),
    ],
  ];
  it.each(views)('%s', (_name, view) => expect(validateView(view)).toEqual([]));
});

it('a deployment created from the huge template stays valid even far past its window', () => {
  for (const m of renderDeployment(created(hugeTemplate), LATE))
    expect(validateMessageBlocks(m.blocks, m.text), m.key).toEqual([]);
});
