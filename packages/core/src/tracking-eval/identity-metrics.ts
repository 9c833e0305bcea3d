import { assignmentCandidates, sparseAssignment } from '../tracking/sparse-assignment.js';
import { IdIndex, type FramePairs } from './frame-pairs.js';

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
 * to maximise the frames in which a matched pair is within the threshold (Hungarian on the sparse
 * pair counts); those frames are the identity true positives.
 */
export function identityMetrics(frames: readonly FramePairs[]): IdentityResult {
  const gtIndex = new IdIndex();
  const predIndex = new IdIndex();
  const together = new Map<number, number>(); // gtIdx * 2^21 + predIdx -> frames within threshold
  let gtPoints = 0;
  let predPoints = 0;
  for (const pairs of frames) {
    gtPoints += pairs.gt.ids.length;
    predPoints += pairs.pred.ids.length;
    for (let k = 0; k < pairs.gtIndex.length; k++) {
      const g = gtIndex.of(pairs.gt.ids[pairs.gtIndex[k]!]!);
      const p = predIndex.of(pairs.pred.ids[pairs.predIndex[k]!]!);
      const key = g * 2097152 + p;
      together.set(key, (together.get(key) ?? 0) + 1);
    }
  }
  const candidates = assignmentCandidates();
  for (const [key, count] of together) {
    candidates.rows.push(Math.floor(key / 2097152));
    candidates.cols.push(key % 2097152);
    candidates.costs.push(-count);
  }
  const matched = sparseAssignment(candidates, gtIndex.size, predIndex.size, 0);
  let idTruePositives = 0;
  for (let g = 0; g < matched.length; g++) {
    const p = matched[g]!;
    if (p >= 0) idTruePositives += together.get(g * 2097152 + p) ?? 0;
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
