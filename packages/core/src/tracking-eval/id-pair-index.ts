import type { FramePairs } from './frame-pairs.js';

/**
 * Dense numbering of the track ids and of the (ground-truth id, predicted id) pairs that ever come
 * within the threshold, shared by the identity metrics and HOTA.
 *
 * Why: both accumulate per id pair. Keyed by `gtIndex * 2^21 + predIndex` in a Map, the keys leave
 * V8's small-integer range from ~512 ids on and every lookup hashes a heap number, which made
 * 3,000 dense tracks several times slower than 1,000. Here each pair gets a small index once, and
 * the per-pair sums live in typed arrays.
 */
export interface IdPairIndex {
  /** Points per ground-truth id / predicted id, by dense id index. */
  gtIdPoints: Int32Array;
  predIdPoints: Int32Array;
  /** Dense ground-truth id index and predicted id index of each pair. */
  pairGt: Int32Array;
  pairPred: Int32Array;
  /** For each frame, the pair index of each of its candidate pairs (parallel to `gtIndex`). */
  framePairs: Int32Array[];
}

/** Numbers the ids and id pairs of aligned frames (one pass over the frames, then one over the pairs). */
export function indexIdPairs(frames: readonly FramePairs[]): IdPairIndex {
  const gtIds = new Map<number, number>();
  const predIds = new Map<number, number>();
  const gtIdPoints: number[] = [];
  const predIdPoints: number[] = [];
  const denseOf = (ids: Map<number, number>, points: number[], id: number): number => {
    let index = ids.get(id);
    if (index === undefined) {
      index = ids.size;
      ids.set(id, index);
      points.push(0);
    }
    points[index]!++;
    return index;
  };
  const frameGt: Int32Array[] = [];
  const framePred: Int32Array[] = [];
  for (const pairs of frames) {
    frameGt.push(Int32Array.from(pairs.gt.ids, (id) => denseOf(gtIds, gtIdPoints, id)));
    framePred.push(Int32Array.from(pairs.pred.ids, (id) => denseOf(predIds, predIdPoints, id)));
  }
  // With both id counts known, gt * predCount + pred stays a small integer for realistic sizes.
  const predCount = Math.max(1, predIds.size);
  const pairOf = new Map<number, number>();
  const pairGt: number[] = [];
  const pairPred: number[] = [];
  const framePairs = frames.map((pairs, f) => {
    const gtDense = frameGt[f]!;
    const predDense = framePred[f]!;
    const out = new Int32Array(pairs.gtIndex.length);
    for (let k = 0; k < out.length; k++) {
      const g = gtDense[pairs.gtIndex[k]!]!;
      const p = predDense[pairs.predIndex[k]!]!;
      const key = g * predCount + p;
      let pair = pairOf.get(key);
      if (pair === undefined) {
        pair = pairGt.length;
        pairOf.set(key, pair);
        pairGt.push(g);
        pairPred.push(p);
      }
      out[k] = pair;
    }
    return out;
  });
  return {
    gtIdPoints: Int32Array.from(gtIdPoints),
    predIdPoints: Int32Array.from(predIdPoints),
    pairGt: Int32Array.from(pairGt),
    pairPred: Int32Array.from(pairPred),
    framePairs,
  };
}
