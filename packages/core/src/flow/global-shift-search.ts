import { pyramidDown, type GrayImage } from './gray-pyramid.js';

/** Result of {@link searchGlobalShift}. */
export interface GlobalShift {
  /** Shift of the image content from `template` to `target`, pixels (sub-pixel refined). */
  dxPx: number;
  dyPx: number;
  /**
   * Mean absolute difference at the best shift (gray levels); Infinity when no search was possible
   * (images too small) or no shift fits better than another (no texture: a blank frame, fog, water).
   */
  meanAbsDiff: number;
}

/**
 * Below this spread of the scores over the searched shifts (gray levels of mean absolute difference),
 * no shift is better than another: the images have no texture to align, and the shift is unknown.
 */
export const MIN_SHIFT_COST_SPREAD = 0.25;

/**
 * Exhaustive search for the one translation that best aligns two small images: the shift `s` with
 * `target(x + s) ~ template(x)`, within `radiusPx` of `(priorDxPx, priorDyPx)`, scored by the mean
 * absolute difference over a common interior (every `stepPx`-th pixel), then refined to sub-pixel by
 * a parabola through the neighbouring scores. Radii above 4 pixels are searched coarse to fine (on
 * half-size images first, then within 2 pixels here), so the cost stays small. Meant for a coarse
 * pyramid level, to seed Lucas-Kanade when the camera moved further than the pyramid can reach.
 * When every shift scores about the same (spread below {@link MIN_SHIFT_COST_SPREAD}), the images
 * have no texture and the result is "no search possible" (`meanAbsDiff` Infinity), not the first
 * shift tried, which would read as a camera move of the whole search radius.
 */
export function searchGlobalShift(
  template: GrayImage,
  target: GrayImage,
  priorDxPx: number,
  priorDyPx: number,
  radiusPx: number,
  stepPx = 1,
): GlobalShift {
  let px = Math.round(priorDxPx);
  let py = Math.round(priorDyPx);
  let r = Math.max(0, Math.round(radiusPx));
  if (r > 4 && template.width >= 32 && template.height >= 32) {
    const coarse = searchGlobalShift(
      pyramidDown(template),
      pyramidDown(target),
      priorDxPx / 2,
      priorDyPx / 2,
      r / 2,
      stepPx,
    );
    if (Number.isFinite(coarse.meanAbsDiff)) {
      px = Math.round(coarse.dxPx * 2);
      py = Math.round(coarse.dyPx * 2);
      r = 2;
    }
  }
  const w = Math.min(template.width, target.width);
  const h = Math.min(template.height, target.height);
  const marginX = r + Math.abs(px);
  const marginY = r + Math.abs(py);
  const x0 = marginX;
  const x1 = w - marginX;
  const y0 = marginY;
  const y1 = h - marginY;
  if (x1 - x0 < 4 || y1 - y0 < 4) return { dxPx: priorDxPx, dyPx: priorDyPx, meanAbsDiff: Infinity };
  const side = 2 * r + 1;
  const costs = new Float64Array(side * side);
  const tw = template.width;
  const gw = target.width;
  const tData = template.data;
  const gData = target.data;
  let best = 0;
  let worst = 0;
  for (let sy = -r; sy <= r; sy++) {
    for (let sx = -r; sx <= r; sx++) {
      const ox = px + sx;
      const oy = py + sy;
      let sum = 0;
      let n = 0;
      for (let y = y0; y < y1; y += stepPx) {
        let ti = y * tw + x0;
        let gi = (y + oy) * gw + x0 + ox;
        for (let x = x0; x < x1; x += stepPx, ti += stepPx, gi += stepPx) {
          const d = (tData[ti] as number) - (gData[gi] as number);
          sum += d < 0 ? -d : d;
          n++;
        }
      }
      const k = (sy + r) * side + (sx + r);
      costs[k] = sum / n;
      if ((costs[k] as number) < (costs[best] as number)) best = k;
      if ((costs[k] as number) > (costs[worst] as number)) worst = k;
    }
  }
  if (side > 1 && (costs[worst] as number) - (costs[best] as number) < MIN_SHIFT_COST_SPREAD) {
    return { dxPx: priorDxPx, dyPx: priorDyPx, meanAbsDiff: Infinity };
  }
  const bx = (best % side) - r;
  const by = Math.floor(best / side) - r;
  const cost = (sx: number, sy: number): number => costs[(sy + r) * side + (sx + r)] as number;
  const refine = (minus: number, centre: number, plus: number): number => {
    const denom = minus - 2 * centre + plus;
    return denom > 1e-12 ? Math.max(-0.5, Math.min(0.5, (0.5 * (minus - plus)) / denom)) : 0;
  };
  const fx = bx > -r && bx < r ? refine(cost(bx - 1, by), cost(bx, by), cost(bx + 1, by)) : 0;
  const fy = by > -r && by < r ? refine(cost(bx, by - 1), cost(bx, by), cost(bx, by + 1)) : 0;
  return { dxPx: px + bx + fx, dyPx: py + by + fy, meanAbsDiff: costs[best] as number };
}
