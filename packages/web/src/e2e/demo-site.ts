import sharp from 'sharp';

/**
 * A made-up site for the demo drone, for the map tests and the screenshots: where the drone is
 * (pushed as live telemetry, like a ground station would), a site plan around it (PNG with its four
 * corners) and a geo zone over the simulated crowd's approach to the exit.
 */
export const DEMO_SITE = {
  /** The demo drone's position (a square in Mina, near Makkah), north up. */
  lng: 39.8932,
  lat: 21.4135,
};

const M_PER_DEG_LAT = 111_320;
const mPerDegLng = M_PER_DEG_LAT * Math.cos((DEMO_SITE.lat * Math.PI) / 180);

/** A point `eastM`, `northM` metres from the drone's nadir, as [lng, lat]. */
export function offsetLngLat(eastM: number, northM: number): [number, number] {
  return [
    Number((DEMO_SITE.lng + eastM / mPerDegLng).toFixed(7)),
    Number((DEMO_SITE.lat + northM / M_PER_DEG_LAT).toFixed(7)),
  ];
}

/** The site plan spans 60 m x 40 m around the drone: corners TL, TR, BR, BL. */
export const PLAN_CORNERS: [number, number][] = [
  offsetLngLat(-30, 20),
  offsetLngLat(30, 20),
  offsetLngLat(30, -20),
  offsetLngLat(-30, -20),
];

/**
 * A site plan drawn without text (no fonts needed): paving, two buildings, the barriers that funnel
 * the crowd to the exit, and a grid every 5 m. 600 x 400 px: 0.1 m per pixel.
 */
export async function sitePlanPng(): Promise<Buffer> {
  const grid = Array.from({ length: 13 }, (_, i) => `<line x1="${i * 50}" y1="0" x2="${i * 50}" y2="400"/>`)
    .concat(Array.from({ length: 9 }, (_, i) => `<line x1="0" y1="${i * 50}" x2="600" y2="${i * 50}"/>`))
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400">
    <rect width="600" height="400" fill="#d9d2c3"/>
    <g stroke="#c4bba8" stroke-width="1">${grid}</g>
    <rect x="20" y="20" width="170" height="90" fill="#9c8f7a" stroke="#6b604f" stroke-width="3"/>
    <rect x="420" y="280" width="160" height="100" fill="#9c8f7a" stroke="#6b604f" stroke-width="3"/>
    <path d="M 230 130 L 370 130 L 370 190 M 370 210 L 370 270 L 230 270" fill="none" stroke="#3d5a80" stroke-width="6"/>
    <rect x="380" y="175" width="40" height="50" fill="#e0c36d"/>
    <circle cx="110" cy="300" r="40" fill="#8fb573"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The geo zone over the crowd's approach to the exit (the middle of the demo frame, 8 m x 6 m). */
export function approachGeoZone(id = 'plaza-geo') {
  const ring = [offsetLngLat(-3, 3), offsetLngLat(5, 3), offsetLngLat(5, -3), offsetLngLat(-3, -3)];
  return {
    type: 'Feature',
    properties: { id, name: 'Approach (map)', kind: 'queue', space: 'geo', capacity: 120 },
    geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] },
  };
}

/** Pushes the demo drone's position every `everyMs` until stopped (live telemetry goes stale after 5 s). */
export function pushDemoTelemetry(
  call: (method: string, path: string, body?: unknown) => Promise<unknown>,
  everyMs = 1000,
): () => void {
  const push = () =>
    call('POST', '/streams/demo-drone/telemetry', {
      timeMs: Date.now(),
      lat: DEMO_SITE.lat,
      lng: DEMO_SITE.lng,
      headingDeg: 0,
    }).catch(() => undefined);
  void push();
  const timer = setInterval(push, everyMs);
  return () => clearInterval(timer);
}
