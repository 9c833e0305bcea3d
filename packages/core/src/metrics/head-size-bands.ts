/** Lower edges of the head-size bands, px: <4, 4-8, 8-16, 16-32, 32-64, >=64 (as the model training reports). */
export const HEAD_SIZE_BAND_EDGES_PX: readonly number[] = [4, 8, 16, 32, 64];

/** One head-size band `[minPx, maxPx)`; `minPx` 0 for the first, `maxPx` Infinity for the last. */
export interface HeadSizeBand {
  /** Label as printed, e.g. `<4`, `4-8`, `>=64`. */
  label: string;
  minPx: number;
  maxPx: number;
}

/** The head-size bands, smallest first, from {@link HEAD_SIZE_BAND_EDGES_PX}. */
export function headSizeBands(edgesPx: readonly number[] = HEAD_SIZE_BAND_EDGES_PX): HeadSizeBand[] {
  const bands: HeadSizeBand[] = [];
  let minPx = 0;
  for (const edge of edgesPx) {
    bands.push({ label: minPx === 0 ? `<${edge}` : `${minPx}-${edge}`, minPx, maxPx: edge });
    minPx = edge;
  }
  bands.push({ label: `>=${minPx}`, minPx, maxPx: Infinity });
  return bands;
}

/** One image for {@link headSizeBandErrors}: its counts and its (median) head size. */
export interface BandedCount {
  truth: number;
  predicted: number;
  /** Typical head size of the image, px; NaN when unknown (the image is then left out). */
  headSizePx: number;
}

/** Counting error of a group of images (a head-size band, a camera view). */
export interface GroupCountErrors {
  images: number;
  /** Mean annotated count per image. */
  meanTruth: number;
  /** Mean absolute error, people per image. */
  mae: number;
  /** Mean signed error (predicted - truth), people per image. */
  meanError: number;
  /** Mean signed error as a percentage of the mean annotated count (NaN when that is 0). */
  meanErrorPercent: number;
}

/** Counting error of the images of one head-size band. */
export interface HeadSizeBandErrors extends HeadSizeBand, GroupCountErrors {}

/** The counting error of a group of images (NaN means when the group is empty). */
export function groupCountErrors(rows: readonly Pick<BandedCount, 'truth' | 'predicted'>[]): GroupCountErrors {
  let truth = 0;
  let absError = 0;
  let signedError = 0;
  for (const row of rows) {
    truth += row.truth;
    absError += Math.abs(row.predicted - row.truth);
    signedError += row.predicted - row.truth;
  }
  const images = rows.length;
  const meanTruth = images > 0 ? truth / images : NaN;
  const meanError = images > 0 ? signedError / images : NaN;
  return {
    images,
    meanTruth,
    mae: images > 0 ? absError / images : NaN,
    meanError,
    meanErrorPercent: meanTruth > 0 ? (100 * meanError) / meanTruth : NaN,
  };
}

/**
 * Counting error per head-size band: each image goes to the band of its head size; every band is
 * returned (with `images: 0` and NaN means when empty), smallest heads first. The signed error shows
 * whether the model under- or over-counts people of that size.
 *
 * @example headSizeBandErrors([{ truth: 10, predicted: 8, headSizePx: 5 }])[1]
 *   // { label: '4-8', images: 1, meanTruth: 10, mae: 2, meanError: -2, meanErrorPercent: -20, ... }
 */
export function headSizeBandErrors(
  rows: readonly BandedCount[],
  edgesPx: readonly number[] = HEAD_SIZE_BAND_EDGES_PX,
): HeadSizeBandErrors[] {
  return headSizeBands(edgesPx).map((band) => ({
    ...band,
    ...groupCountErrors(rows.filter((row) => row.headSizePx >= band.minPx && row.headSizePx < band.maxPx)),
  }));
}
