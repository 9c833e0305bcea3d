import { createWriteStream, type WriteStream } from 'node:fs';
import type { FrameAnalysis, ZoneReading } from '@raqib/core';
import { round } from './analysis-record.js';
import type { Sink } from './sink.js';

const columns: ReadonlyArray<[string, (zone: ZoneReading) => number | string | undefined]> = [
  ['zone_id', (z) => z.zoneId],
  ['kind', (z) => z.kind],
  ['count', (z) => round(z.count, 2)],
  ['area_m2', (z) => (z.areaM2 === undefined ? undefined : round(z.areaM2, 2))],
  ['density_per_m2', (z) => (z.densityPerM2 === undefined ? undefined : round(z.densityPerM2, 4))],
  [
    'peak_local_density_per_m2',
    (z) => (z.peakLocalDensityPerM2 === undefined ? undefined : round(z.peakLocalDensityPerM2, 4)),
  ],
  ['fruin_level', (z) => z.fruinLevel],
  ['still_class', (z) => z.stillClass],
  ['in_count', (z) => z.inCount],
  ['out_count', (z) => z.outCount],
  ['inflow_per_min', (z) => (z.inflowPerMin === undefined ? undefined : round(z.inflowPerMin, 2))],
  ['outflow_per_min', (z) => (z.outflowPerMin === undefined ? undefined : round(z.outflowPerMin, 2))],
  ['flow_per_m_per_min', (z) => (z.flowPerMPerMin === undefined ? undefined : round(z.flowPerMPerMin, 2))],
  ['mean_speed_m_per_s', (z) => (z.meanSpeedMPerS === undefined ? undefined : round(z.meanSpeedMPerS, 3))],
  ['direction_deg', (z) => (z.directionDeg === undefined ? undefined : round(z.directionDeg, 1))],
  ['counterflow_share', (z) => (z.counterflowShare === undefined ? undefined : round(z.counterflowShare, 3))],
  ['mean_speed_px_per_s', (z) => (z.meanSpeedPxPerS === undefined ? undefined : round(z.meanSpeedPxPerS, 2))],
  ['speed_variance', (z) => (z.speedVariance === undefined ? undefined : round(z.speedVariance, 4))],
  ['divergence_per_s', (z) => (z.divergencePerS === undefined ? undefined : round(z.divergencePerS, 4))],
  ['pressure_per_s2', (z) => (z.pressurePerS2 === undefined ? undefined : round(z.pressurePerS2, 5))],
];

function csvCell(value: number | string | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** zones.csv: a time series with one row per zone per analysed frame. */
export class ZonesCsvSink implements Sink {
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path);
    this.stream.write(['time_s', 'seq', ...columns.map(([name]) => name)].join(',') + '\n');
  }

  async write(analysis: FrameAnalysis): Promise<void> {
    const rows = analysis.zones.map((zone) =>
      [round(analysis.timeS, 3), analysis.frame.seq, ...columns.map(([, get]) => csvCell(get(zone)))].join(','),
    );
    if (rows.length && !this.stream.write(rows.join('\n') + '\n')) {
      await new Promise<void>((resolve) => this.stream.once('drain', resolve));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}
