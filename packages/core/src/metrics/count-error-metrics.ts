/** One image's count: the annotated number of people and the estimate. */
export interface CountPair {
  truth: number;
  predicted: number;
}

/** Counting error over a set of images (the usual crowd-counting benchmark figures). */
export interface CountErrorMetrics {
  /** Number of images. */
  images: number;
  /** Mean absolute error, people per image: mean |predicted - truth|. */
  mae: number;
  /** Root mean squared error, people per image: sqrt(mean (predicted - truth)²). */
  rmse: number;
  /** Mean signed error (bias), people per image: mean (predicted - truth); > 0 over-counts. */
  meanError: number;
  /**
   * Mean absolute error relative to the truth, |predicted - truth| / truth, over images with
   * truth > 0 (NaN when there are none).
   */
  meanRelativeError: number;
  /** Sum of the annotated counts. */
  totalTruth: number;
  /** Sum of the estimated counts. */
  totalPredicted: number;
}

/**
 * MAE, RMSE, bias and relative error of estimated counts. With no images every mean is NaN
 * (serialised as null in JSON).
 *
 * @example countErrorMetrics([{ truth: 10, predicted: 12 }, { truth: 20, predicted: 19 }])
 *   // { images: 2, mae: 1.5, rmse: 1.58..., meanError: 0.5, ... }
 */
export function countErrorMetrics(pairs: readonly CountPair[]): CountErrorMetrics {
  let absSum = 0;
  let squareSum = 0;
  let signedSum = 0;
  let relativeSum = 0;
  let relativeImages = 0;
  let totalTruth = 0;
  let totalPredicted = 0;
  for (const { truth, predicted } of pairs) {
    const error = predicted - truth;
    absSum += Math.abs(error);
    squareSum += error * error;
    signedSum += error;
    if (truth > 0) {
      relativeSum += Math.abs(error) / truth;
      relativeImages++;
    }
    totalTruth += truth;
    totalPredicted += predicted;
  }
  const n = pairs.length;
  return {
    images: n,
    mae: n > 0 ? absSum / n : NaN,
    rmse: n > 0 ? Math.sqrt(squareSum / n) : NaN,
    meanError: n > 0 ? signedSum / n : NaN,
    meanRelativeError: relativeImages > 0 ? relativeSum / relativeImages : NaN,
    totalTruth,
    totalPredicted,
  };
}
