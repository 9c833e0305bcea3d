import { lazyPage } from '../lazy-page.js';

/**
 * The event map. Its code (MapLibre GL, ~250 KB gzip, and the PMTiles reader) is a chunk of its own,
 * loaded on the first visit, so that the live view and the sign-in page do not carry it.
 */
export const MapPage = lazyPage(() => import('../map/event-map-page.js').then((m) => m.EventMapPage));
