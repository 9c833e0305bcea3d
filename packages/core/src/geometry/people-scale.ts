/** Typical head width seen from above, in metres. */
export const HEAD_SIZE_M = 0.2;

/** Options for {@link peopleScale}. */
export interface PeopleScaleOptions {
  /** Head size in pixels the density model was trained on (e.g. ~12 px for ShanghaiTech B street views). */
  modelHeadPx: number;
  /** Real head size in metres. Default {@link HEAD_SIZE_M}. */
  headSizeM?: number;
  /** Smallest scale returned. Default 0.25. */
  minScale?: number;
  /** Largest scale returned (upscaling costs time quadratically). Default 4. */
  maxScale?: number;
}

/** Head size in pixels at a ground sampling distance: `headSizeM / gsdMPerPx`. */
export function headSizePx(gsdMPerPx: number, headSizeM = HEAD_SIZE_M): number {
  if (!(gsdMPerPx > 0)) throw new RangeError(`GSD must be > 0 m/px, got ${gsdMPerPx}`);
  return headSizeM / gsdMPerPx;
}

/**
 * The people-scale factor for the density model: how much to enlarge the frame so that heads get the
 * size the model was trained on, `modelHeadPx / (0.2 m / gsd)`, clamped to `[minScale, maxScale]`.
 *
 * @example peopleScale(0.05, { modelHeadPx: 12 }) // heads are 4 px -> 3
 */
export function peopleScale(gsdMPerPx: number, options: PeopleScaleOptions): number {
  const { modelHeadPx, headSizeM = HEAD_SIZE_M, minScale = 0.25, maxScale = 4 } = options;
  if (!(modelHeadPx > 0)) throw new RangeError(`model head size must be > 0 px, got ${modelHeadPx}`);
  const scale = modelHeadPx / headSizePx(gsdMPerPx, headSizeM);
  return Math.min(maxScale, Math.max(minScale, scale));
}
