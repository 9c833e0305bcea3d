import { assignmentCandidates } from '../tracking/sparse-assignment.js';
import type { FramePairs } from './frame-pairs.js';
import { indexIdPairs, type IdPairIndex } from './id-pair-index.js';
import { minCostMatching } from './min-cost-matching.js';

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

/** How many thresholds alpha a match of similarity `s` passes (it passes a prefix of ALPHAS). */
function alphasPassed(s: number): number {
  let n = 0;
  while (n < ALPHAS.length && s >= ALPHAS[n]! - EPS) n++;
  return n;
}

/**
 * HOTA for points: the similarity of a ground-truth and a predicted point is `1 - distance /
 * maxDistPx` (0 beyond the threshold), playing the role IoU plays for boxes. Per frame, pairs are
 * matched to maximise similarity weighted by the pair's global alignment score, as in the reference
 * implementation (TrackEval); a match counts at threshold alpha when its similarity >= alpha.
 *
 * @param index the id numbering of `frames` when the caller already has it (IDF1 uses the same one)
 */
export function hota(
  frames: readonly FramePairs[],
  maxDistPx: number,
  index: IdPairIndex = indexIdPairs(frames),
): HotaResult {
  const { gtIdPoints, predIdPoints, pairGt, pairPred } = index;
  const pairCount = pairGt.length;
  const similarityOf = (d: number): number => Math.max(0, 1 - d / maxDistPx);
  // Pass 1: global alignment of id pairs from similarity normalised per frame (soft IoU of ids).
  const potential = new Float64Array(pairCount);
  frames.forEach((pairs, f) => {
    const framePairs = index.framePairs[f]!;
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
      potential[framePairs[k]!]! += s / denominator;
    }
  });
  const alignment = new Float64Array(pairCount);
  for (let pair = 0; pair < pairCount; pair++) {
    const pm = potential[pair]!;
    alignment[pair] = pm / (gtIdPoints[pairGt[pair]!]! + predIdPoints[pairPred[pair]!]! - pm);
  }
  // Pass 2: per-frame matching. Each match is kept once, with the number of thresholds it passes;
  // the per-alpha counts are suffix sums of these (one update per match instead of one per alpha).
  const passedMatches = new Float64Array(ALPHAS.length + 1); // matches passing exactly n thresholds
  const passedSimilarity = new Float64Array(ALPHAS.length + 1);
  const matchPair: number[] = [];
  const matchPassed: number[] = [];
  let gtTotal = 0;
  let predTotal = 0;
  frames.forEach((pairs, f) => {
    const framePairs = index.framePairs[f]!;
    gtTotal += pairs.gt.ids.length;
    predTotal += pairs.pred.ids.length;
    const candidates = assignmentCandidates();
    const candidatePairs: number[] = [];
    const sims: number[] = [];
    for (let k = 0; k < pairs.gtIndex.length; k++) {
      const s = similarityOf(pairs.distPx[k]!);
      if (s <= 0) continue;
      const pair = framePairs[k]!;
      candidates.rows.push(pairs.gtIndex[k]!);
      candidates.cols.push(pairs.predIndex[k]!);
      candidates.costs.push(-(alignment[pair]! * s) - s * EPS);
      candidatePairs.push(pair);
      sims.push(s);
    }
    const matched = minCostMatching(candidates, pairs.gt.ids.length, pairs.pred.ids.length, 0);
    for (let k = 0; k < candidates.rows.length; k++) {
      if (matched[candidates.rows[k]!] !== candidates.cols[k]) continue;
      const passed = alphasPassed(sims[k]!);
      passedMatches[passed]!++;
      passedSimilarity[passed]! += sims[k]!;
      if (passed > 0) {
        matchPair.push(candidatePairs[k]!);
        matchPassed.push(passed);
      }
    }
  });
  const assSums = associationSums(matchPair, matchPassed, index);
  let hotaSum = 0;
  let detSum = 0;
  let assSum = 0;
  let locASum = 0;
  let tp = 0;
  let locSum = 0;
  for (let a = ALPHAS.length - 1; a >= 0; a--) {
    // Matches passing alpha a pass more than a thresholds.
    tp += passedMatches[a + 1]!;
    locSum += passedSimilarity[a + 1]!;
    const fn = gtTotal - tp;
    const fp = predTotal - tp;
    const det = tp + fn + fp === 0 ? 1 : tp / (tp + fn + fp);
    const ass = tp > 0 ? assSums[a]! / tp : tp + fn + fp === 0 ? 1 : 0;
    hotaSum += Math.sqrt(det * ass);
    detSum += det;
    assSum += ass;
    locASum += tp > 0 ? locSum / tp : 1;
  }
  const n = ALPHAS.length;
  return { hota: hotaSum / n, detA: detSum / n, assA: assSum / n, locA: locASum / n };
}

/**
 * Per alpha, sum over id pairs of `c² / (gtPoints + predPoints - c)`, where c is the pair's matches
 * passing alpha. Matches are grouped by pair with a counting sort.
 */
function associationSums(
  matchPair: readonly number[],
  matchPassed: readonly number[],
  index: IdPairIndex,
): Float64Array {
  const { gtIdPoints, predIdPoints, pairGt, pairPred } = index;
  const pairCount = pairGt.length;
  const start = new Int32Array(pairCount + 1);
  for (const pair of matchPair) start[pair + 1]!++;
  for (let pair = 0; pair < pairCount; pair++) start[pair + 1]! += start[pair]!;
  const fill = start.slice(0, pairCount);
  const passedByPair = new Int32Array(matchPair.length);
  matchPair.forEach((pair, m) => (passedByPair[fill[pair]!++] = matchPassed[m]!));
  const sums = new Float64Array(ALPHAS.length);
  const histogram = new Int32Array(ALPHAS.length + 1);
  for (let pair = 0; pair < pairCount; pair++) {
    if (start[pair] === start[pair + 1]) continue;
    histogram.fill(0);
    for (let m = start[pair]!; m < start[pair + 1]!; m++) histogram[passedByPair[m]!]!++;
    const idPoints = gtIdPoints[pairGt[pair]!]! + predIdPoints[pairPred[pair]!]!;
    let count = 0;
    for (let a = ALPHAS.length - 1; a >= 0; a--) {
      count += histogram[a + 1]!;
      if (count > 0) sums[a]! += (count * count) / (idPoints - count);
    }
  }
  return sums;
}
