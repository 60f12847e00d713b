import type { RecordedEvent } from '../../core/deployment/events.js';
import { durationOf, endedAt } from '../../core/deployment/history.js';
import {
  DEPLOYMENT_TYPE_LABELS,
  ENVIRONMENT_LABELS,
  STATUS_LABELS,
  type Deployment,
} from '../../core/deployment/types.js';
import { findItem } from '../../core/template/items.js';
import { formatDuration } from './format.js';

/** One event of the record with its hash in the chain (storage's ChainedEvent fits). */
export interface RecordEntry {
  seq: number;
  hash: string;
  event: RecordedEvent;
}

/** "2026-11-23 09:05:00 UTC" */
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** Free text as written, on one list line: later lines indented under it. */
const text = (s: string) => s.replace(/\r\n?/g, '\n').split('\n').join('\n    ');

/** What happened, in words, and the details worth keeping (evidence, notes, reasons). */
function describe(d: Deployment, e: RecordedEvent): { what: string; details: Array<[string, string]> } {
  const item = (key: string) => `“${findItem(d.plan, key)?.item.text ?? key}” (${key})`;
  const phase = (id: string) => `“${d.plan.phases.find((p) => p.id === id)?.title ?? id}”`;
  const role = (r: string) => d.plan.approvals.find((a) => a.role === r)?.label ?? r;
  switch (e.type) {
    case 'created':
      return {
        what: `planned ${e.input.service} ${e.input.version} for ${ENVIRONMENT_LABELS[e.input.environment]} with the template “${e.plan.name}” (${e.plan.id})`,
        details: [
          ['Window', `${utc(e.input.windowStart)} – ${utc(e.input.windowEnd)}`],
          ...(e.input.emergency
            ? [
                ['Emergency outside the calendar', `${e.input.emergency.reason} (${e.input.emergency.calendar})`] as [
                  string,
                  string,
                ],
              ]
            : []),
        ],
      };
    case 'item_confirmed':
      return { what: `confirmed ${item(e.key)}`, details: e.evidence ? [['Evidence', e.evidence]] : [] };
    case 'item_failed':
      return { what: `reported ${item(e.key)} failed`, details: [['Note', e.note]] };
    case 'item_undone':
      return {
        what: `undid ${item(e.key)} (was ${e.previous.state} by ${e.previous.by} at ${utc(e.previous.at)})`,
        details: e.previous.evidence ? [['Evidence withdrawn', e.previous.evidence]] : [],
      };
    case 'approved':
      return { what: `approved as ${role(e.role)}`, details: [] };
    case 'rejected':
      return { what: `rejected as ${role(e.role)}`, details: [['Reason', e.reason]] };
    case 'override_requested':
      return {
        what: `asked for an override of the ${e.gate} gate`,
        details: [
          ['Reason', e.reason],
          ['Missing', e.missing.join('; ') || 'nothing'],
        ],
      };
    case 'gate_overridden': {
      const how = e.emergency ? ' as an emergency (admin)' : e.requestedBy ? `, asked by ${e.requestedBy}` : '';
      return {
        what: `overrode the ${e.gate} gate${how}`,
        details: [
          ['Reason', e.reason],
          ['Missing', e.missing.join('; ') || 'nothing'],
        ],
      };
    }
    case 'phase_started':
      return { what: `started the phase ${phase(e.phaseId)}`, details: [] };
    case 'phase_completed':
      return { what: `completed the phase ${phase(e.phaseId)}`, details: [] };
    case 'completed':
      return { what: 'completed the deployment', details: [] };
    case 'monitoring_started':
      return { what: `completed it; monitoring for ${formatDuration(e.minutes * 60_000)}`, details: [] };
    case 'marked_faulty':
      return { what: 'marked it faulty', details: [['Note', e.note]] };
    case 'rescheduled':
      return { what: 'rescheduled it', details: [['New window', `${utc(e.windowStart)} – ${utc(e.windowEnd)}`]] };
    case 'rollback_started':
      return {
        what: `started a rollback from ${e.fromVersion}${e.toVersion ? ` to ${e.toVersion}` : ''}`,
        details: [
          ['Trigger', e.trigger],
          ['Restore', e.restore.join(', ') || 'nothing named'],
          ...(e.note ? [['Note', e.note] as [string, string]] : []),
        ],
      };
    case 'rollback_completed':
      return { what: 'completed the rollback', details: [] };
    case 'rollback_failed':
      return { what: 'reported the rollback failed', details: [['Note', e.note]] };
    case 'cancelled':
      return { what: 'cancelled it', details: [['Reason', e.reason]] };
    case 'room_opened':
      return { what: `opened its channel #${e.name} (${e.channelId})`, details: [] };
    case 'room_failed':
      return { what: 'could not open its own channel; it runs in a thread', details: [['Reason', e.reason]] };
    case 'health_checks_run':
      return {
        what: `ran the health checks${e.requestedBy ? `, asked by ${e.requestedBy}` : ' on its schedule'}`,
        details: e.results.map((r) => [r.ok ? 'Passed' : 'Failed', `GET ${r.endpoint}: ${r.detail}`]),
      };
    case 'refused':
      return { what: `was refused: ${e.action}`, details: [['Reason', e.reason]] };
  }
}

/**
 * The full record of a deployment as a Markdown file: what it is, then every
 * event with who (Slack user id), what, when (UTC) and its evidence, notes or
 * reasons, and its link in the tamper-evident chain.
 */
export function recordMarkdown(d: Deployment, record: readonly RecordEntry[], now: number): string {
  const ended = endedAt(d);
  const duration = durationOf(d);
  const head = record.at(-1)?.hash ?? '';
  const lines = [
    `# ${d.ref}: ${d.service} ${d.version} → ${ENVIRONMENT_LABELS[d.environment]}`,
    '',
    `- Status: ${STATUS_LABELS[d.status]}${ended !== undefined ? ` (${utc(ended)})` : ''}`,
    `- Type: ${DEPLOYMENT_TYPE_LABELS[d.type]}`,
    `- Template: ${d.plan.name} (${d.plan.id})`,
    `- Deployer: ${d.deployerId}`,
    `- Window: ${utc(d.window.start)} – ${utc(d.window.end)}`,
    `- Ran: ${duration !== undefined ? formatDuration(duration) : 'never started'}`,
    `- Channel: ${d.channelId}`,
    `- Events: ${record.length}; chain head (SHA-256 of event ${record.length}): \`${head}\``,
    '',
    `Who is a Slack user id (\`liftoff\`: Liftoff itself); times are UTC. Each event's hash links it to the one before; \`liftoff db check\` and \`liftoff export\` verify the chain.`,
    '',
    '## Events',
  ];
  for (const { seq, hash, event } of record) {
    const { what, details } = describe(d, event);
    lines.push(
      '',
      `### ${seq}. ${utc(event.at)} · ${event.type}`,
      '',
      `- Who: ${event.actor}`,
      `- What: ${text(what)}`,
    );
    for (const [label, value] of details) lines.push(`- ${label}: ${text(value)}`);
    lines.push(`- Hash: \`${hash}\``);
  }
  lines.push('', `_Record made ${utc(now)} by Liftoff._`, '');
  return lines.join('\n');
}
