import { existsSync } from 'node:fs';
import {
  CrowdTracker,
  DEGRADATION_LEVELS,
  degradeTracks,
  Detections,
  evaluateTracks,
  seededRandom,
  type TrackFrame,
} from '@raqib/core';
import { describe, expect, it } from 'vitest';
import { readTrackCsv } from './track-csv.js';

const sequence = new URL('../../../../../shared/datasets/DroneCrowd/annotations/00001.csv', import.meta.url).pathname;

describe.skipIf(!existsSync(sequence))('CrowdTracker on a real DroneCrowd sequence (first 100 frames)', () => {
  it('keeps identities through detector-like noise, misses and false positives (standard level)', async () => {
    const gt = (await readTrackCsv(sequence)).frames.filter((f) => f.frame < 100);
    const degraded = degradeTracks(
      gt,
      { ...DEGRADATION_LEVELS.standard, frameWidthPx: 1920, frameHeightPx: 1080 },
      seededRandom(1),
    );
    const tracker = new CrowdTracker({ random: seededRandom(2) });
    const predicted: TrackFrame[] = degraded.detections.map((frame) => {
      tracker.update(Detections.fromPoints(frame.xy, frame.score), { timeS: frame.frame / 25 });
      const active = tracker.activeTracks();
      return {
        frame: frame.frame,
        ids: Int32Array.from(active, (t) => t.id),
        xy: Float32Array.from(active.flatMap((t) => [t.xPx, t.yPx])),
      };
    });
    const result = evaluateTracks(degraded.gt, predicted, { maxDistPx: 10, hota: false });
    expect(result.idf1).toBeGreaterThan(0.95);
    expect(result.mota).toBeGreaterThan(0.95);
    expect(result.motpPx).toBeLessThan(1.75); // raw detections are off by 1.88 px on average (sigma 1.5)
  });
});
