import { assignmentCandidates } from '../tracking/sparse-assignment.js';
import type { FramePairs } from './frame-pairs.js';
import { minCostMatching } from './min-cost-matching.js';

/** CLEAR MOT metrics (Bernardin & Stiefelhagen 2008) with a distance threshold for points. */
export interface ClearMotResult {
  /** 1 - (misses + false positives + id switches) / ground-truth points; may be negative. */
  mota: number;
  /** Mean distance of matched pairs, pixels (lower is better). */
  motpPx: number;
  matches: number;
  falsePositives: number;
  misses: number;
  idSwitches: number;
  /** Times a ground-truth track's matched span was interrupted (matched, then missed, then matched). */
  fragmentations: number;
  gtPoints: number;
  predPoints: number;
}

/**
 * CLEAR MOT over aligned frames. Per frame, pairs within the threshold are matched by minimum total
 * distance (Hungarian; an unmatched point costs the threshold), and a pair that was matched in the
 * previous frame is kept whenever it is still within the threshold. An id switch is counted when a
 * ground-truth track is matched to a different predicted id than at its last match.
 */
export function clearMot(frames: readonly FramePairs[], maxDistPx: number): ClearMotResult {
  const lastPred = new Map<number, number>(); // gt id -> pred id at its last match
  const previousFrame = new Map<number, number>(); // gt id -> pred id matched in the previous frame
  const wasMatched = new Map<number, boolean>(); // gt id -> matched in its previous appearance
  let matches = 0;
  let falsePositives = 0;
  let misses = 0;
  let idSwitches = 0;
  let fragmentations = 0;
  let gtPoints = 0;
  let predPoints = 0;
  let distanceSum = 0;
  for (const pairs of frames) {
    const gtIds = pairs.gt.ids;
    const predIds = pairs.pred.ids;
    gtPoints += gtIds.length;
    predPoints += predIds.length;
    const candidates = assignmentCandidates();
    for (let k = 0; k < pairs.gtIndex.length; k++) {
      const g = pairs.gtIndex[k]!;
      const p = pairs.predIndex[k]!;
      const continuing = previousFrame.get(gtIds[g]!) === predIds[p]!;
      candidates.rows.push(g);
      candidates.cols.push(p);
      candidates.costs.push(pairs.distPx[k]! - (continuing ? 2 * maxDistPx + 1 : 0));
    }
    const gtToPred = minCostMatching(candidates, gtIds.length, predIds.length, maxDistPx);
    previousFrame.clear();
    let frameMatches = 0;
    for (let g = 0; g < gtIds.length; g++) {
      const gtId = gtIds[g]!;
      const p = gtToPred[g]!;
      if (p < 0) {
        if (wasMatched.get(gtId)) wasMatched.set(gtId, false);
        continue;
      }
      const predId = predIds[p]!;
      const last = lastPred.get(gtId);
      if (last !== undefined && last !== predId) idSwitches++;
      if (last !== undefined && wasMatched.get(gtId) === false) fragmentations++;
      lastPred.set(gtId, predId);
      previousFrame.set(gtId, predId);
      wasMatched.set(gtId, true);
      frameMatches++;
      distanceSum += distanceOf(pairs, g, p);
    }
    matches += frameMatches;
    misses += gtIds.length - frameMatches;
    falsePositives += predIds.length - frameMatches;
  }
  return {
    mota: gtPoints === 0 ? (predPoints === 0 ? 1 : -Infinity) : 1 - (misses + falsePositives + idSwitches) / gtPoints,
    motpPx: matches === 0 ? 0 : distanceSum / matches,
    matches,
    falsePositives,
    misses,
    idSwitches,
    fragmentations,
    gtPoints,
    predPoints,
  };
}

function distanceOf(pairs: FramePairs, g: number, p: number): number {
  const { gt, pred } = pairs;
  return Math.hypot(gt.xy[2 * g]! - pred.xy[2 * p]!, gt.xy[2 * g + 1]! - pred.xy[2 * p + 1]!);
}
