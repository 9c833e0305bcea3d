import { api, ApiError } from '../api/api-client.js';

export type LngLat = [number, number];

/** `GET /api/v1/events/:id/basemap` (see docs/server.md). */
export interface Basemap {
  eventId: string;
  kind: 'image' | 'pmtiles';
  mediaType: string;
  bytes: number;
  /** Image corners: top-left, top-right, bottom-right, bottom-left. */
  corners: LngLat[] | null;
  /** [west, south, east, north]. */
  bounds: [number, number, number, number] | null;
  tileType: string | null;
  minZoom: number | null;
  maxZoom: number | null;
  uploadedAtMs: number;
  url: string;
}

/** The event's base map, or null when it has none. */
export async function fetchBasemap(eventId: string): Promise<Basemap | null> {
  try {
    return await api<Basemap>('GET', `/events/${encodeURIComponent(eventId)}/basemap`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** The content type the server expects for a chosen file (by its type, else its name). */
export function basemapMediaType(file: { name: string; type: string }): string {
  if (file.type === 'image/png' || file.type === 'image/jpeg') return file.type;
  const name = file.name.toLowerCase();
  if (name.endsWith('.pmtiles')) return 'application/vnd.pmtiles';
  if (name.endsWith('.png')) return 'image/png';
  if (name.endsWith('.jpg') || name.endsWith('.jpeg')) return 'image/jpeg';
  return file.type || 'application/octet-stream';
}

/**
 * Uploads a base map file as the request body (not JSON: orthophotos and archives are large). Same
 * session and CSRF token as every other change (`api-client.ts` keeps the token in sessionStorage).
 */
export async function uploadBasemap(eventId: string, file: Blob & { name: string }, corners: LngLat[] | null) {
  const query = corners ? `?corners=${corners.flat().join(',')}` : '';
  const headers: Record<string, string> = { 'content-type': basemapMediaType(file), accept: 'application/json' };
  try {
    const token = sessionStorage.getItem('raqib.csrf');
    if (token) headers['x-csrf-token'] = token;
  } catch {
    // no sessionStorage: the server answers 403 and says so
  }
  const response = await fetch(`/api/v1/events/${encodeURIComponent(eventId)}/basemap${query}`, {
    method: 'PUT',
    headers,
    credentials: 'same-origin',
    body: file,
  });
  const payload = (await response.json().catch(() => null)) as
    (Basemap & { error?: undefined }) | { error?: { code: string; message: string } } | null;
  if (!response.ok) {
    const error = payload?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? response.statusText,
    );
  }
  return payload as Basemap;
}
