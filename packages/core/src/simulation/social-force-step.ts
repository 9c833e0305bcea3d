import type { Point2 } from '../movement/planar-geometry.js';
import { closestOnSegment } from '../movement/planar-geometry.js';
import type { SocialForceParams } from './crowd-scenario.js';
import type { NeighbourGrid } from '../movement/neighbour-grid.js';
import type { SeededRandom } from './seeded-random.js';

/** Time constant of a person's remembered progress (impatience), seconds. */
const PROGRESS_MEMORY_S = 5;

/** The per-person arrays one step reads and updates (first `n` entries used). */
export interface SocialForceState {
  n: number;
  x: Float64Array;
  y: Float64Array;
  vx: Float64Array;
  vy: Float64Array;
  radius: Float64Array;
  /** Desired direction (unit vector, or 0 for none) and desired speed, m/s. */
  ex: Float64Array;
  ey: Float64Array;
  want: Float64Array;
  /** Low-pass of each person's speed along the desired direction (for impatience), m/s. */
  progress: Float64Array;
}

/**
 * One semi-implicit Euler step of the social-force model: driving term (want * e - v) / tau,
 * exponential repulsion between people (anisotropic) and from walls, body compression and sliding
 * friction on contact (friction clamped so it cannot reverse the sliding within the step), a random
 * fluctuation, and a speed limit of 1.3 x the desired speed. `grid` must index the `n` positions;
 * `near` must hold `n` indices.
 */
export function socialForceStep(
  state: SocialForceState,
  params: SocialForceParams,
  walls: readonly (readonly [Point2, Point2])[],
  grid: NeighbourGrid,
  near: Int32Array,
  dt: number,
  random: SeededRandom,
): void {
  const p = params;
  const cutoff2 = p.cutoffM * p.cutoffM;
  const invMass = 1 / p.massKg;
  const noise = p.fluctuationMPerS * Math.sqrt(dt);
  const maxFriction = (0.5 * p.massKg) / dt;
  const strength = p.socialStrengthN;
  const invRange = 1 / p.socialRangeM;
  const lambda = p.anisotropy;
  const stiffness = p.bodyStiffness;
  const kappa = p.friction;
  const { n, x, y, vx: velX, vy: velY, radius, ex, ey, want: wantArray, progress } = state;
  const ax = new Float64Array(n);
  const ay = new Float64Array(n);
  // Person-person forces, each pair once (j > i): repulsion weighted per person (anisotropy),
  // body compression and friction equal and opposite.
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    const ri = radius[i]!;
    const exi = ex[i]!;
    const eyi = ey[i]!;
    const count = grid.collectNear(xi, yi, near);
    for (let k = 0; k < count; k++) {
      const j = near[k]!;
      if (j <= i) continue;
      const dx = xi - x[j]!;
      const dy = yi - y[j]!;
      const d2 = dx * dx + dy * dy;
      if (d2 > cutoff2 || d2 === 0) continue;
      const d = Math.sqrt(d2);
      const nx = dx / d;
      const ny = dy / d;
      const reach = ri + radius[j]!;
      const social = strength * Math.exp((reach - d) * invRange);
      // n points from j to i. i weighs j by where j is relative to i's heading, and vice versa.
      const wi = exi === 0 && eyi === 0 ? 1 : lambda + ((1 - lambda) * (1 - (nx * exi + ny * eyi))) / 2;
      const exj = ex[j]!;
      const eyj = ey[j]!;
      const wj = exj === 0 && eyj === 0 ? 1 : lambda + ((1 - lambda) * (1 + (nx * exj + ny * eyj))) / 2;
      let pushI = social * wi;
      let pushJ = social * wj;
      const overlap = reach - d;
      if (overlap > 0) {
        pushI += stiffness * overlap;
        pushJ += stiffness * overlap;
        const slip = (velX[j]! - velX[i]!) * -ny + (velY[j]! - velY[i]!) * nx;
        let friction = kappa * overlap * slip;
        const limit = maxFriction * Math.abs(slip);
        if (friction > limit) friction = limit;
        else if (friction < -limit) friction = -limit;
        ax[i]! += friction * -ny;
        ay[i]! += friction * nx;
        ax[j]! -= friction * -ny;
        ay[j]! -= friction * nx;
      }
      ax[i]! += pushI * nx;
      ay[i]! += pushI * ny;
      ax[j]! -= pushJ * nx;
      ay[j]! -= pushJ * ny;
    }
  }
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    const vxi = velX[i]!;
    const vyi = velY[i]!;
    const ri = radius[i]!;
    let fx = ax[i]!;
    let fy = ay[i]!;
    for (const [a, b] of walls) {
      const t = closestOnSegment(xi, yi, a, b);
      const dx = xi - (a[0] + t * (b[0] - a[0]));
      const dy = yi - (a[1] + t * (b[1] - a[1]));
      const d2 = dx * dx + dy * dy;
      if (d2 > cutoff2 || d2 === 0) continue;
      const d = Math.sqrt(d2);
      const nx = dx / d;
      const ny = dy / d;
      let push = p.wallStrengthN * Math.exp((ri - d) / p.wallRangeM);
      const overlap = ri - d;
      if (overlap > 0) {
        push += stiffness * overlap;
        const slip = vxi * -ny + vyi * nx;
        let friction = kappa * overlap * slip;
        const limit = maxFriction * Math.abs(slip);
        if (friction > limit) friction = limit;
        else if (friction < -limit) friction = -limit;
        fx -= friction * -ny;
        fy -= friction * nx;
      }
      fx += push * nx;
      fy += push * ny;
    }
    const want = wantArray[i]!;
    ax[i] = (want * ex[i]! - vxi) / p.relaxationS + fx * invMass;
    ay[i] = (want * ey[i]! - vyi) / p.relaxationS + fy * invMass;
  }
  for (let i = 0; i < n; i++) {
    let vx = velX[i]! + dt * ax[i]! + noise * random.gaussian();
    let vy = velY[i]! + dt * ay[i]! + noise * random.gaussian();
    const maxSpeed = Math.max(1.3 * wantArray[i]!, 0.5);
    const speed = Math.sqrt(vx * vx + vy * vy);
    if (speed > maxSpeed) {
      vx *= maxSpeed / speed;
      vy *= maxSpeed / speed;
    }
    velX[i] = vx;
    velY[i] = vy;
    x[i]! += dt * vx;
    y[i]! += dt * vy;
    const along = vx * ex[i]! + vy * ey[i]!;
    progress[i]! += (1 - Math.exp(-dt / PROGRESS_MEMORY_S)) * (along - progress[i]!);
  }
}
