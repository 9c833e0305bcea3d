import type { ZoneReading } from '@raqib/core';
import { RESOLUTION_MS, type ReadingBucket, type ReadingResolution } from './store-records.js';

interface Accumulator {
  bucketStartMs: number;
  samples: number;
  countSum: number;
  countMax: number;
  densitySum: number;
  densitySamples: number;
  peakMax: number | null;
  inCount: number | null;
  outCount: number | null;
  speedSum: number;
  speedSamples: number;
}

/**
 * Turns per-frame zone readings of one stream into stored time series: one bucket per zone per
 * second and per minute. Means for counts, densities and speeds, maxima for counts and peak local
 * density, sums for line crossings. A bucket is returned when a reading for a later bucket arrives
 * (frames come in time order per stream); `flush()` returns the open ones (e.g. at stream end).
 */
export class ReadingDownsampler {
  private readonly open = new Map<string, Accumulator>();
  private readonly resolutions: readonly ReadingResolution[];

  constructor(
    readonly streamId: string,
    resolutions: readonly ReadingResolution[] = ['1s', '1m'],
  ) {
    this.resolutions = resolutions;
  }

  /** Adds one frame's readings taken at wall time `atMs`; returns the buckets this closed. */
  add(atMs: number, readings: readonly ZoneReading[]): ReadingBucket[] {
    const closed: ReadingBucket[] = [];
    for (const resolution of this.resolutions) {
      const sizeMs = RESOLUTION_MS[resolution];
      const bucketStartMs = Math.floor(atMs / sizeMs) * sizeMs;
      for (const reading of readings) {
        const key = `${resolution}\u0000${reading.zoneId}`;
        let acc = this.open.get(key);
        if (acc && acc.bucketStartMs !== bucketStartMs) {
          // A frame older than the open bucket (clock step back) is folded into the open bucket.
          if (bucketStartMs < acc.bucketStartMs) {
            accumulate(acc, reading);
            continue;
          }
          closed.push(this.toBucket(reading.zoneId, resolution, acc));
          acc = undefined;
        }
        if (!acc) {
          acc = emptyAccumulator(bucketStartMs);
          this.open.set(key, acc);
        }
        accumulate(acc, reading);
      }
    }
    return closed;
  }

  /** Returns every open bucket and forgets them. */
  flush(): ReadingBucket[] {
    const buckets = [...this.open.entries()].map(([key, acc]) => {
      const [resolution, zoneId] = key.split('\u0000') as [ReadingResolution, string];
      return this.toBucket(zoneId, resolution, acc);
    });
    this.open.clear();
    return buckets;
  }

  private toBucket(zoneId: string, resolution: ReadingResolution, acc: Accumulator): ReadingBucket {
    return {
      streamId: this.streamId,
      zoneId,
      resolution,
      bucketStartMs: acc.bucketStartMs,
      samples: acc.samples,
      countMean: acc.countSum / acc.samples,
      countMax: acc.countMax,
      densityPerM2Mean: acc.densitySamples > 0 ? acc.densitySum / acc.densitySamples : null,
      peakLocalDensityPerM2Max: acc.peakMax,
      inCount: acc.inCount,
      outCount: acc.outCount,
      meanSpeedMPerS: acc.speedSamples > 0 ? acc.speedSum / acc.speedSamples : null,
    };
  }
}

function emptyAccumulator(bucketStartMs: number): Accumulator {
  return {
    bucketStartMs,
    samples: 0,
    countSum: 0,
    countMax: -Infinity,
    densitySum: 0,
    densitySamples: 0,
    peakMax: null,
    inCount: null,
    outCount: null,
    speedSum: 0,
    speedSamples: 0,
  };
}

function accumulate(acc: Accumulator, reading: ZoneReading): void {
  acc.samples += 1;
  acc.countSum += reading.count;
  acc.countMax = Math.max(acc.countMax, reading.count);
  if (reading.densityPerM2 !== undefined && Number.isFinite(reading.densityPerM2)) {
    acc.densitySum += reading.densityPerM2;
    acc.densitySamples += 1;
  }
  if (reading.peakLocalDensityPerM2 !== undefined) {
    acc.peakMax = Math.max(acc.peakMax ?? -Infinity, reading.peakLocalDensityPerM2);
  }
  if (reading.inCount !== undefined) acc.inCount = (acc.inCount ?? 0) + reading.inCount;
  if (reading.outCount !== undefined) acc.outCount = (acc.outCount ?? 0) + reading.outCount;
  if (reading.meanSpeedMPerS !== undefined && Number.isFinite(reading.meanSpeedMPerS)) {
    acc.speedSum += reading.meanSpeedMPerS;
    acc.speedSamples += 1;
  }
}
