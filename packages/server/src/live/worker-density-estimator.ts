import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  Detections,
  RaqibError,
  type DensityEstimate,
  type DensityEstimateOptions,
  type DensityEstimator,
  type RgbImage,
} from '@raqib/core';
import type { OnnxDensityEstimatorOptions } from '../inference/onnx-density-estimator.js';
import { moduleLogger } from '../logging/logger.js';
import type { FromDensityWorker, ToDensityWorker, WorkerEstimate } from './density-worker-protocol.js';

const log = moduleLogger('inference-pool');

export interface WorkerDensityEstimatorOptions {
  /** Worker threads, each with its own model session. Default 1 (on 2 cores one session with 2 threads is fastest). */
  workers?: number;
  /** Options of the ONNX estimator inside each worker (model path, threads, tiling). */
  estimator?: OnnxDensityEstimatorOptions;
  /** A call running longer than this restarts its worker (the call fails). Default 10 s. */
  callTimeoutMs?: number;
  /** How long a worker may take to load the model. Default 60 s. */
  startTimeoutMs?: number;
  /** The worker script; default density-worker next to this module (tests substitute a faulty one). */
  workerUrl?: URL;
}

/** Health of the pool, for the API and /metrics. */
export interface WorkerPoolStats {
  workers: number;
  busy: number;
  queued: number;
  calls: number;
  failures: number;
  /** Workers replaced after a timeout or a crash. */
  restarts: number;
  timeouts: number;
}

export const DEFAULT_INFERENCE_CALL_TIMEOUT_MS = 10_000;

interface Call {
  image: RgbImage;
  scale: number;
  resolve: (estimate: DensityEstimate) => void;
  reject: (error: Error) => void;
}

interface Slot {
  index: number;
  worker: Worker;
  ready: Promise<void>;
  call: (Call & { id: number; timer: NodeJS.Timeout }) | null;
  /** Set once this worker is being replaced: its late messages and exit are ignored. */
  retired: boolean;
}

/**
 * Starts a worker thread. A .ts entry (tests, run from the sources) is loaded through tsx, registered
 * inside the worker: `--import tsx` in a worker's execArgv does not reach its entry module on Node 20.
 */
function startWorker(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const bootstrap =
    `import(${JSON.stringify(pathToFileURL(tsxApi).href)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })` +
    '.catch((error) => { setImmediate(() => { throw error; }); });';
  return new Worker(bootstrap, { eval: true });
}

/** The worker entry: the compiled .js next to this module, or the .ts source run through tsx (tests). */
function defaultWorkerUrl(): URL {
  const js = new URL('./density-worker.js', import.meta.url);
  return existsSync(fileURLToPath(js)) ? js : new URL('./density-worker.ts', import.meta.url);
}

/**
 * A {@link DensityEstimator} that runs the ONNX model in worker threads, so the main event loop (API,
 * WebSocket, ingest callbacks, supervisors) stays responsive while frames are analysed. Pixels are
 * copied once into a pooled buffer that is transferred to the worker and back (the caller's frame
 * stays intact for later stages and sinks). Calls queue FIFO across streams; each stream already
 * drops stale frames upstream (latest frame wins), so the queue holds at most one frame per stream.
 * A call over `callTimeoutMs` fails with INFERENCE_FAILED and its worker is terminated and replaced;
 * a crashed worker is replaced the same way. Other calls and workers carry on.
 */
export class WorkerDensityEstimator implements DensityEstimator {
  private readonly slots: Slot[] = [];
  private readonly queue: Call[] = [];
  private readonly spareBuffers: ArrayBuffer[] = [];
  private readonly callTimeoutMs: number;
  private readonly startTimeoutMs: number;
  private readonly workerUrl: URL;
  private nextId = 1;
  private closed = false;
  private readonly counts = { calls: 0, failures: 0, restarts: 0, timeouts: 0 };

