import { fruinLevel } from '../crowd-levels/fruin-level.js';
import { stillClass } from '../crowd-levels/still-class.js';
import { densityMapCount, type DensityMap } from '../density-map.js';
import type { ZoneReading } from '../frame-analysis.js';
import { applyHomography, applyHomographyToPoints, invertHomography, type Homography } from '../geometry/homography.js';
import { pointBounds, pointInRings, ringArea, type PointXY } from '../geometry/polygon.js';
import { RaqibError } from '../raqib-error.js';
import { computeCellCoverage, integrateCoverage } from '../zones/cell-coverage.js';
import { kernelWeightedCounts } from '../zones/kernel-local-density.js';
import { cameraFootprint } from './camera-footprint.js';
import { convexDensitySum } from './convex-density-sum.js';
import { clipRingToConvex } from './convex-pieces.js';
import type { DroneFrame } from './drone-frame.js';
import type { EventZone } from './event-zone.js';
import { GroundOwnership, type GroundView } from './ground-ownership.js';

/** Options of {@link fuseEventFrame}. */
export interface FusionOptions {
  /**
   * The point by which a view claims ground: `nadir` (the ground below the drone; nearest nadir is the
   * smallest slant range, i.e. the sharpest view, at equal altitudes; falls back to the image centre when
   * the position is unknown) or `image-centre` (the ground point of the image centre; the same for nadir
   * cameras). Default `nadir`.
   */
  anchor?: 'nadir' | 'image-centre';
  /** Ground kept around each image centre, metres (oblique views to the horizon). Default 500. */
  maxRangeM?: number;
  /** Radius R of Helbing's Gaussian kernel for a zone's peak local density, metres. Default 1. */
  localRadiusM?: number;
}

/** What one drone adds to the event picture. */
export interface DroneContribution {
  droneId: string;
  timeS: number;
  /** Where its count comes from: head points, or the density map when there are none. */
  source: 'points' | 'density';
  /** People in its whole view (what a per-drone total would say). */
  viewCount: number;
  /** People on the ground it owns (its share of the event total). */
  ownedCount: number;
  footprintAreaM2: number;
  ownedAreaM2: number;
}

/** A geo zone's event-wide reading: one reading however many drones see the zone. */
export interface EventZoneReading extends ZoneReading {
  /** Area of the whole zone, m² (`areaM2` is the part covered by at least one drone). */
  zoneAreaM2: number;
  /** Share (0..1) of the zone covered by at least one footprint; its density is measured on that part. */
  coveredFraction: number;
}

/** The event at one instant: de-duplicated total, per-drone shares and one reading per geo zone. */
export interface EventFrame {
  timeS: number;
  /** People on the covered ground, each counted once (the sum of the owned counts). */
  count: number;
  /** Sum of every drone's whole-view count: what adding up the drones would say. */
  naiveCount: number;
  /** Ground covered by at least one footprint, m². */
  coveredAreaM2: number;
  drones: DroneContribution[];
  zones: EventZoneReading[];
  /** How the ground was split between the drones. */
  ownership: GroundOwnership;
  /** The de-duplicated head points, event metres, interleaved `e0, n0, e1, n1, ...` (points sources only). */
  pointsM: Float64Array;
}

/** Per zone, what each drone's owned part adds. */
interface ZoneAccumulator {
  count: number;
  coveredAreaM2: number;
  /** False once a drone covering part of the zone has no points (no peak local density then). */
  allPoints: boolean;
}

/**
 * Fuses one instant of several drones into one picture of the event by **footprint ownership**: each
 * ground point belongs to the drone nearest to it (by nadir) among the drones that see it
 * ({@link GroundOwnership}), and each drone contributes only its head points (or density) on the ground
 * it owns. Overlaps are therefore counted once without matching individual people, for points and
 * density maps alike. Geo zones get one reading each: count = owned people inside, area = the part
 * covered by at least one drone, density = count / that area, with the covered fraction.
 *
 * Frames should be (nearly) simultaneous; see {@link EventFusion} for choosing them by time.
 */
