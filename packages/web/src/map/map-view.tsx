import type { FeatureCollection } from 'geojson';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatNumber, t } from '../i18n/i18n.js';
import type { Basemap, LngLat } from './basemap-api.js';
import type { DronePlacement } from './drone-footprint.js';
import { maplibregl } from './maplibre.js';
import './map.css';

export interface MapDrone {
  streamId: string;
  name: string;
  placement: DronePlacement;
}

/** A shape being drawn (zones editor, geo space): its vertices so far. */
export interface MapSketch {
  kind: 'area' | 'line';
  vertices: LngLat[];
}

export interface MapViewProps {
  basemap: Basemap | null;
  /** Zones with their colour and density (zone-shading.ts `zonesGeoJson`). */
  zones: FeatureCollection;
  drones: readonly MapDrone[];
  selectedZoneKey?: string | null;
  onZoneClick?: (key: string) => void;
  /** Drawing: clicks (and Space at the centre cross) add a vertex. */
  sketch?: MapSketch | null;
  onMapPoint?: (lngLat: LngLat) => void;
  /** Called once with the map's centre, for the editor's keyboard vertex. */
  onCentre?: (lngLat: LngLat) => void;
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
const NICE_STEPS = [1, 2, 5];

/** Largest 1/2/5 x 10^n at most `metres`. */
function niceMetres(metres: number): number {
  const power = 10 ** Math.floor(Math.log10(metres));
  let best = power;
  for (const step of NICE_STEPS) if (step * power <= metres) best = step * power;
  return best;
}

/** The base layer's sources and layers: an image with its corners, or raster/vector PMTiles. */
async function baseStyle(basemap: Basemap | null): Promise<maplibregl.StyleSpecification> {
  const style: maplibregl.StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#18212b' } }],
  };
  if (!basemap) return style;
  if (basemap.kind === 'image' && basemap.corners?.length === 4) {
    const [tl, tr, br, bl] = basemap.corners as [LngLat, LngLat, LngLat, LngLat];
    style.sources['base'] = { type: 'image', url: basemap.url, coordinates: [tl, tr, br, bl] };
    style.layers.push({ id: 'base', type: 'raster', source: 'base' });
    return style;
  }
  const url = `pmtiles://${location.origin}${basemap.url}`;
  const zooms = {
    ...(basemap.minZoom !== null ? { minzoom: basemap.minZoom } : {}),
    ...(basemap.maxZoom !== null ? { maxzoom: basemap.maxZoom } : {}),
    ...(basemap.bounds ? { bounds: basemap.bounds } : {}),
  };
  if (basemap.tileType !== 'mvt') {
    style.sources['base'] = { type: 'raster', url, tileSize: 256, ...zooms };
    style.layers.push({ id: 'base', type: 'raster', source: 'base' });
    return style;
  }
  // Vector tiles: no style came with them, so every layer is drawn plainly (fills, lines, points).
  const { PMTiles } = await import('pmtiles');
  const metadata = (await new PMTiles(`${location.origin}${basemap.url}`).getMetadata()) as {
    vector_layers?: { id: string }[];
  };
  style.sources['base'] = { type: 'vector', url, ...zooms };
  for (const layer of metadata.vector_layers ?? []) {
    const common = { source: 'base', 'source-layer': layer.id };
    style.layers.push(
      {
        id: `base-${layer.id}-fill`,
        type: 'fill',
        ...common,
        filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'fill-color': '#2c3a4a', 'fill-outline-color': '#4a5d72' },
      },
      {
        id: `base-${layer.id}-line`,
        type: 'line',
        ...common,
        filter: ['==', ['geometry-type'], 'LineString'],
        paint: { 'line-color': '#6d8199', 'line-width': 1 },
      },
      {
        id: `base-${layer.id}-point`,
        type: 'circle',
        ...common,
        filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-color': '#6d8199', 'circle-radius': 2 },
      },
    );
  }
  return style;
}

