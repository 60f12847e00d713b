import type { Logger } from '../../../support/logger.js';
import { presentError, tell, type Where } from '../../reply.js';
import { chartCaption, chartWorthy, statsMessage } from '../../views/stats.js';
import type { ListenerDeps } from '../deps.js';
import type { DeployCommand } from './parse.js';

type Ack = (answer?: object) => Promise<void>;

/**
 * `/deploy stats [service] [environment] [period]`: answers the measures at
 * once (ephemeral), then, when the period spans weeks, draws deployments a
 * week by outcome and shares the PNG where the command was typed (Slack's
 * external upload flow, as `/deploy report` uploads its record). A chart
 * that cannot be shared there is said so to the person who asked.
 */
export async function runStatsCommand(
  deps: ListenerDeps,
  parsed: Extract<DeployCommand, { kind: 'stats' }>,
  ack: Ack,
  where: Where,
  log: Logger,
): Promise<void> {
  const filter = {
    ...(parsed.service ? { service: parsed.service } : {}),
    ...(parsed.environment ? { environment: parsed.environment } : {}),
  };
  const stats = deps.service.stats(filter, parsed.days);
  await ack({ response_type: 'ephemeral', ...statsMessage(stats, filter) });
  if (!chartWorthy(stats) || !where.channel) return;
  const caption = chartCaption(stats, filter, where.user);
  try {
    // Loaded on first use: the charting libraries take seconds to load, and a start should not wait for them.
    const { weeklyChart } = await import('../../charts/weekly.js');
    await deps.client.files.uploadV2({
      channel_id: where.channel,
      file: await weeklyChart(stats.weeks),
      filename: 'deployments-a-week.png',
      title: 'Deployments a week, by outcome',
      alt_text: caption.altText,
      initial_comment: caption.comment,
    });
  } catch (error) {
    const why = presentError(error, log, { chart: 'weekly' });
    await tell(deps.client, where, { text: `📊 The chart of these stats could not be shared here. ${why.text}` }, log);
  }
}
