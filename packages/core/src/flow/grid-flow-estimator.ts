import type { FlowField } from '../frame-analysis.js';
import { RaqibError } from '../raqib-error.js';
import type { RgbImage } from '../rgb-image.js';
import {
  fitEgoMotion,
  translationEgoMotion,
  unknownEgoMotion,
  type EgoMotion,
  type EgoMotionModel,
} from './ego-motion.js';
import { searchGlobalShift } from './global-shift-search.js';
import { buildGrayPyramid, rgbToGrayDownsampled, type GrayImage, type GrayPyramid } from './gray-pyramid.js';
import { createPointTracks, trackPointsPyramidal, type PointTracks } from './lucas-kanade.js';

/** Options of {@link GridFlowEstimator}. Pixel values are pixels of the input frame unless noted. */
export interface GridFlowOptions {
  /** Side of one flow cell (one tracked point at its centre). Default 16. */
  cellPx: number;
  /** The frame is shrunk by an integer factor to about this width before tracking. Default 480. */
  workingWidthPx: number;
  /** Gaussian pyramid levels (1 = no pyramid). Default 3. */
  pyramidLevels: number;
  /** Half-size of the matching window, in pixels of the shrunk (working) image. Default 4 (9x9). */
  windowRadiusWorkingPx: number;
  /** Lucas-Kanade iterations per level. Default 10. */
  maxIterations: number;
  /** Lucas-Kanade stop criterion, working pixels. Default 0.02. */
  epsilonWorkingPx: number;
  /** Texture check (minimum gradient-matrix eigenvalue per window pixel, gray levels^2/px^2). Default 6. */
  minEigenvalue: number;
  /** Match check (residual RMS / template contrast). Default 0.6. */
  maxResidualRatio: number;
  /** Camera model removed from the flow. Default 'similarity' (shift, yaw, zoom). */
  egoModel: EgoMotionModel;
  /** Cells within this distance of the camera model count as background. Default: 0.75 working px, at least 1 px. */
  egoInlierPx?: number;
  /**
   * Camera shift searched exhaustively (beyond the last frame's) before Lucas-Kanade, so fast pans
   * and low analysis rates stay trackable. 0 disables. Default 96.
   */
  globalSearchRadiusPx: number;
}

/** Defaults of {@link GridFlowOptions}. */
export const DEFAULT_GRID_FLOW_OPTIONS: Readonly<GridFlowOptions> = Object.freeze({
  cellPx: 16,
  workingWidthPx: 480,
  pyramidLevels: 3,
  windowRadiusWorkingPx: 4,
  maxIterations: 10,
  epsilonWorkingPx: 0.02,
  minEigenvalue: 6,
  maxResidualRatio: 0.6,
  egoModel: 'similarity',
  globalSearchRadiusPx: 96,
});

/** One frame's result of {@link GridFlowEstimator.update}. */
export interface GridFlowResult {
  /**
   * The crowd's own motion per cell from the previous frame to this one (camera motion removed),
   * pixels per frame, on a grid aligned with *this* frame. Cells without a reliable match are NaN.
   * `egoDxPx/egoDyPx` is the camera-induced motion at the image centre. When the camera motion is
   * unknown (no texture), every cell and `egoDxPx/egoDyPx` are NaN.
   */
  flow: FlowField;
  /** The full camera model (shift, rotation, zoom) that was removed; {@link unknownEgoMotion} when unmeasurable. */
  ego: EgoMotion;
  /** Cells with a reliable match (non-NaN flow). */
  validCells: number;
  /** Integer factor the frame was shrunk by for tracking. */
  workingFactor: number;
}

interface GridLayout {
  width: number;
  height: number;
  factor: number;
  cols: number;
  rows: number;
  /** Cell centres in input pixels and in working pixels. */
  fullX: Float32Array;
  fullY: Float32Array;
  workX: Float32Array;
  workY: Float32Array;
}

