import { pointBounds, ringArea, type PointXY, type Ring } from '../geometry/polygon.js';
import { clipRingToHalfPlane } from '../geometry/polygon.js';
import { counterClockwise, pointInConvex, subtractConvex } from './convex-pieces.js';

/** One drone's view of the ground at an instant: its footprint and the point that claims ground. */
export interface GroundView {
  droneId: string;
  /** Convex footprint ring, event metres (see {@link cameraFootprint}). */
  footprint: Ring;
  /** The view's claim point, event metres: its nadir, or the ground point of its image centre. */
  anchorM: PointXY;
}

/** The ground a view owns: disjoint convex pieces of its footprint. */
export interface OwnedRegion {
  droneId: string;
  footprint: PointXY[];
  anchorM: PointXY;
  /** Convex pieces, counter-clockwise, event metres; together the view's owned ground. */
  pieces: PointXY[][];
  areaM2: number;
  footprintAreaM2: number;
}

const TIE_M = 1e-6;

/**
 * Splits the ground covered by several views so that every covered point has exactly one owner: the
 * view nearest to it by anchor **among the views whose footprint contains it** (a Voronoi split of the
 * anchors, restricted to the footprints). Unlike a plain Voronoi cell clipped to its own footprint,
 * this loses no ground when footprints differ in size, shape or orientation. Views with the same
 * anchor are ranked by their order in `views`.
 *
 * Every owned region is the view's footprint minus, for each other view j, the part of j's footprint
 * nearer to j: a few convex pieces, exact (no rasterisation).
 */
export class GroundOwnership {
  readonly regions: readonly OwnedRegion[];
  /** Area covered by at least one footprint, m² (the sum of the owned areas). */
  readonly coveredAreaM2: number;
  private readonly views: readonly GroundView[];
  /** Footprint bounding boxes, `minX, minY, maxX, maxY` per view: most points are rejected on these. */
  private readonly boxes: Float64Array;

  constructor(views: readonly GroundView[]) {
    this.views = views.map((v) => ({ ...v, footprint: counterClockwise(v.footprint) }));
    this.boxes = new Float64Array(4 * this.views.length).fill(NaN);
    this.views.forEach((view, i) => {
      if (view.footprint.length < 3) return;
      const b = pointBounds(view.footprint);
      this.boxes.set([b.minX, b.minY, b.maxX, b.maxY], 4 * i);
    });
    this.regions = this.views.map((view, i) => {
      let pieces: PointXY[][] = view.footprint.length >= 3 ? [[...view.footprint]] : [];
      for (let j = 0; j < this.views.length && pieces.length > 0; j++) {
        if (j === i) continue;
        const cut = nearerPart(this.views[j]!, j, view, i);
        if (cut.length < 3) continue;
        pieces = pieces.flatMap((piece) => subtractConvex(piece, cut));
      }
      const areaM2 = pieces.reduce((sum, piece) => sum + ringArea(piece), 0);
      return {
        droneId: view.droneId,
        footprint: [...view.footprint],
        anchorM: view.anchorM,
        pieces,
        areaM2,
        footprintAreaM2: view.footprint.length >= 3 ? ringArea(view.footprint) : 0,
      };
    });
    this.coveredAreaM2 = this.regions.reduce((sum, r) => sum + r.areaM2, 0);
  }

  /**
   * Index (in `views`) of the view that owns ground point `(x, y)`, or -1 when no footprint covers it.
   * The same rule as the pieces: nearest anchor among the footprints containing the point.
   */
  ownerAt(x: number, y: number): number {
    let best = -1;
    let bestD2 = Infinity;
    for (let i = 0; i < this.views.length; i++) {
      const b = this.boxes;
      if (!(x >= b[4 * i]! && y >= b[4 * i + 1]! && x <= b[4 * i + 2]! && y <= b[4 * i + 3]!)) continue;
      const view = this.views[i]!;
      if (!pointInConvex(x, y, view.footprint)) continue;
      const d2 = (x - view.anchorM[0]) ** 2 + (y - view.anchorM[1]) ** 2;
      if (d2 < bestD2 - TIE_M * TIE_M) {
        best = i;
        bestD2 = d2;
      }
    }
    return best;
  }
}

/**
 * The part of view j's footprint that j claims against view i: the points nearer to j's anchor (the
 * half-plane beyond the perpendicular bisector). Same anchors: j claims everything when it comes first.
 */
function nearerPart(j: GroundView, jIndex: number, i: GroundView, iIndex: number): PointXY[] {
  const [jx, jy] = j.anchorM;
  const [ix, iy] = i.anchorM;
  if (Math.hypot(jx - ix, jy - iy) < TIE_M) return jIndex < iIndex ? [...j.footprint] : [];
  // |p - j|² <= |p - i|²  <=>  2 p·(j - i) - (|j|² - |i|²) >= 0
  return clipRingToHalfPlane(j.footprint, 2 * (jx - ix), 2 * (jy - iy), -(jx * jx + jy * jy - ix * ix - iy * iy));
}