export function fuseEventFrame(
  frames: readonly DroneFrame[],
  zones: readonly EventZone[],
  options: FusionOptions = {},
): EventFrame {
  const ids = new Set<string>();
  for (const f of frames) {
    if (ids.has(f.droneId)) {
      throw new RaqibError('INPUT_INVALID', `drone "${f.droneId}" has two frames in one fusion step; give one each`);
    }
    ids.add(f.droneId);
    if (!f.pointsPx && !f.density) {
      throw new RaqibError(
        'INPUT_INVALID',
        `drone "${f.droneId}" frame at ${f.timeS} s has neither head points nor a density map: nothing to count`,
      );
    }
  }
  const views: GroundView[] = frames.map((f) => {
    const centre = applyHomography(f.imageToGround, [f.widthPx / 2, f.heightPx / 2]);
    const anchorM = options.anchor !== 'image-centre' && f.nadirM ? f.nadirM : centre;
    const footprint = cameraFootprint(f.imageToGround, f.widthPx, f.heightPx, {
      ...(options.maxRangeM !== undefined ? { maxRangeM: options.maxRangeM } : {}),
    });
    return { droneId: f.droneId, footprint, anchorM };
  });
  const ownership = new GroundOwnership(views);
  const zoneAcc: ZoneAccumulator[] = zones.map(() => ({ count: 0, coveredAreaM2: 0, allPoints: true }));
  const fused: number[] = [];
  const drones = frames.map((frame, i): DroneContribution => {
    const region = ownership.regions[i]!;
    const zoneParts = zones.map((zone) => zonePartsInRegion(zone, region.pieces));
    zoneParts.forEach((parts, z) => {
      const acc = zoneAcc[z]!;
      for (const part of parts) acc.coveredAreaM2 += part.areaM2;
      if (parts.length > 0 && !frame.pointsPx) acc.allPoints = false;
    });
    const contribution = {
      droneId: frame.droneId,
      timeS: frame.timeS,
      footprintAreaM2: region.footprintAreaM2,
      ownedAreaM2: region.areaM2,
    };
    if (frame.pointsPx) {
      const { viewCount, ownedCount } = ownedPoints(
        frame.pointsPx,
        frame.imageToGround,
        ownership,
        i,
        fused,
        zones,
        zoneAcc,
      );
      return { ...contribution, source: 'points', viewCount, ownedCount };
    }
    const density = frame.density!;
    const groundToImage = invertHomography(frame.imageToGround);
    const countIn = (ringsM: PointXY[][]): number =>
      integrateCoverage(
        computeCellCoverage(
          ringsM.map((ring) => applyHomographyToPoints(groundToImage, ring)),
          density,
        ),
        density.values,
      );
    const toPx = (ring: PointXY[]) => applyHomographyToPoints(groundToImage, ring);
    // Owned pieces are convex (and so are parts of convex zones without holes): only their edge cells are clipped.
    let ownedCount = 0;
    for (const piece of region.pieces) ownedCount += convexDensitySum(toPx(piece), density);
    zoneParts.forEach((parts, z) => {
      for (const part of parts) {
        zoneAcc[z]!.count +=
          zones[z]!.convex && part.ringsM.length === 1
            ? convexDensitySum(toPx(part.ringsM[0]!), density)
            : countIn(part.ringsM);
      }
    });
    return { ...contribution, source: 'density', viewCount: densityMapCount(density), ownedCount };
  });
  const pointsM = Float64Array.from(fused);
  const kernel = new PointKernel(
    pointsM,
    options.localRadiusM ?? 1,
    zones.filter((_, z) => zoneAcc[z]!.allPoints && zoneAcc[z]!.coveredAreaM2 > 0),
  );
  const zoneReadings = zones.map((zone, z) => zoneReading(zone, zoneAcc[z]!, kernel, ownership));
  return {
    timeS: frames.length > 0 ? Math.max(...frames.map((f) => f.timeS)) : 0,
    count: drones.reduce((s, d) => s + d.ownedCount, 0),
    naiveCount: drones.reduce((s, d) => s + d.viewCount, 0),
    coveredAreaM2: ownership.coveredAreaM2,
    drones,
    zones: zoneReadings,
    ownership,
    pointsM,
  };
}

/** A zone clipped to one convex owned piece: outline and holes, event metres, and its area. */
interface ZonePart {
  ringsM: PointXY[][];
  areaM2: number;
}

function zonePartsInRegion(zone: EventZone, pieces: readonly PointXY[][]): ZonePart[] {
  const parts: ZonePart[] = [];
  const outline = zone.ringsM[0];
  if (!outline || outline.length < 3) return parts;
  for (const piece of pieces) {
    const b = pointBounds(piece);
    const zb = zone.bounds;
    if (b.maxX < zb.minX || b.minX > zb.maxX || b.maxY < zb.minY || b.minY > zb.maxY) continue;
    const outer = clipRingToConvex(outline, piece);
    if (outer.length < 3) continue;
    const holes = zone.ringsM
      .slice(1)
      .map((hole) => clipRingToConvex(hole, piece))
      .filter((h) => h.length >= 3);
    const areaM2 = ringArea(outer) - holes.reduce((s, h) => s + ringArea(h), 0);
    if (areaM2 > 0) parts.push({ ringsM: [outer, ...holes], areaM2 });
  }
  return parts;
}

function ownedPoints(
  pointsPx: ArrayLike<number>,
  imageToGround: Homography,
  ownership: GroundOwnership,
  viewIndex: number,
  fused: number[],
  zones: readonly EventZone[],
  zoneAcc: ZoneAccumulator[],
): { viewCount: number; ownedCount: number } {
  const viewCount = Math.floor(pointsPx.length / 2);
  let ownedCount = 0;
  const h = imageToGround;
  for (let k = 0; k < viewCount; k++) {
    const x = pointsPx[2 * k]!;
    const y = pointsPx[2 * k + 1]!;
    const w = h[6]! * x + h[7]! * y + h[8]!;
    if (!(w > 0)) continue; // above the horizon: not on the ground
    const e = (h[0]! * x + h[1]! * y + h[2]!) / w;
    const n = (h[3]! * x + h[4]! * y + h[5]!) / w;
    if (ownership.ownerAt(e, n) !== viewIndex) continue;
    ownedCount++;
    fused.push(e, n);
    zones.forEach((zone, z) => {
      const b = zone.bounds;
      if (e < b.minX || e > b.maxX || n < b.minY || n > b.maxY) return;
      if (pointInRings(e, n, zone.ringsM)) zoneAcc[z]!.count++;
    });
  }
  return { viewCount, ownedCount };
}

