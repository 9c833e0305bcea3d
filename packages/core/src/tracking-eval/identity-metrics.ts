import { assignmentCandidates } from '../tracking/sparse-assignment.js';
import type { FramePairs } from './frame-pairs.js';
import { indexIdPairs, type IdPairIndex } from './id-pair-index.js';
import { minCostMatching } from './min-cost-matching.js';

/** Identity metrics (Ristani et al. 2016): how long each person keeps one predicted id. */
export interface IdentityResult {
  /** 2 IDTP / (2 IDTP + IDFP + IDFN). */
  idf1: number;
  /** IDTP / (IDTP + IDFP). */
  idPrecision: number;
  /** IDTP / (IDTP + IDFN). */
  idRecall: number;
  idTruePositives: number;
  idFalsePositives: number;
  idFalseNegatives: number;
}

/**
 * IDF1: ground-truth and predicted trajectories are matched one-to-one for the whole sequence so as
 * to maximise the frames in which a matched pair is within the threshold (exact minimum-cost matching
 * on the sparse pair counts); those frames are the identity true positives.
 *
 * @param index the id numbering of `frames` when the caller already has it (HOTA uses the same one)
 */
export function identityMetrics(
  frames: readonly FramePairs[],
  index: IdPairIndex = indexIdPairs(frames),
): IdentityResult {
  const together = new Int32Array(index.pairGt.length); // frames each id pair is within the threshold
  let gtPoints = 0;
  let predPoints = 0;
  frames.forEach((pairs, f) => {
    gtPoints += pairs.gt.ids.length;
    predPoints += pairs.pred.ids.length;
    for (const pair of index.framePairs[f]!) together[pair]!++;
  });
  const candidates = assignmentCandidates();
  for (let pair = 0; pair < together.length; pair++) {
    candidates.rows.push(index.pairGt[pair]!);
    candidates.cols.push(index.pairPred[pair]!);
    candidates.costs.push(-together[pair]!);
  }
  const matched = minCostMatching(candidates, index.gtIdPoints.length, index.predIdPoints.length, 0);
  let idTruePositives = 0;
  for (let pair = 0; pair < together.length; pair++) {
    if (matched[index.pairGt[pair]!] === index.pairPred[pair]) idTruePositives += together[pair]!;
  }
  const idFalsePositives = predPoints - idTruePositives;
  const idFalseNegatives = gtPoints - idTruePositives;
  const denominator = gtPoints + predPoints;
  return {
    idf1: denominator === 0 ? 1 : (2 * idTruePositives) / denominator,
    idPrecision: predPoints === 0 ? 0 : idTruePositives / predPoints,
    idRecall: gtPoints === 0 ? 0 : idTruePositives / gtPoints,
    idTruePositives,
    idFalsePositives,
    idFalseNegatives,
  };
}
