import type { FlowField } from '../frame-analysis.js';

/**
 * Crowd pressure per cell (Helbing et al.): local density (persons/m^2 in a square neighbourhood of
 * about `pressureRadiusM`) times the person-weighted variance of the velocities (m/s) there; returns
 * the person-weighted mean over the zone's cells and the peak (cells at least half in the zone).
 * A box neighbourhood stands in for Helbing's Gaussian kernel.
 */
export function localPressure(
  flow: FlowField,
  coverage: Float32Array,
  persons: Float32Array,
  gsd: number,
  toPxPerS: number,
  pressureRadiusM: number,
): { pressurePerS2?: number; peakPressurePerS2?: number } {
  const { cols, rows, cellPx } = flow;
  const cellM = cellPx * gsd;
  const radiusCells = Math.min(8, Math.max(1, Math.round(pressureRadiusM / cellM)));
  const toMPerS = toPxPerS * gsd;
  let sumWP = 0;
  let sumW = 0;
  let peak = 0;
  let any = false;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const cov = coverage[i] as number;
      if (!(cov > 0) || !Number.isFinite(flow.dx[i] as number)) continue;
      let people = 0;
      let neighbourCells = 0;
      let vw = 0;
      let vx = 0;
      let vy = 0;
      let v2 = 0;
      let validNeighbours = 0;
      for (let rr = Math.max(0, r - radiusCells); rr <= Math.min(rows - 1, r + radiusCells); rr++) {
        for (let cc = Math.max(0, c - radiusCells); cc <= Math.min(cols - 1, c + radiusCells); cc++) {
          const j = rr * cols + cc;
          const p = Math.max(0, persons[j] as number);
          people += p;
          neighbourCells++;
          const dx = flow.dx[j] as number;
          const dy = flow.dy[j] as number;
          if (!Number.isFinite(dx) || !Number.isFinite(dy) || !(p > 0)) continue;
          const ux = dx * toMPerS;
          const uy = dy * toMPerS;
          vw += p;
          vx += p * ux;
          vy += p * uy;
          v2 += p * (ux * ux + uy * uy);
          validNeighbours++;
        }
      }
      if (validNeighbours < 3 || !(vw > 0)) continue;
      const mvx = vx / vw;
      const mvy = vy / vw;
      const variance = Math.max(0, v2 / vw - mvx * mvx - mvy * mvy);
      const localDensity = people / (neighbourCells * cellM * cellM);
      const pressure = localDensity * variance;
      const w = cov * Math.max(0, persons[i] as number);
      sumWP += w * pressure;
      sumW += w;
      any = true;
      if (cov >= 0.5 && pressure > peak) peak = pressure;
    }
  }
  if (!any) return {};
  return { ...(sumW > 0 ? { pressurePerS2: sumWP / sumW } : {}), peakPressurePerS2: peak };
}
