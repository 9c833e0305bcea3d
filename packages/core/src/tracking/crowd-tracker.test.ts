import { describe, expect, it } from 'vitest';
import { Detections } from '../detections.js';
import { CrowdTracker } from './crowd-tracker.js';
import type { CrowdTrackerOptions } from './crowd-tracker-options.js';
import { translationMotion } from './similarity-motion.js';
import { seededRandom } from './track-id-source.js';

const DT = 1 / 25;

function points(xy: number[], scores?: number[]): Detections {
  return Detections.fromPoints(
    Float32Array.from(xy),
    Float32Array.from(scores ?? xy.filter((_, k) => k % 2 === 0).map(() => 1)),
  );
}

function tracker(options: Partial<CrowdTrackerOptions> = {}): CrowdTracker {
  return new CrowdTracker({ random: seededRandom(1), ...options });
}

/** Ids of the active tracks nearest to each given point (or -1 when none within 5 px). */
function idsNear(t: CrowdTracker, xy: number[]): number[] {
  const active = t.activeTracks();
  const out: number[] = [];
  for (let i = 0; i < xy.length; i += 2) {
    let best = -1;
    let bestD = 5;
    for (const track of active) {
      const d = Math.hypot(track.xPx - xy[i]!, track.yPx - xy[i + 1]!);
      if (d < bestD) {
        bestD = d;
        best = track.id;
      }
    }
    out.push(best);
  }
  return out;
}

