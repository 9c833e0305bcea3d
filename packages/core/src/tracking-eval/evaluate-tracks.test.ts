import { describe, expect, it } from 'vitest';
import type { TrackFrame } from '../tracking/track-frame.js';
import { evaluateTracks } from './evaluate-tracks.js';

/** Frames from rows [frame, id, x, y]. */
function frames(rows: [number, number, number, number][]): TrackFrame[] {
  const byFrame = new Map<number, [number, number, number][]>();
  for (const [f, id, x, y] of rows) byFrame.set(f, [...(byFrame.get(f) ?? []), [id, x, y]]);
  return [...byFrame.entries()].map(([frame, list]) => ({
    frame,
    ids: Int32Array.from(list, (r) => r[0]),
    xy: Float32Array.from(list.flatMap((r) => [r[1], r[2]])),
  }));
}

const still = (
  id: number,
  x: number,
  y: number,
  fromFrame: number,
  toFrame: number,
): [number, number, number, number][] =>
  Array.from({ length: toFrame - fromFrame + 1 }, (_, k) => [fromFrame + k, id, x, y]);

describe('evaluateTracks (hand-worked cases)', () => {
  it('perfect tracking scores 1 everywhere', () => {
    const gt = frames([...still(1, 0, 0, 0, 2), ...still(2, 50, 0, 0, 2)]);
    const pred = frames([...still(7, 0, 0, 0, 2), ...still(8, 50, 0, 0, 2)]);
    const r = evaluateTracks(gt, pred, { maxDistPx: 10 });
    expect(r).toMatchObject({ mota: 1, idf1: 1, idSwitches: 0, motpPx: 0, matches: 6, gtTracks: 2, predTracks: 2 });
    expect(r.hota).toBeCloseTo(1, 12);
  });

  it('one person whose predicted id changes halfway: MOTA 3/4, IDF1 1/2, HOTA sqrt(1/2)', () => {
    // GT: 4 frames. Pred id 1 for frames 0-1, id 2 for frames 2-3 -> 1 switch.
    // IDF1: best pairing keeps 2 of 4 frames -> 2*2 / (4 + 4). HOTA: DetA 1; each match's pair
    // (A,1) and (A,2) has 2 matches / (4 + 2 - 2) -> AssA 1/2.
    const gt = frames(still(1, 0, 0, 0, 3));
    const pred = frames([...still(1, 0, 0, 0, 1), ...still(2, 0, 0, 2, 3)]);
    const r = evaluateTracks(gt, pred, { maxDistPx: 10 });
    expect(r.idSwitches).toBe(1);
    expect(r.mota).toBeCloseTo(0.75, 12);
    expect(r.idf1).toBeCloseTo(0.5, 12);
    expect(r.detA).toBeCloseTo(1, 12);
    expect(r.assA).toBeCloseTo(0.5, 12);
    expect(r.hota).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('a miss and a false positive: MOTA 1/2, IDF1 3/4, one fragmentation', () => {
    const gt = frames(still(1, 0, 0, 0, 3));
    const pred = frames([
      [0, 5, 1, 0],
      [1, 5, 1, 0],
      [3, 5, 1, 0],
      [0, 9, 500, 500],
    ]);
    const r = evaluateTracks(gt, pred, { maxDistPx: 10 });
    expect(r).toMatchObject({ misses: 1, falsePositives: 1, idSwitches: 0, fragmentations: 1, matches: 3 });
    expect(r.mota).toBeCloseTo(0.5, 12);
    expect(r.idf1).toBeCloseTo(0.75, 12);
    expect(r.motpPx).toBeCloseTo(1, 6);
  });

  it('HOTA counts a 3.2 px offset (similarity 0.68 at 10 px) only at thresholds alpha <= 0.65', () => {
    const gt = frames(still(1, 0, 0, 0, 1));
    const pred = frames(still(4, 3.2, 0, 0, 1));
    const r = evaluateTracks(gt, pred, { maxDistPx: 10 });
    expect(r.mota).toBe(1);
    expect(r.motpPx).toBeCloseTo(3.2, 5);
    expect(r.detA).toBeCloseTo(13 / 19, 6);
    expect(r.hota).toBeCloseTo(13 / 19, 6);
  });

  it('two people swapping predicted ids: 2 switches, MOTA 3/4, IDF1 1/2', () => {
    const gt = frames([...still(1, 0, 0, 0, 3), ...still(2, 20, 0, 0, 3)]);
    const pred = frames([
      ...still(1, 0, 0, 0, 1),
      ...still(2, 20, 0, 0, 1),
      ...still(2, 0, 0, 2, 3),
      ...still(1, 20, 0, 2, 3),
    ]);
    const r = evaluateTracks(gt, pred, { maxDistPx: 10 });
    expect(r.idSwitches).toBe(2);
    expect(r.mota).toBeCloseTo(0.75, 12);
    expect(r.idf1).toBeCloseTo(0.5, 12);
  });

  it('keeps an established match when a closer prediction appears (no false switch)', () => {
    const gt = frames(still(1, 0, 0, 0, 1));
    const pred = frames([
      [0, 1, 4, 0],
      [1, 1, 4, 0],
      [1, 2, 1, 0],
    ]);
    const r = evaluateTracks(gt, pred, { maxDistPx: 10 });
    expect(r).toMatchObject({ idSwitches: 0, falsePositives: 1, matches: 2 });
    expect(r.mota).toBeCloseTo(0.5, 12);
  });

  it('matches optimally, not greedily: both people matched although the nearest pair would block one', () => {
    // g1 at 0, g2 at 8; p1 at 5, p2 at 12; greedy takes g2-p1 (3 px) and strands g1 and p2.
    const gt = frames([
      [0, 1, 0, 0],
      [0, 2, 8, 0],
    ]);
    const pred = frames([
      [0, 1, 5, 0],
      [0, 2, 12, 0],
    ]);
    const r = evaluateTracks(gt, pred, { maxDistPx: 6 });
    expect(r.matches).toBe(2);
    expect(r.mota).toBe(1);
  });

  it('treats frames present on one side only as all misses or all false positives', () => {
    const gt = frames(still(1, 0, 0, 0, 1));
    const pred = frames([
      [1, 3, 0, 0],
      [2, 3, 0, 0],
    ]);
    const r = evaluateTracks(gt, pred, { maxDistPx: 10 });
    expect(r).toMatchObject({ frames: 3, matches: 1, misses: 1, falsePositives: 1 });
  });
});

describe('evaluateTracks on a dense crowd (one giant candidate component)', () => {
  // 1,024 people standing 5 px apart with a 10 px threshold: each true point has ~12 predictions in
  // reach, so the whole crowd is one assignment problem - the case that used to take minutes at 3,000.
  // Predictions sit 1 px to the right of the truth (any other pairing costs >= 4 px), and every person
  // gets a new predicted id at frame 5, so the exact scores are known.
  const side = 32;
  const frameCount = 10;
  const gtRows: [number, number, number, number][] = [];
  const predRows: [number, number, number, number][] = [];
  for (let f = 0; f < frameCount; f++) {
    for (let i = 0; i < side * side; i++) {
      const x = (i % side) * 5;
      const y = Math.floor(i / side) * 5;
      gtRows.push([f, i + 1, x, y]);
      predRows.push([f, f < 5 ? i + 1 : 10_000 + i, x + 1, y]);
    }
  }
  const result = evaluateTracks(frames(gtRows), frames(predRows), { maxDistPx: 10 });

  it('matches every person to their own prediction and counts one switch each', () => {
    const people = side * side;
    expect(result).toMatchObject({ matches: people * frameCount, misses: 0, falsePositives: 0 });
    expect(result.idSwitches).toBe(people);
    expect(result.mota).toBeCloseTo(1 - people / (people * frameCount), 12);
    expect(result.motpPx).toBeCloseTo(1, 5);
  });

  it('gives IDF1 1/2 (each person keeps one predicted id for half the frames) and the HOTA of a 1 px offset', () => {
    expect(result.idf1).toBeCloseTo(0.5, 12);
    // Similarity 0.9 passes alpha <= 0.9 (18 of 19 thresholds): DetA 18/19; AssA at those alphas is
    // 5 / (10 + 5 - 5) = 1/2 for both id pairs of a person.
    expect(result.detA).toBeCloseTo(18 / 19, 9);
    expect(result.assA).toBeCloseTo((18 * 0.5) / 19, 9);
    expect(result.hota).toBeCloseTo((18 * Math.sqrt(0.5)) / 19, 9);
  });
});
