import { fruinLevel } from '../crowd-levels/fruin-level.js';
import { stillClass } from '../crowd-levels/still-class.js';
import type { DensityMap } from '../density-map.js';
import type { ZoneReading } from '../frame-analysis.js';
import type { FrameGroundModel } from '../geometry/frame-ground-model.js';
import { applyHomography, homographyWeight, type Homography } from '../geometry/homography.js';
import { pointInRings, ringsArea, ringArea, type PointXY } from '../geometry/polygon.js';
import { computeCellCoverage, integrateCoverage, type CellCoverage } from './cell-coverage.js';
import { frameZone, type AreaZone } from './zone.js';
import { ringsToGround, zoneRingsPx } from './zone-geometry.js';

/** One frame as an area zone sees it. */
export interface AreaZoneFrame {
  widthPx: number;
  heightPx: number;
  /** Density map of the frame, cells in frame pixels. */
  density: DensityMap;
  /** Ground model of the frame (GSD or image->ground homography); without it only `count` is known. */
  ground?: FrameGroundModel;
}

/** Options for {@link AreaZoneMeter}. */
export interface AreaZoneMeterOptions {
  /** `kind` of the readings: `'frame'` for the whole-frame zone. Default `'area'`. */
  readingKind?: 'area' | 'frame';
  /** Side of the cells for the peak local density, metres. Default 1. */
  localCellM?: number;
  /** A local cell counts toward the peak only when at least this share of it lies in the zone. Default 0.5. */
  minLocalCoverage?: number;
}

interface Placement {
  key: string;
  ringsPx: PointXY[][];
  coverage: CellCoverage;
}

/** Ground area of each covered cell, m²: constant for a GSD, per cell (quad area) for a homography. */
function cellAreasM2(coverage: CellCoverage, ground: FrameGroundModel | undefined): Float64Array | undefined {
  const { cols, cellPx } = coverage.grid;
  const out = new Float64Array(coverage.cells.length);
  const h: Homography | undefined = ground?.imageToGround;
  if (!h) {
    if (ground?.gsdMPerPx === undefined) return undefined;
    out.fill(cellPx * cellPx * ground.gsdMPerPx * ground.gsdMPerPx);
    return out;
  }
  for (let i = 0; i < coverage.cells.length; i++) {
    const cell = coverage.cells[i]!;
    const x0 = (cell % cols) * cellPx;
    const y0 = Math.floor(cell / cols) * cellPx;
    const corners: PointXY[] = [
      [x0, y0],
      [x0 + cellPx, y0],
      [x0 + cellPx, y0 + cellPx],
      [x0, y0 + cellPx],
    ];
    if (!corners.every(([x, y]) => homographyWeight(h, x, y) > 0)) return undefined;
    out[i] = ringArea(corners.map((p) => applyHomography(h, p)));
  }
  return out;
}

/**
 * Measures one area zone frame after frame: count (density integrated over the polygon with exact
 * fractional cell coverage), area in m², persons/m², peak local density over ~1 m cells, Fruin level
 * (walkway table for `walkway` zones, queuing table otherwise) and G. K. Still class (both from the
 * zone's mean density).
 *
 * The pixel polygon and its cell coverage are cached and reused while frame size, density grid and (for
 * geo zones) the ground->image homography stay the same - the usual case for image zones.
 */
export class AreaZoneMeter {
  readonly zone: AreaZone;
  readonly readingKind: 'area' | 'frame';
  private readonly localCellM: number;
  private readonly minLocalCoverage: number;
  private placement: Placement | undefined;

  constructor(zone: AreaZone, options: AreaZoneMeterOptions = {}) {
    this.zone = zone;
    this.readingKind = options.readingKind ?? 'area';
    this.localCellM = options.localCellM ?? 1;
    this.minLocalCoverage = options.minLocalCoverage ?? 0.5;
  }

  /** A meter for the whole frame (reading kind `'frame'`). */
  static forFrame(id = 'frame', options: Omit<AreaZoneMeterOptions, 'readingKind'> = {}): AreaZoneMeter {
    return new AreaZoneMeter(frameZone(id), { ...options, readingKind: 'frame' });
  }

