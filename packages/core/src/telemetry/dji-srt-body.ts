import type { CameraPose } from '../frame-analysis.js';

/**
 * DJI .SRT layouts (docs/CROWD-SAFETY.md):
 * - `bracketed` (1): `[latitude: ..] [longitude: ..] [rel_alt: .. abs_alt: ..] [iso ..]` (Mini 3/4 Pro, Air 2, FPV)
 * - `gps-barometer` (2): `GPS(..,..,..) BAROMETER:.. HOME(..) D=..m H=..m` (Mavic Pro, Phantom 4, M300 with `M` suffixes)
 * - `pry` (3): P4 RTK style with `F.PRY (..)` flight and `G.PRY (..)` gimbal pitch/roll/yaw
 * - `srtcnt` (4): `SrtCnt`, `DiffTime`, timestamp, `focal_len` x10 (Mavic 3, Air 2S, Air 3)
 * - `framecnt` (5): `FrameCnt`, literal decimals, sometimes `gb_yaw/gb_pitch/gb_roll` (Mini 5 Pro, Air 3S)
 */
export type DjiSrtFormat = 'bracketed' | 'gps-barometer' | 'pry' | 'srtcnt' | 'framecnt' | 'unknown';

/**
 * Order of the first two numbers in `GPS(a, b, c)`: DJI wrote longitude first on the Mavic Pro,
 * Phantom 4 and P4 RTK, latitude first on the Matrice 300 (whose values carry an `M` suffix).
 * `auto`: a value beyond ±90 must be the longitude; else `M` suffixes mean latitude first, otherwise
 * longitude first.
 */
export type GpsOrder = 'auto' | 'latLng' | 'lngLat';

/** What one subtitle body says. */
export interface DjiSrtBody {
  format: DjiSrtFormat;
  pose: CameraPose;
  frameCount?: number;
  /** Local date-time as written (no time zone), normalised to `YYYY-MM-DDTHH:MM:SS[.fff]`. */
  timestamp?: string;
  /** Values that were present but unusable (out of range), for the problem report. */
  warnings: string[];
}

const NUM = String.raw`[-+]?\d+(?:\.\d+)?`;
const KEY_VALUE = new RegExp(String.raw`(?<![\w.])([A-Za-z][A-Za-z0-9_]*)\s*[:=]\s*(${NUM})`, 'g');
const PAREN_GROUP = /\b(GPS|HOME|F\.PRY|G\.PRY|BAROMETER)\s*\(([^)]*)\)/gi;
const SPACED_METRES = new RegExp(String.raw`(?<![\w.])([DH])\s+(${NUM})\s*m\b(?!\/)`, 'g');
const DZOOM = new RegExp(String.raw`\bDZOOM\s+(${NUM})`, 'i');
const TIMESTAMP = /(\d{4})[-./](\d{2})[-./](\d{2})[ T]+(\d{1,2}):(\d{2}):(\d{2})(?:[.,:](\d{1,6}))?/;

function parseGroup(raw: string): { values: number[]; metreSuffix: boolean } {
  const parts = raw.split(',').map((p) => p.replace(/[°\s]/g, ''));
  return {
    values: parts.map((p) => Number.parseFloat(p)),
    metreSuffix: parts.some((p) => /\dM$/.test(p)),
  };
}

/** DJI writes `focal_len` x10 as an integer in some formats (240 = 24 mm) and as decimals in others. */
function focalMm(raw: string): number {
  const v = Number(raw);
  return /^\d+$/.test(raw) && v >= 100 ? v / 10 : v;
}

/** `dzoom_ratio: 10000` (x10000) in Mavic 3 files, `1.00` elsewhere. */
function zoomRatio(raw: string): number {
  const v = Number(raw);
  return /^\d+$/.test(raw) && v >= 1000 ? v / 10000 : v;
}

/**
 * Reads the telemetry in one DJI subtitle body (any of the {@link DjiSrtFormat} layouts, HTML
 * `<font>` tags allowed; unknown keys ignored). Position (0, 0) means "no GPS fix" and is dropped.
 * The 35 mm-equivalent focal length includes digital zoom (`dzoom_ratio`/`DZOOM`).
 */
