import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { STATUSES } from '../core/deployment/types.js';
import { JOB_KINDS, JOB_STATUSES } from '../core/schedule/jobs.js';
import type { StatsRepository } from '../storage/stats.js';

/**
 * Liftoff's Prometheus metrics (GET /metrics). Labels only ever hold names
 * from fixed vocabularies (request kinds, Web API method names, Slack error
 * codes, job kinds and statuses, deployment statuses): never a user, channel,
 * service or text.
 */
export interface Metrics {
  registry: Registry;
  /** A Slack request was acknowledged `seconds` after Bolt received it. */
  acked(kind: string, seconds: number): void;
  /** One HTTP request to the Web API ended: `ok`, Slack's error code, `429`, `timeout`, `http_5xx`… */
  apiCalled(method: string, outcome: string, seconds: number): void;
  /** A redraw of a deployment's messages was asked for / brought them in line `seconds` after it was asked for. */
  redrawQueued(): void;
  redrawDone(seconds: number): void;
  /** Deployments with a redraw asked for and not finished yet. */
  redrawsPending(count: () => number): void;
  /** One scheduler tick (due jobs claimed and started, timers looked at) took `seconds`. */
  ticked(seconds: number): void;
}

const SLACK_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30];

export function createMetrics({ stats }: { stats: StatsRepository }): Metrics {
  const registry = new Registry();
  // The event loop's delay sampled once a second, not prom-client's every 10 ms: each sample wakes
  // the process, and at 10 ms that was most of an idle Liftoff's CPU (300 of 400 ms over 30 s idle);
  // at 100 ms it was still half of it (0.85–1.1 ms of CPU a second in an empty Node process, 0.14 at
  // 1 s). A stall of the loop still shows: a sample due during it is taken late by as much.
  collectDefaultMetrics({ register: registry, prefix: 'liftoff_', eventLoopMonitoringPrecision: 1_000 });

  const acks = new Histogram({
    name: 'liftoff_ack_seconds',
    help: 'Time from Bolt receiving a Slack request to its acknowledgement, by kind (command, block_actions, view_submission, …). Slack allows 3 s.',
    labelNames: ['kind'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [registry],
  });
  const acksTotal = new Counter({
    name: 'liftoff_acks_total',
    help: 'Slack requests acknowledged, by kind.',
    labelNames: ['kind'],
    registers: [registry],
  });
  const api = new Counter({
    name: 'liftoff_slack_api_calls_total',
    help: 'HTTP requests to the Slack Web API (each retry counts), by method and outcome: ok, the Slack error code, 429, timeout, http_<status> or network_error.',
    labelNames: ['method', 'outcome'],
    registers: [registry],
  });
  const apiSeconds = new Histogram({
    name: 'liftoff_slack_api_seconds',
    help: 'Duration of HTTP requests to the Slack Web API, by method.',
    labelNames: ['method'],
    buckets: SLACK_SECONDS,
    registers: [registry],
  });
  const redraws = new Counter({
    name: 'liftoff_redraws_queued_total',
    help: "Redraws of a deployment's Slack messages asked for (after a change, a timer, a restart).",
    registers: [registry],
  });
  const redrawLag = new Histogram({
    name: 'liftoff_redraw_lag_seconds',
    help: "Time from a redraw being asked for to the deployment's messages being in line with it (or the attempt ending).",
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  let pending = () => 0;
  new Gauge({
    name: 'liftoff_redraws_pending',
    help: 'Deployments whose redraw is asked for and not finished.',
    registers: [registry],
    collect() {
      this.set(pending());
    },
  });
  const ticks = new Histogram({
    name: 'liftoff_scheduler_tick_seconds',
    help: "Duration of one scheduler tick: due jobs claimed and handed to their channel's queue (the posting, paced by Slack, is apart), timers looked at.",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'liftoff_jobs',
    help: 'Jobs (notices and hook calls) in the schedule, by kind and status (pending, sending, sent, failed, uncertain, skipped, cancelled).',
    labelNames: ['kind', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      const known = new Set<string>(JOB_KINDS);
      for (const kind of JOB_KINDS) for (const status of JOB_STATUSES) this.set({ kind, status }, 0);
      for (const r of stats.jobsByKindAndStatus())
        this.inc({ kind: known.has(r.kind) ? r.kind : 'other', status: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'liftoff_deployments',
    help: 'Deployments in the database, by status.',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset();
      const known = new Set<string>(STATUSES);
      for (const status of STATUSES) this.set({ status }, 0);
      for (const r of stats.deploymentsByStatus()) this.inc({ status: known.has(r.status) ? r.status : 'other' }, r.n);
    },
  });
  new Gauge({
    name: 'liftoff_database_bytes',
    help: 'Size of the SQLite database file (its pages; the write-ahead log is apart).',
    registers: [registry],
    collect() {
      this.set(stats.databaseBytes());
    },
  });

  return {
    registry,
    acked(kind, seconds) {
      acksTotal.inc({ kind });
      acks.observe({ kind }, seconds);
    },
    apiCalled(method, outcome, seconds) {
      api.inc({ method, outcome });
      apiSeconds.observe({ method }, seconds);
    },
    redrawQueued: () => redraws.inc(),
    redrawDone: (seconds) => redrawLag.observe(seconds),
    redrawsPending(count) {
      pending = count;
    },
    ticked: (seconds) => ticks.observe(seconds),
  };
}
