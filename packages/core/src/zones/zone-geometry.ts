import type { FrameGroundModel } from '../geometry/frame-ground-model.js';
import { applyHomography, applyHomographyToPoints, homographyWeight, type Homography } from '../geometry/homography.js';
import { clipRingToHalfPlane, clipRingToRect, polylineLength, type PointXY, type Ring } from '../geometry/polygon.js';
import { RaqibError } from '../raqib-error.js';
import type { AreaZone, LineZone, Zone } from './zone.js';

/** What is needed to place a zone in one frame's pixels. */
export interface ZoneFrameGeometry {
  widthPx: number;
  heightPx: number;
  /** Ground model of the frame; needed for geo-space zones and for metres. */
  ground?: FrameGroundModel;
}

function geoReferenceOf(
  zone: Zone,
  frame: ZoneFrameGeometry,
): Required<Pick<FrameGroundModel, 'groundToImage' | 'imageToGround' | 'plane'>> {
  const g = frame.ground;
  if (!g?.groundToImage || !g.imageToGround || !g.plane) {
    throw new RaqibError(
      'GEOREFERENCE_MISSING',
      `zone "${zone.id}" is in geo space (lon/lat) but the frame is not geo-referenced` +
        (g?.note ? ` (${g.note})` : '') +
        ': provide a DJI .SRT next to the video (position, altitude, focal length), or --calibration FILE with ' +
        'lngLat points, or draw the zone in image space',
    );
  }
  return { groundToImage: g.groundToImage, imageToGround: g.imageToGround, plane: g.plane };
}

/**
 * The half-plane of ground points in front of the camera, as `[a, b, c]` with `a·E + b·N + c > 0`
 * for visible points. The sign is taken from a pixel known to see the ground.
 */
function visibleSide(
  groundToImage: Homography,
  imageToGround: Homography,
  frame: ZoneFrameGeometry,
): [number, number, number] {
  const probes: PointXY[] = [
    [frame.widthPx / 2, frame.heightPx / 2],
    [frame.widthPx / 2, frame.heightPx],
    [0, frame.heightPx],
    [frame.widthPx, frame.heightPx],
  ];
  let sign = 1;
  for (const p of probes) {
    if (homographyWeight(imageToGround, p[0], p[1]) > 0) {
      const g = applyHomography(imageToGround, p);
      sign = Math.sign(homographyWeight(groundToImage, g[0], g[1])) || 1;
      break;
    }
  }
  const a = sign * groundToImage[6]!;
  const b = sign * groundToImage[7]!;
  const c = sign * groundToImage[8]!;
  // Keep a sliver away from the horizon, where points map to infinity.
  const eps = 1e-9 * Math.max(Math.abs(a), Math.abs(b), Math.abs(c));
  return [a, b, c - eps];
}

/**
 * The zone's rings in this frame's pixels, clipped to the frame (outline first, then holes);
 * an empty array when no part of the zone is in view. Geo zones are converted through the frame's
 * ground model (throws `GEOREFERENCE_MISSING` without one); parts behind the camera are cut off.
 */
export function zoneRingsPx(zone: AreaZone, frame: ZoneFrameGeometry): PointXY[][] {
  const { widthPx: w, heightPx: h } = frame;
  let rings: PointXY[][];
  if (zone.space === 'image') {
    rings = zone.geometry.rings.map((ring) => ring.map(([x, y]): PointXY => [x * w, y * h]));
  } else {
    const geo = geoReferenceOf(zone, frame);
    const [a, b, c] = visibleSide(geo.groundToImage, geo.imageToGround, frame);
    rings = zone.geometry.rings.map((ring) => {
      const ground = ring.map((p) => geo.plane.toMetres(p));
      const front = clipRingToHalfPlane(ground, a, b, c);
      return front.length > 0 ? applyHomographyToPoints(geo.groundToImage, front) : [];
    });
  }
  const outer = clipRingToRect(rings[0] ?? [], 0, 0, w, h);
  if (outer.length < 3) return [];
  const holes = rings
    .slice(1)
    .map((ring) => clipRingToRect(ring, 0, 0, w, h))
    .filter((ring) => ring.length >= 3);
  return [outer, ...holes];
}

/**
 * The line's points in this frame's pixels (not clipped: crossings may happen anywhere along it);
 * undefined when a geo line is partly behind the camera. Throws `GEOREFERENCE_MISSING` for geo lines
 * without a geo-referenced frame.
 */
export function zoneLinePx(zone: LineZone, frame: ZoneFrameGeometry): PointXY[] | undefined {
  const { widthPx: w, heightPx: h } = frame;
  if (zone.space === 'image') return zone.geometry.points.map(([x, y]): PointXY => [x * w, y * h]);
  const geo = geoReferenceOf(zone, frame);
  const [a, b, c] = visibleSide(geo.groundToImage, geo.imageToGround, frame);
  const ground = zone.geometry.points.map((p) => geo.plane.toMetres(p));
  if (!ground.every(([e, n]) => a * e + b * n + c > 0)) return undefined;
  return applyHomographyToPoints(geo.groundToImage, ground);
}

/**
 * Ground length of a line zone in metres: `lengthM` from the file when set, else measured on the ground
 * (geo lines directly; image lines through the frame's ground model). Undefined when unknown.
 */
export function lineZoneLengthM(zone: LineZone, frame: ZoneFrameGeometry): number | undefined {
  if (zone.lengthM !== undefined) return zone.lengthM;
  const g = frame.ground;
  if (zone.space === 'geo') {
    if (!g?.plane) return undefined;
    return polylineLength(zone.geometry.points.map((p) => g.plane!.toMetres(p)));
  }
  if (!g?.imageToGround) return undefined;
  const px = zoneLinePx(zone, frame);
  if (!px || !px.every(([x, y]) => homographyWeight(g.imageToGround!, x, y) > 0)) return undefined;
  return polylineLength(applyHomographyToPoints(g.imageToGround, px));
}

/** Maps pixel rings to ground metres; undefined when any vertex sees the sky. */
export function ringsToGround(ringsPx: readonly Ring[], imageToGround: Homography): PointXY[][] | undefined {
  for (const ring of ringsPx) {
    for (const [x, y] of ring) if (!(homographyWeight(imageToGround, x, y) > 0)) return undefined;
  }
  return ringsPx.map((ring) => applyHomographyToPoints(imageToGround, ring));
}
