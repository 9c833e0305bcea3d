import type { LocalTangentPlane } from '../geometry/local-tangent-plane.js';
import { pointBounds, ringArea, type PointXY } from '../geometry/polygon.js';
import { isAreaZone, type Zone, type ZoneKind } from '../zones/zone.js';

/** A geo area zone on the event's ground frame. */
export interface EventZone {
  id: string;
  kind: ZoneKind;
  capacity?: number;
  /** Outline first, then holes; event metres `[east, north]`. */
  ringsM: PointXY[][];
  /** Area of the zone (outline minus holes), m². */
  areaM2: number;
  /** True when the outline is convex and there are no holes (its parts are then convex too). */
  convex: boolean;
  /** Bounding box of the outline, for a quick reject. */
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
}

/** Zones of a zones file that cannot be read event-wide, with the reason. */
export interface SkippedZone {
  id: string;
  reason: string;
}

/**
 * The zones of a zones file that can be read for the whole event: geo (lon/lat) area zones, placed on
 * the event plane. Image-space zones belong to one drone's picture and line zones need tracks across
 * drones; both are returned in `skipped` (they keep their per-drone readings).
 */
export function eventZonesFromGeo(
  zones: readonly Zone[],
  plane: LocalTangentPlane,
): { zones: EventZone[]; skipped: SkippedZone[] } {
  const out: EventZone[] = [];
  const skipped: SkippedZone[] = [];
  for (const zone of zones) {
    if (!isAreaZone(zone)) {
      skipped.push({ id: zone.id, reason: 'line zones are counted per drone (crossings need tracks across drones)' });
      continue;
    }
    if (zone.space !== 'geo') {
      skipped.push({ id: zone.id, reason: 'image-space zones belong to one drone view; draw it in lon/lat' });
      continue;
    }
    const ringsM = zone.geometry.rings.map((ring) => ring.map((p) => plane.toMetres(p)));
    const outline = ringsM[0] ?? [];
    const areaM2 = Math.max(0, ringArea(outline) - ringsM.slice(1).reduce((s, r) => s + ringArea(r), 0));
    out.push({
      id: zone.id,
      kind: zone.kind,
      ...(zone.capacity !== undefined ? { capacity: zone.capacity } : {}),
      ringsM,
      areaM2,
      convex: ringsM.length === 1 && isConvexRing(outline),
      bounds: pointBounds(outline),
    });
  }
  return { zones: out, skipped };
}

/** True for a convex ring (either orientation; collinear vertices allowed). */
function isConvexRing(ring: readonly PointXY[]): boolean {
  const n = ring.length;
  if (n < 3) return false;
  let sign = 0;
  for (let i = 0; i < n; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % n]!;
    const c = ring[(i + 2) % n]!;
    const cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
    if (cross === 0) continue;
    const s = cross > 0 ? 1 : -1;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return sign !== 0;
}
