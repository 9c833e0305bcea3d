/** Zones as the editor keeps them: the GeoJSON features of docs/formats.md, edited in place. */

export type ZoneKind = 'walkway' | 'standing' | 'queue' | 'gate' | 'restricted';
export const ZONE_KINDS: readonly ZoneKind[] = ['walkway', 'standing', 'queue', 'gate', 'restricted'];
export type ZoneSpace = 'image' | 'geo';
export type Point = [number, number];

export interface ZoneFeature {
  type: 'Feature';
  properties: {
    id: string;
    name?: string;
    kind?: ZoneKind;
    space?: ZoneSpace;
    capacity?: number;
    lengthM?: number;
    [key: string]: unknown;
  };
  geometry: { type: 'Polygon'; coordinates: Point[][] } | { type: 'LineString'; coordinates: Point[] };
}

export interface ZonesFile {
  type: 'FeatureCollection';
  features: ZoneFeature[];
}

/** A shape being drawn. */
export interface Sketch {
  kind: 'area' | 'line';
  space: ZoneSpace;
  vertices: Point[];
}

/** The features of a stored zones document (anything that is not a feature with a geometry is dropped). */
export function featuresOf(document: unknown): ZoneFeature[] {
  const features = (document as { features?: unknown[] } | null)?.features;
  if (!Array.isArray(features)) return [];
  return features.flatMap((f) => {
    const feature = f as Partial<ZoneFeature> & { id?: unknown };
    if (!feature.geometry) return [];
    const properties = { ...(feature.properties ?? {}) } as ZoneFeature['properties'];
    if (properties.id === undefined && feature.id !== undefined) properties.id = String(feature.id);
    return [{ type: 'Feature', properties, geometry: feature.geometry } as ZoneFeature];
  });
}

export function isArea(feature: ZoneFeature): boolean {
  return feature.geometry.type === 'Polygon';
}

/** The space of a feature (`image` unless it says `geo`). */
export function spaceOf(feature: ZoneFeature): ZoneSpace {
  return feature.properties.space === 'geo' ? 'geo' : 'image';
}

/** The outline of a feature: a polygon's outer ring without its closing point, or a line's points. */
export function outline(feature: ZoneFeature): Point[] {
  if (feature.geometry.type === 'LineString') return feature.geometry.coordinates;
  const ring = feature.geometry.coordinates[0] ?? [];
  const [first, last] = [ring[0], ring[ring.length - 1]];
  return first && last && first[0] === last[0] && first[1] === last[1] ? ring.slice(0, -1) : ring;
}

/**
 * Image-space points as fractions of the frame: the format's relative coordinates stay as they are;
 * a file in pixels (older editors) is scaled by the frame size.
 */
export function toRelative(points: Point[], widthPx: number, heightPx: number): Point[] {
  const relative = points.every(([x, y]) => Math.abs(x) <= 1.5 && Math.abs(y) <= 1.5);
  return relative ? points : points.map(([x, y]) => [x / widthPx, y / heightPx]);
}

/** `area-1`, `area-2`, ... : the first id of that stem no zone has (`frame` is reserved). */
export function nextZoneId(features: readonly ZoneFeature[], stem: 'area' | 'line'): string {
  const taken = new Set(features.map((f) => f.properties.id));
  for (let n = 1; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

const round = (value: number, space: ZoneSpace) => Number(value.toFixed(space === 'geo' ? 7 : 4));

/**
 * The feature of a finished sketch: an area's ring closed (the first point repeated, as the format
 * requires), coordinates rounded (1e-4 of the frame, or ~1 cm in degrees), the kind defaulted as the
 * format does (standing areas, gate lines). Null when the sketch has too few points.
 */
export function featureFromSketch(sketch: Sketch, id: string): ZoneFeature | null {
  const points = sketch.vertices.map(([x, y]) => [round(x, sketch.space), round(y, sketch.space)] as Point);
  const properties: ZoneFeature['properties'] = {
    id,
    kind: sketch.kind === 'area' ? 'standing' : 'gate',
    ...(sketch.space === 'geo' ? { space: 'geo' as const } : {}),
  };
  if (sketch.kind === 'area') {
    if (points.length < 3) return null;
    return { type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: [[...points, points[0]!]] } };
  }
  if (points.length < 2) return null;
  return { type: 'Feature', properties, geometry: { type: 'LineString', coordinates: points } };
}

/** What a key does while drawing (Enter closes, Escape cancels, Delete removes the last vertex...). */
export type SketchKeyAction =
  | { type: 'add' }
  | { type: 'finish' }
  | { type: 'cancel' }
  | { type: 'removeVertex' }
  | { type: 'moveCursor'; dx: number; dy: number }
  | null;

/** Keys of the drawing surface; `step` is the cursor step (Shift: five times larger). */
export function sketchKeyAction(key: string, shiftKey: boolean, step = 0.01): SketchKeyAction {
  const s = shiftKey ? step * 5 : step;
  switch (key) {
    case 'Enter':
      return { type: 'finish' };
    case 'Escape':
      return { type: 'cancel' };
    case 'Delete':
    case 'Backspace':
      return { type: 'removeVertex' };
    case ' ':
    case '+':
      return { type: 'add' };
    case 'ArrowLeft':
      return { type: 'moveCursor', dx: -s, dy: 0 };
    case 'ArrowRight':
      return { type: 'moveCursor', dx: s, dy: 0 };
    case 'ArrowUp':
      return { type: 'moveCursor', dx: 0, dy: -s };
    case 'ArrowDown':
      return { type: 'moveCursor', dx: 0, dy: s };
    default:
      return null;
  }
}

/** The zones document to PUT: the features in order, nothing else added. */
export function zonesFile(features: readonly ZoneFeature[]): ZonesFile {
  return { type: 'FeatureCollection', features: [...features] };
}
