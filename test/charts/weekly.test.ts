import { describe, expect, it } from 'vitest';
import { svgToPng, weeklyChart, weeklySpec } from '../../src/slack/charts/weekly.js';
import type { WeekStats } from '../../src/core/deployment/stats.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 8, 7);

/** Twelve weeks with a bit of everything. */
const WEEKS: WeekStats[] = Array.from({ length: 12 }, (_, i) => ({
  start: START + i * 7 * DAY,
  completed: (i % 5) + 1,
  failed: i % 3 === 0 ? 1 : 0,
  cancelled: i % 4 === 1 ? 2 : 0,
}));

/** Width and height from a PNG's header chunk, after checking its signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('the chart of deployments a week', () => {
  it('is a PNG of a sane size, small enough to upload', async () => {
    const png = await weeklyChart(WEEKS);
    const { width, height } = pngSize(png);
    // The spec's 576 × 200 plot, with axes, title, legend and padding, at twice the size.
    expect(width).toBeGreaterThan(1000);
    expect(width).toBeLessThan(2000);
    expect(height).toBeGreaterThan(400);
    expect(height).toBeLessThan(1000);
    expect(png.length).toBeLessThan(500_000);
  });

  it('draws one bar part per week and outcome, in order, with nothing a user typed', () => {
    const spec = weeklySpec(WEEKS) as { data: { values: Array<Record<string, unknown>> } };
    expect(spec.data.values).toHaveLength(36);
    expect(spec.data.values.slice(0, 3)).toEqual([
      { week: 'Sep 7', i: 0, outcome: 'Completed', order: 0, n: 1 },
      { week: 'Sep 7', i: 0, outcome: 'Rolled back or rollback failed', order: 1, n: 1 },
      { week: 'Sep 7', i: 0, outcome: 'Cancelled', order: 2, n: 0 },
    ]);
  });

  it('names the year under the weeks when they cross a new year', () => {
    const label = (weeks: WeekStats[]) =>
      (weeklySpec(weeks) as { data: { values: Array<{ week: string }> } }).data.values.map((v) => v.week);
    expect(label(WEEKS.slice(0, 2))).toContain('Sep 14');
    const crossing = [Date.UTC(2026, 11, 28), Date.UTC(2027, 0, 4)].map((start) => ({ ...WEEKS[0]!, start }));
    expect(new Set(label(crossing))).toEqual(new Set(['Dec 28, 2026', 'Jan 4, 2027']));
  });

  it('draws its text with the font it ships, whatever fonts the machine has', async () => {
    const svg = (text: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="white"/><text x="10" y="28" font-family="DejaVu Sans" font-size="20">${text}</text></svg>`;
    // System fonts are not loaded: without the bundled font, the text would draw nothing.
    expect((await svgToPng(svg('Deployments'))).equals(await svgToPng(svg('')))).toBe(false);
  });
});
