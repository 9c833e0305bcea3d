import { peopleScale } from '@raqib/core';
import type { DensityModelInfo } from './onnx-density-estimator.js';

/**
 * The people-scale factor for `model` at a ground sampling distance: enlarges the frame so that a
 * 0.2 m head gets the geometric mean of the head sizes the model was trained on. Undefined when the
 * model's metadata does not say which head sizes it was trained on.
 */
export function modelPeopleScale(
  model: Pick<DensityModelInfo, 'trainedHeadSizePx'>,
  gsdMPerPx: number,
): number | undefined {
  const trained = model.trainedHeadSizePx;
  if (!trained) return undefined;
  return peopleScale(gsdMPerPx, { modelHeadPx: Math.sqrt(trained[0] * trained[1]), maxScale: 8 });
}
