/**
 * Columnar detections on typed arrays (after roboflow/supervision). Head points from a density
 * model are detections too: a small square box centred on the head.
 */
export class Detections {
  /** Boxes as [x1, y1, x2, y2] per detection, in pixels of the analysed frame. */
  readonly xyxy: Float32Array;
  /** Confidence in 0..1 per detection. */
  readonly confidence: Float32Array;
  /** Class per detection (0 = person head). */
  readonly classId: Int32Array;
  /** Track id per detection, or null before tracking. */
  readonly trackId: Int32Array | null;
  /** Extra per-detection columns, e.g. `groundXY` in metres (2 values per detection). */
  readonly data: Readonly<Record<string, Float32Array>>;

  constructor(init: {
    xyxy: Float32Array;
    confidence: Float32Array;
    classId?: Int32Array;
    trackId?: Int32Array | null;
    data?: Record<string, Float32Array>;
  }) {
    const n = init.confidence.length;
    if (init.xyxy.length !== n * 4) {
      throw new RangeError(`Detections: xyxy has ${init.xyxy.length} values, expected ${n * 4}`);
    }
    this.xyxy = init.xyxy;
    this.confidence = init.confidence;
    this.classId = init.classId ?? new Int32Array(n);
    this.trackId = init.trackId ?? null;
    this.data = init.data ?? {};
  }

  /** Number of detections. */
  get length(): number {
    return this.confidence.length;
  }

  /** No detections. */
  static empty(): Detections {
    return new Detections({ xyxy: new Float32Array(0), confidence: new Float32Array(0) });
  }

  /**
   * Point detections: each point becomes a square box of side `boxPx` centred on it.
   * @param xy interleaved [x0, y0, x1, y1, ...] in pixels
   */
  static fromPoints(xy: Float32Array, confidence: Float32Array, boxPx = 8): Detections {
    const n = confidence.length;
    if (xy.length !== n * 2) throw new RangeError(`Detections.fromPoints: ${xy.length} coords for ${n} points`);
    const half = boxPx / 2;
    const xyxy = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i] ?? 0;
      const y = xy[2 * i + 1] ?? 0;
      xyxy.set([x - half, y - half, x + half, y + half], 4 * i);
    }
    return new Detections({ xyxy, confidence });
  }

  /** Centre points as interleaved [x, y, ...] in pixels. */
  centers(): Float32Array {
    const n = this.length;
    const out = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      out[2 * i] = ((this.xyxy[4 * i] ?? 0) + (this.xyxy[4 * i + 2] ?? 0)) / 2;
      out[2 * i + 1] = ((this.xyxy[4 * i + 1] ?? 0) + (this.xyxy[4 * i + 3] ?? 0)) / 2;
    }
    return out;
  }

  /** The detections at the given indices, in that order. */
  pick(indices: ArrayLike<number>): Detections {
    const n = indices.length;
    const xyxy = new Float32Array(n * 4);
    const confidence = new Float32Array(n);
    const classId = new Int32Array(n);
    const trackId = this.trackId ? new Int32Array(n) : null;
    const data: Record<string, Float32Array> = {};
    const widths: Record<string, number> = {};
    for (const [key, column] of Object.entries(this.data)) {
      widths[key] = this.length === 0 ? 0 : column.length / this.length;
      data[key] = new Float32Array(n * (widths[key] ?? 0));
    }
    for (let k = 0; k < n; k++) {
      const i = indices[k] ?? 0;
      xyxy.set(this.xyxy.subarray(4 * i, 4 * i + 4), 4 * k);
      confidence[k] = this.confidence[i] ?? 0;
      classId[k] = this.classId[i] ?? 0;
      if (trackId && this.trackId) trackId[k] = this.trackId[i] ?? -1;
      for (const [key, column] of Object.entries(this.data)) {
        const w = widths[key] ?? 0;
        data[key]?.set(column.subarray(w * i, w * i + w), w * k);
      }
    }
    return new Detections({ xyxy, confidence, classId, trackId, data });
  }

  /** The detections where `mask` is true. */
  filter(mask: ArrayLike<boolean>): Detections {
    const indices: number[] = [];
    for (let i = 0; i < this.length; i++) if (mask[i]) indices.push(i);
    return this.pick(indices);
  }

  /** A copy with some columns replaced. */
  with(changes: { trackId?: Int32Array | null; data?: Record<string, Float32Array> }): Detections {
    return new Detections({
      xyxy: this.xyxy,
      confidence: this.confidence,
      classId: this.classId,
      trackId: changes.trackId === undefined ? this.trackId : changes.trackId,
      data: changes.data ?? { ...this.data },
    });
  }
}
