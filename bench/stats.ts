/** The benchmark's arithmetic and its table: percentiles, summaries, ratios to the baseline. */

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of `values` (p in 0–100); NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/** Liftoff's figure divided by the baseline's (null when there is nothing to divide by). */
export function ratio(liftoff: number, baseline: number): number | null {
  if (!Number.isFinite(liftoff) || !Number.isFinite(baseline) || baseline <= 0) return null;
  return liftoff / baseline;
}

/** A figure for the table: whole numbers above 100, one decimal above 10, two below. */
export function fmt(n: number | null | undefined, unit = ''): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${n.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

export const fmtRatio = (r: number | null) => (r === null ? '–' : `${r.toFixed(1)}×`);

/** A Markdown table: a header row, then the rows; cells padded so it also reads as plain text. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
