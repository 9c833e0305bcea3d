/**
 * Tracking acceptance evaluation: real DroneCrowd / UP-COUNT head trajectories, degraded the way a
 * point detector would degrade them (seeded), tracked by CrowdTracker and by a 40-line alpha-beta +
 * Hungarian baseline, scored with IDF1 / MOTA / id switches / HOTA, plus line-crossing counts.
 *
 * Usage: node packages/server/dist/bench/tracking-degradation.js [--root ../shared/datasets]
 *   [--levels standard,hard,shaky] [--limit N] [--seed S] [--max-dist PX] [--json FILE]
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CrowdTracker,
  DEGRADATION_LEVELS,
  degradeTracks,
  Detections,
  evaluateTracks,
  LineCounter,
  type CountingLine,
  seededRandom,
  sparseAssignment,
  assignmentCandidates,
  SpatialGrid,
  type PointFrame,
  type TrackEvaluation,
  type TrackFrame,
} from '@raqib/core';
import { readTrackCsv } from '../tracking-data/index.js';

const FPS = 25;

/**
 * Baseline settings per level, tuned for the baseline on these sequences (gate, gains) so that the
 * comparison is against a fair alpha-beta tracker, not a strawman.
 */
const BASELINE_SETTINGS: Record<string, Parameters<typeof alphaBetaBaseline>[1]> = {
  standard: { alpha: 0.3, beta: 0.02, gatePx: 12 },
  hard: { alpha: 0.5, beta: 0.1, gatePx: 20 },
  shaky: { alpha: 0.3, beta: 0.02, gatePx: 12 },
};

/** The baseline the issue names: alpha-beta filter, Hungarian on distance, tracks born at once. */
export function alphaBetaBaseline(
  detections: readonly PointFrame[],
  { alpha = 0.3, beta = 0.02, gatePx = 12, maxMisses = 5, minHits = 2 } = {},
): TrackFrame[] {
  // alpha, beta: position and velocity correction gains; gatePx: farthest match; maxMisses: frames
  // a track survives unmatched; minHits: matches before a track is reported.
  type T = { id: number; x: number; y: number; vx: number; vy: number; misses: number; hits: number };
  let tracks: T[] = [];
  let nextId = 1;
  const out: TrackFrame[] = [];
  for (const frame of detections) {
    for (const t of tracks) {
      t.x += t.vx;
      t.y += t.vy;
    }
    const grid = new SpatialGrid(frame.xy, gatePx);
    const candidates = assignmentCandidates();
    tracks.forEach((t, row) =>
      grid.forEachWithin(t.x, t.y, gatePx, (col, d2) => {
        candidates.rows.push(row);
        candidates.cols.push(col);
        candidates.costs.push(Math.sqrt(d2));
      }),
    );
    const match = sparseAssignment(candidates, tracks.length, frame.xy.length >> 1, gatePx);
    const taken = new Uint8Array(frame.xy.length >> 1);
    const ids: number[] = [];
    const xy: number[] = [];
    tracks.forEach((t, row) => {
      const j = match[row]!;
      if (j < 0) return void t.misses++;
      const rx = frame.xy[2 * j]! - t.x;
      const ry = frame.xy[2 * j + 1]! - t.y;
      t.x += alpha * rx;
      t.y += alpha * ry;
      t.vx += beta * rx;
      t.vy += beta * ry;
      t.misses = 0;
      taken[j] = 1;
      if (++t.hits < minHits) return;
      ids.push(t.id);
      xy.push(t.x, t.y);
    });
    tracks = tracks.filter((t) => t.misses <= maxMisses);
    for (let j = 0; j < taken.length; j++) {
      if (taken[j]) continue;
      const t = { id: nextId++, x: frame.xy[2 * j]!, y: frame.xy[2 * j + 1]!, vx: 0, vy: 0, misses: 0, hits: 1 };
      tracks.push(t);
      if (minHits > 1) continue;
      ids.push(t.id);
      xy.push(t.x, t.y);
    }
    out.push({ frame: frame.frame, ids: Int32Array.from(ids), xy: Float32Array.from(xy) });
  }
  return out;
}

/** Runs CrowdTracker over point frames and returns the reported tracks per frame. */
export function runCrowdTracker(detections: readonly PointFrame[], seed: number): TrackFrame[] {
  const tracker = new CrowdTracker({ random: seededRandom(seed) });
  return detections.map((frame) => {
    tracker.update(Detections.fromPoints(frame.xy, frame.score), { timeS: frame.frame / FPS });
    const active = tracker.activeTracks();
    const xy = new Float32Array(2 * active.length);
    active.forEach((t, k) => {
      xy[2 * k] = t.xPx;
      xy[2 * k + 1] = t.yPx;
    });
    return { frame: frame.frame, ids: Int32Array.from(active, (t) => t.id), xy };
  });
}

