import type { RandomSource } from './track-id-source.js';

/** Settings of {@link CrowdTracker}; every field has a default tuned on DroneCrowd head trajectories. */
export interface CrowdTrackerOptions {
  /** Associate by centre distance (head points) or by box overlap (IoU). Default 'points'. */
  matchBy: 'points' | 'boxes';
  /** Standard deviation of a detection's position error, pixels. */
  measurementNoisePx: number;
  /** White-noise acceleration density of a person's motion, px²/s³ (how fast velocity may change). */
  accelerationNoisePx2PerS3: number;
  /** Standard deviation of a new track's unknown velocity, px/s. */
  initialSpeedStdPxPerS: number;
  /** Hard gate on the distance between prediction and detection, pixels. */
  maxMatchDistancePx: number;
  /** Statistical gate: largest normalised innovation (sigmas) for a match. */
  gateSigmas: number;
  /** Boxes mode: smallest IoU for a match. */
  minIou: number;
  /** Detections at or above this score are associated first and may start tracks. */
  highScore: number;
  /** Detections below this score are ignored; between lowScore and highScore they only extend tracks. */
  lowScore: number;
  /** Matches needed before a tentative track is confirmed and gets an id. */
  minHits: number;
  /** How long an unmatched confirmed track is kept for re-association, seconds. */
  maxLostS: number;
  /**
   * Consecutive missed frames during which a confirmed track is still reported at its prediction
   * (a detector misses people now and then; counts should not flicker).
   */
  coastFrames: number;
  /**
   * After this many consecutive missed frames, a re-found track is re-filtered along a straight path
   * from its last sighting (OC-SORT's observation-centric re-update) instead of one plain update.
   */
  reupdateAfterMissedFrames: number;
  /** Frame interval used when `update` gets no time, seconds. */
  defaultFrameIntervalS: number;
  /**
   * Speed-up for dense crowds: largest group of interlocked track/detection candidates solved at
   * once; bigger groups are split at their costliest links (Infinity = always exact).
   */
  maxAssignmentComponent: number;
  /** Estimate the camera's motion from the detections when none is given. Default true. */
  estimateImageMotion: boolean;
  /** Largest unexplained camera shift per frame searched for, pixels. */
  imageMotionSearchPx: number;
  /** Estimated camera shifts smaller than this (and not significant) are ignored, pixels. */
  imageMotionMinShiftPx: number;
  /** Source of randomness for track ids (inject a seeded one in tests). */
  random?: RandomSource;
}

/** Defaults of {@link CrowdTrackerOptions}. */
export const DEFAULT_CROWD_TRACKER_OPTIONS: Readonly<CrowdTrackerOptions> = Object.freeze({
  matchBy: 'points',
  measurementNoisePx: 2.5,
  accelerationNoisePx2PerS3: 10,
  initialSpeedStdPxPerS: 12,
  maxMatchDistancePx: 24,
  gateSigmas: 5,
  minIou: 0.1,
  highScore: 0.5,
  lowScore: 0.1,
  minHits: 2,
  maxLostS: 1.5,
  coastFrames: 2,
  reupdateAfterMissedFrames: 5,
  defaultFrameIntervalS: 1 / 25,
  maxAssignmentComponent: 20,
  estimateImageMotion: true,
  imageMotionSearchPx: 40,
  imageMotionMinShiftPx: 1,
});
