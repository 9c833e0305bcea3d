import type { ZonesDocument } from '../api/api-types.js';
import type { LineTotals } from './use-stream-live.js';
import type { AnalysisMessage, TrackPoint, ZoneReading } from '@raqib/core';

export const OVERLAYS = ['heatmap', 'points', 'tracks', 'zones', 'flow', 'counters'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** Maps analysis pixels to canvas pixels. */
export interface View {
  sx: number;
  sy: number;
}

/** Colour of a zone by its level (Fruin A-F or Still's class), grey when no level is known. */
export function levelColor(reading: ZoneReading | undefined): string {
  const level = reading?.fruinLevel ?? reading?.stillClass;
  switch (level) {
    case 'A':
    case 'B':
    case 'free':
    case 'stable':
      return '#58d68d';
    case 'C':
    case 'capacity':
      return '#ffd84d';
    case 'D':
    case 'unstable':
      return '#ff9a52';
    case 'E':
    case 'F':
    case 'congested':
      return '#ff4d5e';
    default:
      return '#9ec9ff';
  }
}

function heatColor(t: number): [number, number, number, number] {
  // transparent -> blue -> yellow -> red, alpha growing with density
  const c = Math.min(1, Math.max(0, t));
  if (c < 0.5) return [40 + 400 * c, 120 + 240 * c, 255 - 400 * c, 60 + 200 * c];
  return [255, 360 - 400 * (c - 0.5) * 1.6, 55 - 100 * (c - 0.5), 160 + 80 * c];
}

/**
 * The density heatmap: the model's grid when the analysis has one, otherwise a kernel density of
 * the head points (the demo drone and point sources have no grid).
 */
export function drawHeatmap(
  ctx: CanvasRenderingContext2D,
  view: View,
  analysis: AnalysisMessage,
  points: number[],
): void {
  let cols: number;
  let rows: number;
  let cellPx: number;
  let values: ArrayLike<number>;
  if (analysis.density) {
    ({ cols, rows, cellPx, values } = analysis.density);
  } else {
    cellPx = Math.max(4, analysis.widthPx / 48);
    cols = Math.ceil(analysis.widthPx / cellPx);
    rows = Math.ceil(analysis.heightPx / cellPx);
    const grid = new Float32Array(cols * rows);
    for (let i = 0; i + 1 < points.length; i += 2) {
      const cx = Math.floor(points[i]! / cellPx);
      const cy = Math.floor(points[i + 1]! / cellPx);
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const x = cx + dx;
          const y = cy + dy;
          if (x < 0 || y < 0 || x >= cols || y >= rows) continue;
          grid[y * cols + x]! += Math.exp(-(dx * dx + dy * dy) / 2);
        }
      }
    }
    values = grid;
  }
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  if (max <= 0) return;
  const image = new ImageData(cols, rows);
  for (let i = 0; i < cols * rows; i++) {
    const [r, g, b, a] = heatColor((values[i] ?? 0) / max);
    const v = (values[i] ?? 0) / max;
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = v < 0.05 ? 0 : a;
  }
  const grid = document.createElement('canvas');
  grid.width = cols;
  grid.height = rows;
  grid.getContext('2d')!.putImageData(image, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.globalAlpha = 0.65;
  ctx.drawImage(grid, 0, 0, cols * cellPx * view.sx, rows * cellPx * view.sy);
  ctx.restore();
}

