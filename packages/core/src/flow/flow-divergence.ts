import type { FlowField } from '../frame-analysis.js';

/**
 * Divergence (1/s) of a weighted least-squares linear fit v = v0 + J (p - p0) over the zone's valid
 * cells: trace(J). Undefined with fewer than 3 cells or when they are (nearly) collinear.
 */
export function linearFieldDivergence(
  flow: FlowField,
  coverage: Float32Array,
  persons: Float32Array | null,
  toPxPerS: number,
): number | undefined {
  const { cols, rows, cellPx } = flow;
  let sw = 0;
  let mx = 0;
  let my = 0;
  let mvx = 0;
  let mvy = 0;
  let count = 0;
  const forEachValid = (fn: (x: number, y: number, vx: number, vy: number, w: number) => void): void => {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const cov = coverage[i] as number;
        if (!(cov > 0)) continue;
        const dx = flow.dx[i] as number;
        const dy = flow.dy[i] as number;
        if (!Number.isFinite(dx) || !Number.isFinite(dy)) continue;
        const w = cov * (persons ? Math.max(0, persons[i] as number) : 1);
        if (!(w > 0)) continue;
        fn((c + 0.5) * cellPx, (r + 0.5) * cellPx, dx * toPxPerS, dy * toPxPerS, w);
      }
    }
  };
  forEachValid((x, y, vx, vy, w) => {
    sw += w;
    mx += w * x;
    my += w * y;
    mvx += w * vx;
    mvy += w * vy;
    count++;
  });
  if (count < 3 || !(sw > 0)) return undefined;
  mx /= sw;
  my /= sw;
  mvx /= sw;
  mvy /= sw;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let sxVx = 0;
  let syVx = 0;
  let sxVy = 0;
  let syVy = 0;
  forEachValid((x, y, vx, vy, w) => {
    const px = x - mx;
    const py = y - my;
    sxx += w * px * px;
    sxy += w * px * py;
    syy += w * py * py;
    sxVx += w * px * (vx - mvx);
    syVx += w * py * (vx - mvx);
    sxVy += w * px * (vy - mvy);
    syVy += w * py * (vy - mvy);
  });
  const det = sxx * syy - sxy * sxy;
  if (!(det > 1e-6 * (sxx + syy) * (sxx + syy))) return undefined;
  const dVxDx = (syy * sxVx - sxy * syVx) / det;
  const dVyDy = (sxx * syVy - sxy * sxVy) / det;
  return dVxDx + dVyDy;
}