/**
 * Dense crowd motion on a grid of cells from consecutive video frames, without any identification:
 * grayscale, shrink to ~480 px wide, Gaussian pyramid, then pyramidal Lucas-Kanade of each cell
 * centre from this frame back to the previous one (so the grid matches this frame's density map),
 * a robust camera model (RANSAC + least squares) fitted to all reliable cells, and the residual
 * motion per cell. Keeps the previous frame's pyramid; the first frame (and the first after
 * {@link GridFlowEstimator.reset} or a size change) yields null. Pure computation, runs in Node and
 * in browsers.
 *
 * Limits: where moving people cover most of the textured image, their common motion is taken for
 * the camera's; divergence that looks like a zoom over the whole frame is removed as such.
 *
 * @example
 * const estimator = new GridFlowEstimator();
 * for (const image of frames) {
 *   const result = estimator.update(image); // null on the first frame
 *   if (result) console.log(result.ego.centreDxPx, result.validCells);
 * }
 */
export class GridFlowEstimator {
  readonly options: Readonly<GridFlowOptions>;
  private layout: GridLayout | null = null;
  private previous: GrayPyramid | null = null;
  private spare: GrayPyramid | null = null;
  private priorDxPx = 0;
  private priorDyPx = 0;
  private tracks: PointTracks | null = null;