  private constructor(private readonly options: WorkerDensityEstimatorOptions) {
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_INFERENCE_CALL_TIMEOUT_MS;
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.workerUrl = options.workerUrl ?? defaultWorkerUrl();
  }

  /** Starts the workers and waits until each has loaded the model (a bad model fails here, not per frame). */
  static async create(options: WorkerDensityEstimatorOptions = {}): Promise<WorkerDensityEstimator> {
    const count = options.workers ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 64) {
      throw new RaqibError('CONFIG_INVALID', `inference workers must be an integer 1..64, got ${count}`);
    }
    const pool = new WorkerDensityEstimator(options);
    for (let index = 0; index < count; index++) pool.slots.push(pool.spawn(index));
    try {
      await Promise.all(pool.slots.map((slot) => slot.ready));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  stats(): WorkerPoolStats {
    return {
      workers: this.slots.length,
      busy: this.slots.filter((slot) => slot.call).length,
      queued: this.queue.length,
      ...this.counts,
    };
  }

  estimate(image: RgbImage, options: DensityEstimateOptions = {}): Promise<DensityEstimate> {
    if (this.closed) return Promise.reject(new RaqibError('INFERENCE_FAILED', 'density estimator is closed'));
    if (image.rgb.length !== image.width * image.height * 3) {
      return Promise.reject(
        new RaqibError(
          'INPUT_INVALID',
          `image ${image.width}x${image.height} needs ${image.width * image.height * 3} RGB bytes, got ${image.rgb.length}`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ image, scale: options.scale ?? 1, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.queue.splice(0)) {
      call.reject(new RaqibError('INFERENCE_FAILED', 'density estimator closed before the frame was analysed'));
    }
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.retired = true;
        if (slot.call) {
          clearTimeout(slot.call.timer);
          slot.call.reject(new RaqibError('INFERENCE_FAILED', 'density estimator closed during the frame'));
          slot.call = null;
        }
        await slot.worker.terminate();
      }),
    );
  }

