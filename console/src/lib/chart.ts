/**
 * chart.js for the console's charts: loaded on demand (after the first live numbers, so it is not in the
 * wallboard's first bundle), registered once with the console's dark theme and large type.
 */
import type { Chart } from 'chart.js';

let loading: Promise<typeof Chart> | undefined;

/**
 * `spanGaps` of a rate line over a series with every interval: it bridges one interval without calls; a
 * longer quiet stretch (the evening) is a gap in the line, not a flat line at the last value.
 */
export const RATE_SPAN_GAPS = 2;

/** A line's point radius: big enough to see while a series has only a few points (the first minutes of a day, on a TV). */
export const pointRadiusFor = (points: number, base: number): number => (points <= 3 ? Math.max(base, 6) : base);

/**
 * A line's `segment` option that dashes its last segment when the last point is a day not over yet
 * (today: its figures still move, a drop there is not a trend).
 */
export const partialLast = (points: number, partial: boolean) => ({
  borderDash: (ctx: { p1DataIndex: number }): number[] | undefined => (partial && ctx.p1DataIndex === points - 1 ? [5, 4] : undefined),
});

export function loadChart(): Promise<typeof Chart> {
  return (loading ??= import('chart.js').then((m) => {
    m.Chart.register(m.BarController, m.BarElement, m.LineController, m.LineElement, m.PointElement, m.CategoryScale, m.LinearScale, m.Legend, m.Tooltip, m.Filler);
    m.Chart.defaults.color = '#c7d2ea';
    m.Chart.defaults.borderColor = '#2a3756';
    m.Chart.defaults.font.size = 14;
    m.Chart.defaults.animation = false;
    return m.Chart;
  }));
}
