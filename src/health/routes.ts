import type { ServerResponse } from 'node:http';

export interface HealthReport {
  ok: boolean;
  problems: string[];
}

/** What the two routes ask: liveness (the database can be written) and readiness (that, and Slack answers). */
export interface HealthChecks {
  live(): Promise<HealthReport>;
  ready(): Promise<HealthReport>;
}

/**
 * GET /healthz (liveness: 200 while the database can be written and the disk
 * has room, else 503) and GET /readyz (readiness: that, and Slack accepted
 * the token; in Socket Mode, the socket is connected). Both answer JSON
 * `{ ok, problems }` with the problems in plain words.
 */
export function healthRoutes(checks: HealthChecks) {
  const answer = (res: ServerResponse, report: HealthReport) => {
    res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(report));
  };
  const route = (path: string, check: () => Promise<HealthReport>, failed: string) => ({
    path,
    method: ['GET'],
    handler: (_req: unknown, res: ServerResponse) => {
      check().then(
        (report) => answer(res, report),
        () => answer(res, { ok: false, problems: [failed] }),
      );
    },
  });
  return [
    route('/healthz', () => checks.live(), 'the liveness check failed'),
    route('/readyz', () => checks.ready(), 'the readiness check failed'),
  ];
}
