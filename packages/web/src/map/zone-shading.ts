import type { ZoneReading } from '@raqib/core';
import type { ZonesDocument } from '../api/api-types.js';
import type { LngLat } from './basemap-api.js';

export type FruinLetter = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

/** Fruin level of service colours, free (green) to jammed (dark red); legible on dark and light plans. */
export const FRUIN_COLOURS: Readonly<Record<FruinLetter, string>> = {
  A: '#1a9850',
  B: '#66bd63',
  C: '#d9ef8b',
  D: '#fee08b',
  E: '#f46d43',
  F: '#a50026',
};

export interface GeoZone {
  id: string;
  streamId: string;
  kind: 'area' | 'line';
  name?: string;
  coordinates: LngLat[];
}

/** The geo-space zones (`space: geo`) of a stream's zones document, in lng/lat. */
export function geoZones(streamId: string, document: ZonesDocument['document'] | undefined): GeoZone[] {
  const zones: GeoZone[] = [];
  for (const feature of document?.features ?? []) {
    const properties = feature.properties ?? {};
    if (properties['space'] !== 'geo' || !feature.geometry) continue;
    const id = String(properties['id'] ?? feature.id ?? '');
    const name = typeof properties['name'] === 'string' ? properties['name'] : undefined;
    if (feature.geometry.type === 'Polygon') {
      const ring = ((feature.geometry.coordinates as number[][][])[0] ?? []).map(([x, y]) => [x!, y!] as LngLat);
      zones.push({ id, streamId, kind: 'area', coordinates: ring, ...(name ? { name } : {}) });
    } else if (feature.geometry.type === 'LineString') {
      const line = (feature.geometry.coordinates as number[][]).map(([x, y]) => [x!, y!] as LngLat);
      zones.push({ id, streamId, kind: 'line', coordinates: line, ...(name ? { name } : {}) });
    }
  }
  return zones;
}

/** The GeoJSON the map's zone layers draw: each zone with its latest density, level and colour. */
export function zonesGeoJson(zones: readonly GeoZone[], latest: ReadonlyMap<string, ZoneReading>) {
  return {
    type: 'FeatureCollection' as const,
    features: zones.map((zone) => {
      const reading = latest.get(`${zone.streamId}/${zone.id}`);
      const level = reading?.fruinLevel;
      return {
        type: 'Feature' as const,
        properties: {
          key: `${zone.streamId}/${zone.id}`,
          zoneId: zone.id,
          streamId: zone.streamId,
          densityPerM2: reading?.densityPerM2 ?? null,
          level: level ?? null,
          colour: level ? FRUIN_COLOURS[level] : '#8a9bb0',
        },
        geometry:
          zone.kind === 'area'
            ? { type: 'Polygon' as const, coordinates: [zone.coordinates] }
            : { type: 'LineString' as const, coordinates: zone.coordinates },
      };
    }),
  };
}
