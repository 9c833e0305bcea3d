import type { SimilarityMotion } from './similarity-motion.js';

/** Life-cycle state of a track. */
export type TrackPhase = 'tentative' | 'confirmed';

/**
 * One track under a constant-velocity Kalman filter, per axis state [position px, velocity px/s].
 * x and y share one 2x2 covariance (isotropic noise, same update pattern), so a track stores three
 * covariance numbers instead of sixteen. Internal to the tracker.
 */
export class KalmanTrack {
  /** Session id once confirmed; 0 while tentative. */
  id = 0;
  phase: TrackPhase = 'tentative';
  x: number;
  y: number;
  vx = 0;
  vy = 0;
  /** Covariance per axis: position variance, position-velocity covariance, velocity variance. */
  ppp: number;
  ppv = 0;
  pvv: number;
  hits = 1;
  /** Frames since the last match (0 = matched in the current frame). */
  missedFrames = 0;
  readonly bornS: number;
  lastSeenS: number;
  /** Box size (boxes mode), pixels. */
  widthPx: number;
  heightPx: number;
  score: number;
  /** Index of the detection matched in the current frame, or -1. */
  detectionIndex: number;
  /** State right after the last measurement update (for re-updating after a gap). */
  private obsX: number;
  private obsY: number;
  private obsVx = 0;
  private obsVy = 0;
  private obsPpp: number;
  private obsPpv = 0;
  private obsPvv: number;

  constructor(init: {
    x: number;
    y: number;
    timeS: number;
    positionVarPx2: number;
    velocityVarPx2PerS2: number;
    widthPx: number;
    heightPx: number;
    score: number;
    detectionIndex: number;
  }) {
    this.x = this.obsX = init.x;
    this.y = this.obsY = init.y;
    this.ppp = this.obsPpp = init.positionVarPx2;
    this.pvv = this.obsPvv = init.velocityVarPx2PerS2;
    this.bornS = this.lastSeenS = init.timeS;
    this.widthPx = init.widthPx;
    this.heightPx = init.heightPx;
    this.score = init.score;
    this.detectionIndex = init.detectionIndex;
  }

  /** Constant-velocity prediction over `dtS` with white-noise acceleration of density `q` (px²/s³). */
  predict(dtS: number, q: number): void {
    if (dtS <= 0) return;
    this.x += this.vx * dtS;
    this.y += this.vy * dtS;
    const dt2 = dtS * dtS;
    this.ppp += 2 * dtS * this.ppv + dt2 * this.pvv + (q * dt2 * dtS) / 3;
    this.ppv += dtS * this.pvv + (q * dt2) / 2;
    this.pvv += q * dtS;
  }

  /** Innovation variance per axis for measurement variance `r`. */
  innovationVar(r: number): number {
    return this.ppp + r;
  }

  /** Kalman update with a position measurement of variance `r` (px²). */
  correct(zx: number, zy: number, r: number): void {
    const s = this.ppp + r;
    const kp = this.ppp / s;
    const kv = this.ppv / s;
    const ex = zx - this.x;
    const ey = zy - this.y;
    this.x += kp * ex;
    this.y += kp * ey;
    this.vx += kv * ex;
    this.vy += kv * ey;
    const ppp = this.ppp;
    const ppv = this.ppv;
    this.ppp = (ppp * r) / s;
    this.ppv = (ppv * r) / s;
    this.pvv -= (ppv * ppv) / s;
    this.saveObservedState();
  }

  /**
   * Re-update after a gap (observation-centric, after OC-SORT): restart from the state at the last
   * measurement and filter along a straight virtual path to the new measurement in `steps` steps, so
   * the velocity drift accumulated while coasting does not survive the re-association.
   */
  correctAfterGap(zx: number, zy: number, r: number, gapS: number, steps: number, q: number): void {
    const startX = this.obsX;
    const startY = this.obsY;
    this.x = startX;
    this.y = startY;
    this.vx = this.obsVx;
    this.vy = this.obsVy;
    this.ppp = this.obsPpp;
    this.ppv = this.obsPpv;
    this.pvv = this.obsPvv;
    const dt = gapS / steps;
    for (let k = 1; k <= steps; k++) {
      this.predict(dt, q);
      const t = k / steps;
      this.correct(startX + (zx - startX) * t, startY + (zy - startY) * t, r);
    }
  }

  /** IoU of the track's predicted box (centred on its position) with box `i` of `xyxy`. */
  iouWith(xyxy: Float32Array, i: number): number {
    const ax1 = this.x - this.widthPx / 2;
    const ay1 = this.y - this.heightPx / 2;
    const ax2 = this.x + this.widthPx / 2;
    const ay2 = this.y + this.heightPx / 2;
    const bx1 = xyxy[4 * i]!;
    const by1 = xyxy[4 * i + 1]!;
    const bx2 = xyxy[4 * i + 2]!;
    const by2 = xyxy[4 * i + 3]!;
    const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
    const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
    if (iw <= 0 || ih <= 0) return 0;
    const inter = iw * ih;
    const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
    return union > 0 ? inter / union : 0;
  }

  /** Maps the whole state (current and last-observed) through a camera motion. */
  applyMotion(m: SimilarityMotion): void {
    const x = this.x;
    this.x = m.a * x - m.b * this.y + m.txPx;
    this.y = m.b * x + m.a * this.y + m.tyPx;
    const vx = this.vx;
    this.vx = m.a * vx - m.b * this.vy;
    this.vy = m.b * vx + m.a * this.vy;
    const ox = this.obsX;
    this.obsX = m.a * ox - m.b * this.obsY + m.txPx;
    this.obsY = m.b * ox + m.a * this.obsY + m.tyPx;
    const ovx = this.obsVx;
    this.obsVx = m.a * ovx - m.b * this.obsVy;
    this.obsVy = m.b * ovx + m.a * this.obsVy;
    const scale = Math.hypot(m.a, m.b);
    this.widthPx *= scale;
    this.heightPx *= scale;
  }

  private saveObservedState(): void {
    this.obsX = this.x;
    this.obsY = this.y;
    this.obsVx = this.vx;
    this.obsVy = this.vy;
    this.obsPpp = this.ppp;
    this.obsPpv = this.ppv;
    this.obsPvv = this.pvv;
  }
}