/** Sources and layers of what Raqib draws over the base: footprints, zones, the sketch. */
function addOverlays(map: maplibregl.Map): void {
  map.addSource('footprints', { type: 'geojson', data: EMPTY });
  map.addSource('zones', { type: 'geojson', data: EMPTY });
  map.addSource('sketch', { type: 'geojson', data: EMPTY });
  map.addLayer({
    id: 'footprints-fill',
    type: 'fill',
    source: 'footprints',
    paint: { 'fill-color': '#6cb6ff', 'fill-opacity': 0.08 },
  });
  map.addLayer({
    id: 'footprints-line',
    type: 'line',
    source: 'footprints',
    paint: { 'line-color': '#6cb6ff', 'line-width': 1.5, 'line-dasharray': [3, 2] },
  });
  map.addLayer({
    id: 'zones-fill',
    type: 'fill',
    source: 'zones',
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'fill-color': ['get', 'colour'], 'fill-opacity': 0.7, 'fill-outline-color': '#000000' },
  });
  map.addLayer({
    id: 'zones-outline',
    type: 'line',
    source: 'zones',
    paint: {
      'line-color': ['case', ['boolean', ['get', 'selected'], false], '#ffffff', ['get', 'colour']],
      'line-width': [
        'case',
        ['==', ['geometry-type'], 'LineString'],
        5,
        ['boolean', ['get', 'selected'], false],
        3,
        1.5,
      ],
    },
  });
  map.addLayer({
    id: 'sketch-line',
    type: 'line',
    source: 'sketch',
    paint: { 'line-color': '#ffffff', 'line-width': 2, 'line-dasharray': [2, 1] },
  });
  map.addLayer({
    id: 'sketch-vertices',
    type: 'circle',
    source: 'sketch',
    filter: ['==', ['geometry-type'], 'Point'],
    paint: {
      'circle-radius': 4,
      'circle-color': '#ffffff',
      'circle-stroke-color': '#000000',
      'circle-stroke-width': 1,
    },
  });
}

function sketchGeoJson(sketch: MapSketch | null | undefined): FeatureCollection {
  if (!sketch || sketch.vertices.length === 0) return EMPTY;
  const ring =
    sketch.kind === 'area' && sketch.vertices.length > 2 ? [...sketch.vertices, sketch.vertices[0]!] : sketch.vertices;
  return {
    type: 'FeatureCollection',
    features: [
      ...(ring.length > 1
        ? [{ type: 'Feature' as const, properties: {}, geometry: { type: 'LineString' as const, coordinates: ring } }]
        : []),
      ...sketch.vertices.map((vertex) => ({
        type: 'Feature' as const,
        properties: {},
        geometry: { type: 'Point' as const, coordinates: vertex },
      })),
    ],
  };
}

function boundsOf(points: LngLat[]): maplibregl.LngLatBoundsLike | null {
  if (points.length === 0) return null;
  const lngs = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  return [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)];
}

/**
 * The event map (MapLibre GL, no internet: no remote style, glyphs or tiles): the uploaded base
 * layer, drone positions and camera footprints, geo zones shaded by their Fruin level, a scale bar
 * and the coordinates under the pointer (or of the centre). Interface strings of MapLibre's own
 * controls go through i18n.
 */
