/**
 * Head point of a person box: the centre of the box's top `w x w` square,
 * `(x + w/2, y + min(w, h)/2)`, in the box's pixel frame.
 *
 * Why: a standing person seen obliquely by a drone is a tall box with the head near its top-centre;
 * seen from straight above the box is near-square and the head is its centre. The model training
 * (training/data.py `box_head_point`) derives its point targets with exactly this rule, so evaluation
 * on box annotations (VisDrone, YOLO labels) scores the same points the model learned.
 *
 * @param xPx - left edge of the box, px
 * @param yPx - top edge of the box, px
 * @param widthPx - box width, px
 * @param heightPx - box height, px
 * @returns `[x, y]` of the head, px
 * @example personBoxHeadPoint(100, 50, 10, 30) // [105, 55]: a standing pedestrian
 * @example personBoxHeadPoint(100, 50, 12, 10) // [106, 55]: a near-square box from above, its centre
 */
export function personBoxHeadPoint(xPx: number, yPx: number, widthPx: number, heightPx: number): [number, number] {
  return [xPx + widthPx / 2, yPx + Math.min(widthPx, heightPx) / 2];
}

/**
 * Head-size proxy of a person box, px: `min(w, h) / 2`.
 *
 * Why: the smaller side of a person box is about the shoulder width (a standing person seen
 * obliquely) or the body seen from above (nadir), both roughly 0.4-0.5 m for a 0.2 m head, so half of
 * it approximates the head diameter without depending on how tall the person appears (which varies
 * with the view angle and with sitting or walking).
 *
 * @example personBoxHeadSizePx(10, 30) // 5
 */
export function personBoxHeadSizePx(widthPx: number, heightPx: number): number {
  return Math.min(widthPx, heightPx) / 2;
}
