import type { Button } from '@slack/types';
import type { CheckOutcome } from '../../../core/deployment/health-checks.js';
import type { Deployment } from '../../../core/deployment/types.js';
import { findItem } from '../../../core/template/items.js';
import { context, section } from '../blocks.js';
import { clip, joinLines, mention } from '../format.js';
import { title, type Notice } from './common.js';

/** One line per check: ✅ or ❌, `GET host/path`, then what it answered and what matched. */
export function healthCheckLines(results: ReadonlyArray<Pick<CheckOutcome, 'endpoint' | 'ok' | 'detail'>>): string {
  return joinLines(
    results.map((r) => `${r.ok ? '✅' : '❌'} \`GET ${clip(r.endpoint, 200)}\` — ${clip(r.detail, 300)}`),
    2500,
    '',
  );
}

/**
 * The one message of a run someone asked for, in the thread: each check's
 * status, latency and match; the items it confirmed; on a failure, the
 * rollback (`rollback`: only when the person who asked may roll back).
 */
export function healthCheckResult(
  d: Deployment,
  run: { requestedBy: string; outcomes: readonly CheckOutcome[]; confirmed: readonly string[] },
  rollback: Button | null,
): Notice {
  const passed = run.outcomes.filter((o) => o.ok).length;
  const total = run.outcomes.length;
  const all = passed === total;
  const head = `${all ? '🩺' : '⚠️'} *Health checks* ${title(d)}: ${passed} of ${total} passed · asked by ${mention(run.requestedBy)}`;
  const items = run.confirmed.map((k) => `“${clip(findItem(d.plan, k)?.item.text ?? k, 200)}”`);
  const blocks = [
    section(`${head}\n${healthCheckLines(run.outcomes)}`),
    ...(items.length ? [context(clip(`🤖 Confirmed by health check: ${items.join(', ')}`, 2000))] : []),
    ...(!all && rollback
      ? [section(`⏪ Something wrong? Roll ${clip(d.service, 80)} back to the previous version in one form.`, rollback)]
      : []),
  ];
  return { text: `${all ? '🩺' : '⚠️'} ${d.ref} health checks: ${passed} of ${total} passed`, blocks };
}
