import { Detections } from '../detections.js';
import { estimateImageMotion } from './image-motion-estimator.js';
import { KalmanTrack } from './kalman-track.js';
import { IDENTITY_MOTION, isIdentityMotion, type SimilarityMotion } from './similarity-motion.js';
import { SpatialGrid } from './spatial-grid.js';
import { assignmentCandidates, sparseAssignment, type AssignmentCandidates } from './sparse-assignment.js';
import { DEFAULT_CROWD_TRACKER_OPTIONS, type CrowdTrackerOptions } from './crowd-tracker-options.js';
import { TrackIdSource } from './track-id-source.js';

/** Per-frame input besides the detections. */
export interface TrackerFrameInput {
  /** Time of the frame, seconds (monotonic within the stream). */
  timeS?: number;
  /** Known camera motion from the previous frame to this one (telemetry, optical flow). */
  imageMotion?: SimilarityMotion;
}

/** One track as reported after an update. */
export interface TrackSnapshot {
  /** Random per-session id (never stable across sessions or streams). */
  id: number;
  /** 'tracked' = matched this frame; 'coasting' = missed but still reported at its prediction. */
  state: 'tracked' | 'coasting';
  /** Filtered position in the current frame, pixels. */
  xPx: number;
  yPx: number;
  /** Velocity with camera motion removed, pixels per second. */
  vxPxPerS: number;
  vyPxPerS: number;
  /** Index of the matched detection in this frame's input, or -1 while coasting. */
  detectionIndex: number;
  hits: number;
  ageS: number;
}

/** Counters for monitoring. */
export interface TrackerStats {
  frames: number;
  /** Frames whose time was not after the previous one (handled as zero elapsed time). */
  outOfOrderFrames: number;
  /** Detections dropped for non-finite coordinates. */
  invalidDetections: number;
  /** Camera motion applied in the last frame. */
  lastImageMotion: SimilarityMotion;
  liveTracks: number;
}

/**
 * Multi-object tracker for head points or boxes in the style of ByteTrack / OC-SORT: a
 * constant-velocity Kalman filter per track, gated Hungarian assignment (solved per connected
 * component over a spatial grid, so thousands of points per frame stay cheap), a second pass for
 * low-score detections, tentative -> confirmed after `minHits`, lost tracks kept for `maxLostS` and
 * re-updated along a straight path when found again, and camera-motion compensation (given, or
 * estimated from the detections) so prediction happens in stabilised coordinates.
 *
 * Track ids are random per tracker instance: they never identify anyone across sessions or streams.
 *
 * @example
 * const tracker = new CrowdTracker();
 * const tracked = tracker.update(Detections.fromPoints(xy, scores), { timeS: 0.04 });
 * tracked.trackId; // Int32Array, -1 where no confirmed track
 */
export class CrowdTracker {
  readonly options: Readonly<CrowdTrackerOptions>;
  private readonly ids: TrackIdSource;
  private tracks: KalmanTrack[] = [];
  private lastTimeS: number | undefined;
  private frameIntervalS: number;
  private readonly counters = { frames: 0, outOfOrderFrames: 0, invalidDetections: 0 };
  private lastMotion: SimilarityMotion = { ...IDENTITY_MOTION };
  private nowS = 0;

  constructor(options: Partial<CrowdTrackerOptions> = {}) {
    this.options = Object.freeze({ ...DEFAULT_CROWD_TRACKER_OPTIONS, ...options });
    this.ids = new TrackIdSource(this.options.random);
    this.frameIntervalS = this.options.defaultFrameIntervalS;
  }

  /**
   * Tracks one frame. Returns the input detections with a `trackId` column (-1 where no confirmed
   * track matched) and data columns `trackXY` (filtered position, px) and `velocityPxPerS`.
   */
  update(detections: Detections, frame: TrackerFrameInput = {}): Detections {
    const o = this.options;
    const dtS = this.advanceClock(frame.timeS);
    const r = o.measurementNoisePx * o.measurementNoisePx;
    const q = o.accelerationNoisePx2PerS3;
    for (const track of this.tracks) {
      track.predict(dtS, q);
      track.detectionIndex = -1;
    }

    const n = detections.length;
    const centres = detections.centers();
    const usable = new Uint8Array(n); // 0 unusable, 1 low score, 2 high score
    for (let i = 0; i < n; i++) {
      const x = centres[2 * i]!;
      const y = centres[2 * i + 1]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        this.counters.invalidDetections++;
        continue;
      }
      const score = detections.confidence[i]!;
      if (score >= o.highScore) usable[i] = 2;
      else if (score >= o.lowScore) usable[i] = 1;
    }
    const packed = packUsable(centres, usable);
    const frameData: FrameData = {
      detections,
      usable,
      packedXY: packed.xy,
      packedIndex: packed.index,
      grid: new SpatialGrid(packed.xy, o.maxMatchDistancePx),
      detectionToTrack: new Int32Array(n).fill(-1),
    };

