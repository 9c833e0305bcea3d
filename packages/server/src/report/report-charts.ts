/**
 * Inline SVG charts of the post-event report: no script, no external resource, printable in black
 * and white too (series are told apart by dash patterns as well as colours). Times run left to
 * right in every language (the charts carry `direction="ltr"`).
 */

/** Colour and dash pattern of the i-th series (zone). */
const SERIES = [
  { color: '#1f5fbf', dash: '' },
  { color: '#c2410c', dash: '6 3' },
  { color: '#15803d', dash: '2 2' },
  { color: '#7e22ce', dash: '8 3 2 3' },
  { color: '#a16207', dash: '4 4' },
  { color: '#0e7490', dash: '1 3' },
  { color: '#be123c', dash: '10 2' },
  { color: '#4d7c0f', dash: '3 1' },
];

export function seriesStyle(index: number): { color: string; dash: string } {
  return SERIES[index % SERIES.length]!;
}

export const SEVERITY_COLORS: Record<string, string> = {
  info: '#2563eb',
  warning: '#ca8a04',
  danger: '#ea580c',
  critical: '#b91c1c',
};

export interface ChartSeries {
  label: string;
  points: readonly { atMs: number; value: number | null }[];
}

export interface TimelineChartOptions {
  fromMs: number;
  toMs: number;
  /** Points further apart than this are not joined (a gap in the readings). */
  breakAfterMs: number;
  yLabel: string;
  /** Vertical marks, e.g. alerts raised, coloured by severity. */
  marks?: readonly { atMs: number; color: string; title: string }[];
  formatTick: (ms: number) => string;
  formatValue: (value: number) => string;
  widthPx?: number;
  heightPx?: number;
}

/** XML text: escapes what could end an element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A "nice" upper bound for an axis (1, 2, 2.5 or 5 times a power of ten). */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/** Time ticks at a round step (seconds to hours) giving about `target` ticks. */
export function timeTicks(fromMs: number, toMs: number, target = 6): number[] {
  const steps = [
    1_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
    10_800_000, 21_600_000, 43_200_000, 86_400_000,
  ];
  const span = Math.max(1, toMs - fromMs);
  const step = steps.find((s) => span / s <= target) ?? steps.at(-1)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs; t += step) ticks.push(t);
  return ticks;
}

const MARGIN = { left: 56, right: 28, top: 10, bottom: 34 };

/** A line chart of one value per zone over time, with its legend. */
export function timelineSvg(series: readonly ChartSeries[], options: TimelineChartOptions): string {
  const width = options.widthPx ?? 720;
  const height = options.heightPx ?? 220;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const span = Math.max(1, options.toMs - options.fromMs);
  let max = 0;
  for (const s of series) for (const p of s.points) if (p.value !== null && p.value > max) max = p.value;
  const yMax = niceCeil(max);
  const x = (ms: number) => MARGIN.left + ((ms - options.fromMs) / span) * plotW;
  const y = (v: number) => MARGIN.top + plotH - (v / yMax) * plotH;
  const parts: string[] = [];
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="#fff" stroke="#9ca3af" stroke-width="0.5"/>`,
  );
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    const yy = y(v).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${yy}" y2="${yy}" stroke="#e5e7eb" stroke-width="0.5"/>`,
      `<text x="${MARGIN.left - 4}" y="${yy}" text-anchor="end" dominant-baseline="middle" class="tick">${escapeXml(options.formatValue(v))}</text>`,
    );
  }
  for (const t of timeTicks(options.fromMs, options.toMs)) {
    const xx = x(t).toFixed(1);
    parts.push(
      `<line x1="${xx}" x2="${xx}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#e5e7eb" stroke-width="0.5"/>`,
      `<text x="${xx}" y="${MARGIN.top + plotH + 14}" text-anchor="middle" class="tick">${escapeXml(options.formatTick(t))}</text>`,
    );
  }
  parts.push(
    `<text x="12" y="${MARGIN.top + plotH / 2}" transform="rotate(-90 12 ${MARGIN.top + plotH / 2})" text-anchor="middle" class="axis">${escapeXml(options.yLabel)}</text>`,
  );
  for (const mark of options.marks ?? []) {
    const xx = x(mark.atMs).toFixed(1);
    parts.push(
      `<line x1="${xx}" x2="${xx}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="${mark.color}" stroke-width="1.2" stroke-dasharray="3 2"><title>${escapeXml(mark.title)}</title></line>`,
    );
  }
  series.forEach((s, index) => {
    const style = seriesStyle(index);
    const d = pathOf(s.points, x, y, options.breakAfterMs);
    if (d === '') return;
    parts.push(
      `<path d="${d}" fill="none" stroke="${style.color}" stroke-width="1.4"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}><title>${escapeXml(s.label)}</title></path>`,
    );
  });
  const legend = series
    .map((s, index) => {
      const style = seriesStyle(index);
      return `<span class="legend-item"><svg width="26" height="8" aria-hidden="true"><line x1="0" x2="26" y1="4" y2="4" stroke="${style.color}" stroke-width="2"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/></svg> ${escapeXml(s.label)}</span>`;
    })
    .join(' ');
  return (
    `<figure class="chart"><svg direction="ltr" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeXml(options.yLabel)}">` +
    parts.join('') +
    `</svg><figcaption class="legend">${legend}</figcaption></figure>`
  );
}