export function parseDjiSrtBody(body: string, gpsOrder: GpsOrder = 'auto'): DjiSrtBody {
  const text = body.replace(/<[^>]*>/g, ' ').replace(/°/g, '');
  const warnings: string[] = [];
  const pose: CameraPose = {};
  const kv = new Map<string, string>();
  for (const m of text.matchAll(KEY_VALUE)) {
    const key = m[1]!.toLowerCase();
    if (!kv.has(key)) kv.set(key, m[2]!);
  }
  // A value that does not fit a double (e.g. 400 nines) reads as Infinity: ignored, with a warning.
  const num = (...keys: string[]): number | undefined => {
    for (const k of keys) {
      const v = kv.get(k);
      if (v === undefined) continue;
      const value = Number(v);
      if (Number.isFinite(value)) return value;
      warnings.push(`${k} '${v.length > 24 ? `${v.slice(0, 24)}...` : v}' is not a finite number; ignored`);
      return undefined;
    }
    return undefined;
  };

  let lat = num('latitude', 'lat');
  let lng = num('longitude', 'longtitude', 'lon', 'lng');
  let relAlt = num('rel_alt', 'h');
  let barometer = num('barometer');
  let format: DjiSrtFormat = 'unknown';

  const groups = new Map<string, { values: number[]; metreSuffix: boolean }>();
  for (const m of text.matchAll(PAREN_GROUP)) groups.set(m[1]!.toUpperCase(), parseGroup(m[2]!));
  const gps = groups.get('GPS');
  if (gps && gps.values.length >= 2) {
    format = 'gps-barometer';
    const [a, b] = gps.values as [number, number];
    let latFirst: boolean;
    if (gpsOrder !== 'auto') latFirst = gpsOrder === 'latLng';
    else if (Math.abs(a) > 90) latFirst = false;
    else if (Math.abs(b) > 90) latFirst = true;
    else latFirst = gps.metreSuffix;
    lat = latFirst ? a : b;
    lng = latFirst ? b : a;
  }
  const baroGroup = groups.get('BAROMETER');
  if (barometer === undefined && baroGroup?.values[0] !== undefined) barometer = baroGroup.values[0];
  for (const m of text.matchAll(SPACED_METRES)) {
    if (m[1] === 'H' && relAlt === undefined) relAlt = Number(m[2]);
  }
  relAlt ??= barometer;

  const flight = groups.get('F.PRY');
  const gimbal = groups.get('G.PRY');
  if (flight || gimbal) format = 'pry';
  if (flight?.values[2] !== undefined && Number.isFinite(flight.values[2])) pose.headingDeg = flight.values[2];
  if (gimbal) {
    const [p, r, y] = gimbal.values;
    if (p !== undefined && Number.isFinite(p)) pose.gimbalPitchDeg = p;
    if (r !== undefined && Number.isFinite(r)) pose.gimbalRollDeg = r;
    if (y !== undefined && Number.isFinite(y)) pose.gimbalYawDeg = y;
  }
  const gbPitch = num('gb_pitch', 'gimbal_pitch');
  const gbYaw = num('gb_yaw', 'gimbal_yaw');
  const gbRoll = num('gb_roll', 'gimbal_roll');
  if (gbPitch !== undefined) pose.gimbalPitchDeg = gbPitch;
  if (gbYaw !== undefined) pose.gimbalYawDeg = gbYaw;
  if (gbRoll !== undefined) pose.gimbalRollDeg = gbRoll;
  const droneYaw = num('drone_yaw');
  if (droneYaw !== undefined) pose.headingDeg ??= droneYaw;

  if (lat !== undefined && lng !== undefined && Number.isFinite(lat) && Number.isFinite(lng)) {
    if (Math.abs(lat) > 90 || Math.abs(lng) > 180) warnings.push(`position [${lat}, ${lng}] is out of range; ignored`);
    else if (lat !== 0 || lng !== 0) {
      pose.lat = lat;
      pose.lng = lng;
    }
  }
  if (relAlt !== undefined && Number.isFinite(relAlt)) pose.relativeAltitudeM = relAlt;
  const absAlt = num('abs_alt');
  if (absAlt !== undefined) pose.absoluteAltitudeM = absAlt;

  const focalRaw = kv.get('focal_len');
  if (focalRaw !== undefined) {
    const focal = focalMm(focalRaw);
    const zoomRaw = kv.get('dzoom_ratio') ?? DZOOM.exec(text)?.[1];
    const zoom = zoomRaw !== undefined ? zoomRatio(zoomRaw) : 1;
    const focal35mm = focal * (zoom > 0 && Number.isFinite(zoom) ? zoom : 1);
    if (focal > 0 && Number.isFinite(focal35mm)) pose.focalLength35mm = focal35mm;
    else warnings.push(`focal_len ${focalRaw} is not a focal length; ignored`);
  }

  let frameCount: number | undefined;
  if (kv.has('srtcnt')) {
    frameCount = num('srtcnt');
    format = 'srtcnt';
  } else if (kv.has('framecnt')) {
    frameCount = num('framecnt');
    format = 'framecnt';
  }
  if (format === 'unknown' && (kv.has('latitude') || kv.has('rel_alt'))) format = 'bracketed';

  const out: DjiSrtBody = { format, pose, warnings };
  if (frameCount !== undefined) out.frameCount = frameCount;
  const ts = TIMESTAMP.exec(text);
  if (ts) {
    const [, y, mo, d, h, mi, s, frac] = ts;
    out.timestamp = `${y}-${mo}-${d}T${h!.padStart(2, '0')}:${mi}:${s}${frac ? `.${frac.slice(0, 3).padEnd(3, '0')}` : ''}`;
  }
  return out;
}
