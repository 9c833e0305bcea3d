import { matchPoints } from './point-matching.js';

/** Matching outcome of head points at one radius (sum these over images for a dataset). */
export interface LocalisationCounts {
  /** Predicted points matched one-to-one to a truth point within the radius. */
  truePositives: number;
  /** Predicted points left unmatched. */
  falsePositives: number;
  /** Truth points left unmatched. */
  falseNegatives: number;
}

/** Precision, recall and F1 of head localisation at one matching radius. */
export interface LocalisationScore extends LocalisationCounts {
  /** The matching radius in pixels of the evaluated image. */
  radiusPx: number;
  /** truePositives / predicted points (1 when nothing was predicted and nothing was there). */
  precision: number;
  /** truePositives / truth points (1 when there was nothing to find and nothing was predicted). */
  recall: number;
  /** Harmonic mean of precision and recall (0 when both are 0). */
  f1: number;
}

/**
 * Counts matched and unmatched head points of one image at `radiusPx` (one-to-one matching, see
 * {@link matchPoints}). Points are interleaved [x, y, ...] in the same pixel frame.
 *
 * @example localisationCounts([0, 0, 50, 50], [2, 1], 8) // { truePositives: 1, falsePositives: 1, falseNegatives: 0 }
 */
export function localisationCounts(
  predictedXy: ArrayLike<number>,
  truthXy: ArrayLike<number>,
  radiusPx: number,
): LocalisationCounts {
  const { matched } = matchPoints(predictedXy, truthXy, radiusPx);
  return {
    truePositives: matched,
    falsePositives: Math.floor(predictedXy.length / 2) - matched,
    falseNegatives: Math.floor(truthXy.length / 2) - matched,
  };
}

/** Element-wise sum of counts (micro-averaging over images). */
export function sumLocalisationCounts(counts: readonly LocalisationCounts[]): LocalisationCounts {
  const total: LocalisationCounts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  for (const c of counts) {
    total.truePositives += c.truePositives;
    total.falsePositives += c.falsePositives;
    total.falseNegatives += c.falseNegatives;
  }
  return total;
}

/**
 * Precision, recall and F1 from counts. 0/0 is scored as perfect only when the other side is empty
 * too (no predictions on an empty image); otherwise it is 0.
 */
export function localisationScore(counts: LocalisationCounts, radiusPx: number): LocalisationScore {
  const { truePositives: tp, falsePositives: fp, falseNegatives: fn } = counts;
  const precision = tp + fp > 0 ? tp / (tp + fp) : fn === 0 ? 1 : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : fp === 0 ? 1 : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { radiusPx, truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 };
}
