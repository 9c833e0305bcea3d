import { parentPort } from 'node:worker_threads';
import type { FromDensityWorker, ToDensityWorker } from '../density-worker-protocol.js';

// A stand-in density worker for pool tests: answers like the real one (count = width), but a frame
// 13 px wide blocks its thread (a hung model) and one 17 px wide kills the worker (a crash).
const port = parentPort!;
port.on('message', (message: ToDensityWorker) => {
  if (message.type === 'init') {
    port.postMessage({ type: 'ready', modelName: 'faulty', modelVersion: '0' } satisfies FromDensityWorker);
    return;
  }
  if (message.width === 13) for (;;); // never returns: only terminate() ends it
  if (message.width === 17) process.exit(3);
  const values = new Float32Array([message.width]);
  const reply: FromDensityWorker = {
    type: 'result',
    id: message.id,
    rgb: message.rgb,
    estimate: {
      density: { cols: 1, rows: 1, cellPx: 8, values },
      count: message.width,
      points: { xyxy: new Float32Array(0), confidence: new Float32Array(0), classId: new Int32Array(0) },
      inferenceMs: 1,
      tiles: 1,
    },
  };
  port.postMessage(reply, [message.rgb]);
});