export function drawPoints(ctx: CanvasRenderingContext2D, view: View, points: number[]): void {
  ctx.save();
  ctx.fillStyle = '#00e5ff';
  ctx.strokeStyle = '#001a1f';
  ctx.lineWidth = 1;
  for (let i = 0; i + 1 < points.length; i += 2) {
    ctx.beginPath();
    ctx.arc(points[i]! * view.sx, points[i + 1]! * view.sy, 3, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
}

/** Track tails: the last positions of each track id, kept by the caller across frames. */
export type TrackTails = Map<number, { x: number; y: number }[]>;
const TAIL_LENGTH = 10;

export function updateTails(tails: TrackTails, tracks: TrackPoint[]): void {
  const seen = new Set<number>();
  for (const track of tracks) {
    seen.add(track.id);
    const tail = tails.get(track.id) ?? [];
    tail.push({ x: track.xPx, y: track.yPx });
    if (tail.length > TAIL_LENGTH) tail.shift();
    tails.set(track.id, tail);
  }
  for (const id of [...tails.keys()]) if (!seen.has(id)) tails.delete(id);
}

export function drawTracks(ctx: CanvasRenderingContext2D, view: View, tails: TrackTails): void {
  ctx.save();
  ctx.lineWidth = 2;
  ctx.lineCap = 'round';
  for (const [id, tail] of tails) {
    if (tail.length < 2) continue;
    ctx.strokeStyle = `hsl(${(id * 47) % 360} 90% 65%)`;
    ctx.beginPath();
    tail.forEach((p, i) =>
      i === 0 ? ctx.moveTo(p.x * view.sx, p.y * view.sy) : ctx.lineTo(p.x * view.sx, p.y * view.sy),
    );
    ctx.stroke();
  }
  ctx.restore();
}

function arrow(ctx: CanvasRenderingContext2D, x: number, y: number, dx: number, dy: number): void {
  const length = Math.hypot(dx, dy);
  if (length < 1) return;
  const ux = dx / length;
  const uy = dy / length;
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x + dx, y + dy);
  ctx.moveTo(x + dx, y + dy);
  ctx.lineTo(x + dx - 7 * ux + 4 * uy, y + dy - 7 * uy - 4 * ux);
  ctx.moveTo(x + dx, y + dy);
  ctx.lineTo(x + dx - 7 * ux - 4 * uy, y + dy - 7 * uy + 4 * ux);
  ctx.stroke();
}

/** Flow arrows: the mean velocity of the tracks in each cell of a coarse grid (one second of motion). */
export function drawFlow(
  ctx: CanvasRenderingContext2D,
  view: View,
  widthPx: number,
  heightPx: number,
  tracks: TrackPoint[],
): void {
  const cols = 8;
  const rows = Math.max(2, Math.round((cols * heightPx) / widthPx));
  const sums = new Map<number, { x: number; y: number; vx: number; vy: number; n: number }>();
  for (const t of tracks) {
    const key =
      Math.min(rows - 1, Math.floor((t.yPx / heightPx) * rows)) * cols +
      Math.min(cols - 1, Math.floor((t.xPx / widthPx) * cols));
    const cell = sums.get(key) ?? { x: 0, y: 0, vx: 0, vy: 0, n: 0 };
    cell.x += t.xPx;
    cell.y += t.yPx;
    cell.vx += t.vxPxPerS;
    cell.vy += t.vyPxPerS;
    cell.n++;
    sums.set(key, cell);
  }
  ctx.save();
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 3;
  ctx.shadowColor = '#000';
  ctx.shadowBlur = 3;
  for (const cell of sums.values()) {
    if (cell.n < 2) continue;
    arrow(
      ctx,
      (cell.x / cell.n) * view.sx,
      (cell.y / cell.n) * view.sy,
      (cell.vx / cell.n) * view.sx,
      (cell.vy / cell.n) * view.sy,
    );
  }
  ctx.restore();
}

type Feature = NonNullable<ZonesDocument['document']['features']>[number];

function featureId(feature: Feature): string {
  const id = feature.properties?.['id'] ?? feature.id;
  return id === undefined ? '' : String(id);
}

/** Image-space zone coordinates in analysis pixels (relative 0-1 coordinates are scaled to the frame). */
function toPx(coords: number[][], widthPx: number, heightPx: number): [number, number][] {
  const relative = coords.every(([x, y]) => Math.abs(x ?? 0) <= 1.5 && Math.abs(y ?? 0) <= 1.5);
  return coords.map(([x, y]) => (relative ? [(x ?? 0) * widthPx, (y ?? 0) * heightPx] : [x ?? 0, y ?? 0]));
}

export interface ZoneShape {
  id: string;
  kind: 'area' | 'line';
  points: [number, number][];
}

/** The image-space areas and lines of a zones document (geo zones are drawn on the map, not here). */
export function zoneShapes(
  document: ZonesDocument['document'] | undefined,
  widthPx: number,
  heightPx: number,
): ZoneShape[] {
  const shapes: ZoneShape[] = [];
  for (const feature of document?.features ?? []) {
    if (!feature.geometry || feature.properties?.['space'] === 'geo') continue;
    const id = featureId(feature);
    if (feature.geometry.type === 'Polygon') {
      const ring = (feature.geometry.coordinates as number[][][])[0] ?? [];
      shapes.push({ id, kind: 'area', points: toPx(ring, widthPx, heightPx) });
    } else if (feature.geometry.type === 'LineString') {
      shapes.push({ id, kind: 'line', points: toPx(feature.geometry.coordinates as number[][], widthPx, heightPx) });
    }
  }
  return shapes;
}

export function drawZones(
  ctx: CanvasRenderingContext2D,
  view: View,
  shapes: ZoneShape[],
  readings: ZoneReading[],
): void {
  ctx.save();
  ctx.font = '600 13px system-ui, sans-serif';
  for (const shape of shapes) {
    const color = levelColor(readings.find((r) => r.zoneId === shape.id));
    ctx.strokeStyle = color;
    ctx.lineWidth = shape.kind === 'line' ? 4 : 2.5;
    ctx.setLineDash(shape.kind === 'line' ? [] : [8, 4]);
    ctx.beginPath();
    shape.points.forEach(([x, y], i) =>
      i === 0 ? ctx.moveTo(x * view.sx, y * view.sy) : ctx.lineTo(x * view.sx, y * view.sy),
    );
    if (shape.kind === 'area') {
      ctx.closePath();
      ctx.fillStyle = color + '22';
      ctx.fill();
    }
    ctx.stroke();
    const [x0, y0] = shape.points[0] ?? [0, 0];
    label(ctx, shape.id, x0 * view.sx + 4, y0 * view.sy - 6, color);
  }
  ctx.restore();
}

function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, color: string): void {
  const width = ctx.measureText(text).width;
  ctx.fillStyle = 'rgba(8,12,16,0.8)';
  ctx.fillRect(x - 3, y - 13, width + 6, 17);
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

/** In/out counters next to each line (formatted by the caller in the user's language and digits). */
export function drawCounters(
  ctx: CanvasRenderingContext2D,
  view: View,
  shapes: ZoneShape[],
  totals: LineTotals,
  format: (counts: { in: number; out: number }) => string,
): void {
  ctx.save();
  ctx.font = '700 14px system-ui, sans-serif';
  for (const shape of shapes) {
    if (shape.kind !== 'line') continue;
    const total = totals[shape.id] ?? { in: 0, out: 0 };
    const a: [number, number] = shape.points[0] ?? [0, 0];
    const b: [number, number] = shape.points[shape.points.length - 1] ?? [0, 0];
    const x = ((a[0] + b[0]) / 2) * view.sx + 10;
    const y = ((a[1] + b[1]) / 2) * view.sy + 24;
    label(ctx, format(total), x, y, '#ffffff');
  }
  ctx.restore();
}
