import { describe, expect, it } from 'vitest';
import type { TelemetryRecord } from './dji-srt.js';
import { rejectTelemetryOutliers } from './telemetry-outliers.js';

/** A drone flying north at `speedMPerS` and climbing at `climbMPerS`, one record every `stepMs`. */
function flight(count: number, options: { stepMs?: number; speedMPerS?: number; climbMPerS?: number } = {}) {
  const { stepMs = 1000, speedMPerS = 5, climbMPerS = 0 } = options;
  const metresPerDegLat = 111_195;
  return Array.from({ length: count }, (_, i): TelemetryRecord => {
    const tS = (i * stepMs) / 1000;
    return {
      index: i + 1,
      startMs: i * stepMs,
      endMs: (i + 1) * stepMs,
      pose: { lat: 25.2 + (speedMPerS * tS) / metresPerDegLat, lng: 55.27, relativeAltitudeM: 80 + climbMPerS * tS },
    };
  });
}

function glitch(records: TelemetryRecord[], i: number, change: Partial<TelemetryRecord['pose']>): TelemetryRecord[] {
  return records.map((r, k) => (k === i ? { ...r, pose: { ...r.pose, ...change } } : r));
}

describe('rejectTelemetryOutliers', () => {
  it('keeps a fast, climbing but possible flight whole', () => {
    for (const stepMs of [33, 1000]) {
      const records = flight(30, { stepMs, speedMPerS: 38, climbMPerS: 14 });
      const { records: kept, report } = rejectTelemetryOutliers(records);
      expect(kept).toEqual(records);
      expect(report).toMatchObject({ records: 30, rejected: [] });
    }
  });

  it('rejects one GPS glitch of 0.1 degrees latitude (11 km), and only it', () => {
    const records = flight(10);
    const { records: kept, report } = rejectTelemetryOutliers(glitch(records, 5, { lat: records[5]!.pose.lat! + 0.1 }));
    expect(kept.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10]);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]).toMatchObject({ index: 6, startMs: 5000, reason: 'position', allowedM: 50 });
    expect(report.rejected[0]!.jumpM).toBeGreaterThan(11_000);
  });

  it.each([20, 2000])('rejects a relative altitude jumping %d m for one record (1 Hz and 30 Hz)', (jumpM) => {
    for (const stepMs of [1000, 33]) {
      const records = flight(10, { stepMs });
      const { records: kept, report } = rejectTelemetryOutliers(glitch(records, 4, { relativeAltitudeM: 80 + jumpM }));
      expect(kept.map((r) => r.index)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
      expect(report.rejected).toEqual([expect.objectContaining({ index: 5, reason: 'altitude', jumpM })]);
    }
  });

  it('rejects a glitch in the very first record instead of trusting it', () => {
    const records = flight(6);
    const { records: kept, report } = rejectTelemetryOutliers(glitch(records, 0, { relativeAltitudeM: 2080 }));
    expect(kept.map((r) => r.index)).toEqual([2, 3, 4, 5, 6]);
    expect(report.rejected).toEqual([expect.objectContaining({ index: 1, reason: 'altitude' })]);
  });

  it('compares position and altitude with the last record that had them', () => {
    const records = flight(6).map((r, i) => (i === 2 || i === 3 ? { ...r, pose: { relativeAltitudeM: 80 } } : r));
    const bad = glitch(records, 4, { lng: 55.37 }); // 10 km east, after two records without a position
    const { report } = rejectTelemetryOutliers(bad);
    expect(report.rejected).toEqual([expect.objectContaining({ index: 5, reason: 'position' })]);
  });

  it('keeps rejecting an altitude that stays impossibly far from the last trusted one', () => {
    const records = flight(8).map((r, i) => (i >= 4 ? { ...r, pose: { ...r.pose, relativeAltitudeM: 2080 } } : r));
    const { records: kept, report } = rejectTelemetryOutliers(records);
    expect(kept.map((r) => r.index)).toEqual([1, 2, 3, 4]);
    expect(report.rejected.map((o) => o.index)).toEqual([5, 6, 7, 8]);
  });
});
