import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderAsync } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { WeekStats } from '../../core/deployment/stats.js';

/**
 * Charts are drawn by Vega-Lite (compiled to Vega, rendered headless to SVG:
 * no canvas) and turned into PNG by resvg, with the font shipped in assets/
 * (DejaVu Sans, Latin subset) so they look the same on every machine. They
 * carry no user text (names and scopes go in the message beside them), so
 * the Latin subset covers everything drawn.
 */
const FONT = fileURLToPath(new URL('../../../assets/fonts/DejaVuSans-Latin.ttf', import.meta.url));
const FAMILY = 'DejaVu Sans';

const OUTCOMES = [
  { key: 'completed', label: 'Completed', color: '#2eb67d' },
  { key: 'failed', label: 'Rolled back or rollback failed', color: '#e01e5a' },
  { key: 'cancelled', label: 'Cancelled', color: '#a0a0a0' },
] as const;

const dayMonth = new Intl.DateTimeFormat('en-US', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayMonthYear = new Intl.DateTimeFormat('en-US', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** The Vega-Lite spec of deployments a week, stacked by outcome (pure). */
export function weeklySpec(weeks: readonly WeekStats[]): TopLevelSpec {
  const year = (ms: number) => new Date(ms).getUTCFullYear();
  // The year too when the weeks cross a new year.
  const label = year(weeks[0]?.start ?? 0) === year(weeks.at(-1)?.start ?? 0) ? dayMonth : dayMonthYear;
  const values = weeks.flatMap((w, i) =>
    OUTCOMES.map((o, order) => ({ week: label.format(w.start), i, outcome: o.label, order, n: w[o.key] })),
  );
  return {
    width: Math.max(240, Math.min(720, weeks.length * 48)),
    height: 200,
    background: 'white',
    padding: 12,
    title: { text: 'Deployments a week, by outcome', anchor: 'start', fontSize: 14 },
    data: { values },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      x: {
        field: 'week',
        type: 'ordinal',
        sort: { field: 'i' },
        title: 'Week starting (UTC)',
        axis: { labelAngle: 0, labelOverlap: 'greedy' },
      },
      y: { field: 'n', type: 'quantitative', title: 'Deployments', axis: { tickMinStep: 1, format: 'd' } },
      color: {
        field: 'outcome',
        type: 'nominal',
        scale: { domain: OUTCOMES.map((o) => o.label), range: OUTCOMES.map((o) => o.color) },
        legend: { orient: 'bottom', title: null, direction: 'horizontal', labelLimit: 400 },
      },
      order: { field: 'order', type: 'quantitative' },
    },
    config: { font: FAMILY, view: { stroke: null } },
  };
}

/** An SVG as PNG at twice its size (sharp text on high-density screens), its text in the bundled font only. */
export async function svgToPng(svg: string): Promise<Buffer> {
  // resvg would draw no text at all without it, and say nothing.
  if (!existsSync(FONT))
    throw new Error(`The charts' font is missing: ${FONT} (part of the install, see assets/fonts).`);
  const png = await renderAsync(svg, {
    font: { loadSystemFonts: false, fontFiles: [FONT], defaultFontFamily: FAMILY, sansSerifFamily: FAMILY },
    fitTo: { mode: 'zoom', value: 2 },
  });
  return png.asPng();
}

/** A Vega-Lite spec drawn as PNG. */
async function chartPng(spec: TopLevelSpec): Promise<Buffer> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await svgToPng(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/** Deployments a week, stacked by outcome, as PNG. */
export function weeklyChart(weeks: readonly WeekStats[]): Promise<Buffer> {
  return chartPng(weeklySpec(weeks));
}
