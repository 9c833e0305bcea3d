/**
 * Tracked positions in one frame: what a tracker reports or a ground-truth file holds
 * (`frame,track_id,x,y` rows grouped by frame).
 */
export interface TrackFrame {
  /** Frame number within the sequence (0-based in DroneCrowd). */
  frame: number;
  /** Track id per point. */
  ids: Int32Array;
  /** Positions, interleaved [x0, y0, x1, y1, ...], pixels. */
  xy: Float32Array;
}

/** Detected points without identities in one frame (`frame,x,y[,score]` rows grouped by frame). */
export interface PointFrame {
  frame: number;
  /** Positions, interleaved [x0, y0, ...], pixels. */
  xy: Float32Array;
  /** Detection score per point in 0..1 (1 when the source has none). */
  score: Float32Array;
}

/**
 * Groups flat rows into frames sorted by frame number (rows of one frame may be anywhere).
 *
 * @example trackFramesFromRows([0, 0, 1], [7, 8, 7], [1, 5, 2], [1, 5, 2]) // two frames
 */
export function trackFramesFromRows(
  frames: ArrayLike<number>,
  ids: ArrayLike<number>,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
): TrackFrame[] {
  const byFrame = new Map<number, number[]>();
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k]!;
    let rows = byFrame.get(f);
    if (!rows) byFrame.set(f, (rows = []));
    rows.push(k);
  }
  return [...byFrame.keys()]
    .sort((a, b) => a - b)
    .map((frame) => {
      const rows = byFrame.get(frame)!;
      const out: TrackFrame = { frame, ids: new Int32Array(rows.length), xy: new Float32Array(2 * rows.length) };
      rows.forEach((row, j) => {
        out.ids[j] = ids[row]!;
        out.xy[2 * j] = xs[row]!;
        out.xy[2 * j + 1] = ys[row]!;
      });
      return out;
    });
}
