/**
 * `npm run bench:analyze`: the whole `raqib analyze` pipeline on generated clips (a real crowd photo
 * panned like a drone flight): analysed frames per second, share of time in decode / inference / the
 * rest, overhead over pure inference, and peak RSS for a 1-minute and a 10-minute clip (memory must
 * not grow with length). Each case runs in its own child process so peak RSS is per case.
 *
 * Env: RAQIB_MODEL, RAQIB_BENCH_CASES (comma list of case names to run; default all).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOnnxDensityEstimator } from '../inference/index.js';
import { VideoFileSource } from '../ingest/video-file-source.js';
import { repoRoot } from '../inference/index.js';
import { analyzeStream } from '../pipeline/analyze-stream.js';
import { DensityStage } from '../pipeline/density-stage.js';
import { ZoneStage } from '../pipeline/zone-stage.js';
import { HeatmapSink } from '../sinks/heatmap-sink.js';
import { AnalysisJsonlSink } from '../sinks/jsonl-file-sink.js';
import { SummaryFileSink } from '../sinks/summary-file-sink.js';
import { ZonesCsvSink } from '../sinks/zones-csv-sink.js';

const SAMPLE = join(
  repoRoot(),
  '..',
  'shared',
  'datasets',
  'ShanghaiTech',
  'part_B',
  'train_data',
  'images',
  'IMG_1.jpg',
);

interface BenchCase {
  name: string;
  width: number;
  height: number;
  durationS: number;
  clipFps: number;
  /** Analysis rate; undefined = every frame. */
  fps?: number;
}

const cases: BenchCase[] = [
  { name: '960x540-full-rate', width: 960, height: 540, durationS: 20, clipFps: 10 },
  { name: '1080p-fps2-1min', width: 1920, height: 1080, durationS: 60, clipFps: 10, fps: 2 },
  { name: '1080p-full-rate', width: 1920, height: 1080, durationS: 10, clipFps: 10 },
  { name: '1080p-fps2-10min', width: 1920, height: 1080, durationS: 600, clipFps: 10, fps: 2 },
];

/** A clip that pans slowly back and forth over a real crowd photo, as a drone would. */
function makeClip(dir: string, c: BenchCase): string {
  const path = join(dir, `${c.width}x${c.height}-${c.durationS}s.mp4`);
  if (existsSync(path)) return path;
  const tall = Math.round((c.height * 1.4) / 2) * 2;
  const travel = tall - c.height;
  const input = existsSync(SAMPLE)
    ? ['-loop', '1', '-i', SAMPLE]
    : ['-f', 'lavfi', '-i', `testsrc2=s=${c.width}x${tall}`];
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    ...input,
    '-t',
    String(c.durationS),
    '-r',
    String(c.clipFps),
    '-vf',
    `scale=${c.width}:${tall},crop=${c.width}:${c.height}:0:'${travel / 2}*(1+sin(t/4))'`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    String(c.clipFps * 2),
    '-pix_fmt',
    'yuv420p',
    '-y',
    path,
  ]);
  return path;
}

async function runCase(c: BenchCase, clip: string): Promise<Record<string, unknown>> {
  const out = mkdtempSync(join(tmpdir(), 'raqib-bench-analyze-'));
  const estimator = await createOnnxDensityEstimator({ threads: 2 });
  const source = new VideoFileSource(clip, c.fps === undefined ? {} : { fps: c.fps });
  const fps = await source.analysisFps();
  const rssSamplesMb: number[] = [];
  const started = performance.now();
  const summary = await analyzeStream(
    source,
    [new DensityStage(estimator), new ZoneStage([])],
    [
      new AnalysisJsonlSink(join(out, 'analysis.jsonl')),
      new ZonesCsvSink(join(out, 'zones.csv')),
      new HeatmapSink(join(out, 'heatmap.png')),
      new SummaryFileSink(join(out, 'summary.json')),
    ],
    {
      frameIntervalS: 1 / fps,
      onProgress: ({ frames }) => {
        if (frames % 20 === 0) rssSamplesMb.push(process.memoryUsage().rss / 2 ** 20);
      },
    },
  );
  const wallS = (performance.now() - started) / 1000;
  await estimator.close();
  const perFrameMs = summary.meanMsPerFrame + summary.meanDecodeMsPerFrame;
  const restMs = summary.meanMsPerFrame - summary.meanInferenceMsPerFrame;
  const third = Math.max(1, Math.floor(rssSamplesMb.length / 3));
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    case: c.name,
    frames: summary.frames,
    analysedFps: +(summary.frames / wallS).toFixed(2),
    msPerFrame: +perFrameMs.toFixed(1),
    decodeShare: +(summary.meanDecodeMsPerFrame / perFrameMs).toFixed(3),
    inferenceShare: +(summary.meanInferenceMsPerFrame / perFrameMs).toFixed(3),
    restShare: +(restMs / perFrameMs).toFixed(3),
    overheadOverInference: +(restMs / summary.meanInferenceMsPerFrame).toFixed(3),
    rssFirstThirdMb: +mean(rssSamplesMb.slice(0, third)).toFixed(0),
    rssLastThirdMb: +mean(rssSamplesMb.slice(-third)).toFixed(0),
    peakRssMb: +(process.resourceUsage().maxRSS / 1024).toFixed(0),
  };
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === '--case') {
  const c = cases.find((k) => k.name === process.argv[3])!;
  process.stdout.write(JSON.stringify(await runCase(c, process.argv[4]!)) + '\n');
} else {
  const wanted = process.env.RAQIB_BENCH_CASES?.split(',');
  const dir = mkdtempSync(join(tmpdir(), 'raqib-bench-clips-'));
  const rows: Record<string, unknown>[] = [];
  for (const c of cases.filter((k) => !wanted || wanted.includes(k.name))) {
    const clip = makeClip(dir, c);
    const child = spawnSync(process.execPath, [self, '--case', c.name, clip], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (child.status !== 0) throw new Error(`case ${c.name} failed (exit ${child.status})`);
    const row = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  console.table(rows);
}
