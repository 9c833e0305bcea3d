/**
 * Tracker speed benchmark (`npm run bench:track`): CrowdTracker time per frame at 200, 1,000 and
 * 5,000 points, on simulated walkers degraded like the standard level (sigma 1.5 px, 10% missed, 5%
 * false positives), both spread over a 1920x1080 frame and packed as a dense crowd (one head per
 * 10 x 10 px, like DroneCrowd's densest sequences). One thread, so the figures are per core.
 *
 * Usage: node packages/server/dist/bench/track-bench.js [--frames N] [--sizes 200,1000,5000]
 */
import { parseArgs } from 'node:util';
import { CrowdTracker, Detections, seededRandom } from '@raqib/core';

interface Walker {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

interface BenchRow {
  points: number;
  layout: 'spread' | 'dense';
  msPerFrameMean: number;
  msPerFrameP95: number;
  framesPerS: number;
}

function crowd(
  n: number,
  layout: BenchRow['layout'],
  random: () => number,
): { walkers: Walker[]; w: number; h: number } {
  const w = layout === 'spread' ? 1920 : Math.sqrt(n * 100 * (16 / 9));
  const h = layout === 'spread' ? 1080 : (w * 9) / 16;
  const walkers = Array.from({ length: n }, () => {
    const angle = random() * 2 * Math.PI;
    const speed = random() < 0.5 ? 0 : 0.2 + random() * 1.2; // px per frame at 25 fps
    return { x: random() * w, y: random() * h, vx: speed * Math.cos(angle), vy: speed * Math.sin(angle) };
  });
  return { walkers, w, h };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
}

function benchOne(n: number, layout: BenchRow['layout'], frames: number): BenchRow {
  const random = seededRandom(n + (layout === 'dense' ? 1 : 0));
  const { walkers, w, h } = crowd(n, layout, random);
  const tracker = new CrowdTracker({ random: seededRandom(1) });
  const times: number[] = [];
  const warmup = 10;
  for (let f = 0; f < frames + warmup; f++) {
    const xy: number[] = [];
    for (const p of walkers) {
      p.x += p.vx;
      p.y += p.vy;
      if (p.x < 0 || p.x > w) p.vx = -p.vx;
      if (p.y < 0 || p.y > h) p.vy = -p.vy;
      if (random() < 0.1) continue;
      xy.push(p.x + 1.5 * gaussian(random), p.y + 1.5 * gaussian(random));
      if (random() < 0.05) xy.push(random() * w, random() * h);
    }
    const detections = Detections.fromPoints(Float32Array.from(xy), new Float32Array(xy.length / 2).fill(1));
    const start = performance.now();
    tracker.update(detections, { timeS: f / 25 });
    tracker.activeTracks();
    if (f >= warmup) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  return {
    points: n,
    layout,
    msPerFrameMean: mean,
    msPerFrameP95: times[Math.floor(0.95 * (times.length - 1))]!,
    framesPerS: 1000 / mean,
  };
}

function main(): void {
  const { values } = parseArgs({
    options: { frames: { type: 'string', default: '200' }, sizes: { type: 'string', default: '200,1000,5000' } },
  });
  const frames = Number(values.frames);
  const sizes = values.sizes.split(',').map(Number);
  console.log(`CrowdTracker, ${frames} frames per case, one thread (Node ${process.version})`);
  console.log('| points per frame | layout | ms/frame mean | ms/frame p95 | frames/s |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const n of sizes) {
    for (const layout of ['spread', 'dense'] as const) {
      const row = benchOne(n, layout, frames);
      console.log(
        `| ${row.points} | ${row.layout} | ${row.msPerFrameMean.toFixed(2)} | ${row.msPerFrameP95.toFixed(2)} | ${row.framesPerS.toFixed(0)} |`,
      );
    }
  }
}

main();
