import { z } from 'zod';
import {
  dedupeRing,
  findRingSelfIntersection,
  pointInRing,
  ringArea,
  type PointXY,
  type Ring,
} from '../geometry/polygon.js';
import { parseJsonText, schemaErrorMessage } from '../geometry/schema-issue.js';
import { RaqibError } from '../raqib-error.js';
import { MAX_ZONE_VERTICES, MAX_ZONES, ZONE_KINDS, type Zone, type ZoneKind, type ZoneSpace } from './zone.js';

/** Image coordinates may stray this far outside 0-1 (drawing tools snap loosely); they are clamped. */
const IMAGE_TOLERANCE = 1e-3;
/** Zone id reserved for the whole-frame reading. */
const FRAME_ZONE_ID = 'frame';

const position = z
  .array(z.number().finite())
  .min(2, 'a position needs [x, y]')
  .max(3, 'a position has at most 3 numbers');

const geometrySchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('Polygon'),
      coordinates: z
        .array(z.array(position).max(MAX_ZONE_VERTICES + 1, `a ring may have at most ${MAX_ZONE_VERTICES} points`))
        .min(1, 'a polygon needs an outer ring')
        .max(51, 'a polygon may have at most 50 holes'),
      bbox: z.array(z.number()).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('LineString'),
      coordinates: z.array(position).max(MAX_ZONE_VERTICES, `a line may have at most ${MAX_ZONE_VERTICES} points`),
      bbox: z.array(z.number()).optional(),
    })
    .strict(),
]);

const propertiesSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/,
        'use 1-64 letters, digits, "-", "_", "." or ":" (put free text in "name")',
      )
      .describe('Unique zone id, used in readings, alerts and storage.'),
    name: z.string().max(200).optional().describe('Display name (any text).'),
    kind: z
      .enum(ZONE_KINDS as [ZoneKind, ...ZoneKind[]])
      .optional()
      .describe('walkway | standing | queue | gate | restricted. Default: standing for areas, gate for lines.'),
    space: z
      .enum(['image', 'geo'])
      .default('image')
      .describe('image: relative 0-1 frame coordinates (x right, y down); geo: [longitude, latitude] degrees.'),
    capacity: z.number().finite().positive().optional().describe('Areas: planned capacity in persons.'),
    lengthM: z.number().finite().positive().optional().describe('Lines: ground length in metres, when surveyed.'),
    scope: z
      .enum(['stream', 'event'])
      .optional()
      .describe(
        'Geo areas: event = read and alerted once for the whole event from all its drones (raqib serve), not per drone. Default: stream.',
      ),
    // Keys that common editors (QGIS, geojson.io) add; accepted and ignored.
    fid: z.unknown().optional(),
    description: z.unknown().optional(),
    stroke: z.unknown().optional(),
    'stroke-width': z.unknown().optional(),
    'stroke-opacity': z.unknown().optional(),
    fill: z.unknown().optional(),
    'fill-opacity': z.unknown().optional(),
  })
  .strict();

const featureSchema = z
  .object({
    type: z.literal('Feature'),
    id: z.union([z.string(), z.number()]).optional(),
    geometry: geometrySchema,
    properties: propertiesSchema,
    bbox: z.array(z.number()).optional(),
  })
  .strict();

/** The `--zones FILE` schema: a GeoJSON FeatureCollection of Polygon and LineString features. */
export const zonesFileSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(featureSchema).max(MAX_ZONES, `at most ${MAX_ZONES} zones per file`),
    name: z.string().optional(),
    crs: z.unknown().optional(),
    bbox: z.array(z.number()).optional(),
  })
  .strict();

type RawFeature = z.infer<typeof featureSchema>;

/** Friendlier messages for geometry types zod would only call "invalid discriminator". */
function precheckGeometryTypes(value: unknown, fail: (path: string, message: string) => never): void {
  if (value === null || typeof value !== 'object') return;
  if ((value as { type?: unknown }).type === 'Feature') {
    fail('type', 'a single Feature: wrap it as {"type": "FeatureCollection", "features": [...]}');
  }
  const features = (value as { features?: unknown }).features;
  if (!Array.isArray(features)) return;
  features.forEach((f: unknown, i) => {
    const type = (f as { geometry?: { type?: unknown } } | null)?.geometry?.type;
    if (type === 'MultiPolygon') {
      fail(
        `features[${i}].geometry.type`,
        'MultiPolygon is not supported: split it into one Polygon feature per part, each with its own id',
      );
    }
    if (type === 'Point' || type === 'MultiPoint') {
      fail(`features[${i}].geometry.type`, `${type} is not a zone: draw a Polygon (area) or a LineString (line)`);
    }
  });
}

function checkPosition(
  p: readonly number[],
  space: ZoneSpace,
  path: string,
  fail: (path: string, message: string) => never,
): PointXY {
  const [x, y] = p as [number, number];
  if (space === 'image') {
    if (x < -IMAGE_TOLERANCE || x > 1 + IMAGE_TOLERANCE || y < -IMAGE_TOLERANCE || y > 1 + IMAGE_TOLERANCE) {
      fail(
        path,
        `[${x}, ${y}] is outside 0-1: image-space coordinates are fractions of the frame width and height ` +
          '(x / width, y / height); for lon/lat set "space": "geo"',
      );
    }
    return [Math.min(1, Math.max(0, x)), Math.min(1, Math.max(0, y))];
  }
  if (Math.abs(x) > 180 || Math.abs(y) > 90) {
    fail(path, `[${x}, ${y}] is not a [longitude, latitude] position (longitude within ±180, latitude within ±90)`);
  }
  return [x, y];
}