function zoneReading(
  zone: EventZone,
  acc: ZoneAccumulator,
  kernel: PointKernel,
  ownership: GroundOwnership,
): EventZoneReading {
  const reading: EventZoneReading = {
    zoneId: zone.id,
    kind: 'area',
    count: acc.count,
    areaM2: acc.coveredAreaM2,
    zoneAreaM2: zone.areaM2,
    coveredFraction: zone.areaM2 > 0 ? Math.min(1, acc.coveredAreaM2 / zone.areaM2) : 0,
  };
  if (!(acc.coveredAreaM2 > 0)) return reading;
  const densityPerM2 = acc.count / acc.coveredAreaM2;
  reading.densityPerM2 = densityPerM2;
  reading.fruinLevel = fruinLevel(densityPerM2, zone.kind === 'walkway' ? 'walkway' : 'queuing');
  reading.stillClass = stillClass(densityPerM2);
  if (acc.allPoints) {
    const peak = kernel.peakIn(zone, ownership);
    reading.peakLocalDensityPerM2 = peak === undefined ? densityPerM2 : Math.max(peak, densityPerM2);
  }
  return reading;
}

/**
 * Helbing's local density over the de-duplicated points, sum_j exp(-d²/R²) / (pi R²), on a ground grid
 * of R/2 cells (coarser beyond ~1M cells) over the zones that need it: the points are binned into the
 * grid and smoothed with the separable kernel of the single-drone zone meter ({@link kernelWeightedCounts}),
 * once per fusion step for all zones. Built on first use.
 */
class PointKernel {
  private raster: { map: DensityMap; originX: number; originY: number; local: Float32Array } | undefined;

  constructor(
    private readonly pointsM: Float64Array,
    private readonly radiusM: number,
    private readonly zones: readonly EventZone[],
  ) {}

  /** Highest local density at the grid cells whose centres lie in the zone and on covered ground. */
  peakIn(zone: EventZone, ownership: GroundOwnership): number | undefined {
    if (this.pointsM.length === 0 || !(this.radiusM > 0)) return undefined;
    const { map, originX, originY, local } = (this.raster ??= this.build());
    const { cols, rows, cellPx: cellM } = map;
    const b = zone.bounds;
    const c0 = Math.max(0, Math.floor((b.minX - originX) / cellM));
    const c1 = Math.min(cols - 1, Math.floor((b.maxX - originX) / cellM));
    const r0 = Math.max(0, Math.floor((b.minY - originY) / cellM));
    const r1 = Math.min(rows - 1, Math.floor((b.maxY - originY) / cellM));
    let peak: number | undefined;
    for (let r = r0; r <= r1; r++) {
      const y = originY + (r + 0.5) * cellM;
      for (let c = c0; c <= c1; c++) {
        const value = local[r * cols + c]!;
        if (peak !== undefined && value <= peak) continue;
        const x = originX + (c + 0.5) * cellM;
        if (pointInRings(x, y, zone.ringsM) && ownership.ownerAt(x, y) >= 0) peak = value;
      }
    }
    return peak;
  }

  private build() {
    const { pointsM, radiusM, zones } = this;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const zone of zones) {
      minX = Math.min(minX, zone.bounds.minX);
      minY = Math.min(minY, zone.bounds.minY);
      maxX = Math.max(maxX, zone.bounds.maxX);
      maxY = Math.max(maxY, zone.bounds.maxY);
    }
    // People up to 2.5 R outside a zone still add to the density at its edge.
    const reach = 2.5 * radiusM;
    const originX = minX - reach;
    const originY = minY - reach;
    const areaM2 = (maxX - minX + 2 * reach) * (maxY - minY + 2 * reach);
    const cellM = Math.max(radiusM / 2, Math.sqrt(areaM2 / 1_000_000));
    const cols = Math.max(1, Math.ceil((maxX + reach - originX) / cellM));
    const rows = Math.max(1, Math.ceil((maxY + reach - originY) / cellM));
    const map: DensityMap = { cols, rows, cellPx: cellM, values: new Float32Array(cols * rows) };
    for (let i = 0; i + 1 < pointsM.length; i += 2) {
      const c = Math.floor((pointsM[i]! - originX) / cellM);
      const r = Math.floor((pointsM[i + 1]! - originY) / cellM);
      if (c >= 0 && c < cols && r >= 0 && r < rows) map.values[r * cols + c]! += 1;
    }
    const sums = kernelWeightedCounts(map, radiusM);
    const local = new Float32Array(sums.length);
    const kernelAreaM2 = Math.PI * radiusM * radiusM;
    for (let k = 0; k < sums.length; k++) local[k] = sums[k]! / kernelAreaM2;
    return { map, originX, originY, local };
  }
}
