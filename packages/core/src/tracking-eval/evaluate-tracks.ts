import type { TrackFrame } from '../tracking/track-frame.js';
import { clearMot, type ClearMotResult } from './clear-mot.js';
import { alignFrames } from './frame-pairs.js';
import { hota, type HotaResult } from './hota.js';
import { indexIdPairs } from './id-pair-index.js';
import { identityMetrics, type IdentityResult } from './identity-metrics.js';

/** Options of {@link evaluateTracks}. */
export interface TrackEvaluationOptions {
  /** A predicted point farther than this from a ground-truth point never matches it, pixels. */
  maxDistPx: number;
  /** Also compute HOTA (a second pass over the data). Default true. */
  hota?: boolean;
}

/** Every tracking metric of one sequence (or of pooled sequences). */
export interface TrackEvaluation extends ClearMotResult, IdentityResult, Partial<HotaResult> {
  maxDistPx: number;
  frames: number;
  gtTracks: number;
  predTracks: number;
}

/**
 * Scores predicted tracks against ground truth: CLEAR MOT (MOTA, MOTP, id switches,
 * fragmentations), identity metrics (IDF1, IDP, IDR) and HOTA, all with one distance threshold.
 *
 * @example evaluateTracks(gtFrames, predFrames, { maxDistPx: 10 }).idf1
 */
export function evaluateTracks(
  gt: readonly TrackFrame[],
  pred: readonly TrackFrame[],
  options: TrackEvaluationOptions,
): TrackEvaluation {
  if (!(options.maxDistPx > 0)) throw new RangeError(`evaluateTracks: maxDistPx must be > 0, got ${options.maxDistPx}`);
  const frames = alignFrames(gt, pred, options.maxDistPx);
  const idPairs = indexIdPairs(frames);
  const result: TrackEvaluation = {
    maxDistPx: options.maxDistPx,
    frames: frames.length,
    gtTracks: distinctIds(gt),
    predTracks: distinctIds(pred),
    ...clearMot(frames, options.maxDistPx),
    ...identityMetrics(frames, idPairs),
  };
  if (options.hota !== false) Object.assign(result, hota(frames, options.maxDistPx, idPairs));
  return result;
}

function distinctIds(frames: readonly TrackFrame[]): number {
  const ids = new Set<number>();
  for (const frame of frames) for (const id of frame.ids) ids.add(id);
  return ids.size;
}