  constructor(options: Partial<GridFlowOptions> = {}) {
    const merged: GridFlowOptions = { ...DEFAULT_GRID_FLOW_OPTIONS, ...options };
    const positiveInt = (name: keyof GridFlowOptions, min: number): void => {
      const v = merged[name];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
        throw new RaqibError('CONFIG_INVALID', `flow option ${name} must be an integer >= ${min}, got ${String(v)}`);
      }
    };
    positiveInt('cellPx', 2);
    positiveInt('workingWidthPx', 16);
    positiveInt('pyramidLevels', 1);
    positiveInt('windowRadiusWorkingPx', 1);
    positiveInt('maxIterations', 1);
    if (!(merged.globalSearchRadiusPx >= 0)) {
      throw new RaqibError('CONFIG_INVALID', `flow option globalSearchRadiusPx must be >= 0`);
    }
    this.options = Object.freeze(merged);
  }

  /** Forgets the previous frame (e.g. after a cut or a gap in the stream). */
  reset(): void {
    this.previous = null;
    this.priorDxPx = 0;
    this.priorDyPx = 0;
  }

  /**
   * Adds a frame; returns the motion since the previous frame, or null when there is none yet.
   * The returned arrays are new each call (safe to keep).
   */
  update(image: RgbImage): GridFlowResult | null {
    const layout = this.layoutFor(image.width, image.height);
    const o = this.options;
    const reuse = this.spare;
    const base = rgbToGrayDownsampled(image, layout.factor, reuse?.levels[0]?.data);
    const current = buildGrayPyramid(base, o.pyramidLevels, reuse ?? undefined);
    const previous = this.previous;
    this.spare = previous;
    this.previous = current;
    if (!previous || previous.levels.length !== current.levels.length) return null;
    return this.compute(previous, current, layout);
  }

  private compute(previous: GrayPyramid, current: GrayPyramid, layout: GridLayout): GridFlowResult {
    const o = this.options;
    const f = layout.factor;
    const n = layout.cols * layout.rows;
    const top = current.levels.length - 1;
    const topScale = 1 << top;
    // Backward tracking (this frame -> previous) needs the negated forward camera shift as a guess.
    let seedDx = -this.priorDxPx / f;
    let seedDy = -this.priorDyPx / f;
    let seedFromSearch = false;
    if (o.globalSearchRadiusPx > 0) {
      const shift = searchGlobalShift(
        current.levels[top] as GrayImage,
        previous.levels[top] as GrayImage,
        seedDx / topScale,
        seedDy / topScale,
        Math.ceil(o.globalSearchRadiusPx / f / topScale),
      );
      if (Number.isFinite(shift.meanAbsDiff)) {
        seedDx = shift.dxPx * topScale;
        seedDy = shift.dyPx * topScale;
        seedFromSearch = true;
      }
    }
    const guessX = new Float32Array(n).fill(seedDx);
    const guessY = new Float32Array(n).fill(seedDy);
    if (!this.tracks || this.tracks.dx.length !== n) this.tracks = createPointTracks(n);
    const tracks = this.tracks;
    trackPointsPyramidal(
      current,
      previous,
      layout.workX,
      layout.workY,
      guessX,
      guessY,
      {
        windowRadiusPx: o.windowRadiusWorkingPx,
        maxIterations: o.maxIterations,
        epsilonPx: o.epsilonWorkingPx,
        minEigenvalue: o.minEigenvalue,
        maxResidualRatio: o.maxResidualRatio,
      },
      tracks,
    );
    // Pairs previous-frame position -> this frame's cell centre, in input pixels.
    const fromX = new Float32Array(n);
    const fromY = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      fromX[i] = (layout.fullX[i] as number) + f * (tracks.dx[i] as number);
      fromY[i] = (layout.fullY[i] as number) + f * (tracks.dy[i] as number);
    }
    const centreX = (layout.width - 1) / 2;
    const centreY = (layout.height - 1) / 2;
    let ego = fitEgoMotion(fromX, fromY, layout.fullX, layout.fullY, tracks.valid, {
      model: o.egoModel,
      inlierPx: o.egoInlierPx ?? Math.max(1, 0.75 * f),
      centreXPx: centreX,
      centreYPx: centreY,
    });
    let known = true;
    if (!ego.ok) {
      // Too little agreement for a model: fall back on the global shift. Without one (no texture to
      // align, e.g. a blank frame) the camera motion is unknown: no number, and no crowd motion.
      known = seedFromSearch;
      ego = seedFromSearch ? translationEgoMotion(-seedDx * f, -seedDy * f) : unknownEgoMotion(o.egoModel);
    }
    const dx = new Float32Array(n);
    const dy = new Float32Array(n);
    let validCells = 0;
    for (let i = 0; i < n; i++) {
      if (!known || !tracks.valid[i]) {
        dx[i] = NaN;
        dy[i] = NaN;
        continue;
      }
      const px = fromX[i] as number;
      const py = fromY[i] as number;
      dx[i] = (layout.fullX[i] as number) - (ego.m11 * px + ego.m12 * py + ego.txPx);
      dy[i] = (layout.fullY[i] as number) - (ego.m21 * px + ego.m22 * py + ego.tyPx);
      validCells++;
    }
    this.priorDxPx = known ? ego.centreDxPx : 0;
    this.priorDyPx = known ? ego.centreDyPx : 0;
    const flow: FlowField = {
      cols: layout.cols,
      rows: layout.rows,
      cellPx: o.cellPx,
      dx,
      dy,
      egoDxPx: ego.centreDxPx,
      egoDyPx: ego.centreDyPx,
    };
    return { flow, ego, validCells, workingFactor: f };
  }

  private layoutFor(width: number, height: number): GridLayout {
    if (this.layout && this.layout.width === width && this.layout.height === height) return this.layout;
    const o = this.options;
    const factor = Math.max(1, Math.round(width / o.workingWidthPx));
    if (Math.floor(width / factor) < 16 || Math.floor(height / factor) < 16) {
      throw new RaqibError('INPUT_INVALID', `frame ${width}x${height} is too small for optical flow`);
    }
    const cols = Math.ceil(width / o.cellPx);
    const rows = Math.ceil(height / o.cellPx);
    const n = cols * rows;
    const fullX = new Float32Array(n);
    const fullY = new Float32Array(n);
    const workX = new Float32Array(n);
    const workY = new Float32Array(n);
    const offset = (factor - 1) / 2;
    for (let r = 0; r < rows; r++) {
      const y = (r * o.cellPx + Math.min((r + 1) * o.cellPx, height)) / 2 - 0.5;
      for (let c = 0; c < cols; c++) {
        const x = (c * o.cellPx + Math.min((c + 1) * o.cellPx, width)) / 2 - 0.5;
        const i = r * cols + c;
        fullX[i] = x;
        fullY[i] = y;
        workX[i] = (x - offset) / factor;
        workY[i] = (y - offset) / factor;
      }
    }
    // A new size invalidates the previous frame and the reusable buffers.
    this.previous = null;
    this.spare = null;
    this.tracks = null;
    this.priorDxPx = 0;
    this.priorDyPx = 0;
    this.layout = { width, height, factor, cols, rows, fullX, fullY, workX, workY };
    return this.layout;
  }
}
