import type { PointXY, Ring } from '../geometry/polygon.js';

/** What a zone is used for; decides the Fruin table (walkway vs queuing) and default alert rules. */
export type ZoneKind = 'walkway' | 'standing' | 'queue' | 'gate' | 'restricted';

/** All zone kinds, for validation and help texts. */
export const ZONE_KINDS: readonly ZoneKind[] = ['walkway', 'standing', 'queue', 'gate', 'restricted'];

/**
 * Coordinate space of a zone: `image` = relative 0-1 coordinates of the frame (x right, y down),
 * `geo` = `[longitude, latitude]` degrees (needs telemetry or a lon/lat calibration to place it).
 */
export type ZoneSpace = 'image' | 'geo';

/** Who reads a zone: each drone stream on its own (`stream`), or the event from all its drones (`event`). */
export type ZoneScope = 'stream' | 'event';

/** Largest number of vertices accepted per ring or line (keeps coverage and validation cheap). */
export const MAX_ZONE_VERTICES = 1000;

/** Largest number of zones accepted per file. */
export const MAX_ZONES = 256;

interface ZoneBase {
  /** Unique id, used in readings, alerts and storage. */
  id: string;
  /** Human-readable name (defaults to the id in displays). */
  name?: string;
  kind: ZoneKind;
  space: ZoneSpace;
}

/**
 * An area zone: a polygon whose first ring is the outline and further rings are holes, each ring open
 * (no repeated closing vertex), in `space` coordinates.
 */
export interface AreaZone extends ZoneBase {
  geometry: { type: 'Polygon'; rings: readonly Ring[] };
  /** Planned capacity in persons, if set. */
  capacity?: number;
  /**
   * `event`: a geo zone read and alerted once for the whole event from all its drones (`raqib serve`'s
   * event aggregator), not by each drone's pipeline. Default `stream`.
   */
  scope?: ZoneScope;
}

/** A line zone (gate, counting line): an open polyline of at least 2 points in `space` coordinates. */
export interface LineZone extends ZoneBase {
  geometry: { type: 'LineString'; points: readonly PointXY[] };
  /** Ground length in metres, when known from the site (overrides the length measured through the GSD). */
  lengthM?: number;
}

/** A zone from a zones file. Discriminate on `geometry.type`. */
export type Zone = AreaZone | LineZone;

/** True for area (polygon) zones. */
export function isAreaZone(zone: Zone): zone is AreaZone {
  return zone.geometry.type === 'Polygon';
}

/** True for line zones. */
export function isLineZone(zone: Zone): zone is LineZone {
  return zone.geometry.type === 'LineString';
}

/** The implicit zone covering the whole frame (image space), reported with `kind: 'frame'` readings. */
export function frameZone(id = 'frame', kind: ZoneKind = 'standing'): AreaZone {
  return {
    id,
    kind,
    space: 'image',
    geometry: {
      type: 'Polygon',
      rings: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      ],
    },
  };
}