/**
 * Whether a sequence's ids are identities: they are not merely each frame's row index (0..n-1 in
 * order of y, as in every UP-COUNT file), and the same id moves less between consecutive frames than
 * half the typical distance between neighbours.
 */
export function idsAreIdentities(frames: readonly TrackFrame[]): boolean {
  const perFrameIndex = frames.every((frame) => {
    const byId = Array.from(frame.ids, (id, i) => [id, frame.xy[2 * i + 1]!] as const).sort((a, b) => a[0] - b[0]);
    return byId.every(([id, y], k) => id === k && (k === 0 || y >= byId[k - 1]![1]));
  });
  if (perFrameIndex) return false;
  const steps: number[] = [];
  const spacing: number[] = [];
  for (let k = 1; k < frames.length && steps.length < 5000; k++) {
    const a = frames[k - 1]!;
    const b = frames[k]!;
    if (b.frame !== a.frame + 1) continue;
    const previous = new Map<number, number>();
    a.ids.forEach((id, i) => previous.set(id, i));
    const grid = new SpatialGrid(b.xy, 16);
    b.ids.forEach((id, i) => {
      const j = previous.get(id);
      if (j !== undefined) steps.push(Math.hypot(b.xy[2 * i]! - a.xy[2 * j]!, b.xy[2 * i + 1]! - a.xy[2 * j + 1]!));
      let nearest = Infinity;
      grid.forEachWithin(b.xy[2 * i]!, b.xy[2 * i + 1]!, 200, (m, d2) => {
        if (m !== i && d2 < nearest) nearest = d2;
      });
      if (Number.isFinite(nearest)) spacing.push(Math.sqrt(nearest));
    });
  }
  if (steps.length === 0 || spacing.length === 0) return false;
  return median(steps) < 0.5 * median(spacing);
}

/**
 * Counting lines placed across a frame: horizontal and vertical lines at 1/4, 1/2 and 3/4 of the
 * frame, each spanning it from edge to edge.
 */
export function placeCountingLines(width: number, height: number): CountingLine[] {
  const lines: CountingLine[] = [];
  for (const f of [0.25, 0.5, 0.75]) {
    lines.push({ ax: 0, ay: f * height, bx: width, by: f * height });
    lines.push({ ax: f * width, ay: 0, bx: f * width, by: height });
  }
  return lines;
}

/** Crossings per line (both directions) for a sequence of tracked frames. */
export function countLineCrossings(frames: readonly TrackFrame[], lines: readonly CountingLine[]): number[] {
  const counters = lines.map((line) => new LineCounter(line));
  for (const frame of frames) {
    const positions = Array.from(frame.ids, (id, i) => ({ id, xPx: frame.xy[2 * i]!, yPx: frame.xy[2 * i + 1]! }));
    for (const counter of counters) counter.update(positions, frame.frame / FPS);
  }
  return counters.map((counter) => counter.inCount + counter.outCount);
}

interface LineCountResult {
  /** Ground-truth crossings per line. */
  truth: number[];
  /** Crossings counted on the tracker's output per line. */
  counted: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function frameSize(frames: readonly TrackFrame[]): { width: number; height: number } {
  let maxX = 0;
  let maxY = 0;
  for (const frame of frames) {
    for (let i = 0; i < frame.ids.length; i++) {
      maxX = Math.max(maxX, frame.xy[2 * i]!);
      maxY = Math.max(maxY, frame.xy[2 * i + 1]!);
    }
  }
  return maxX <= 1920 && maxY <= 1080 ? { width: 1920, height: 1080 } : { width: 3840, height: 2160 };
}

function seedOf(text: string, base: number): number {
  let h = base >>> 0;
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 16777619) >>> 0;
  return h;
}

