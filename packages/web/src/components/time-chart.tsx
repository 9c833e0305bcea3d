import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber, formatTime, t } from '../i18n/i18n.js';

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
}

const PALETTE = ['#6cb6ff', '#ffc94d', '#58d68d', '#ff9a52', '#c39bff', '#ff5c6c', '#4de1d2', '#f0f0f0'];
export const seriesColor = (index: number) => PALETTE[index % PALETTE.length]!;

/**
 * A uPlot time chart (canvas, fast with long series). Times are Unix ms; axes use the user's
 * language and digits. Charts keep time running left to right in every language.
 */
export function TimeChart({
  title,
  timesMs,
  series,
  fractionDigits = 0,
  testId,
}: {
  title: string;
  timesMs: number[];
  series: ChartSeries[];
  fractionDigits?: number;
  testId?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('\u0000');

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(300, element.clientWidth),
      height: 220,
      title,
      scales: { x: { time: true } },
      axes: [
        {
          stroke: '#aab7c4',
          grid: { stroke: '#2a3542' },
          values: (_u, splits) => splits.map((s) => formatTime(s * 1000)),
        },
        {
          stroke: '#aab7c4',
          grid: { stroke: '#2a3542' },
          values: (_u, splits) => splits.map((s) => formatNumber(s, fractionDigits)),
        },
      ],
      series: [
        { label: t('charts.time'), value: (_u, v) => (v === null ? '–' : formatTime(v * 1000)) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : formatNumber(v, fractionDigits)),
        })),
      ],
      legend: { live: true },
    };
    const chart = new uPlot(
      options,
      [timesMs.map((ms) => ms / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData,
      element,
    );
    plot.current = chart;
    // Series are named after zone ids (data, not interface text).
    for (const label of element.querySelectorAll('.u-legend .u-series:not(:first-child) .u-label')) {
      label.setAttribute('translate', 'no');
    }
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(300, element.clientWidth), height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Rebuilt when the series set, the title or the locale-dependent formatting changes.
  }, [shape, title, fractionDigits]);

  useEffect(() => {
    plot.current?.setData([timesMs.map((ms) => ms / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [timesMs, series]);

  return <div class="time-chart" ref={host} data-testid={testId} data-points={timesMs.length} />;
}
