import { parentPort } from 'node:worker_threads';
import { isRaqibError, type DensityEstimator } from '@raqib/core';
import { createOnnxDensityEstimator } from '../inference/onnx-density-estimator.js';
import type { FromDensityWorker, ToDensityWorker } from './density-worker-protocol.js';

// Worker-thread entry of WorkerDensityEstimator: one onnxruntime session per worker; frames arrive
// as transferred pixel buffers and go back with the result, so nothing is copied across threads.
const port = parentPort;
if (!port) throw new Error('density-worker must run in a worker thread');

let estimator: DensityEstimator | null = null;
const post = (message: FromDensityWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const codeOf = (error: unknown) => (isRaqibError(error) ? error.code : 'UNKNOWN');

port.on('message', (message: ToDensityWorker) => {
  void handle(message);
});

async function handle(message: ToDensityWorker): Promise<void> {
  if (message.type === 'init') {
    try {
      const created = await createOnnxDensityEstimator(message.options);
      estimator = created;
      post({ type: 'ready', modelName: created.model.name, modelVersion: created.model.version });
    } catch (error) {
      post({ type: 'init-failed', code: codeOf(error), message: (error as Error).message });
    }
    return;
  }
  const { id, width, height, rgb, scale } = message;
  try {
    if (!estimator) throw new Error('density worker used before it was ready');
    const estimate = await estimator.estimate({ width, height, rgb: new Uint8Array(rgb) }, { scale });
    const { density, points } = estimate;
    const values = density.values;
    post(
      {
        type: 'result',
        id,
        rgb,
        estimate: {
          density: { cols: density.cols, rows: density.rows, cellPx: density.cellPx, values },
          count: estimate.count,
          points: { xyxy: points.xyxy, confidence: points.confidence, classId: points.classId },
          inferenceMs: estimate.inferenceMs,
          tiles: estimate.tiles,
        },
      },
      [rgb, ...ownBuffers([values, points.xyxy, points.confidence, points.classId])],
    );
  } catch (error) {
    post({ type: 'error', id, code: codeOf(error), message: (error as Error).message, rgb }, [rgb]);
  }
}

/** Buffers that belong wholly to one of these arrays, safe to transfer; views into shared buffers are copied. */
function ownBuffers(arrays: ArrayBufferView[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) {
    const { buffer } = array;
    if (buffer instanceof ArrayBuffer && array.byteOffset === 0 && array.byteLength === buffer.byteLength) {
      buffers.add(buffer);
    }
  }
  return [...buffers];
}
