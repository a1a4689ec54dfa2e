/**
 * chart.js for the console's charts: loaded on demand (after the first live numbers, so it is not in the
 * wallboard's first bundle), registered once with the console's dark theme and large type.
 */
import type { Chart } from 'chart.js';

let loading: Promise<typeof Chart> | undefined;

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
