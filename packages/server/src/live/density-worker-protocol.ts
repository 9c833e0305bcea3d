import type { RaqibErrorCode } from '@raqib/core';
import type { OnnxDensityEstimatorOptions } from '../inference/onnx-density-estimator.js';

/** Messages between {@link WorkerDensityEstimator} and its worker threads (structured clone + transfer). */
export type ToDensityWorker =
  | { type: 'init'; options: OnnxDensityEstimatorOptions }
  | { type: 'estimate'; id: number; width: number; height: number; rgb: ArrayBuffer; scale: number };

export interface WorkerEstimate {
  density: { cols: number; rows: number; cellPx: number; values: Float32Array };
  count: number;
  points: { xyxy: Float32Array; confidence: Float32Array; classId: Int32Array };
  inferenceMs: number;
  tiles: number;
}

export type FromDensityWorker =
  | { type: 'ready'; modelName: string; modelVersion: string }
  | { type: 'init-failed'; code: RaqibErrorCode | 'UNKNOWN'; message: string }
  /** `rgb` is the request's pixel buffer handed back for reuse. */
  | { type: 'result'; id: number; estimate: WorkerEstimate; rgb: ArrayBuffer }
  | { type: 'error'; id: number; code: RaqibErrorCode | 'UNKNOWN'; message: string; rgb: ArrayBuffer };
