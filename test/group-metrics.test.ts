import { describe, expect, it } from 'vitest';
import { longestSilenceHours, top20Share } from '../src/analytics/group-metrics.js';
import { dayIn, daysEnding } from '../src/core/calendar.js';

describe('group metrics', () => {
  it('top-20% share takes the top ⌈20%⌉ of senders', () => {
    expect(top20Share([])).toBe(0);
    expect(top20Share([5])).toBe(1);
    // 6 senders → top 2 (⌈1.2⌉): (50 + 20) / 100
    expect(top20Share([10, 50, 5, 20, 10, 5])).toBe(0.7);
    expect(top20Share([1, 1, 1])).toBe(0.3333);
    expect(top20Share([0, 0, 3])).toBe(1);
  });

  it('longest silence is the largest gap between consecutive messages, in hours', () => {
    const h = 3_600_000;
    expect(longestSilenceHours([])).toBe(0);
    expect(longestSilenceHours([1000])).toBe(0);
    expect(longestSilenceHours([0, 2 * h, 2.5 * h, 50.556 * h])).toBe(48.06);
    expect(longestSilenceHours([0, 49.994 * h, 50 * h])).toBe(49.99);
  });

  it("counts calendar days in the group's time zone", () => {
    const t = Date.parse('2026-01-31T20:30:00Z');
    expect(dayIn('UTC', t)).toBe('2026-01-31');
    expect(dayIn('Asia/Shanghai', t)).toBe('2026-02-01');
    expect(dayIn('America/Los_Angeles', t)).toBe('2026-01-31');
    expect(daysEnding('2026-03-01', 3)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });
});
