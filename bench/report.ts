/** The benchmark's table (Markdown, as README's "Performance" shows it), each issue target marked met or missed. */
import type { BenchResult } from './run.js';
import { fmt, fmtRatio, ratio, table } from './stats.js';

const mark = (ok: boolean | null, target: string) =>
  ok === null ? `${target}: –` : `${target}: ${ok ? 'met' : 'missed'}`;
const under = (v: number | null | undefined, limit: number) =>
  v === null || v === undefined || Number.isNaN(v) ? null : v <= limit;

export function report(r: BenchResult): string {
  const parts: string[] = [];
  parts.push(
    `Machine: ${r.machine.nproc} cores (${r.machine.cpu}), Node ${r.machine.node}, load ${r.machine.load.map((l) => l.toFixed(1)).join(' ')} at the start; ${r.when.slice(0, 16).replace('T', ' ')} UTC${r.quick ? ', quick mode' : ''}.`,
  );
  const i = r.interactive;
  if (i) {
    parts.push(
      table(
        [
          'acknowledgement (ms)',
          'users',
          'Liftoff p50 / p99 / max',
          'baseline p50 / p99 / max',
          'ratio p50 / p99',
          'target',
        ],
        i.latency.map((row) => [
          `${row.scenario} (n=${row.liftoff.n}${row.liftoff.failed ? `, ${row.liftoff.failed} failed` : ''})`,
          String(row.users),
          `${fmt(row.liftoff.p50)} / ${fmt(row.liftoff.p99)} / ${fmt(row.liftoff.max)}`,
          `${fmt(row.baseline.p50)} / ${fmt(row.baseline.p99)} / ${fmt(row.baseline.max)}`,
          `${fmtRatio(row.ratio.p50)} / ${fmtRatio(row.ratio.p99)}`,
          row.users >= 20
            ? mark(
                row.ratio.p50 === null || row.ratio.p99 === null ? null : row.ratio.p50 <= 1.5 && row.ratio.p99 <= 1.5,
                '≤ 1.5×',
              )
            : '',
        ]),
      ),
    );
  }
  const rows: string[][] = [];
  const add = (what: string, liftoff: string, baseline: string, rat: string, target: string) =>
    rows.push([what, liftoff, baseline, rat, target]);
  /** One figure for each process, and their ratio. */
  const pair = (what: string, liftoff: number, baseline: number, target = '') =>
    add(what, fmt(liftoff), fmt(baseline), fmtRatio(ratio(liftoff, baseline)), target);
  pair(
    'start-up to first answered request, empty DB (ms)',
    r.startup.liftoffMs,
    r.startup.baselineMs,
    mark(under(r.startup.liftoffMs, 2000), '≤ 2 s'),
  );
  pair('RSS after start (MB)', r.rssAfterStartMb.liftoff, r.rssAfterStartMb.baseline);
  if (i) {
    for (const c of i.cpuPerClick) {
      // Until the final state / while answered: Liftoff's two figures, against the baseline's one.
      const both = (all: number, during: number) => `${fmt(all)} / ${fmt(during)}`;
      const ratios = (all: number | null, during: number | null) => `${fmtRatio(all)} / ${fmtRatio(during)}`;
      add(
        `CPU per click, ${c.users} user(s), the first burst: until Slack shows the final state / while answered (ms)`,
        both(c.liftoffMs, c.liftoffDuringMs),
        fmt(c.baselineMs),
        ratios(c.ratio, c.ratioDuring),
        c.rounds ? '' : mark(under(c.ratio, 2) && under(c.ratioDuring, 2), '≤ 2×'),
      );
      const r = c.rounds;
      if (r) {
        const span = (x: [number, number] | null) => (x ? `${fmtRatio(x[0])}–${fmtRatio(x[1])}` : '–');
        add(
          `  warm, ${r.rounds} rounds of ${r.clicksEach} alternating with the baseline's (the rounds' ratios)`,
          both(r.liftoffMs, r.liftoffDuringMs),
          fmt(r.baselineMs),
          `${ratios(r.ratio, r.ratioDuring)} (${span(r.range)} / ${span(r.rangeDuring)})`,
          mark(under(r.ratio, 2) && under(r.ratioDuring, 2), '≤ 2×'),
        );
      }
    }
    for (const e of i.economy)
      add(
        `Web API calls per ${e.action}${e.finalStateMs !== undefined ? `; final state after (ms)` : ''}`,
        `${fmt(e.callsPerAction)}${e.finalStateMs !== undefined ? `; ${fmt(e.finalStateMs)}` : ''}`,
        '0',
        '',
        mark(e.rateLimited === 0, `no 429 (${e.rateLimited})`),
      );
    const s = i.storm;
    add(
      `50 clicks on one message within ${(s.sentWithinMs / 1000).toFixed(1)} s: chat.update calls; final state after (ms)`,
      `${s.chatUpdates}; ${fmt(s.finalStateMs)}`,
      '',
      '',
      mark(s.rateLimited === 0, `no 429 (${s.rateLimited})`),
    );
    add(
      '  the storm’s acknowledgements p50 / p99 (ms)',
      `${fmt(s.liftoffAck.p50)} / ${fmt(s.liftoffAck.p99)}`,
      `${fmt(s.baselineAck.p50)} / ${fmt(s.baselineAck.p99)}`,
      `${fmtRatio(ratio(s.liftoffAck.p50, s.baselineAck.p50))} / ${fmtRatio(ratio(s.liftoffAck.p99, s.baselineAck.p99))}`,
      '',
    );
  }
  if (r.rssAfterInteractiveMb)
    add(
      'RSS after the interactive scenarios, now / peak (MB)',
      `${fmt(r.rssAfterInteractiveMb.liftoff)} / ${fmt(r.rssAfterInteractiveMb.liftoffPeak)}`,
      fmt(r.rssAfterInteractiveMb.baseline),
      fmtRatio(ratio(r.rssAfterInteractiveMb.liftoff, r.rssAfterInteractiveMb.baseline)),
      '',
    );
  const sc = r.scale;
  if (sc) {
    add(
      `scale: ${sc.size.active} active + ${sc.size.finished} finished, ${sc.size.jobs} jobs (seeded in ${sc.size.seedSeconds.toFixed(0)} s; db check: ${sc.size.dbCheck})`,
      '',
      '',
      '',
      '',
    );
    pair(
      '  start-up to first answered request (ms)',
      sc.startupMs.liftoff,
      sc.startupMs.baseline,
      mark(under(sc.startupMs.liftoff, 2000), '≤ 2 s'),
    );
    for (const row of sc.rows) {
      const limit = row.scenario.startsWith('click') ? 100 : 50;
      add(
        `  ${row.scenario} p50 / p99 (ms, n=${row.liftoff.n})`,
        `${fmt(row.liftoff.p50)} / ${fmt(row.liftoff.p99)}`,
        `${fmt(row.baseline.p50)} / ${fmt(row.baseline.p99)}`,
        `${fmtRatio(row.ratio.p50)} / ${fmtRatio(row.ratio.p99)}`,
        mark(under(row.liftoff.p99, limit), `< ${limit} ms`),
      );
    }
    add(
      `  scheduler tick (claim what is due, look at the timers): mean of ${sc.scheduler.ticks} (ms); ticks ≤ 5 ms`,
      sc.scheduler.ticks
        ? `${fmt(sc.scheduler.meanTickMs)}; ${sc.scheduler.ticksWithin5ms ?? '?'} of ${sc.scheduler.ticks}`
        : 'no tick ended',
      '',
      '',
      sc.scheduler.ticks ? mark(under(sc.scheduler.meanTickMs, 5), '< 5 ms') : '< 5 ms: missed',
    );
    add(
      `  due jobs sent (${sc.scheduler.jobsDue}; ${Object.entries(sc.scheduler.jobStatuses)
        .map(([status, n]) => `${n} ${status}`)
        .join(', ')}): due to sent, p99 / max (ms)`,
      `${fmt(sc.scheduler.lateP99Ms)} / ${fmt(sc.scheduler.lateMaxMs)}`,
      '',
      '',
      mark(under(sc.scheduler.lateP99Ms, 2000), '< 2 s'),
    );
    add(
      '  RSS now / peak (MB)',
      `${fmt(sc.rssMb.liftoff)} / ${fmt(sc.rssMb.liftoffPeak)}`,
      fmt(sc.rssMb.baseline),
      fmtRatio(sc.rssMb.ratio),
      mark(under(sc.rssMb.liftoffPeak, 150), '< 150 MB'),
    );
    add('  429s received', String(sc.rateLimited), '', '', mark(sc.rateLimited === 0, 'none'));
    if (sc.homes)
      add(
        '  App Home opens published',
        `${sc.homes.published} of ${sc.homes.opened}`,
        '',
        '',
        mark(sc.homes.published === sc.homes.opened, 'all'),
      );
  }
  const idle = r.idle;
  if (idle) {
    pair(
      `CPU over ${idle.seconds} s idle, ${idle.runningPhases} running phases (ms)`,
      idle.cpuMs.liftoff,
      idle.cpuMs.baseline,
    );
    pair('  RSS after the idle period (MB)', idle.rssMb.liftoff, idle.rssMb.baseline);
  }
  for (const row of r.render ?? [])
    add(
      `render ${row.template} after a click, every item done (${row.messages} messages), p50 / p99 (ms)`,
      `${fmt(row.ms.p50)} / ${fmt(row.ms.p99)}`,
      '',
      '',
      mark(under(row.ms.p50, 5), '< 5 ms'),
    );
  parts.push(table(['measurement', 'Liftoff', 'baseline', 'ratio', 'target'], rows));
  return parts.join('\n\n');
}
