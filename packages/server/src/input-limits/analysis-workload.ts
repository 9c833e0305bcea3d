import { RaqibError } from '@raqib/core';
import { DEFAULT_MAX_TILE_PIXELS, DEFAULT_TILE_OVERLAP_PX, planTiles } from '../inference/tile-plan.js';
import { MAX_PEOPLE_SCALE, OPTION_LIMITS } from './option-limits.js';

/**
 * Measured costs behind the estimate (models/raqib-density.md and profiles of `raqib analyze`):
 * the density model needs ~0.17 s per megapixel of model input on one core (960x544 in 86-89 ms);
 * onnxruntime holds ~150 bytes of activations per input pixel of a tile; the motion metrics sample
 * every area zone (and the whole frame) on a 1 m ground grid, ~0.5 µs and 40 bytes per cell and frame.
 */
const MODEL_S_PER_MEGAPIXEL_ONE_CORE = 0.17;
const ACTIVATION_BYTES_PER_TILE_PX = 150;
const RUNTIME_BASE_BYTES = 250e6;
const MOTION_CELL_S = 0.5e-6;
const MOTION_CELL_BYTES = 40;
/** RGB frame buffers alive at once (decode pipe, the frame, the annotated copy, the flow stage). */
const FRAME_BUFFERS = 4;

/** Refusal and warning thresholds of the estimate. */
export const WORKLOAD_LIMITS = {
  /** Share of the machine's memory an analysis may be estimated to take (refused above). */
  maxMemoryShare: 0.8,
  /** Warn from this share of the machine's memory. */
  warnMemoryShare: 0.4,
  /** Pixels of a frame after the people scale refused above (the estimator's own limit). */
  maxScaledPixels: 400e6,
  /** Estimated seconds per frame refused above (a frame that takes minutes is a runaway). */
  maxSecondsPerFrame: 300,
  /** Warn when one frame is estimated to take longer, seconds. */
  warnSecondsPerFrame: 10,
  /** Warn when the whole run is estimated to take longer, seconds. */
  warnTotalSeconds: 30 * 60,
  /** Ground seen by one frame refused above, m² (4 km²: heads far below a pixel, millions of cells). */
  maxGroundAreaM2: 4e6,
  /** Warn from this ground area per frame, m². */
  warnGroundAreaM2: 1e6,
} as const;

/** What an analysis will process, as far as known before it starts. */
export interface AnalysisWorkloadInput {
  /** Frame size after --max-width, pixels. */
  frameWidthPx: number;
  frameHeightPx: number;
  /** Frames to analyse, when known. */
  frames: number | null;
  /** People-scale factor the model input gets (1 when no model runs). */
  peopleScale: number;
  /** False for points files: no density model runs. */
  runsModel: boolean;
  /** Ground sampling distance at the frame centre, when known before the run, m/px. */
  gsdMPerPx?: number;
  /** Where that GSD comes from, for messages, e.g. `--altitude 60 and --hfov 84` or `calibration.json`. */
  gsdSource?: string;
  /** Area zones measured per frame (the whole frame counts as one more). */
  areaZones: number;
  /** Model threads, and the machine's cores and memory. */
  threads: number;
  cores: number;
  totalMemoryBytes: number;
}

/** The estimate of one analysis. */
export interface AnalysisWorkload {
  scaledWidthPx: number;
  scaledHeightPx: number;
  tiles: number;
  modelMegapixelsPerFrame: number;
  groundAreaM2: number | undefined;
  memoryBytes: number;
  secondsPerFrame: number;
  totalSeconds: number | null;
}