  private spawn(index: number): Slot {
    const worker = startWorker(this.workerUrl);
    const slot: Slot = { index, worker, ready: Promise.resolve(), call: null, retired: false };
    slot.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new RaqibError(
            'MODEL_LOAD_FAILED',
            `inference worker ${index} did not load the model within ${this.startTimeoutMs / 1000} s`,
          ),
        );
        void worker.terminate();
      }, this.startTimeoutMs);
      const onMessage = (message: FromDensityWorker) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.on('message', (m: FromDensityWorker) => this.onMessage(slot, m));
          log.debug(
            { worker: index, model: message.modelName, version: message.modelVersion },
            'inference worker ready',
          );
          resolve();
          this.dispatch();
        } else if (message.type === 'init-failed') {
          clearTimeout(timer);
          reject(new RaqibError(message.code === 'UNKNOWN' ? 'MODEL_LOAD_FAILED' : message.code, message.message));
        }
      };
      worker.on('message', onMessage);
      worker.once('error', (error) => {
        clearTimeout(timer);
        reject(
          new RaqibError('MODEL_LOAD_FAILED', `inference worker ${index} failed: ${error.message}`, { cause: error }),
        );
      });
    });
    slot.ready.catch(() => undefined); // handled by create() or by the replacement logic
    worker.on('error', (error) => this.onWorkerGone(slot, `crashed: ${error.message}`));
    worker.on('exit', (code) => this.onWorkerGone(slot, `exited with code ${code}`));
    worker.postMessage({ type: 'init', options: this.options.estimator ?? {} } satisfies ToDensityWorker);
    return slot;
  }

  /** Hands queued calls to idle, ready workers. */
  private dispatch(): void {
    if (this.slots.length > 0 && this.slots.every((slot) => slot.retired)) {
      // every worker failed to restart: fail fast rather than let frames wait forever
      for (const waiting of this.queue.splice(0)) {
        waiting.reject(
          new RaqibError('INFERENCE_FAILED', 'no inference worker is running (they could not be restarted)'),
        );
      }
      return;
    }
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.call || slot.retired) continue;
      void slot.ready.then(
        () => this.runOn(slot),
        () => undefined,
      );
    }
  }

  private runOn(slot: Slot): void {
    if (slot.call || slot.retired || this.closed) return;
    const call = this.queue.shift();
    if (!call) return;
    const { image } = call;
    const bytes = image.rgb.length;
    const bufferIndex = this.spareBuffers.findIndex((buffer) => buffer.byteLength === bytes);
    const buffer = bufferIndex >= 0 ? this.spareBuffers.splice(bufferIndex, 1)[0]! : new ArrayBuffer(bytes);
    new Uint8Array(buffer).set(image.rgb);
    const id = this.nextId++;
    const timer = setTimeout(() => this.onTimeout(slot, id), this.callTimeoutMs);
    slot.call = { ...call, id, timer };
    this.counts.calls++;
    const message: ToDensityWorker = {
      type: 'estimate',
      id,
      width: image.width,
      height: image.height,
      rgb: buffer,
      scale: call.scale,
    };
    slot.worker.postMessage(message, [buffer]);
  }

  private onMessage(slot: Slot, message: FromDensityWorker): void {
    if (slot.retired || (message.type !== 'result' && message.type !== 'error')) return;
    const call = slot.call;
    if (!call || call.id !== message.id) return;
    clearTimeout(call.timer);
    slot.call = null;
    // Keep a few returned buffers for the next frames (one per worker and size is plenty).
    if (this.spareBuffers.length < this.slots.length * 2) this.spareBuffers.push(message.rgb);
    if (message.type === 'result') call.resolve(toEstimate(message.estimate));
    else {
      this.counts.failures++;
      call.reject(new RaqibError(message.code === 'UNKNOWN' ? 'INFERENCE_FAILED' : message.code, message.message));
    }
    this.dispatch();
  }

  private onTimeout(slot: Slot, id: number): void {
    if (slot.call?.id !== id) return;
    this.counts.timeouts++;
    this.replace(slot, `inference took over ${this.callTimeoutMs / 1000} s`);
  }

  private onWorkerGone(slot: Slot, why: string): void {
    if (slot.retired || this.closed) return;
    this.replace(slot, `inference worker ${why}`);
  }

  /** Fails the slot's call, terminates its worker and starts a fresh one in its place. */
  private replace(slot: Slot, why: string): void {
    if (slot.retired) return;
    slot.retired = true;
    const call = slot.call;
    slot.call = null;
    if (call) {
      clearTimeout(call.timer);
      this.counts.failures++;
      call.reject(new RaqibError('INFERENCE_FAILED', `${why}: the frame was dropped and the worker restarted`));
    }
    log.error({ worker: slot.index, why }, 'inference worker restarted');
    void slot.worker.terminate();
    if (this.closed) return;
    this.counts.restarts++;
    const fresh = this.spawn(slot.index);
    this.slots[this.slots.indexOf(slot)] = fresh;
    fresh.ready.then(
      () => this.dispatch(),
      (error: unknown) => {
        // A worker that cannot even load the model again: fail what waits rather than hang it.
        log.error({ worker: slot.index, err: error }, 'inference worker could not be restarted');
        fresh.retired = true;
        void fresh.worker.terminate();
        this.dispatch();
      },
    );
  }
}

function toEstimate(estimate: WorkerEstimate): DensityEstimate {
  const { density, points } = estimate;
  return {
    density: { cols: density.cols, rows: density.rows, cellPx: density.cellPx, values: density.values },
    count: estimate.count,
    points: new Detections({ xyxy: points.xyxy, confidence: points.confidence, classId: points.classId }),
    inferenceMs: estimate.inferenceMs,
    tiles: estimate.tiles,
  };
}

/** Starts a {@link WorkerDensityEstimator}. */
export function createWorkerDensityEstimator(
  options: WorkerDensityEstimatorOptions = {},
): Promise<WorkerDensityEstimator> {
  return WorkerDensityEstimator.create(options);
}