/** An SVG path joining consecutive points, broken where a value is missing or points are too far apart. */
function pathOf(
  points: readonly { atMs: number; value: number | null }[],
  x: (ms: number) => number,
  y: (v: number) => number,
  breakAfterMs: number,
): string {
  const segments: string[] = [];
  let previousMs: number | null = null;
  for (const p of points) {
    if (p.value === null || !Number.isFinite(p.value)) {
      previousMs = null;
      continue;
    }
    const command = previousMs === null || p.atMs - previousMs > breakAfterMs ? 'M' : 'L';
    segments.push(`${command}${x(p.atMs).toFixed(1)} ${y(p.value).toFixed(1)}`);
    previousMs = p.atMs;
  }
  return segments.join('');
}

export interface HeatmapRow {
  label: string;
  /** One value per time slice; null where the zone has no reading. */
  cells: readonly (number | null)[];
  /** What 1.0 on the colour scale means for this row (persons/m² scale or the row's peak count). */
  scaleMax: number;
}

export interface HeatmapOptions {
  fromMs: number;
  toMs: number;
  formatTick: (ms: number) => string;
  /** Legend: labels at 0, 0.5 and 1 of the scale. */
  legend: readonly [string, string, string];
  widthPx?: number;
}

/** Colour of a value on a 0..1 scale: pale yellow -> orange -> dark red (readable in grey too). */
export function heatColor(fraction: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const stops = [
    [255, 247, 204],
    [253, 174, 97],
    [215, 48, 31],
    [103, 0, 13],
  ];
  const scaled = f * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(scaled));
  const t = scaled - i;
  const [a, b] = [stops[i]!, stops[i + 1]!];
  const channel = (k: number) => Math.round(a[k]! + (b[k]! - a[k]!) * t);
  return `rgb(${channel(0)},${channel(1)},${channel(2)})`;
}

/** Zones (rows) × time slices (columns), each cell coloured by its value on the row's scale. */
export function heatmapSvg(rows: readonly HeatmapRow[], options: HeatmapOptions): string {
  const width = options.widthPx ?? 720;
  const labelW = 120;
  const rowH = 22;
  const columns = Math.max(1, ...rows.map((r) => r.cells.length));
  const plotW = width - labelW - 28;
  const cellW = plotW / columns;
  const height = rows.length * rowH + 60;
  const parts: string[] = [];
  rows.forEach((row, r) => {
    const yy = 6 + r * rowH;
    parts.push(
      `<text x="${labelW - 6}" y="${yy + rowH / 2}" text-anchor="end" dominant-baseline="middle" class="tick">${escapeXml(row.label)}</text>`,
    );
    row.cells.forEach((value, c) => {
      const fill = value === null ? '#f3f4f6' : heatColor(row.scaleMax > 0 ? value / row.scaleMax : 0);
      parts.push(
        `<rect x="${(labelW + c * cellW).toFixed(2)}" y="${yy}" width="${(cellW + 0.3).toFixed(2)}" height="${rowH - 2}" fill="${fill}"/>`,
      );
    });
  });
  const axisY = 6 + rows.length * rowH + 12;
  const span = Math.max(1, options.toMs - options.fromMs);
  for (const t of timeTicks(options.fromMs, options.toMs)) {
    const xx = (labelW + ((t - options.fromMs) / span) * plotW).toFixed(1);
    parts.push(
      `<text x="${xx}" y="${axisY}" text-anchor="middle" class="tick">${escapeXml(options.formatTick(t))}</text>`,
    );
  }
  const legendY = axisY + 14;
  for (let i = 0; i < 40; i++) {
    parts.push(`<rect x="${labelW + i * 4}" y="${legendY}" width="4.3" height="10" fill="${heatColor(i / 39)}"/>`);
  }
  options.legend.forEach((label, i) => {
    parts.push(
      `<text x="${labelW + i * 80}" y="${legendY + 22}" text-anchor="middle" class="tick">${escapeXml(label)}</text>`,
    );
  });
  return `<figure class="chart"><svg direction="ltr" viewBox="0 0 ${width} ${height}" width="100%" role="img">${parts.join('')}</svg></figure>`;
}