function checkRing(
  coords: readonly (readonly number[])[],
  space: ZoneSpace,
  path: string,
  isHole: boolean,
  fail: (path: string, message: string) => never,
): Ring {
  const what = isHole ? 'hole' : 'polygon';
  const points = coords.map((p, k) => checkPosition(p, space, `${path}[${k}]`, fail));
  const first = coords[0];
  const last = coords[coords.length - 1];
  if (first && last && coords.length > 1 && (first[0] !== last[0] || first[1] !== last[1])) {
    fail(
      path,
      `ring is not closed: the last position must repeat the first [${first[0]}, ${first[1]}] (GeoJSON rings are closed)`,
    );
  }
  const ring = dedupeRing(points);
  if (ring.length < 3) fail(path, `${what} needs at least 3 distinct points`);
  const crossing = findRingSelfIntersection(ring);
  if (crossing) {
    const [a, b] = crossing;
    fail(
      path,
      `${what} crosses itself (edge ${a}-${(a + 1) % ring.length} meets edge ${b}-${(b + 1) % ring.length}); draw a simple outline`,
    );
  }
  const scale = space === 'geo' ? 1e-14 : 1e-12;
  if (ringArea(ring) <= scale) fail(path, `${what} has zero area (all points on one line)`);
  return ring;
}

function toZone(f: RawFeature, i: number, fail: (path: string, message: string) => never): Zone {
  const props = f.properties;
  const base = `features[${i}]`;
  const space = props.space;
  if (f.geometry.type === 'Polygon') {
    if (props.lengthM !== undefined) fail(`${base}.properties.lengthM`, 'applies to lines (LineString) only');
    if (props.scope === 'event' && space !== 'geo') {
      fail(`${base}.properties.scope`, 'event applies to geo zones only (set "space": "geo" with lon/lat coordinates)');
    }
    const rings = f.geometry.coordinates.map((c, r) =>
      checkRing(c, space, `${base}.geometry.coordinates[${r}]`, r > 0, fail),
    );
    const outer = rings[0]!;
    rings.slice(1).forEach((hole, h) => {
      if (!hole.every(([x, y]) => pointInRing(x, y, outer))) {
        fail(`${base}.geometry.coordinates[${h + 1}]`, 'hole is not inside the outer ring (coordinates[0])');
      }
    });
    return {
      id: props.id,
      ...(props.name !== undefined ? { name: props.name } : {}),
      kind: props.kind ?? 'standing',
      space,
      geometry: { type: 'Polygon', rings },
      ...(props.capacity !== undefined ? { capacity: props.capacity } : {}),
      ...(props.scope !== undefined ? { scope: props.scope } : {}),
    };
  }
  if (props.capacity !== undefined) fail(`${base}.properties.capacity`, 'applies to areas (Polygon) only');
  if (props.scope === 'event') {
    fail(`${base}.properties.scope`, 'event applies to areas (Polygon) only: lines are counted per drone');
  }
  const path = `${base}.geometry.coordinates`;
  const points = f.geometry.coordinates.map((p, k) => checkPosition(p, space, `${path}[${k}]`, fail));
  const distinct = points.filter((p, k) => k === 0 || p[0] !== points[k - 1]![0] || p[1] !== points[k - 1]![1]);
  if (distinct.length < 2) fail(path, 'line needs at least 2 distinct points');
  return {
    id: props.id,
    ...(props.name !== undefined ? { name: props.name } : {}),
    kind: props.kind ?? 'gate',
    space,
    geometry: { type: 'LineString', points: distinct },
    ...(props.lengthM !== undefined ? { lengthM: props.lengthM } : {}),
  };
}

/**
 * Parses and validates a zones file: a GeoJSON FeatureCollection of Polygon (area) and LineString (line)
 * features with `properties: {id, name?, kind?, space?, capacity?, lengthM?, scope?}`.
 *
 * Checks: structure and types, at most {@link MAX_ZONES} zones and {@link MAX_ZONE_VERTICES} points
 * per ring, finite numbers, image coordinates within 0-1 (clamped within 0.001), lon/lat ranges, closed
 * rings with at least 3 distinct points, no self-crossing, non-zero area, holes inside, unique ids.
 * Throws `ZONES_INVALID` naming file and field, e.g.
 * `zones.geojson: features[2].geometry.coordinates[0]: polygon needs at least 3 distinct points`.
 */
export function parseZones(text: string, fileName: string): Zone[] {
  const fail = (path: string, message: string): never => {
    throw new RaqibError('ZONES_INVALID', `${fileName}: ${path}: ${message}`);
  };
  const json = parseJsonText(text, fileName);
  if (!json.ok) throw new RaqibError('ZONES_INVALID', `${json.message}; the zones file must be GeoJSON`);
  precheckGeometryTypes(json.value, fail);
  const parsed = zonesFileSchema.safeParse(json.value);
  if (!parsed.success) {
    throw new RaqibError(
      'ZONES_INVALID',
      schemaErrorMessage(fileName, parsed.error, json.value, 'expected a GeoJSON FeatureCollection of zones'),
    );
  }
  const zones: Zone[] = [];
  const firstUse = new Map<string, number>();
  parsed.data.features.forEach((f, i) => {
    const id = f.properties.id;
    if (id === FRAME_ZONE_ID)
      fail(`features[${i}].properties.id`, `"${FRAME_ZONE_ID}" is reserved for the whole-frame reading`);
    const seen = firstUse.get(id);
    if (seen !== undefined)
      fail(`features[${i}].properties.id`, `duplicate zone id "${id}" (first used by features[${seen}])`);
    firstUse.set(id, i);
    zones.push(toZone(f, i, fail));
  });
  return zones;
}
