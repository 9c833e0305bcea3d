import { describe, expect, it } from 'vitest';
import { isRaqibError } from '../raqib-error.js';
import { parseZones } from './parse-zones.js';

type Json = Record<string, unknown>;

function feature(geometry: Json, properties: Json): Json {
  return { type: 'Feature', geometry, properties };
}
const square = (x0: number, y0: number, x1: number, y1: number): Json => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});
const collection = (...features: Json[]): string => JSON.stringify({ type: 'FeatureCollection', features });
const good = feature(square(0, 0, 0.5, 0.5), { id: 'north' });

function zonesError(text: string): string {
  try {
    parseZones(text, 'zones.geojson');
  } catch (error) {
    if (isRaqibError(error, 'ZONES_INVALID')) return error.message;
    throw error;
  }
  return 'no error';
}

describe('parseZones: valid files', () => {
  it('reads areas and lines with defaults', () => {
    const zones = parseZones(
      JSON.stringify({
        type: 'FeatureCollection',
        name: 'event-zones',
        crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } },
        features: [
          feature(square(0, 0, 0.5, 0.5), { id: 'north', name: 'Stage front', capacity: 800, fid: 3 }),
          feature(
            {
              type: 'LineString',
              coordinates: [
                [0.1, 0.9],
                [0.1, 0.9],
                [0.6, 0.9],
              ],
            },
            { id: 'gate-a', lengthM: 6.5 },
          ),
          feature(square(46.67, 24.71, 46.671, 24.711), { id: 'plaza', kind: 'walkway', space: 'geo' }),
        ],
      }),
      'zones.geojson',
    );
    expect(zones).toEqual([
      {
        id: 'north',
        name: 'Stage front',
        kind: 'standing',
        space: 'image',
        capacity: 800,
        geometry: {
          type: 'Polygon',
          rings: [
            [
              [0, 0],
              [0.5, 0],
              [0.5, 0.5],
              [0, 0.5],
            ],
          ],
        },
      },
      {
        id: 'gate-a',
        kind: 'gate',
        space: 'image',
        lengthM: 6.5,
        geometry: {
          type: 'LineString',
          points: [
            [0.1, 0.9],
            [0.6, 0.9],
          ],
        },
      },
      {
        id: 'plaza',
        kind: 'walkway',
        space: 'geo',
        geometry: {
          type: 'Polygon',
          rings: [
            [
              [46.67, 24.71],
              [46.671, 24.71],
              [46.671, 24.711],
              [46.67, 24.711],
            ],
          ],
        },
      },
    ]);
  });

  it('clamps image coordinates a hair outside 0-1 and keeps holes', () => {
    const zones = parseZones(
      collection(
        feature(
          {
            type: 'Polygon',
            coordinates: [
              [
                [-0.0005, 0],
                [1.0004, 0],
                [1, 1],
                [0, 1],
                [-0.0005, 0],
              ],
              [
                [0.4, 0.4],
                [0.6, 0.4],
                [0.6, 0.6],
                [0.4, 0.4],
              ],
            ],
          },
          { id: 'ring' },
        ),
      ),
      'z',
    );
    const geometry = zones[0]!.geometry;
    expect(geometry.type === 'Polygon' && geometry.rings[0]![0]).toEqual([0, 0]);
    expect(geometry.type === 'Polygon' && geometry.rings).toHaveLength(2);
  });

  it('accepts an empty collection', () => {
    expect(parseZones(collection(), 'z')).toEqual([]);
  });

  it('keeps the event scope of a geo area and refuses it elsewhere', () => {
    const geo = feature(square(46.67, 24.71, 46.68, 24.72), { id: 'plaza', space: 'geo', scope: 'event' });
    const [plaza] = parseZones(collection(geo), 'z');
    expect(plaza).toMatchObject({ id: 'plaza', space: 'geo', scope: 'event' });
    expect(parseZones(collection(good), 'z')[0]).not.toHaveProperty('scope');
    expect(zonesError(collection(feature(square(0, 0, 1, 1), { id: 'a', scope: 'event' })))).toBe(
      'zones.geojson: features[0].properties.scope: event applies to geo zones only (set "space": "geo" with lon/lat coordinates)',
    );
    const line = {
      type: 'LineString',
      coordinates: [
        [46.67, 24.71],
        [46.68, 24.71],
      ],
    };
    expect(zonesError(collection(feature(line, { id: 'l', space: 'geo', scope: 'event' })))).toBe(
      'zones.geojson: features[0].properties.scope: event applies to areas (Polygon) only: lines are counted per drone',
    );
  });
});

