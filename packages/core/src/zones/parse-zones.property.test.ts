import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRaqibError } from '../raqib-error.js';
import { parseZones } from './parse-zones.js';
import { isAreaZone, type Zone } from './zone.js';

// Property: any text gives valid zones or ZONES_INVALID naming the file and the field (or the JSON
// line): never another exception.

const FILE = 'fuzz/zones.geojson';

const coordinate = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -0.01, max: 1.01, noNaN: true }) },
  fc.double({ min: -200, max: 200, noNaN: true }),
  fc.constantFrom(1e308, -1e308, 5e-324, 0, 1),
);
const position = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(coordinate, coordinate) },
  fc.array(coordinate, { maxLength: 4 }),
);
const ring = fc.array(position, { minLength: 0, maxLength: 8 }).map((points) =>
  // Close most rings, as GeoJSON requires, so that the geometry checks behind the schema are reached.
  points.length > 2 && points[0] ? [...points, points[0]] : points,
);
const properties = fc.record(
  {
    id: fc.oneof(fc.constantFrom('a', 'b', 'gate-1', 'frame', '', 'x y', 'a'.repeat(65)), fc.string({ maxLength: 8 })),
    kind: fc.constantFrom('walkway', 'standing', 'queue', 'gate', 'restricted', 'plaza'),
    space: fc.constantFrom('image', 'geo', 'pixels'),
    capacity: fc.oneof(fc.double(), fc.constant(100)),
    lengthM: fc.oneof(fc.double(), fc.constant(12)),
    name: fc.string({ maxLength: 5 }),
  },
  { requiredKeys: ['id'] },
);
const feature = fc.record({
  type: fc.constantFrom('Feature', 'Feature', 'feature'),
  properties,
  geometry: fc.oneof(
    fc.record({ type: fc.constant('Polygon'), coordinates: fc.array(ring, { minLength: 1, maxLength: 3 }) }),
    fc.record({ type: fc.constant('LineString'), coordinates: fc.array(position, { maxLength: 5 }) }),
    fc.record({ type: fc.constantFrom('Point', 'MultiPolygon', 'GeometryCollection'), coordinates: fc.jsonValue() }),
  ),
});
const collection = fc.record({
  type: fc.constantFrom('FeatureCollection', 'FeatureCollection', 'Feature'),
  features: fc.array(feature, { maxLength: 4 }),
});
const text = fc.oneof(
  { weight: 6, arbitrary: collection.map((doc) => JSON.stringify(doc)) },
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 80 }),
  collection.map((doc) => JSON.stringify(doc).slice(0, 40)),
);

function checkZones(zones: Zone[]): void {
  const ids = zones.map((z) => z.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).not.toContain('frame');
  for (const zone of zones) {
    const points = isAreaZone(zone) ? zone.geometry.rings.flat() : zone.geometry.points;
    expect(points.length).toBeGreaterThanOrEqual(isAreaZone(zone) ? 3 : 2);
    for (const [x, y] of points) {
      expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
      if (zone.space === 'image') expect(x >= 0 && x <= 1 && y >= 0 && y <= 1).toBe(true);
      else expect(Math.abs(x) <= 180 && Math.abs(y) <= 90).toBe(true);
    }
  }
}

describe('parseZones properties', () => {
  it('any text: valid zones or ZONES_INVALID naming the file and the field or JSON line', () => {
    let parsed = 0;
    fc.assert(
      fc.property(text, (input) => {
        try {
          checkZones(parseZones(input, FILE));
          parsed++;
        } catch (error) {
          if (!isRaqibError(error, 'ZONES_INVALID')) throw error;
          expect(error.message.startsWith(`${FILE}: `)).toBe(true);
          expect(error.message).toMatch(/features|type|\(top level\)|line \d+|not valid JSON/);
        }
      }),
      { numRuns: 500, seed: 30 },
    );
    // The generator must reach valid files too, not only errors.
    expect(parsed).toBeGreaterThan(5);
  });

  it('a nested or huge document is refused cleanly', () => {
    for (const input of [
      '['.repeat(100_000) + ']'.repeat(100_000),
      `{"type":"FeatureCollection","features":[${'{},'.repeat(10_000)}{}]}`,
    ]) {
      expect(() => parseZones(input, FILE)).toThrow(expect.objectContaining({ code: 'ZONES_INVALID' }));
    }
  });
});
