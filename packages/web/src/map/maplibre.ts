import * as maplibregl from 'maplibre-gl/dist/maplibre-gl-csp.js';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-csp-worker.js?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { Protocol } from 'pmtiles';

// The dashboard's CSP allows scripts and workers from this origin only: MapLibre's CSP build loads
// its worker from a file Vite bundles next to the page instead of a blob: URL.
maplibregl.setWorkerUrl(workerUrl);
// `pmtiles://<url>` sources read an archive by HTTP byte ranges (served by the API), no tile server.
maplibregl.addProtocol('pmtiles', new Protocol().tile);

export { maplibregl };
