import { describe, expect, it } from 'vitest';
import type { HistoryPage } from '../../src/core/deployment/history.js';
import { parseDeployCommand } from '../../src/slack/listeners/commands/parse.js';
import { historyMessage } from '../../src/slack/views/history.js';
import { validateMessageBlocks } from '../support/block-kit-rules.js';
import { created, HOSTILE, MIN, play, realisticTemplate as plan, T0 } from './fixtures.js';
import { buttons, mrkdwnOf } from './helpers.js';

const worst = (id: number) =>
  play(created(plan, { service: HOSTILE.repeat(10), version: '"'.repeat(64) }, id), [
    { type: 'cancelled', reason: HOSTILE },
    undefined,
    T0 + 5 * MIN,
  ]);

describe('the history page', () => {
  it('stays within a message’s limits with the longest names, escapes them and never links an unsafe URL', () => {
    const page: HistoryPage = {
      filter: { service: HOSTILE.repeat(10) },
      page: 3,
      pages: 9,
      total: 90,
      deployments: Array.from({ length: 10 }, (_, i) => worst(i + 1)),
    };
    const answer = historyMessage(page, new Map([[1, 'javascript:alert(1)']]));
    expect(validateMessageBlocks(answer.blocks, answer.text)).toEqual([]);
    expect(mrkdwnOf(answer.blocks)).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil|javascript:/);
    expect(buttons(answer.blocks).map((b) => [b.text, JSON.parse(b.value!).p])).toEqual([
      ['← Previous', 2],
      ['Next →', 4],
    ]);
  });
});

describe('/deploy history arguments', () => {
  it('reads service, environment (aliases too) and page in any order', () => {
    expect(parseDeployCommand('history')).toEqual({ kind: 'history', page: 1 });
    expect(parseDeployCommand('history checkout prod page 3')).toEqual({
      kind: 'history',
      service: 'checkout',
      environment: 'production',
      page: 3,
    });
    expect(parseDeployCommand('history staging')).toEqual({ kind: 'history', environment: 'staging', page: 1 });
    expect(parseDeployCommand('history page 2 checkout')).toEqual({ kind: 'history', service: 'checkout', page: 2 });
    expect(parseDeployCommand('history a b c').kind).toBe('unknown');
  });
});
