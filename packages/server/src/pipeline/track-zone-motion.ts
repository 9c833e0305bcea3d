import {
  applyHomography,
  AreaMotionMeter,
  areaMotionReadingFields,
  homographyWeight,
  NeighbourGrid,
  type FrameGroundModel,
  type MovingPoints,
  type Point2,
  type PointXY,
  type TrackSnapshot,
  type ZoneReading,
} from '@raqib/core';

/** Slower tracks are not movers when there is no ground scale, pixels per second. */
const MOVER_SPEED_PX_PER_S = 4;
/** Time step used to carry a pixel velocity through the image->ground homography, seconds. */
const VELOCITY_PROBE_S = 0.1;

/**
 * Zone motion from tracks (when there is no optical flow, e.g. `--points` input): every frame the
 * confirmed tracks are put on the ground (metres, north up, through the frame's ground model) or, when
 * the frame has no ground model, kept in pixels; each zone's {@link AreaMotionMeter} then gives speed,
 * direction, counterflow, radial divergence and, on the ground, local density and crowd pressure.
 * A zone whose ground polygon moves (an image zone under a moving drone) restarts its pressure history.
 */
export class TrackZoneMotion {
  private readonly meters = new Map<string, { key: string; meter: AreaMotionMeter }>();
  private points: MovingPoints | null = null;
  private ground: FrameGroundModel | undefined;
  private grids = new Map<number, NeighbourGrid>();

  /** Puts this frame's tracks in place; call before {@link fields}. */
  beginFrame(tracks: readonly TrackSnapshot[], ground: FrameGroundModel | undefined, timeS: number): void {
    const h = ground?.imageToGround;
    this.ground = h ? ground : undefined;
    const x: number[] = [];
    const y: number[] = [];
    const vx: number[] = [];
    const vy: number[] = [];
    for (const t of tracks) {
      if (!h) {
        x.push(t.xPx);
        y.push(t.yPx);
        vx.push(t.vxPxPerS);
        vy.push(t.vyPxPerS);
        continue;
      }
      const ahead: PointXY = [t.xPx + t.vxPxPerS * VELOCITY_PROBE_S, t.yPx + t.vyPxPerS * VELOCITY_PROBE_S];
      if (!(homographyWeight(h, t.xPx, t.yPx) > 0) || !(homographyWeight(h, ahead[0], ahead[1]) > 0)) continue;
      const [e0, n0] = applyHomography(h, [t.xPx, t.yPx]);
      const [e1, n1] = applyHomography(h, ahead);
      x.push(e0);
      y.push(-n0); // north up -> y down, so directions read clockwise from north like image ones from up
      vx.push((e1 - e0) / VELOCITY_PROBE_S);
      vy.push(-(n1 - n0) / VELOCITY_PROBE_S);
    }
    this.points = { timeS, count: x.length, x, y, vx, vy };
    this.grids.clear();
  }

  /** Motion fields of a zone whose outline in this frame's pixels is `ringPx`. */
  fields(zoneId: string, ringPx: readonly PointXY[]): Partial<ZoneReading> {
    const points = this.points;
    if (!points || ringPx.length < 3) return {};
    const h = this.ground?.imageToGround;
    let polygon: Point2[];
    if (h) {
      if (!ringPx.every(([x, y]) => homographyWeight(h, x, y) > 0)) return {};
      polygon = ringPx.map((p) => {
        const [e, n] = applyHomography(h, p);
        return [e, -n];
      });
    } else {
      polygon = ringPx.map(([x, y]) => [x, y]);
    }
    const metric = h !== undefined;
    const key = `${metric}:${polygon.map(([x, y]) => `${x.toFixed(3)},${y.toFixed(3)}`).join(';')}`;
    let entry = this.meters.get(zoneId);
    if (entry?.key !== key) {
      const meter = new AreaMotionMeter(
        polygon,
        metric ? {} : { kernelRadius: null, moverSpeed: MOVER_SPEED_PX_PER_S },
      );
      entry = { key, meter };
      this.meters.set(zoneId, entry);
    }
    const meter = entry.meter;
    if (!metric) return areaMotionReadingFields(meter.measure(points), false);
    let grid = this.grids.get(meter.neighbourCellSize);
    if (!grid) {
      grid = new NeighbourGrid(meter.neighbourCellSize);
      grid.rebuild(points.x, points.y, points.count);
      this.grids.set(meter.neighbourCellSize, grid);
    }
    return areaMotionReadingFields(meter.measure(points, grid), metric);
  }
}