/** Estimates memory and time of an analysis from frame size, people scale, tiles and ground area. */
export function estimateAnalysisWorkload(input: AnalysisWorkloadInput): AnalysisWorkload {
  const scaledWidthPx = Math.max(1, Math.round(input.frameWidthPx * input.peopleScale));
  const scaledHeightPx = Math.max(1, Math.round(input.frameHeightPx * input.peopleScale));
  let tiles = 0;
  let modelPixels = 0;
  let largestTilePixels = 0;
  if (input.runsModel) {
    // The estimator's own tiling (stride 8, multiple 32), so the tile count is the real one.
    const plan = planTiles(scaledWidthPx, scaledHeightPx, {
      stridePx: 8,
      inputMultiplePx: 32,
      maxTilePixels: DEFAULT_MAX_TILE_PIXELS,
      overlapPx: DEFAULT_TILE_OVERLAP_PX,
    });
    tiles = plan.tiles.length;
    for (const tile of plan.tiles) {
      const pixels = tile.widthPx * tile.heightPx;
      modelPixels += pixels;
      largestTilePixels = Math.max(largestTilePixels, pixels);
    }
  }
  const framePixels = input.frameWidthPx * input.frameHeightPx;
  const groundAreaM2 = input.gsdMPerPx === undefined ? undefined : framePixels * input.gsdMPerPx ** 2;
  const motionCells = (groundAreaM2 ?? 0) * (input.areaZones + 1);
  const memoryBytes =
    RUNTIME_BASE_BYTES +
    // Points files have no pixels: only the model path holds frames, a resized copy and tile inputs.
    (input.runsModel
      ? FRAME_BUFFERS * 3 * framePixels +
        3 * scaledWidthPx * scaledHeightPx +
        (ACTIVATION_BYTES_PER_TILE_PX + 12) * largestTilePixels
      : 0) +
    MOTION_CELL_BYTES * motionCells;
  const speedUp = Math.max(1, 0.9 * Math.min(input.threads, input.cores));
  const secondsPerFrame =
    ((modelPixels / 1e6) * MODEL_S_PER_MEGAPIXEL_ONE_CORE) / speedUp + motionCells * MOTION_CELL_S;
  return {
    scaledWidthPx,
    scaledHeightPx,
    tiles,
    modelMegapixelsPerFrame: modelPixels / 1e6,
    groundAreaM2,
    memoryBytes,
    secondsPerFrame,
    totalSeconds: input.frames === null ? null : secondsPerFrame * input.frames,
  };
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(bytes < 10e9 ? 1 : 0)} GB`;
}

function duration(seconds: number): string {
  if (seconds < 90) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * Estimates the work of an analysis and refuses a runaway before it starts: a people scale above 4,
 * a frame that would need more memory than the machine has or minutes of model time, or that sees
 * square kilometres of ground. Throws RaqibError('USAGE') naming the cause and what to change; returns
 * the estimate and one-line warnings when the work is large but possible.
 */
export function checkAnalysisWorkload(input: AnalysisWorkloadInput): {
  workload: AnalysisWorkload;
  warnings: string[];
} {
  const refuse = (message: string): never => {
    throw new RaqibError('USAGE', message);
  };
  const size = `${input.frameWidthPx}x${input.frameHeightPx}`;
  if (input.peopleScale > MAX_PEOPLE_SCALE) {
    refuse(
      `people scale ${input.peopleScale.toFixed(2)} for ${size} frames is above ${MAX_PEOPLE_SCALE} (${OPTION_LIMITS.scale.why}); ${OPTION_LIMITS.scale.fix}`,
    );
  }
  const groundLimit = OPTION_LIMITS.gsd;
  if (input.gsdMPerPx !== undefined && !(input.gsdMPerPx >= groundLimit.min && input.gsdMPerPx <= groundLimit.max)) {
    const source = input.gsdSource ?? '--altitude and --hfov';
    refuse(
      `the ground sampling distance from ${source} comes to ${input.gsdMPerPx.toPrecision(3)} m/px on ${size} frames, outside [${groundLimit.min}, ${groundLimit.max}] m/px (${groundLimit.why}); check ${source}, or give --gsd`,
    );
  }
  const workload = estimateAnalysisWorkload(input);
  const warnings: string[] = [];
  const scaled =
    input.peopleScale === 1
      ? `${size} frames`
      : `${size} frames at people scale ${input.peopleScale.toFixed(2)} (${workload.scaledWidthPx}x${workload.scaledHeightPx} px)`;
  const area = workload.groundAreaM2;
  if (area !== undefined && area > WORKLOAD_LIMITS.maxGroundAreaM2) {
    refuse(
      `${size} frames at ${input.gsdMPerPx!.toPrecision(3)} m/px see ${(area / 1e6).toFixed(1)} km² of ground each, more than ${WORKLOAD_LIMITS.maxGroundAreaM2 / 1e6} km² (heads would be ${(0.2 / input.gsdMPerPx!).toPrecision(2)} px, and the motion metrics sample every square metre); check --gsd, --altitude and --hfov`,
    );
  }
  if (input.runsModel && workload.scaledWidthPx * workload.scaledHeightPx > WORKLOAD_LIMITS.maxScaledPixels) {
    refuse(
      `${scaled} is ${((workload.scaledWidthPx * workload.scaledHeightPx) / 1e6).toFixed(0)} megapixels, more than the model takes (${WORKLOAD_LIMITS.maxScaledPixels / 1e6}); give --max-width (e.g. --max-width 1920) or a smaller --scale`,
    );
  }
  const memoryLimit = WORKLOAD_LIMITS.maxMemoryShare * input.totalMemoryBytes;
  if (workload.memoryBytes > memoryLimit) {
    refuse(
      `${scaled} would need about ${gigabytes(workload.memoryBytes)} of memory, more than ${gigabytes(memoryLimit)} (${Math.round(100 * WORKLOAD_LIMITS.maxMemoryShare)}% of this machine); give --max-width (e.g. --max-width 1920) or a smaller --scale`,
    );
  }
  if (workload.secondsPerFrame > WORKLOAD_LIMITS.maxSecondsPerFrame) {
    refuse(
      `${scaled} would take about ${duration(workload.secondsPerFrame)} per frame (${workload.tiles} model tiles); give --max-width (e.g. --max-width 1920) or a smaller --scale`,
    );
  }
  if (area !== undefined && area > WORKLOAD_LIMITS.warnGroundAreaM2) {
    warnings.push(
      `${size} frames at ${input.gsdMPerPx!.toPrecision(3)} m/px see ${(area / 1e6).toFixed(1)} km² of ground each; heads are ${(0.2 / input.gsdMPerPx!).toPrecision(2)} px, too small to count reliably`,
    );
  }
  if (workload.memoryBytes > WORKLOAD_LIMITS.warnMemoryShare * input.totalMemoryBytes) {
    warnings.push(`${scaled} will need about ${gigabytes(workload.memoryBytes)} of memory`);
  }
  const total = workload.totalSeconds;
  if (workload.secondsPerFrame > WORKLOAD_LIMITS.warnSecondsPerFrame) {
    warnings.push(
      `${scaled} will take about ${duration(workload.secondsPerFrame)} per frame (${workload.tiles} model tiles)${total === null ? '' : `, ${duration(total)} in all`}; --max-width or --fps make it faster`,
    );
  } else if (total !== null && total > WORKLOAD_LIMITS.warnTotalSeconds) {
    warnings.push(
      `${input.frames} frames of ${scaled} will take about ${duration(total)} (${duration(workload.secondsPerFrame)} per frame); a lower --fps or --max-width makes it faster`,
    );
  }
  return { workload, warnings };
}
