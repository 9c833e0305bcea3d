import type { PointXY } from './polygon.js';

const DEG = Math.PI / 180;
/** WGS84 semi-major axis, metres. */
const WGS84_A = 6378137;
/** WGS84 first eccentricity squared. */
const WGS84_E2 = 0.00669437999014;

/** `[longitude, latitude]` in degrees (GeoJSON order). */
export type LngLat = readonly [lng: number, lat: number];

/**
 * A flat local east/north frame in metres around a reference point (equirectangular projection with
 * the WGS84 radii of curvature at the reference latitude). East = N·cos φ0·Δλ, north = M·Δφ.
 *
 * Error: the scale is exact at the reference; the east scale drifts with latitude by about
 * Δφ·tan φ0, i.e. ~0.016% per 1 km north-south at 45°; within 2 km of the reference and below 60° of
 * latitude distances are within 0.1% - well below altitude-driven GSD errors. Not for areas larger than a
 * few km or near the poles.
 */
export class LocalTangentPlane {
  readonly origin: LngLat;
  /** Metres per degree of longitude and of latitude at the origin. */
  readonly metresPerDegLng: number;
  readonly metresPerDegLat: number;

  constructor(origin: LngLat) {
    const [lng, lat] = origin;
    if (!(Math.abs(lat) <= 89) || !(Math.abs(lng) <= 180)) {
      throw new RangeError(
        `local tangent plane origin must be a lon/lat within ±180/±89 degrees, got [${lng}, ${lat}]`,
      );
    }
    this.origin = [lng, lat];
    const s = Math.sin(lat * DEG);
    const w = 1 - WGS84_E2 * s * s;
    const primeVertical = WGS84_A / Math.sqrt(w);
    const meridian = (WGS84_A * (1 - WGS84_E2)) / (w * Math.sqrt(w));
    this.metresPerDegLng = primeVertical * Math.cos(lat * DEG) * DEG;
    this.metresPerDegLat = meridian * DEG;
  }

  /** `[east, north]` metres of a lon/lat from the origin. */
  toMetres(lngLat: LngLat): [east: number, north: number] {
    let dLng = lngLat[0] - this.origin[0];
    if (dLng > 180) dLng -= 360;
    if (dLng < -180) dLng += 360;
    return [dLng * this.metresPerDegLng, (lngLat[1] - this.origin[1]) * this.metresPerDegLat];
  }

  /** Lon/lat of a point `[east, north]` metres from the origin. */
  toLngLat(eastNorth: PointXY): [lng: number, lat: number] {
    return [this.origin[0] + eastNorth[0] / this.metresPerDegLng, this.origin[1] + eastNorth[1] / this.metresPerDegLat];
  }
}

/**
 * Bearing from `from` to `to`, degrees clockwise from north in [0, 360), on a local flat frame
 * (fine over the metres-to-kilometres a drone moves between telemetry records).
 */
export function bearingDeg(from: LngLat, to: LngLat): number {
  const [east, north] = new LocalTangentPlane(from).toMetres(to);
  const deg = Math.atan2(east, north) / DEG;
  return deg < 0 ? deg + 360 : deg;
}

/** Ground distance in metres between two lon/lat points on a local flat frame. */
export function groundDistanceM(a: LngLat, b: LngLat): number {
  const [east, north] = new LocalTangentPlane(a).toMetres(b);
  return Math.hypot(east, north);
}
