import { describe, expect, it } from 'vitest';
import { fmt, percentile, ratio, summarize, table } from '../../bench/stats.js';

describe('the benchmark arithmetic', () => {
  it('takes nearest-rank percentiles, whatever the order', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
    expect(percentile([], 50)).toBeNaN();
    expect(summarize(values)).toEqual({ n: 10, p50: 5, p99: 10, max: 10 });
  });

  it('gives no ratio without a baseline figure', () => {
    expect(ratio(30, 20)).toBe(1.5);
    expect(ratio(30, 0)).toBeNull();
    expect(ratio(Number.NaN, 20)).toBeNull();
    expect(fmt(null)).toBe('–');
    expect(fmt(1234.5, 'ms')).toBe('1235 ms');
    expect(fmt(12.34)).toBe('12.3');
    expect(fmt(1.234)).toBe('1.23');
  });

  it('prints a Markdown table with padded columns', () => {
    expect(table(['a', 'long header'], [['xyz', '1']])).toBe(
      ['| a   | long header |', '|-----|-------------|', '| xyz | 1           |'].join('\n'),
    );
  });
});