interface SequenceResult {
  sequence: string;
  level: string;
  tracker: 'ours' | 'baseline';
  metrics: TrackEvaluation;
  lines: LineCountResult;
  msPerFrame: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      root: { type: 'string', default: '../shared/datasets' },
      levels: { type: 'string', default: 'standard,hard,shaky' },
      limit: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'max-dist': { type: 'string', default: '10' },
      json: { type: 'string' },
    },
  });
  const maxDistPx = Number(values['max-dist']);
  const seed = Number(values.seed);
  const limit = values.limit === undefined ? Infinity : Number(values.limit);
  const levels = values.levels.split(',') as (keyof typeof DEGRADATION_LEVELS)[];
  const results: SequenceResult[] = [];
  const skipped: string[] = [];
  for (const dataset of ['DroneCrowd', 'UP-COUNT']) {
    const dir = join(values.root, dataset, 'annotations');
    let files: string[];
    try {
      files = (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort();
    } catch {
      console.error(`${dir}: not found, skipped`);
      continue;
    }
    let identityless = 0;
    for (const file of files.slice(0, limit)) {
      const name = `${dataset}/${file.replace(/\.csv$/, '')}`;
      const gtAll = (await readTrackCsv(join(dir, file))).frames;
      if (!idsAreIdentities(gtAll)) {
        identityless++;
        continue;
      }
      const size = frameSize(gtAll);
      for (const level of levels) {
        const spec = DEGRADATION_LEVELS[level];
        const degraded = degradeTracks(
          gtAll,
          { ...spec, frameWidthPx: size.width, frameHeightPx: size.height },
          seededRandom(seedOf(`${name}/${level}`, seed)),
        );
        const lines = placeCountingLines(size.width, size.height);
        const truthCounts = countLineCrossings(degraded.gt, lines);
        for (const tracker of ['ours', 'baseline'] as const) {
          const start = performance.now();
          const predicted =
            tracker === 'ours'
              ? runCrowdTracker(degraded.detections, seedOf(name, seed))
              : alphaBetaBaseline(degraded.detections, BASELINE_SETTINGS[level]);
          const msPerFrame = (performance.now() - start) / Math.max(1, degraded.detections.length);
          const metrics = evaluateTracks(degraded.gt, predicted, { maxDistPx });
          const counted = countLineCrossings(predicted, lines);
          results.push({ sequence: name, level, tracker, metrics, lines: { truth: truthCounts, counted }, msPerFrame });
        }
      }
      process.stderr.write('.');
    }
    if (identityless > 0) {
      skipped.push(`${dataset}: ${identityless} sequence(s) skipped: their ids are not identities (no trajectories)`);
    }
  }
  process.stderr.write('\n');
  for (const line of skipped) console.log(line);
  console.log(summaryTable(results, maxDistPx));
  if (values.json) await writeFile(values.json, JSON.stringify(results.map(compact), null, 1));
}

function compact(result: SequenceResult): object {
  const m = result.metrics;
  return {
    sequence: result.sequence,
    level: result.level,
    tracker: result.tracker,
    idf1: m.idf1,
    mota: m.mota,
    idSwitches: m.idSwitches,
    hota: m.hota,
    motpPx: m.motpPx,
    lines: result.lines,
    msPerFrame: result.msPerFrame,
  };
}

function summaryTable(results: SequenceResult[], maxDistPx: number): string {
  const rows = [
    `max-dist ${maxDistPx} px; metrics averaged over sequences (mean of per-sequence values)`,
    '| level | tracker | sequences | IDF1 | IDF1 worst seq | MOTA | HOTA | MOTP px | ID sw / seq | line crossings: truth -> counted (error; sum of per-line abs. errors) | ms/frame |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const groups = new Map<string, SequenceResult[]>();
  for (const r of results) {
    const key = `${r.level}|${r.tracker}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, group] of groups) {
    const [level, tracker] = key.split('|');
    const mean = (f: (r: SequenceResult) => number): number => group.reduce((s, r) => s + f(r), 0) / group.length;
    const truth = group.reduce((s, r) => s + sum(r.lines.truth), 0);
    const counted = group.reduce((s, r) => s + sum(r.lines.counted), 0);
    const error = truth === 0 ? 0 : (counted - truth) / truth;
    const absError = group.reduce((s, r) => s + sum(r.lines.counted.map((c, k) => Math.abs(c - r.lines.truth[k]!))), 0);
    const worst = Math.min(...group.map((r) => r.metrics.idf1));
    rows.push(
      `| ${level} | ${tracker} | ${group.length} | ${mean((r) => r.metrics.idf1).toFixed(4)} | ${worst.toFixed(3)} | ` +
        `${mean((r) => r.metrics.mota).toFixed(4)} | ` +
        `${mean((r) => r.metrics.hota ?? 0).toFixed(4)} | ${mean((r) => r.metrics.motpPx).toFixed(2)} | ` +
        `${mean((r) => r.metrics.idSwitches).toFixed(1)} | ${truth} -> ${counted} (${(100 * error).toFixed(2)}%; ` +
        `${((100 * absError) / Math.max(1, truth)).toFixed(1)}%) | ` +
        `${mean((r) => r.msPerFrame).toFixed(2)} |`,
    );
  }
  return rows.join('\n');
}

function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
