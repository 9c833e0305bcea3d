import { assignmentCandidates, sparseAssignment } from '../tracking/sparse-assignment.js';
import { IdIndex, type FramePairs } from './frame-pairs.js';

/** HOTA (Luiten et al. 2021) averaged over localisation thresholds alpha = 0.05, 0.10, ..., 0.95. */
export interface HotaResult {
  /** sqrt(DetA x AssA), averaged over alpha. */
  hota: number;
  /** Detection accuracy TP / (TP + FN + FP), averaged over alpha. */
  detA: number;
  /** Association accuracy, averaged over alpha. */
  assA: number;
  /** Mean similarity of matched pairs, averaged over alpha. */
  locA: number;
}

const ALPHAS = Array.from({ length: 19 }, (_, k) => (k + 1) / 20);
const EPS = 1e-10;
const KEY = 2097152;

/**
 * HOTA for points: the similarity of a ground-truth and a predicted point is `1 - distance /
 * maxDistPx` (0 beyond the threshold), playing the role IoU plays for boxes. Per frame, pairs are
 * matched to maximise similarity weighted by the pair's global alignment score, as in the reference
 * implementation (TrackEval); a match counts at threshold alpha when its similarity >= alpha.
 */
export function hota(frames: readonly FramePairs[], maxDistPx: number): HotaResult {
  const gtIndex = new IdIndex();
  const predIndex = new IdIndex();
  const gtIdCount: number[] = [];
  const predIdCount: number[] = [];
  const potential = new Map<number, number>();
  const similarityOf = (d: number): number => Math.max(0, 1 - d / maxDistPx);
  // Pass 1: global alignment of id pairs from similarity normalised per frame (soft IoU of ids).
  for (const pairs of frames) {
    for (const id of pairs.gt.ids) {
      const g = gtIndex.of(id);
      gtIdCount[g] = (gtIdCount[g] ?? 0) + 1;
    }
    for (const id of pairs.pred.ids) {
      const p = predIndex.of(id);
      predIdCount[p] = (predIdCount[p] ?? 0) + 1;
    }
    const gtSum = new Float64Array(pairs.gt.ids.length);
    const predSum = new Float64Array(pairs.pred.ids.length);
    for (let k = 0; k < pairs.gtIndex.length; k++) {
      const s = similarityOf(pairs.distPx[k]!);
      gtSum[pairs.gtIndex[k]!]! += s;
      predSum[pairs.predIndex[k]!]! += s;
    }
    for (let k = 0; k < pairs.gtIndex.length; k++) {
      const s = similarityOf(pairs.distPx[k]!);
      const denominator = gtSum[pairs.gtIndex[k]!]! + predSum[pairs.predIndex[k]!]! - s;
      if (denominator <= EPS || s <= 0) continue;
      const key =
        gtIndex.of(pairs.gt.ids[pairs.gtIndex[k]!]!) * KEY + predIndex.of(pairs.pred.ids[pairs.predIndex[k]!]!);
      potential.set(key, (potential.get(key) ?? 0) + s / denominator);
    }
  }
  const alignment = (key: number): number => {
    const pm = potential.get(key) ?? 0;
    const g = Math.floor(key / KEY);
    const p = key % KEY;
    return pm / (gtIdCount[g]! + predIdCount[p]! - pm);
  };
  // Pass 2: per-frame matching and per-alpha counts.
  const tp = new Float64Array(ALPHAS.length);
  const fn = new Float64Array(ALPHAS.length);
  const fp = new Float64Array(ALPHAS.length);
  const locSum = new Float64Array(ALPHAS.length);
  const matchCounts = ALPHAS.map(() => new Map<number, number>());
  for (const pairs of frames) {
    const nGt = pairs.gt.ids.length;
    const nPred = pairs.pred.ids.length;
    const candidates = assignmentCandidates();
    const keys: number[] = [];
    const sims: number[] = [];
    for (let k = 0; k < pairs.gtIndex.length; k++) {
      const s = similarityOf(pairs.distPx[k]!);
      if (s <= 0) continue;
      const key =
        gtIndex.of(pairs.gt.ids[pairs.gtIndex[k]!]!) * KEY + predIndex.of(pairs.pred.ids[pairs.predIndex[k]!]!);
      candidates.rows.push(pairs.gtIndex[k]!);
      candidates.cols.push(pairs.predIndex[k]!);
      candidates.costs.push(-(alignment(key) * s) - s * EPS);
      keys.push(key);
      sims.push(s);
    }
    const matched = sparseAssignment(candidates, nGt, nPred, 0);
    const matchedSims: number[] = [];
    const matchedKeys: number[] = [];
    for (let k = 0; k < candidates.rows.length; k++) {
      if (matched[candidates.rows[k]!] === candidates.cols[k]) {
        matchedSims.push(sims[k]!);
        matchedKeys.push(keys[k]!);
      }
    }
    ALPHAS.forEach((alpha, a) => {
      let count = 0;
      for (let m = 0; m < matchedSims.length; m++) {
        if (matchedSims[m]! < alpha - EPS) continue;
        count++;
        locSum[a]! += matchedSims[m]!;
        const counts = matchCounts[a]!;
        counts.set(matchedKeys[m]!, (counts.get(matchedKeys[m]!) ?? 0) + 1);
      }
      tp[a]! += count;
      fn[a]! += nGt - count;
      fp[a]! += nPred - count;
    });
  }
  let hotaSum = 0;
  let detSum = 0;
  let assSum = 0;
  let locASum = 0;
  ALPHAS.forEach((_, a) => {
    const det = tp[a]! + fn[a]! + fp[a]! === 0 ? 1 : tp[a]! / (tp[a]! + fn[a]! + fp[a]!);
    let ass = 0;
    for (const [key, count] of matchCounts[a]!) {
      const g = Math.floor(key / KEY);
      const p = key % KEY;
      ass += (count * count) / (gtIdCount[g]! + predIdCount[p]! - count);
    }
    ass = tp[a]! > 0 ? ass / tp[a]! : tp[a]! + fn[a]! + fp[a]! === 0 ? 1 : 0;
    hotaSum += Math.sqrt(det * ass);
    detSum += det;
    assSum += ass;
    locASum += tp[a]! > 0 ? locSum[a]! / tp[a]! : 1;
  });
  const n = ALPHAS.length;
  return { hota: hotaSum / n, detA: detSum / n, assA: assSum / n, locA: locASum / n };
}
