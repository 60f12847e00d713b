import { deploymentTimings } from '../../../core/schedule/timings.js';
import { DomainError } from '../../../core/errors.js';
import type { Logger } from '../../../support/logger.js';
import { presentError, tell, type Where } from '../../reply.js';
import { summaryReport } from '../../views/notices/summary.js';
import { recordMarkdown } from '../../views/record.js';
import type { ListenerDeps } from '../deps.js';
import { permalinkOf } from '../permalinks.js';
import { seenBy } from '../../../usecases/seen.js';
import { privateStatusMessage } from '../../views/private.js';

type Ack = (answer?: object) => Promise<void>;

/**
 * `/deploy report DEP-12`: posts the summary report in the deployment's thread
 * (the same notice the scheduler sends at the end), then uploads its full record
 * as a Markdown file there (files.uploadV2: Slack's external upload flow).
 * Errors before the answer are thrown for the deploy command's one error handler.
 */
export async function runReportCommand(
  deps: ListenerDeps,
  ref: string | null,
  ack: Ack,
  where: Where,
  log: Logger,
): Promise<void> {
  const { service, client, clock } = deps;
  if (!ref) return ack({ response_type: 'ephemeral', text: 'Which deployment? For example `/deploy report DEP-12`.' });
  const d = service.findByRef(ref);
  if ((await seenBy(deps, where.user, [d])).hidden.length)
    return ack({ response_type: 'ephemeral', ...privateStatusMessage(d.ref) });
  const parent = service.messageOf(d.id, 'parent');
  if (!parent?.ts)
    throw new DomainError(
      'not_now',
      `${d.ref} is not posted in Slack yet, so there is no thread for its report. Try again in a moment.`,
    );
  await ack();
  const now = clock.now();
  const record = service.record(d.id);
  const summary = summaryReport({
    d,
    events: record.map((r) => r.event),
    now,
    job: { kind: 'summary', payload: { target: 'thread' }, dueAt: now },
    timings: deploymentTimings(d),
  });
  for (const part of [summary, ...(summary.more ?? [])]) {
    await client.chat.postMessage({
      channel: parent.channelId,
      thread_ts: parent.ts,
      text: part.text,
      blocks: part.blocks as never,
    });
  }
  const filename = `${d.ref}-record.md`;
  const link = await permalinkOf(deps, d);
  const there = link ? `<${link}|its thread>` : 'its thread';
  try {
    await client.files.uploadV2({
      channel_id: parent.channelId,
      thread_ts: parent.ts,
      file: Buffer.from(recordMarkdown(d, record, now), 'utf8'),
      filename,
      title: `${d.ref} full record`,
    });
  } catch (error) {
    const why = presentError(error, log, { deployment: d.ref });
    await tell(
      client,
      where,
      {
        text: `📋 The summary report of ${d.ref} is in ${there}, but its full record could not be uploaded. ${why.text}`,
      },
      log,
    );
    return;
  }
  await tell(
    client,
    where,
    {
      text: `📋 The summary report of ${d.ref} is in ${there}, with its full record (${filename}, ${record.length} events).`,
    },
    log,
  );
}