describe('CrowdTracker', () => {
  it('confirms a track after minHits matches and only then gives it an id', () => {
    const t = tracker({ minHits: 3 });
    const a = t.update(points([100, 100]), { timeS: 0 });
    const b = t.update(points([101, 100]), { timeS: DT });
    const c = t.update(points([102, 100]), { timeS: 2 * DT });
    expect(a.trackId?.[0]).toBe(-1);
    expect(b.trackId?.[0]).toBe(-1);
    expect(c.trackId?.[0]).toBeGreaterThan(0);
    expect(t.activeTracks()).toHaveLength(1);
  });

  it('keeps the identities of two people walking past each other 6 px apart, with noise', () => {
    const random = seededRandom(4);
    const t = tracker();
    let first: number[] | undefined;
    for (let k = 0; k < 100; k++) {
      // A walks right, B walks left, 6 px apart vertically; 1 px noise.
      const truth = [100 + 1.2 * k, 200, 220 - 1.2 * k, 206];
      const noisy = truth.map((v) => v + (random() - 0.5) * 2);
      t.update(points(noisy), { timeS: k * DT });
      if (k === 10) first = idsNear(t, truth);
      if (k > 10) expect(idsNear(t, truth)).toEqual(first);
    }
    expect(first?.every((id) => id > 0)).toBe(true);
    expect(new Set(first).size).toBe(2);
  });

  it('bridges missed frames with the same id, reports coasting only briefly, and drops lost tracks after maxLostS', () => {
    const t = tracker({ coastFrames: 2, maxLostS: 0.5 });
    for (let k = 0; k < 10; k++) t.update(points([50 + k, 50]), { timeS: k * DT });
    const id = t.activeTracks()[0]!.id;
    t.update(points([]), { timeS: 10 * DT });
    expect(t.activeTracks()[0]).toMatchObject({ id, state: 'coasting' });
    t.update(points([]), { timeS: 11 * DT });
    expect(t.activeTracks()).toHaveLength(1);
    for (let k = 12; k < 15; k++) t.update(points([]), { timeS: k * DT });
    expect(t.activeTracks()).toHaveLength(0); // missed more than coastFrames: not reported, still kept
    const back = t.update(points([65, 50]), { timeS: 15 * DT });
    expect(back.trackId?.[0]).toBe(id);
    for (let k = 16; k < 16 + 14; k++) t.update(points([]), { timeS: k * DT });
    expect(t.stats.liveTracks).toBe(0);
  });

  it('re-filters a re-found track along the gap (observation-centric re-update) when enabled', () => {
    const velocityAfterGap = (reupdateAfterMissedFrames: number): number => {
      const t = tracker({ reupdateAfterMissedFrames });
      for (let k = 0; k < 20; k++) t.update(points([100 + 2 * k, 100]), { timeS: k * DT });
      for (let k = 20; k < 28; k++) t.update(points([]), { timeS: k * DT });
      // Stopped 2 px after the last sighting (it walked at 50 px/s before the gap).
      t.update(points([140, 100]), { timeS: 28 * DT });
      const track = t.activeTracks()[0]!;
      expect(track.detectionIndex).toBe(0);
      return track.vxPxPerS;
    };
    const reupdated = velocityAfterGap(1);
    const plain = velocityAfterGap(Infinity);
    expect(reupdated).toBeLessThan(plain - 2);
    expect(plain).toBeLessThan(50); // both see the stop; the re-update sees more of it
  });

  it('uses low-score detections only to extend confirmed tracks (second pass)', () => {
    const t = tracker({ highScore: 0.5, lowScore: 0.1 });
    for (let k = 0; k < 5; k++) t.update(points([10 + k, 10]), { timeS: k * DT });
    const id = t.activeTracks()[0]!.id;
    const out = t.update(points([15, 10, 300, 300], [0.3, 0.3]), { timeS: 5 * DT });
    expect(out.trackId?.[0]).toBe(id);
    for (let k = 6; k < 10; k++) t.update(points([300, 300], [0.3]), { timeS: k * DT });
    expect(t.activeTracks().map((track) => track.id)).not.toContain(-1);
    expect(t.stats.liveTracks).toBe(1); // the weak detection at (300, 300) never started a track
  });

  it('follows a crowd through a 25 px camera jump by estimating the image motion', () => {
    const random = seededRandom(7);
    const base = Array.from({ length: 120 }, () => [100 + random() * 200, 100 + random() * 150]).flat();
    const run = (estimate: boolean): number => {
      const t = tracker({ estimateImageMotion: estimate });
      let before: number[] = [];
      let kept = 0;
      for (let k = 0; k < 12; k++) {
        const offset = k >= 6 ? 25 : 0;
        const truth = base.map((v, i) => v + (i % 2 === 0 ? offset : 0));
        t.update(points(truth.map((v) => v + (random() - 0.5))), { timeS: k * DT });
        if (k === 5) before = idsNear(t, truth);
        if (k === 11) kept = idsNear(t, truth).filter((id, i) => id > 0 && id === before[i]).length;
      }
      return kept / (base.length / 2);
    };
    expect(run(true)).toBeGreaterThan(0.95);
    expect(run(false)).toBeLessThan(0.2);
  });

  it('applies a given camera motion instead of estimating one', () => {
    const t = tracker({ estimateImageMotion: false });
    for (let k = 0; k < 5; k++) t.update(points([100, 100, 140, 100]), { timeS: k * DT });
    const ids = idsNear(t, [100, 100, 140, 100]);
    t.update(points([130, 100, 170, 100]), { timeS: 5 * DT, imageMotion: translationMotion(30, 0) });
    expect(idsNear(t, [130, 100, 170, 100])).toEqual(ids);
    expect(t.stats.lastImageMotion.txPx).toBe(30);
  });

  it('associates boxes by overlap in boxes mode', () => {
    const t = tracker({ matchBy: 'boxes', minIou: 0.3 });
    const box = (x: number): Detections =>
      new Detections({
        xyxy: Float32Array.from([x, 0, x + 40, 80, x + 200, 0, x + 240, 80]),
        confidence: Float32Array.from([1, 1]),
      });
    let ids: number[] = [];
    for (let k = 0; k < 10; k++) {
      const out = t.update(box(3 * k), { timeS: k * DT });
      if (k === 3) ids = Array.from(out.trackId!);
      if (k > 3) expect(Array.from(out.trackId!)).toEqual(ids);
    }
    expect(ids.every((id) => id > 0)).toBe(true);
  });

  it('handles out-of-order times, empty frames and non-finite detections without throwing', () => {
    const t = tracker();
    t.update(points([10, 10]), { timeS: 1 });
    t.update(points([]), { timeS: 1.04 });
    const out = t.update(points([Number.NaN, 5, 11, 10]), { timeS: 0.5 });
    expect(out.trackId?.[0]).toBe(-1);
    expect(t.stats.outOfOrderFrames).toBe(1);
    expect(t.stats.invalidDetections).toBe(1);
    t.update(points([12, 10]), { timeS: 1.08 });
    expect(t.stats.frames).toBe(4);
  });

  it('gives different ids in two sessions (ids never identify anyone across sessions)', () => {
    const idsOf = (t: CrowdTracker): number[] => {
      for (let k = 0; k < 4; k++) t.update(points([10, 10, 50, 50]), { timeS: k * DT });
      return t.activeTracks().map((track) => track.id);
    };
    const a = idsOf(new CrowdTracker());
    const b = idsOf(new CrowdTracker());
    expect(a).toHaveLength(2);
    expect(a.some((id) => b.includes(id))).toBe(false);
  });

  it('tracks 5,000 points per frame', () => {
    const random = seededRandom(12);
    const n = 5000;
    const xy = Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? random() * 1920 : random() * 1080));
    const t = tracker();
    for (let k = 0; k < 5; k++) {
      for (let i = 0; i < 2 * n; i++) xy[i]! += 0.5;
      t.update(Detections.fromPoints(xy, new Float32Array(n).fill(1)), { timeS: k * DT });
    }
    expect(t.activeTracks().length).toBeGreaterThan(0.98 * n);
  });
});
