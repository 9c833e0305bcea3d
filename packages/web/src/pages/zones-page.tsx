import { lazyPage } from '../lazy-page.js';

/**
 * The zones and rules editor, loaded on first visit: its map mode shares MapLibre's chunk with the
 * map page, and the rule defaults come from core.
 */
export const ZonesPage = lazyPage(() => import('../zones/zones-editor-page.js').then((m) => m.ZonesEditorPage));