export function MapView(props: MapViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const markers = useRef(new Map<string, maplibregl.Marker>());
  const latest = useRef(props);
  latest.current = props;
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [scale, setScale] = useState<{ widthPx: number; metres: number } | null>(null);
  const [pointer, setPointer] = useState<LngLat | null>(null);
  const [centre, setCentre] = useState<LngLat | null>(null);
  const fitted = useRef(false);
  const basemapKey = props.basemap ? `${props.basemap.url}#${props.basemap.uploadedAtMs}` : '';

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    let map: maplibregl.Map | null = null;
    let cancelled = false;
    setReady(false);
    fitted.current = false;
    void baseStyle(props.basemap).then(
      (style) => {
        if (cancelled) return;
        try {
          map = new maplibregl.Map({
            container: element,
            style,
            center: [0, 0],
            zoom: 1,
            attributionControl: false,
            locale: {
              'NavigationControl.ZoomIn': t('map.zoomIn'),
              'NavigationControl.ZoomOut': t('map.zoomOut'),
              'NavigationControl.ResetBearing': t('map.resetBearing'),
              'Map.Title': t('map.title'),
              'Marker.Title': t('map.droneMarker'),
            },
          });
        } catch (error) {
          setFailed((error as Error).message);
          return;
        }
        mapRef.current = map;
        map.addControl(new maplibregl.NavigationControl({ visualizePitch: false }), 'top-right');
        const current = map;
        const updateScale = () => {
          const canvas = current.getCanvas();
          const y = canvas.clientHeight / 2;
          const a = current.unproject([0, y]);
          const b = current.unproject([100, y]);
          const metresPer100 = a.distanceTo(b);
          if (!(metresPer100 > 0)) return;
          const metres = niceMetres(metresPer100);
          setScale({ metres, widthPx: (metres / metresPer100) * 100 });
          const c = current.getCenter();
          setCentre([c.lng, c.lat]);
        };
        current.on('load', () => {
          addOverlays(current);
          setReady(true);
          const fit = props.basemap?.bounds;
          if (fit) {
            current.fitBounds(fit, { padding: 20, duration: 0 });
            fitted.current = true;
          }
          updateScale();
          const c = current.getCenter();
          latest.current.onCentre?.([c.lng, c.lat]);
        });
        current.on('moveend', () => {
          updateScale();
          const c = current.getCenter();
          latest.current.onCentre?.([c.lng, c.lat]);
        });
        current.on('mousemove', (event) => setPointer([event.lngLat.lng, event.lngLat.lat]));
        current.on('mouseout', () => setPointer(null));
        current.on('click', (event) => {
          const { onMapPoint, onZoneClick, sketch } = latest.current;
          if (sketch && onMapPoint) {
            onMapPoint([event.lngLat.lng, event.lngLat.lat]);
            return;
          }
          const hit = current.queryRenderedFeatures(event.point, { layers: ['zones-fill', 'zones-outline'] })[0];
          const key = hit?.properties?.['key'];
          if (typeof key === 'string') onZoneClick?.(key);
        });
        // What is actually drawn (read back from the renderer): zones with their level, for the tests.
        // On render at most twice a second (with live readings the map is rarely idle), and when idle.
        let readBackMs = 0;
        const readBack = () => {
          if (!current.getLayer('zones-fill')) return;
          readBackMs = performance.now();
          const drawn = current
            .queryRenderedFeatures({ layers: ['zones-fill'] })
            .map((f) => `${String(f.properties?.['zoneId'])}:${String(f.properties?.['level'] ?? '-')}`);
          element.dataset['renderedZones'] = [...new Set(drawn)].sort().join(' ');
          element.dataset['basemapLoaded'] = String(
            Boolean(current.getSource('base')) && current.isSourceLoaded('base'),
          );
        };
        current.on('render', () => performance.now() - readBackMs >= 500 && readBack());
        current.on('idle', readBack);
        current.on('error', (event) => {
          // A missing tile or image is shown as a gap; say why once in the status line.
          setFailed((event.error as Error | undefined)?.message ?? 'map error');
        });
      },
      (error: Error) => setFailed(error.message),
    );
    return () => {
      cancelled = true;
      for (const marker of markers.current.values()) marker.remove();
      markers.current.clear();
      map?.remove();
      mapRef.current = null;
    };
    // The style is rebuilt only when another base map is uploaded.
  }, [basemapKey]);

  // Zones (coloured by level), the selected one outlined.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const data = {
      ...props.zones,
      features: props.zones.features.map((f) => ({
        ...f,
        properties: { ...f.properties, selected: f.properties?.['key'] === props.selectedZoneKey },
      })),
    };
    (map.getSource('zones') as maplibregl.GeoJSONSource | undefined)?.setData(data);
    if (!fitted.current) {
      const points = props.zones.features.flatMap((f) =>
        f.geometry.type === 'Polygon'
          ? (f.geometry.coordinates[0] as LngLat[])
          : f.geometry.type === 'LineString'
            ? (f.geometry.coordinates as LngLat[])
            : [],
      );
      const bounds = boundsOf([...points, ...props.drones.flatMap((d) => d.placement.footprint)]);
      if (bounds) {
        map.fitBounds(bounds, { padding: 60, duration: 0, maxZoom: 20 });
        fitted.current = true;
      }
    }
  }, [props.zones, props.selectedZoneKey, ready]);

  // Drones: a marker each (name as data, not interface text) and their footprints.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const seen = new Set<string>();
    for (const drone of props.drones) {
      seen.add(drone.streamId);
      let marker = markers.current.get(drone.streamId);
      if (!marker) {
        const element = document.createElement('div');
        element.className = 'drone-marker';
        element.dataset['testid'] = 'drone-marker';
        const label = document.createElement('bdi');
        label.setAttribute('translate', 'no');
        label.textContent = drone.name;
        element.append(label);
        marker = new maplibregl.Marker({ element, anchor: 'left' }).setLngLat(drone.placement.position).addTo(map);
        markers.current.set(drone.streamId, marker);
      } else marker.setLngLat(drone.placement.position);
    }
    for (const [id, marker] of markers.current) {
      if (!seen.has(id)) {
        marker.remove();
        markers.current.delete(id);
      }
    }
    (map.getSource('footprints') as maplibregl.GeoJSONSource | undefined)?.setData({
      type: 'FeatureCollection',
      features: props.drones
        .filter((d) => d.placement.footprint.length >= 4)
        .map((d) => ({
          type: 'Feature',
          properties: { streamId: d.streamId },
          geometry: { type: 'Polygon', coordinates: [d.placement.footprint] },
        })),
    });
  }, [props.drones, ready]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.getSource('sketch') as maplibregl.GeoJSONSource | undefined)?.setData(sketchGeoJson(props.sketch));
  }, [props.sketch, ready]);

  const shown = pointer ?? centre;
  const metresText = (m: number) =>
    m >= 1000 ? t('map.kilometres', { value: formatNumber(m / 1000) }) : t('map.metres', { value: formatNumber(m) });
  return (
    <div class="map-view">
      <div
        ref={host}
        class={`map-canvas${props.sketch ? ' drawing' : ''}`}
        data-testid="map"
        data-basemap={props.basemap?.kind ?? 'none'}
        data-ready={String(ready)}
        role="application"
        aria-label={t('map.canvasLabel')}
      />
      {props.sketch ? <div class="map-crosshair" aria-hidden="true" /> : null}
      <div class="map-status">
        {scale ? (
          <span class="map-scale" data-testid="map-scale">
            <span class="map-scale-bar" style={{ width: `${scale.widthPx}px` }} />
            {metresText(scale.metres)}
          </span>
        ) : null}
        {shown ? (
          <span class="map-coords" data-testid="map-coords">
            {t('map.coordinates', {
              lat: formatNumber(Math.abs(shown[1]), 6),
              // Not `lng` or `ns`: i18next reads those options as the language and the namespace.
              lon: formatNumber(Math.abs(shown[0]), 6),
              northSouth: shown[1] >= 0 ? t('map.north') : t('map.south'),
              eastWest: shown[0] >= 0 ? t('map.east') : t('map.west'),
            })}
          </span>
        ) : null}
        {failed ? (
          <span role="alert" class="form-error">
            {t('map.failed', { message: failed })}
          </span>
        ) : null}
      </div>
    </div>
  );
}
