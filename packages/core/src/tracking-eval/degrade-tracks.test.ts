import { describe, expect, it } from 'vitest';
import { seededRandom } from '../tracking/track-id-source.js';
import type { TrackFrame } from '../tracking/track-frame.js';
import { degradeTracks } from './degrade-tracks.js';

function grid(frameCount: number, people: number): TrackFrame[] {
  return Array.from({ length: frameCount }, (_, frame) => ({
    frame,
    ids: Int32Array.from({ length: people }, (_, i) => i),
    xy: Float32Array.from({ length: 2 * people }, (_, k) => (k % 2 === 0 ? 100 + 40 * (k >> 1) : 500)),
  }));
}

describe('degradeTracks', () => {
  const spec = {
    frameStep: 5,
    noiseSigmaPx: 2,
    missRate: 0.2,
    falsePositiveRate: 0.1,
    frameWidthPx: 1920,
    frameHeightPx: 1080,
  };

  it('keeps every n-th frame and reaches the asked miss rate, false-positive rate and noise', () => {
    const gt = grid(500, 40);
    const { gt: kept, detections } = degradeTracks(gt, spec, seededRandom(1));
    expect(kept.map((f) => f.frame)).toEqual(Array.from({ length: 100 }, (_, k) => 5 * k));
    let trueHits = 0;
    let falsePositives = 0;
    let squared = 0;
    for (const frame of detections) {
      for (let k = 0; k < frame.xy.length / 2; k++) {
        const x = frame.xy[2 * k]!;
        const y = frame.xy[2 * k + 1]!;
        const nearest = Math.round((x - 100) / 40);
        const dx = x - (100 + 40 * nearest);
        if (nearest >= 0 && nearest < 40 && Math.abs(dx) < 12 && Math.abs(y - 500) < 12) {
          trueHits++;
          squared += dx * dx + (y - 500) ** 2;
        } else falsePositives++;
      }
    }
    const truePoints = 100 * 40;
    expect(1 - trueHits / truePoints).toBeCloseTo(0.2, 1);
    expect(falsePositives / truePoints).toBeGreaterThan(0.08);
    expect(falsePositives / truePoints).toBeLessThan(0.12);
    expect(Math.sqrt(squared / trueHits / 2)).toBeCloseTo(2, 0);
  });

  it('is reproducible for a seed and shuffles detections within a frame', () => {
    const gt = grid(10, 40);
    const a = degradeTracks(gt, { ...spec, frameStep: 1, missRate: 0, noiseSigmaPx: 0 }, seededRandom(3));
    const b = degradeTracks(gt, { ...spec, frameStep: 1, missRate: 0, noiseSigmaPx: 0 }, seededRandom(3));
    expect(a.detections).toEqual(b.detections);
    const xs = Array.from(a.detections[0]!.xy).filter((_, k) => k % 2 === 0);
    expect(xs).not.toEqual([...xs].sort((p, q) => p - q));
    expect(a.detections[0]!.score.every((s) => s === 1)).toBe(true);
  });

  it('shakes truth and detections together when the camera shakes', () => {
    const gt = grid(3, 5);
    const { gt: shaken, detections } = degradeTracks(
      gt,
      { ...spec, frameStep: 1, missRate: 0, falsePositiveRate: 0, noiseSigmaPx: 0, cameraShakePx: 10 },
      seededRandom(5),
    );
    const shift = shaken[1]!.xy[0]! - gt[1]!.xy[0]!;
    expect(Math.abs(shift)).toBeGreaterThan(0.01);
    const detectedX = Array.from(detections[1]!.xy)
      .filter((_, k) => k % 2 === 0)
      .sort((p, q) => p - q);
    const truthX = Array.from(shaken[1]!.xy)
      .filter((_, k) => k % 2 === 0)
      .sort((p, q) => p - q);
    detectedX.forEach((x, k) => expect(x).toBeCloseTo(truthX[k]!, 4));
  });
});
