/**
 * Track-evaluation speed benchmark (`npm run bench:eval-tracks`): evaluateTracks (CLEAR MOT, IDF1,
 * HOTA) on simulated dense crowds - one head per 5 x 5 px, the case where every point has a dozen
 * candidates within the 10 px threshold and the candidate graph is one giant component - with
 * predictions degraded like the standard tracking level (sigma 1.5 px, 10% missed, 0.2% of tracks
 * switching id per frame). Reports the time per case and per point, so growth with size shows.
 *
 * Usage: node packages/server/dist/bench/eval-tracks-bench.js [--frames N] [--sizes 300,1000,3000]
 *   [--spacing PX]
 */
import { parseArgs } from 'node:util';
import { evaluateTracks, seededRandom, type TrackFrame } from '@raqib/core';

/** Ground-truth and predicted tracks of `tracks` walkers over `frames` frames, `spacingPx` apart. */
function denseTrackPair(
  tracks: number,
  frames: number,
  spacingPx: number,
  seed = 7,
): { gt: TrackFrame[]; pred: TrackFrame[] } {
  const random = seededRandom(seed);
  const widthPx = Math.sqrt(tracks * spacingPx * spacingPx * (16 / 9));
  const heightPx = (widthPx * 9) / 16;
  const walkers = Array.from({ length: tracks }, (_, i) => {
    const angle = random() * 2 * Math.PI;
    const speed = random() < 0.5 ? 0 : 0.2 + random() * 1.2;
    const x = random() * widthPx;
    const y = random() * heightPx;
    return { id: i + 1, predId: i + 1, x, y, vx: speed * Math.cos(angle), vy: speed * Math.sin(angle) };
  });
  const gauss = (): number => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  let nextPredId = tracks + 1;
  const gt: TrackFrame[] = [];
  const pred: TrackFrame[] = [];
  for (let frame = 0; frame < frames; frame++) {
    const gtIds: number[] = [];
    const gtXy: number[] = [];
    const predIds: number[] = [];
    const predXy: number[] = [];
    for (const w of walkers) {
      w.x += w.vx;
      w.y += w.vy;
      if (w.x < 0 || w.x > widthPx) w.vx = -w.vx;
      if (w.y < 0 || w.y > heightPx) w.vy = -w.vy;
      gtIds.push(w.id);
      gtXy.push(w.x, w.y);
      if (random() < 0.002) w.predId = nextPredId++;
      if (random() < 0.1) continue;
      predIds.push(w.predId);
      predXy.push(w.x + 1.5 * gauss(), w.y + 1.5 * gauss());
    }
    gt.push({ frame, ids: Int32Array.from(gtIds), xy: Float32Array.from(gtXy) });
    pred.push({ frame, ids: Int32Array.from(predIds), xy: Float32Array.from(predXy) });
  }
  return { gt, pred };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      frames: { type: 'string', default: '100' },
      sizes: { type: 'string', default: '300,1000,3000' },
      spacing: { type: 'string', default: '5' },
    },
  });
  const frames = Number(values.frames);
  const spacingPx = Number(values.spacing);
  const sizes = values.sizes.split(',').map(Number);
  console.log(
    `evaluateTracks, dense crowd (${spacingPx} px apart), ${frames} frames, max-dist 10 px, one thread (Node ${process.version})`,
  );
  console.log('| tracks | points (gt + pred) | seconds | µs per point | IDF1 | MOTA | HOTA |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const tracks of sizes) {
    const { gt, pred } = denseTrackPair(tracks, frames, spacingPx);
    const points = [...gt, ...pred].reduce((sum, frame) => sum + frame.ids.length, 0);
    const start = performance.now();
    const result = evaluateTracks(gt, pred, { maxDistPx: 10 });
    const seconds = (performance.now() - start) / 1000;
    console.log(
      `| ${tracks} | ${points} | ${seconds.toFixed(2)} | ${((seconds * 1e6) / points).toFixed(1)} | ` +
        `${result.idf1.toFixed(4)} | ${result.mota.toFixed(4)} | ${(result.hota ?? 0).toFixed(4)} |`,
    );
  }
}

main();
