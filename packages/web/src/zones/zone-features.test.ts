import { describe, expect, it } from 'vitest';
import { setAt } from './rules-editor-state.js';
import {
  featureFromSketch,
  featuresOf,
  nextZoneId,
  outline,
  sketchKeyAction,
  toRelative,
  type ZoneFeature,
} from './zone-features.js';

const square: ZoneFeature = {
  type: 'Feature',
  properties: { id: 'area-1' },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
    ],
  },
};

describe('zone features', () => {
  it('closes an area ring, rounds to 1e-4 of the frame, and defaults the kind as the format does', () => {
    const area = featureFromSketch(
      {
        kind: 'area',
        space: 'image',
        vertices: [
          [0.123456, 0.2],
          [0.5, 0.2],
          [0.5, 0.6],
        ],
      },
      'area-2',
    );
    expect(area).toEqual({
      type: 'Feature',
      properties: { id: 'area-2', kind: 'standing' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0.1235, 0.2],
            [0.5, 0.2],
            [0.5, 0.6],
            [0.1235, 0.2],
          ],
        ],
      },
    });
    const line = featureFromSketch(
      {
        kind: 'line',
        space: 'geo',
        vertices: [
          [39.893212345, 21.4135],
          [39.8933, 21.4136],
        ],
      },
      'line-1',
    );
    expect(line?.properties).toEqual({ id: 'line-1', kind: 'gate', space: 'geo' });
    expect(line?.geometry.coordinates).toEqual([
      [39.8932123, 21.4135],
      [39.8933, 21.4136],
    ]);
  });

  it('refuses a sketch with too few points', () => {
    const twoPoints: [number, number][] = [
      [0, 0],
      [1, 1],
    ];
    expect(featureFromSketch({ kind: 'area', space: 'image', vertices: twoPoints }, 'a')).toBeNull();
    expect(featureFromSketch({ kind: 'line', space: 'image', vertices: twoPoints.slice(1) }, 'l')).toBeNull();
  });

  it('numbers new zones after the ids taken', () => {
    expect(nextZoneId([square], 'area')).toBe('area-2');
    expect(nextZoneId([square], 'line')).toBe('line-1');
  });

  it('reads stored features (id from the feature when the properties lack it) and their outline', () => {
    const [feature] = featuresOf({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', id: 7, properties: null, geometry: square.geometry }, { type: 'Feature' }],
    });
    expect(feature?.properties.id).toBe('7');
    expect(outline(feature!)).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(featuresOf(null)).toEqual([]);
  });

  it('keeps relative coordinates and scales pixel ones by the frame', () => {
    expect(toRelative([[0.5, 0.25]], 360, 240)).toEqual([[0.5, 0.25]]);
    expect(toRelative([[180, 60]], 360, 240)).toEqual([[0.5, 0.25]]);
  });

  it.each([
    ['Enter', false, { type: 'finish' }],
    ['Escape', false, { type: 'cancel' }],
    ['Delete', false, { type: 'removeVertex' }],
    ['Backspace', false, { type: 'removeVertex' }],
    [' ', false, { type: 'add' }],
    ['ArrowLeft', false, { type: 'moveCursor', dx: -0.01, dy: 0 }],
    ['ArrowDown', true, { type: 'moveCursor', dx: 0, dy: 0.05 }],
    ['x', false, null],
  ] as const)('key %j (shift %s) -> %j', (key, shift, action) => {
    expect(sketchKeyAction(key, shift)).toEqual(action);
  });
});

describe('rules document edits', () => {
  it('sets a nested override and removes it again with the objects it leaves empty', () => {
    const doc = { version: 1, zones: { gate: { kind: 'gate' } } };
    const set = setAt(doc, ['zones', 'plaza', 'density', 'warning', 'raise'], 3.8);
    expect(set).toEqual({
      version: 1,
      zones: { gate: { kind: 'gate' }, plaza: { density: { warning: { raise: 3.8 } } } },
    });
    expect(doc.zones).toEqual({ gate: { kind: 'gate' } });
    expect(setAt(set, ['zones', 'plaza', 'density', 'warning', 'raise'], undefined)).toEqual(doc);
  });
});