describe('parseZones: invalid files name the field at fault', () => {
  const bowTie = {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [0.2, 0.2],
        [0.2, 0],
        [0, 0.2],
        [0, 0],
      ],
    ],
  };
  const many = Array.from({ length: 1002 }, (_, i) => [0.5 + 0.4 * Math.cos(i / 160), 0.5 + 0.4 * Math.sin(i / 160)]);
  const cases: [string, string, string][] = [
    [
      'not JSON',
      '{"type": "FeatureCollection", features: []}',
      'zones.geojson: line 1 column 31: not valid JSON (Expected double-quoted property name',
    ],
    [
      'a single Feature instead of a collection',
      JSON.stringify(good),
      'zones.geojson: type: a single Feature: wrap it as {"type": "FeatureCollection", "features": [...]}',
    ],
    [
      'missing id',
      collection(feature(square(0, 0, 1, 1), { name: 'x' })),
      'zones.geojson: features[0].properties.id: missing (required)',
    ],
    [
      'bad kind',
      collection(feature(square(0, 0, 1, 1), { id: 'a', kind: 'seating' })),
      'zones.geojson: features[0].properties.kind: "seating" is not one of "walkway", "standing", "queue", "gate", "restricted"',
    ],
    [
      'typo in a property',
      collection(feature(square(0, 0, 1, 1), { id: 'a', knd: 'queue' })),
      'zones.geojson: features[0].properties: unknown key "knd"',
    ],
    [
      'id with spaces',
      collection(feature(square(0, 0, 1, 1), { id: 'north gate' })),
      'zones.geojson: features[0].properties.id: use 1-64 letters, digits, "-", "_", "." or ":" (put free text in "name")',
    ],
    [
      'fewer than 3 distinct points',
      collection(
        good,
        feature(square(0.5, 0, 1, 0.5), { id: 'b' }),
        feature(
          {
            type: 'Polygon',
            coordinates: [
              [
                [0.1, 0.1],
                [0.2, 0.2],
                [0.1, 0.1],
                [0.1, 0.1],
              ],
            ],
          },
          { id: 'c' },
        ),
      ),
      'zones.geojson: features[2].geometry.coordinates[0]: polygon needs at least 3 distinct points',
    ],
    [
      'ring not closed',
      collection(
        feature(
          {
            type: 'Polygon',
            coordinates: [
              [
                [0.1, 0.1],
                [0.2, 0.1],
                [0.2, 0.2],
              ],
            ],
          },
          { id: 'a' },
        ),
      ),
      'zones.geojson: features[0].geometry.coordinates[0]: ring is not closed: the last position must repeat the first [0.1, 0.1] (GeoJSON rings are closed)',
    ],
    [
      'self-crossing ring',
      collection(feature(bowTie, { id: 'a' })),
      'zones.geojson: features[0].geometry.coordinates[0]: polygon crosses itself (edge 0-1 meets edge 2-3); draw a simple outline',
    ],
    [
      'collinear ring',
      collection(
        feature(
          {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [0.5, 0.5],
                [1, 1],
                [0, 0],
              ],
            ],
          },
          { id: 'a' },
        ),
      ),
      'zones.geojson: features[0].geometry.coordinates[0]: polygon has zero area (all points on one line)',
    ],
    [
      'pixels in image space',
      collection(feature(square(0, 0, 512, 300), { id: 'a' })),
      'zones.geojson: features[0].geometry.coordinates[0][1]: [512, 0] is outside 0-1: image-space coordinates are fractions of the frame width and height (x / width, y / height); for lon/lat set "space": "geo"',
    ],
    [
      'latitude out of range in geo space',
      collection(feature(square(24.7, 46.6, 24.71, 96.61), { id: 'a', space: 'geo' })),
      'zones.geojson: features[0].geometry.coordinates[0][2]: [24.71, 96.61] is not a [longitude, latitude] position (longitude within ±180, latitude within ±90)',
    ],
    [
      'infinite number',
      collection(good).replace('[0.5,0]', '[0.5,1e999]'),
      'zones.geojson: features[0].geometry.coordinates[0][1][1]: number must be finite',
    ],
    [
      'duplicate ids',
      collection(good, feature(square(0.5, 0, 1, 0.5), { id: 'b' }), feature(square(0, 0.5, 1, 1), { id: 'north' })),
      'zones.geojson: features[2].properties.id: duplicate zone id "north" (first used by features[0])',
    ],
    [
      'reserved id',
      collection(feature(square(0, 0, 1, 1), { id: 'frame' })),
      'zones.geojson: features[0].properties.id: "frame" is reserved for the whole-frame reading',
    ],
    [
      'MultiPolygon',
      collection({ type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [] }, properties: { id: 'a' } }),
      'zones.geojson: features[0].geometry.type: MultiPolygon is not supported: split it into one Polygon feature per part, each with its own id',
    ],
    [
      'unknown geometry type',
      collection({ type: 'Feature', geometry: { type: 'Circle', coordinates: [] }, properties: { id: 'a' } }),
      'zones.geojson: features[0].geometry.type: must be one of "Polygon", "LineString", got "Circle"',
    ],
    [
      'lengthM on an area',
      collection(feature(square(0, 0, 1, 1), { id: 'a', lengthM: 3 })),
      'zones.geojson: features[0].properties.lengthM: applies to lines (LineString) only',
    ],
    [
      'line of one point',
      collection(
        feature(
          {
            type: 'LineString',
            coordinates: [
              [0.1, 0.1],
              [0.1, 0.1],
            ],
          },
          { id: 'g' },
        ),
      ),
      'zones.geojson: features[0].geometry.coordinates: line needs at least 2 distinct points',
    ],
    [
      'too many vertices',
      collection(feature({ type: 'Polygon', coordinates: [[...many, many[0]]] }, { id: 'a' })),
      'zones.geojson: features[0].geometry.coordinates[0]: a ring may have at most 1000 points',
    ],
    [
      'hole outside the outline',
      collection(
        feature(
          {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [0.5, 0],
                [0.5, 0.5],
                [0, 0],
              ],
              [
                [0.6, 0.6],
                [0.7, 0.6],
                [0.7, 0.7],
                [0.6, 0.6],
              ],
            ],
          },
          { id: 'a' },
        ),
      ),
      'zones.geojson: features[0].geometry.coordinates[1]: hole is not inside the outer ring (coordinates[0])',
    ],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    // Messages may go on with a hint after the part checked here.
    expect(zonesError(text).slice(0, expected.length)).toBe(expected);
  });
});
