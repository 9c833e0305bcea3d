import { headSizePx, RaqibError } from '@raqib/core';
import type { DensityModelInfo } from '../../inference/index.js';
// Imported from its file, not the inference index: this rule needs no onnxruntime, which the index loads.
import { modelPeopleScale } from '../../inference/people-scale.js';

/** The people scale `raqib eval` runs with, and where it came from. */
export interface EvalPeopleScale {
  /** Factor the estimator resizes images by before the model. */
  scale: number;
  /** Set when the scale came from `--scale auto --gsd`. */
  auto: {
    /** GSD of the images as evaluated (the given GSD divided by --image-scale), m/px. */
    gsdMPerPx: number;
    /** Expected head size at that GSD (0.2 m / gsd), px. */
    headSizePx: number;
    /** The model's trained head sizes the rule used, px. */
    trainedHeadSizePx: readonly [number, number];
  } | null;
}

/**
 * `--scale FACTOR`, or `--scale auto --gsd M`: the rule `raqib analyze` uses (modelPeopleScale) at
 * the GSD of the images as evaluated. --image-scale F makes every pixel cover 1/F times the ground.
 *
 * @throws RaqibError USAGE when auto is asked for and the model does not declare its trained head sizes
 */
export function resolveEvalPeopleScale(options: {
  fixedScale: number | undefined;
  gsdMPerPx: number | undefined;
  imageScale: number;
  estimator: { readonly model?: Pick<DensityModelInfo, 'trainedHeadSizePx'> };
  modelPath: string;
}): EvalPeopleScale {
  const { fixedScale, gsdMPerPx, imageScale, estimator, modelPath } = options;
  if (gsdMPerPx === undefined) return { scale: fixedScale ?? 1, auto: null };
  const evaluatedGsdMPerPx = gsdMPerPx / imageScale;
  const trained = estimator.model?.trainedHeadSizePx;
  const scale = estimator.model ? modelPeopleScale(estimator.model, evaluatedGsdMPerPx) : undefined;
  if (scale === undefined || trained === undefined) {
    throw new RaqibError(
      'USAGE',
      `raqib eval: --scale auto needs the model's trainedHeadSizePx (in ${modelPath.replace(/\.onnx$/i, '.json')}); give --scale FACTOR instead`,
    );
  }
  return {
    scale,
    auto: { gsdMPerPx: evaluatedGsdMPerPx, headSizePx: headSizePx(evaluatedGsdMPerPx), trainedHeadSizePx: trained },
  };
}