  private place(frame: AreaZoneFrame): Placement {
    const { cols, rows, cellPx } = frame.density;
    const geoKey = this.zone.space === 'geo' ? Array.from(frame.ground?.groundToImage ?? []).join(',') : '';
    const key = `${frame.widthPx}x${frame.heightPx}|${cols}x${rows}@${cellPx}|${geoKey}`;
    if (this.placement?.key !== key) {
      const ringsPx = zoneRingsPx(this.zone, frame);
      this.placement = { key, ringsPx, coverage: computeCellCoverage(ringsPx, { cols, rows, cellPx }) };
    }
    return this.placement;
  }

  /** The zone's rings in the pixels of `frame` (clipped to it; empty when out of view). */
  ringsPx(frame: AreaZoneFrame): PointXY[][] {
    return this.place(frame).ringsPx;
  }

  /** The cell coverage of the zone for `frame`'s density grid. */
  coverage(frame: AreaZoneFrame): CellCoverage {
    return this.place(frame).coverage;
  }

  /** True when pixel `(x, y)` is in the zone, as placed for the frame last passed to `read`/`ringsPx`. */
  contains(x: number, y: number): boolean {
    return this.placement ? pointInRings(x, y, this.placement.ringsPx) : false;
  }

  /** The zone's reading for one frame. A zone out of view reads count 0 and area 0 m², without densities. */
  read(frame: AreaZoneFrame): ZoneReading {
    const { ringsPx, coverage } = this.place(frame);
    const reading: ZoneReading = { zoneId: this.zone.id, kind: this.readingKind, count: 0 };
    if (ringsPx.length === 0) {
      if (frame.ground?.imageToGround || frame.ground?.gsdMPerPx !== undefined) reading.areaM2 = 0;
      return reading;
    }
    reading.count = integrateCoverage(coverage, frame.density.values);
    const areaM2 = this.groundAreaM2(ringsPx, frame.ground);
    if (areaM2 === undefined) return reading;
    reading.areaM2 = areaM2;
    if (!(areaM2 > 0)) return reading;
    const densityPerM2 = reading.count / areaM2;
    reading.densityPerM2 = densityPerM2;
    const peak = this.peakLocalDensity(coverage, frame);
    reading.peakLocalDensityPerM2 = peak === undefined ? densityPerM2 : Math.max(peak, densityPerM2);
    reading.fruinLevel = fruinLevel(densityPerM2, this.zone.kind === 'walkway' ? 'walkway' : 'queuing');
    reading.stillClass = stillClass(densityPerM2);
    return reading;
  }

  private groundAreaM2(ringsPx: PointXY[][], ground: FrameGroundModel | undefined): number | undefined {
    if (ground?.imageToGround) {
      const onGround = ringsToGround(ringsPx, ground.imageToGround);
      return onGround ? ringsArea(onGround) : undefined;
    }
    if (ground?.gsdMPerPx !== undefined) return ringsArea(ringsPx) * ground.gsdMPerPx * ground.gsdMPerPx;
    return undefined;
  }

  /** Highest density over blocks of cells about `localCellM` on a side that lie mostly in the zone. */
  private peakLocalDensity(coverage: CellCoverage, frame: AreaZoneFrame): number | undefined {
    const areas = cellAreasM2(coverage, frame.ground);
    if (!areas || coverage.cells.length === 0) return undefined;
    const { cols } = coverage.grid;
    let weightSum = 0;
    let areaSum = 0;
    for (let i = 0; i < areas.length; i++) {
      weightSum += coverage.weights[i]!;
      areaSum += coverage.weights[i]! * areas[i]!;
    }
    const meanCellSideM = Math.sqrt(areaSum / weightSum);
    const k = Math.max(1, Math.round(this.localCellM / meanCellSideM));
    const blocks = new Map<number, { count: number; areaM2: number; share: number }>();
    const blockCols = Math.ceil(cols / k);
    const values = frame.density.values;
    for (let i = 0; i < coverage.cells.length; i++) {
      const cell = coverage.cells[i]!;
      const w = coverage.weights[i]!;
      const id = Math.floor(Math.floor(cell / cols) / k) * blockCols + Math.floor((cell % cols) / k);
      const b = blocks.get(id) ?? { count: 0, areaM2: 0, share: 0 };
      b.count += w * (values[cell] ?? 0);
      b.areaM2 += w * areas[i]!;
      b.share += w / (k * k);
      blocks.set(id, b);
    }
    let peak: number | undefined;
    for (const b of blocks.values()) {
      if (b.share < this.minLocalCoverage || !(b.areaM2 > 0)) continue;
      const d = b.count / b.areaM2;
      if (peak === undefined || d > peak) peak = d;
    }
    return peak;
  }
}
