import { peopleScale } from '@raqib/core';
import type { DensityModelInfo } from './onnx-density-estimator.js';

/**
 * The automatic people-scale factor for `model` at a ground sampling distance (m/px), as `raqib
 * analyze`, `raqib count --gsd` and `raqib eval --scale auto` use it: 1 while a 0.2 m head
 * (`0.2 / gsdMPerPx` px) lies inside the model's `trainedHeadSizePx` range [lo, hi]; `hi / headPx`
 * (at least 0.25) when heads are larger; `lo / headPx` (at most 2) when they are smaller. See
 * {@link peopleScale} for why small heads are not enlarged towards the middle of the range.
 * Undefined when the model's metadata does not say which head sizes it was trained on.
 */
export function modelPeopleScale(
  model: Pick<DensityModelInfo, 'trainedHeadSizePx'>,
  gsdMPerPx: number,
): number | undefined {
  const trained = model.trainedHeadSizePx;
  if (!trained) return undefined;
  return peopleScale(gsdMPerPx, { trainedHeadSizePx: trained });
}
