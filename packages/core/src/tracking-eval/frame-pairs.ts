import { SpatialGrid } from '../tracking/spatial-grid.js';
import type { TrackFrame } from '../tracking/track-frame.js';

/** Ground-truth/prediction pairs of one frame within the distance threshold. */
export interface FramePairs {
  gt: TrackFrame;
  pred: TrackFrame;
  /** Parallel arrays: gt index, pred index, distance in pixels. */
  gtIndex: number[];
  predIndex: number[];
  distPx: number[];
}

const EMPTY_IDS = new Int32Array(0);
const EMPTY_XY = new Float32Array(0);

/**
 * Aligns two sequences frame by frame (union of their frame numbers; a frame missing on one side
 * is empty there) and lists every pair closer than `maxDistPx`.
 */
export function alignFrames(gt: readonly TrackFrame[], pred: readonly TrackFrame[], maxDistPx: number): FramePairs[] {
  const predByFrame = new Map<number, TrackFrame>();
  for (const frame of pred) predByFrame.set(frame.frame, frame);
  const gtByFrame = new Map<number, TrackFrame>();
  for (const frame of gt) gtByFrame.set(frame.frame, frame);
  const frameNumbers = [...new Set([...gtByFrame.keys(), ...predByFrame.keys()])].sort((a, b) => a - b);
  return frameNumbers.map((frame) => {
    const g = gtByFrame.get(frame) ?? { frame, ids: EMPTY_IDS, xy: EMPTY_XY };
    const p = predByFrame.get(frame) ?? { frame, ids: EMPTY_IDS, xy: EMPTY_XY };
    const pairs: FramePairs = { gt: g, pred: p, gtIndex: [], predIndex: [], distPx: [] };
    if (g.ids.length === 0 || p.ids.length === 0) return pairs;
    const grid = new SpatialGrid(p.xy, Math.max(maxDistPx, 1));
    for (let i = 0; i < g.ids.length; i++) {
      grid.forEachWithin(g.xy[2 * i]!, g.xy[2 * i + 1]!, maxDistPx, (j, d2) => {
        pairs.gtIndex.push(i);
        pairs.predIndex.push(j);
        pairs.distPx.push(Math.sqrt(d2));
      });
    }
    return pairs;
  });
}
