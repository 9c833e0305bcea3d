import { fruinLevel } from '../crowd-levels/fruin-level.js';
import { stillClass } from '../crowd-levels/still-class.js';
import type { DensityMap } from '../density-map.js';
import type { ZoneReading } from '../frame-analysis.js';
import type { FrameGroundModel } from '../geometry/frame-ground-model.js';
import { pointInRings, ringsArea, type PointXY } from '../geometry/polygon.js';
import { computeCellCoverage, integrateCoverage, type CellCoverage } from './cell-coverage.js';
import { kernelWeightedCounts } from './kernel-local-density.js';
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
  /** Radius R of the Gaussian kernel of the peak local density, metres. Default 1. */
  localRadiusM?: number;
  /** A density cell counts toward the peak only when at least this share of it lies in the zone. Default 0.5. */
  minLocalCoverage?: number;
}

interface Placement {
  key: string;
  ringsPx: PointXY[][];
  coverage: CellCoverage;
}

/**
 * Measures one area zone frame after frame: count (density integrated over the polygon with exact
 * fractional cell coverage), area in m², persons/m², peak local density (Gaussian kernel, R ~ 1 m), Fruin level
 * (walkway table for `walkway` zones, queuing table otherwise) and G. K. Still class (both from the
 * zone's mean density).
 *
 * The pixel polygon and its cell coverage are cached and reused while frame size, density grid and (for
 * geo zones) the ground->image homography stay the same - the usual case for image zones.
 */
export class AreaZoneMeter {
  readonly zone: AreaZone;
  readonly readingKind: 'area' | 'frame';
  private readonly localRadiusM: number;
  private readonly minLocalCoverage: number;
  private placement: Placement | undefined;

  constructor(zone: AreaZone, options: AreaZoneMeterOptions = {}) {
    this.zone = zone;
    this.readingKind = options.readingKind ?? 'area';
    this.localRadiusM = options.localRadiusM ?? 1;
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

  /**
   * Highest local density over the zone: Helbing's Gaussian kernel (R = `localRadiusM`) over the density
   * map, sum_j exp(-d²/R²) count_j / (pi R²), at every cell mostly inside the zone - the same measure
   * the alert thresholds and the simulator use. Pixels are turned into metres with the frame's GSD at
   * the image centre (an approximation for oblique views).
   */
  private peakLocalDensity(coverage: CellCoverage, frame: AreaZoneFrame): number | undefined {
    const gsd = frame.ground?.gsdMPerPx;
    if (gsd === undefined || !(gsd > 0) || coverage.cells.length === 0) return undefined;
    const sums = kernelWeightedCounts(frame.density, this.localRadiusM / gsd);
    const kernelAreaM2 = Math.PI * this.localRadiusM * this.localRadiusM;
    let peak: number | undefined;
    for (let i = 0; i < coverage.cells.length; i++) {
      if (coverage.weights[i]! < this.minLocalCoverage) continue;
      const d = sums[coverage.cells[i]!]! / kernelAreaM2;
      if (peak === undefined || d > peak) peak = d;
    }
    return peak;
  }
}
