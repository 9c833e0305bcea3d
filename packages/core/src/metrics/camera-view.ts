import { groupCountErrors, type GroupCountErrors } from './head-size-bands.js';

/**
 * How a camera saw the people of an image, from their annotated person boxes: seen obliquely a standing
 * person is a tall box (height/width ~2-3), seen from straight above a near-square one (head and
 * shoulders). VisDrone-person's images spread over 0.5-3.5 in median height/width, so the split is a
 * convention: `nadir` below {@link OBLIQUE_MIN_BOX_HEIGHT_TO_WIDTH}, `oblique` from it.
 */
export type CameraView = 'nadir' | 'oblique';

/** Median person-box height/width from which an image counts as an oblique view. */
export const OBLIQUE_MIN_BOX_HEIGHT_TO_WIDTH = 1.5;

/** The view of an image from its person boxes' height/width ratios; null without boxes. */
export function cameraViewOfBoxes(heightToWidth: ArrayLike<number>): CameraView | null {
  const ratios = Array.from(heightToWidth).filter((r) => Number.isFinite(r) && r > 0);
  if (ratios.length === 0) return null;
  ratios.sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  const median = ratios.length % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
  return median >= OBLIQUE_MIN_BOX_HEIGHT_TO_WIDTH ? 'oblique' : 'nadir';
}

/** Counting error of the images of one camera view. */
export interface CameraViewErrors extends GroupCountErrors {
  view: CameraView;
}

/**
 * Counting error per camera view (`nadir`, then `oblique`; both always returned, NaN means when empty):
 * the signed error shows whether the model is biased on one kind of view. Images without a view
 * (head-point annotations, no people) are left out.
 */
export function cameraViewErrors(
  rows: readonly { truth: number; predicted: number; view: CameraView | null }[],
): CameraViewErrors[] {
  return (['nadir', 'oblique'] as const).map((view) => ({
    view,
    ...groupCountErrors(rows.filter((row) => row.view === view)),
  }));
}
