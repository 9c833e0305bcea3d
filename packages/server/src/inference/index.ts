export {
  createOnnxDensityEstimator,
  type DensityModelInfo,
  type OnnxDensityEstimator,
  type OnnxDensityEstimatorOptions,
} from './onnx-density-estimator.js';
export { defaultModelPath, repoRoot } from './default-model-path.js';
export { readModelMetadata, metadataPathFor, type ModelMetadata } from './model-metadata.js';
export {
  MODEL_PRECISIONS,
  int8VariantPath,
  resolveModelPrecision,
  type ModelPrecision,
  type ResolvedModelPrecision,
} from './model-precision.js';
export { decodeDensityPoints, type DensityPointOptions } from './decode/density-points.js';
export {
  planTiles,
  DEFAULT_MAX_TILE_PIXELS,
  DEFAULT_TILE_OVERLAP_PX,
  type Tile,
  type TilePlan,
  type TilePlanOptions,
} from './tile-plan.js';
export { fillPlanarInput, type InputPadding } from './planar-input.js';
export { modelPeopleScale } from './people-scale.js';
export { resizeRgb } from './resize-rgb.js';
