import { sampleGrayPatch, type GrayImage, type GrayPyramid } from './gray-pyramid.js';

/** Options of {@link trackPointsPyramidal}. All pixel values are pixels of pyramid level 0. */
export interface LucasKanadeOptions {
  /** Half-size of the square matching window: the window is `2r+1` pixels wide. */
  windowRadiusPx: number;
  /** Most Gauss-Newton iterations per pyramid level. */
  maxIterations: number;
  /** Stop iterating on a level when the update is shorter than this, pixels of that level. */
  epsilonPx: number;
  /**
   * Smallest accepted minimum eigenvalue of the window's gradient matrix, divided by the window's
   * pixel count (units: (gray levels / pixel)^2 on the 0-255 scale). Below it the window has too
   * little texture (flat ground, sky, one edge only) for a reliable 2-D motion.
   */
  minEigenvalue: number;
  /**
   * Largest accepted ratio of the matching residual (RMS, brightness offset removed) to the
   * template's contrast (standard deviation). Occlusions, motion boundaries and mismatches exceed it.
   */
  maxResidualRatio: number;
}

/** Per-point output of {@link trackPointsPyramidal}; arrays have one entry per point. */
export interface PointTracks {
  /** Displacement from the template point to its match in the target, level-0 pixels. */
  dx: Float32Array;
  dy: Float32Array;
  /** 1 where the match passed the texture, residual and bounds checks, else 0. */
  valid: Uint8Array;
  /** Minimum eigenvalue per window pixel at level 0 (see {@link LucasKanadeOptions.minEigenvalue}). */
  minEigenvalue: Float32Array;
}

/** Allocates output arrays for `count` points. */
export function createPointTracks(count: number): PointTracks {
  return {
    dx: new Float32Array(count),
    dy: new Float32Array(count),
    valid: new Uint8Array(count),
    minEigenvalue: new Float32Array(count),
  };
}

/**
 * Pyramidal Lucas-Kanade (inverse-compositional, translation only, brightness-offset invariant):
 * for each point (`xs[i]`, `ys[i]`) of the `template` pyramid's level 0, finds where the window
 * around it appears in the `target` pyramid, coarse to fine, starting from the displacement guess
 * (`guessDx[i]`, `guessDy[i]`). Windows are sampled bilinearly, so results are sub-pixel.
 * Both pyramids must have the same sizes and level count.
 *
 * @param out results, one entry per point (see {@link createPointTracks})
 */
export function trackPointsPyramidal(
  template: GrayPyramid,
  target: GrayPyramid,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  guessDx: ArrayLike<number>,
  guessDy: ArrayLike<number>,
  options: LucasKanadeOptions,
  out: PointTracks,
): void {
  const r = options.windowRadiusPx;
  const side = 2 * r + 1;
  const n = side * side;
  const patchSide = side + 2;
  const patch = new Float32Array(patchSide * patchSide);
  const tpl = new Float32Array(n);
  const gx = new Float32Array(n);
  const gy = new Float32Array(n);
  const warped = new Float32Array(n);
  const levelCount = Math.min(template.levels.length, target.levels.length);
  const eps2 = options.epsilonPx * options.epsilonPx;
  const base = target.levels[0] as GrayImage;

  for (let p = 0; p < xs.length; p++) {
    const x0 = xs[p] as number;
    const y0 = ys[p] as number;
    const topScale = 1 / (1 << (levelCount - 1));
    let dx = (guessDx[p] as number) * topScale;
    let dy = (guessDy[p] as number) * topScale;
    let valid = 1;
    let minEig = 0;
    for (let level = levelCount - 1; level >= 0; level--) {
      const scale = 1 / (1 << level);
      const qx = x0 * scale;
      const qy = y0 * scale;
      const T = template.levels[level] as GrayImage;
      const I = target.levels[level] as GrayImage;
      // Template window with a one-pixel margin, for central-difference gradients.
      sampleGrayPatch(T, qx - r - 1, qy - r - 1, patchSide, patch);
      let sumGx = 0;
      let sumGy = 0;
      let sumGxx = 0;
      let sumGxy = 0;
      let sumGyy = 0;
      let sumT = 0;
      let sumT2 = 0;
      let k = 0;
      for (let row = 1; row <= side; row++) {
        let i = row * patchSide + 1;
        for (let col = 1; col <= side; col++, i++, k++) {
          const t = patch[i] as number;
          const ddx = 0.5 * ((patch[i + 1] as number) - (patch[i - 1] as number));
          const ddy = 0.5 * ((patch[i + patchSide] as number) - (patch[i - patchSide] as number));
          tpl[k] = t;
          gx[k] = ddx;
          gy[k] = ddy;
          sumGx += ddx;
          sumGy += ddy;
          sumGxx += ddx * ddx;
          sumGxy += ddx * ddy;
          sumGyy += ddy * ddy;
          sumT += t;
          sumT2 += t * t;
        }
      }
      // Centred gradients (g - mean g) make every update blind to a brightness offset between
      // frames; the centring is folded into the sums instead of a pass over the window.
      const meanGx = sumGx / n;
      const meanGy = sumGy / n;
      const gxx = sumGxx - n * meanGx * meanGx;
      const gxy = sumGxy - n * meanGx * meanGy;
      const gyy = sumGyy - n * meanGy * meanGy;
      const det = gxx * gyy - gxy * gxy;
      if (level === 0) {
        const half = 0.5 * (gxx + gyy);
        const diff = 0.5 * (gxx - gyy);
        minEig = (half - Math.sqrt(diff * diff + gxy * gxy)) / n;
        if (!(minEig >= options.minEigenvalue)) valid = 0;
      }
      if (!(det > 1e-6 * n * n)) {
        if (level > 0) {
          dx *= 2;
          dy *= 2;
        }
        continue;
      }
      const invDet = 1 / det;
      let sumE = 0;
      let sumE2 = 0;
      // Coarse levels only need to land within the next level's reach.
      const levelEps2 = level === 0 ? eps2 : Math.max(eps2, 0.01);
      for (let iter = 0; iter < options.maxIterations; iter++) {
        sampleGrayPatch(I, qx + dx - r, qy + dy - r, side, warped);
        let bx = 0;
        let by = 0;
        sumE = 0;
        sumE2 = 0;
        for (let j = 0; j < n; j++) {
          const e = (warped[j] as number) - (tpl[j] as number);
          bx += (gx[j] as number) * e;
          by += (gy[j] as number) * e;
          sumE += e;
          sumE2 += e * e;
        }
        bx -= meanGx * sumE;
        by -= meanGy * sumE;
        const stepX = (gyy * bx - gxy * by) * invDet;
        const stepY = (gxx * by - gxy * bx) * invDet;
        dx -= stepX;
        dy -= stepY;
        if (stepX * stepX + stepY * stepY < levelEps2) break;
      }
      if (level > 0) {
        dx *= 2;
        dy *= 2;
      } else {
        const meanE = sumE / n;
        const residual = Math.sqrt(Math.max(0, sumE2 / n - meanE * meanE));
        const meanT = sumT / n;
        const contrast = Math.sqrt(Math.max(0, sumT2 / n - meanT * meanT));
        if (!(residual <= options.maxResidualRatio * contrast)) valid = 0;
      }
    }
    const tx = x0 + dx;
    const ty = y0 + dy;
    if (!(tx >= 0 && ty >= 0 && tx <= base.width - 1 && ty <= base.height - 1)) valid = 0;
    out.dx[p] = dx;
    out.dy[p] = dy;
    out.valid[p] = valid;
    out.minEigenvalue[p] = minEig;
  }
}