    this.compensateCameraMotion(frame.imageMotion, frameData);

    // Pass 1: confident detections against every live track.
    this.associate(this.tracks, frameData, 2, r);
    // Pass 2: weak detections only extend confirmed tracks that are still unmatched.
    const waiting = this.tracks.filter((t) => t.detectionIndex < 0 && t.phase === 'confirmed');
    if (waiting.length > 0) this.associate(waiting, frameData, 1, r);

    this.applyMatches(detections, centres, r, q);
    this.retireTracks();
    this.startTracks(detections, centres, usable, frameData.detectionToTrack, r);
    this.counters.frames++;
    return this.annotate(detections);
  }

  /** Confirmed tracks reported in the current frame: matched ones and recent coasting ones. */
  activeTracks(): TrackSnapshot[] {
    const out: TrackSnapshot[] = [];
    for (const track of this.tracks) {
      if (track.phase !== 'confirmed') continue;
      if (track.detectionIndex < 0 && track.missedFrames > this.options.coastFrames) continue;
      out.push({
        id: track.id,
        state: track.detectionIndex >= 0 ? 'tracked' : 'coasting',
        xPx: track.x,
        yPx: track.y,
        vxPxPerS: track.vx,
        vyPxPerS: track.vy,
        detectionIndex: track.detectionIndex,
        hits: track.hits,
        ageS: this.nowS - track.bornS,
      });
    }
    return out;
  }

  /** Counters for monitoring. */
  get stats(): TrackerStats {
    return { ...this.counters, lastImageMotion: { ...this.lastMotion }, liveTracks: this.tracks.length };
  }

  private advanceClock(timeS: number | undefined): number {
    let dtS: number;
    if (timeS === undefined || !Number.isFinite(timeS)) {
      dtS = this.frameIntervalS;
      this.nowS = (this.lastTimeS ?? -dtS) + dtS;
    } else if (this.lastTimeS !== undefined && timeS <= this.lastTimeS) {
      this.counters.outOfOrderFrames++;
      return 0;
    } else {
      dtS = this.lastTimeS === undefined ? this.frameIntervalS : timeS - this.lastTimeS;
      this.nowS = timeS;
      if (this.lastTimeS !== undefined) this.frameIntervalS = dtS;
    }
    this.lastTimeS = this.nowS;
    return dtS;
  }

  private compensateCameraMotion(given: SimilarityMotion | undefined, frameData: FrameData): void {
    const o = this.options;
    let motion: SimilarityMotion = IDENTITY_MOTION;
    if (given) {
      motion = given;
    } else if (o.estimateImageMotion) {
      const reference: number[] = [];
      for (const track of this.tracks) {
        if (track.missedFrames === 0) reference.push(track.x, track.y);
      }
      const estimate = estimateImageMotion(reference, frameData.grid, frameData.packedXY, {
        searchRadiusPx: o.imageMotionSearchPx,
        inlierRadiusPx: 2.5 * o.measurementNoisePx,
        fitRotationScale: true,
      });
      // Apply only a jump that explains the detections clearly better than no motion at all: slow
      // drift is absorbed by the tracks' velocities, and coherent crowd motion must not be mistaken
      // for the camera's.
      const shift = Math.hypot(estimate.motion.txPx, estimate.motion.tyPx);
      if (
        estimate.ok &&
        shift > Math.max(o.imageMotionMinShiftPx, 3 * estimate.shiftStdErrPx) &&
        estimate.inliers >= 1.5 * estimate.inliersWithoutMotion
      ) {
        motion = estimate.motion;
      }
    }
    this.lastMotion = { ...motion };
    if (isIdentityMotion(motion)) return;
    for (const track of this.tracks) track.applyMotion(motion);
  }

  private associate(tracks: KalmanTrack[], frameData: FrameData, level: 1 | 2, r: number): void {
    const o = this.options;
    const { detections, usable, packedIndex, grid, detectionToTrack } = frameData;
    const candidates: AssignmentCandidates = assignmentCandidates();
    const gateSq = o.gateSigmas * o.gateSigmas;
    const boxes = o.matchBy === 'boxes';
    for (let t = 0; t < tracks.length; t++) {
      const track = tracks[t]!;
      const s = track.innovationVar(r);
      const radius = boxes ? o.maxMatchDistancePx : Math.min(o.maxMatchDistancePx, o.gateSigmas * Math.sqrt(s));
      const logPenalty = 2 * Math.log(s / r);
      grid.forEachWithin(track.x, track.y, radius, (g, d2) => {
        const i = packedIndex[g]!;
        if (usable[i] !== level || detectionToTrack[i]! >= 0) return;
        let cost: number;
        if (boxes) {
          const iou = track.iouWith(detections.xyxy, i);
          if (iou < o.minIou) return;
          cost = (1 - iou) * gateSq;
        } else {
          cost = d2 / s + logPenalty;
          if (cost > gateSq) return;
        }
        candidates.rows.push(t);
        candidates.cols.push(i);
        candidates.costs.push(cost);
      });
    }
    const matched = sparseAssignment(candidates, tracks.length, detections.length, gateSq, {
      maxComponentSize: o.maxAssignmentComponent,
    });
    for (let t = 0; t < tracks.length; t++) {
      const i = matched[t]!;
      if (i < 0) continue;
      tracks[t]!.detectionIndex = i;
      detectionToTrack[i] = t;
    }
  }

  private applyMatches(detections: Detections, centres: Float32Array, r: number, q: number): void {
    const o = this.options;
    for (const track of this.tracks) {
      const i = track.detectionIndex;
      if (i < 0) {
        track.missedFrames++;
        continue;
      }
      const zx = centres[2 * i]!;
      const zy = centres[2 * i + 1]!;
      if (track.missedFrames >= o.reupdateAfterMissedFrames) {
        const gapS = this.nowS - track.lastSeenS;
        const steps = Math.max(1, Math.min(50, Math.round(gapS / Math.max(this.frameIntervalS, 1e-6))));
        track.correctAfterGap(zx, zy, r, gapS, steps, q);
      } else {
        track.correct(zx, zy, r);
      }
      track.missedFrames = 0;
      track.lastSeenS = this.nowS;
      track.hits++;
      track.score = detections.confidence[i]!;
      if (o.matchBy === 'boxes') {
        const w = detections.xyxy[4 * i + 2]! - detections.xyxy[4 * i]!;
        const h = detections.xyxy[4 * i + 3]! - detections.xyxy[4 * i + 1]!;
        track.widthPx += 0.3 * (w - track.widthPx);
        track.heightPx += 0.3 * (h - track.heightPx);
      }
      if (track.phase === 'tentative' && track.hits >= o.minHits) {
        track.phase = 'confirmed';
        track.id = this.ids.next();
      }
    }
  }

  private retireTracks(): void {
    const maxLostS = this.options.maxLostS;
    this.tracks = this.tracks.filter((track) => {
      if (track.detectionIndex >= 0) return true;
      if (track.phase === 'tentative') return false;
      return this.nowS - track.lastSeenS <= maxLostS + 1e-9;
    });
  }

  private startTracks(
    detections: Detections,
    centres: Float32Array,
    usable: Uint8Array,
    detectionToTrack: Int32Array,
    r: number,
  ): void {
    const o = this.options;
    const speedVar = o.initialSpeedStdPxPerS * o.initialSpeedStdPxPerS;
    for (let i = 0; i < detections.length; i++) {
      if (usable[i] !== 2 || detectionToTrack[i]! >= 0) continue;
      const track = new KalmanTrack({
        x: centres[2 * i]!,
        y: centres[2 * i + 1]!,
        timeS: this.nowS,
        positionVarPx2: r,
        velocityVarPx2PerS2: speedVar,
        widthPx: detections.xyxy[4 * i + 2]! - detections.xyxy[4 * i]!,
        heightPx: detections.xyxy[4 * i + 3]! - detections.xyxy[4 * i + 1]!,
        score: detections.confidence[i]!,
        detectionIndex: i,
      });
      if (o.minHits <= 1) {
        track.phase = 'confirmed';
        track.id = this.ids.next();
      }
      this.tracks.push(track);
    }
  }

  private annotate(detections: Detections): Detections {
    const n = detections.length;
    const trackId = new Int32Array(n).fill(-1);
    const trackXY = new Float32Array(2 * n).fill(Number.NaN);
    const velocity = new Float32Array(2 * n).fill(Number.NaN);
    for (const track of this.tracks) {
      const i = track.detectionIndex;
      if (i < 0 || track.phase !== 'confirmed') continue;
      trackId[i] = track.id;
      trackXY[2 * i] = track.x;
      trackXY[2 * i + 1] = track.y;
      velocity[2 * i] = track.vx;
      velocity[2 * i + 1] = track.vy;
    }
    return detections.with({ trackId, data: { ...detections.data, trackXY, velocityPxPerS: velocity } });
  }
}

/** What one update works on. */
interface FrameData {
  detections: Detections;
  /** Per detection: 0 unusable, 1 low score, 2 high score. */
  usable: Uint8Array;
  /** Centres of usable detections, packed; `packedIndex[k]` is the detection index of entry k. */
  packedXY: Float32Array;
  packedIndex: Int32Array;
  grid: SpatialGrid;
  /** Track (index into the pass's list) matched to each detection, or -1. */
  detectionToTrack: Int32Array;
}

function packUsable(centres: Float32Array, usable: Uint8Array): { xy: Float32Array; index: Int32Array } {
  let count = 0;
  for (let i = 0; i < usable.length; i++) if (usable[i]) count++;
  const xy = new Float32Array(2 * count);
  const index = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < usable.length; i++) {
    if (!usable[i]) continue;
    xy[2 * k] = centres[2 * i]!;
    xy[2 * k + 1] = centres[2 * i + 1]!;
    index[k++] = i;
  }
  return { xy, index };
}
