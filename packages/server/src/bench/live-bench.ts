/**
 * `npm run bench:live`: N simultaneous live 960x540 streams through `raqib serve` (the real
 * startServer: nginx RTMP ingest, one supervised ffmpeg pull and analyzeStream per stream with the
 * serve pipeline - geo, density model in a worker-thread pool shared by all streams, tracking,
 * zones, alert rules, store recorder, live bus). Each stream is a drone stand-in: ffmpeg publishes
 * a clip (a crowd photo panned like a flight, H.264, keyframe every second, sent as-is with -re) to
 * the ingest with the stream's publish key; serve samples it at `live.fps` and keeps only the latest
 * frame.
 * Reports per N: per-stream analysed fps, skipped (superseded) and failed frames, p50/p95
 * frame-to-reading latency (from the decoded frame reaching Raqib to its reading on the live bus,
 * after the store write), event-loop delay p99 (and the same with no stream running, as the
 * machine's baseline), CPU of Raqib (Node incl. workers) and of its decoders + nginx, and RSS. Each
 * N runs in its own process.
 *
 * Env: RAQIB_MODEL; RAQIB_BENCH_STREAMS (comma list of N, default 1,2,4,8); RAQIB_BENCH_SECONDS
 * (measured seconds per N, default 30, after a 10 s warm-up); RAQIB_BENCH_FPS (analysis fps, default 2);
 * RAQIB_BENCH_WORKERS (inference workers, default 1); RAQIB_BENCH_THREADS (onnxruntime threads per
 * worker, default 2).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { rotatePublishKey } from '../auth/publish-keys.js';
import { defaultModelPath } from '../inference/index.js';
import { publishRtmp, type TestPublisher } from '../live/testing/rtmp-publisher.js';
import { descendants, makeCrowdClip, percentile, TICKS_PER_S } from './live-bench-measure.js';
import { parseServerConfig } from '../serve/read-server-config.js';
import { startServer, type RunningServer } from '../serve/start-server.js';

const WIDTH = 960;
const HEIGHT = 540;
const CLIP_FPS = 10;
const WARMUP_S = 10;

const env = (name: string, fallback: string) => process.env[name]?.trim() || fallback;
const measureS = Number(env('RAQIB_BENCH_SECONDS', '30'));
const analysisFps = Number(env('RAQIB_BENCH_FPS', '2'));
const workers = Number(env('RAQIB_BENCH_WORKERS', '1'));
const threads = Number(env('RAQIB_BENCH_THREADS', '2'));

async function runCase(streams: number, clip: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'raqib-bench-live-'));
  const publishers: TestPublisher[] = [];
  let server: RunningServer | null = null;
  // The same event-loop measure with no stream running: on a shared machine the scheduler alone
  // delays the loop; the difference is what the streams cost it.
  const idleDelay = monitorEventLoopDelay({ resolution: 10 });
  idleDelay.enable();
  await new Promise((done) => setTimeout(done, 3_000));
  idleDelay.disable();
  try {
    const config = parseServerConfig(
      [
        'server:',
        '  port: 0',
        'ingest:',
        '  port: 0',
        'live:',
        `  fps: ${analysisFps}`,
        `  maxWidthPx: ${WIDTH}`,
        `  modelPath: ${defaultModelPath()}`,
        `  workers: ${workers}`,
        `  threads: ${threads}`,
        'storage:',
        `  dataDir: ${join(dir, 'data')}`,
      ].join('\n'),
      'bench.yaml',
    );
    server = await startServer(config);
    const running = server;
    await running.store.createEvent({ id: 'bench', name: 'bench:live' }, 'system:bench');
    const ids = Array.from({ length: streams }, (_, i) => `drone-${i}`);
    const latenciesMs = new Map(ids.map((id) => [id, [] as number[]]));
    let measuring = false;
    for (const id of ids) {
      await running.store.createStream({ id, eventId: 'bench', name: id }, 'system:bench');
      const key = await rotatePublishKey(running.store, id, 'system:bench');
      running.bus.subscribe(`streams/${id}/readings`, (message) => {
        const capturedAtMs = (message.data as { capturedAtMs: number | null }).capturedAtMs;
        if (measuring && capturedAtMs !== null) latenciesMs.get(id)!.push(Date.now() - capturedAtMs);
      });
      publishers.push(
        publishRtmp(`rtmp://127.0.0.1:${running.live.rtmpPort}/live/${key}`, { filePath: clip, copy: true }),
      );
    }
    await new Promise((done) => setTimeout(done, WARMUP_S * 1000));
    const exclude = new Set(publishers.map((p) => p.child.pid!).filter((pid) => pid !== undefined));
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const status = () => ids.map((id) => running.live.status(id));
    const before = status();
    measuring = true;
    const cpu0 = process.cpuUsage();
    const children0 = descendants(process.pid, exclude);
    const t0 = performance.now();
    let childRssPeakKb = 0;
    const sampler = setInterval(() => {
      childRssPeakKb = Math.max(childRssPeakKb, descendants(process.pid, exclude).rssKb);
    }, 2_000);
    await new Promise((done) => setTimeout(done, measureS * 1000));
    clearInterval(sampler);
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const children1 = descendants(process.pid, exclude);
    loopDelay.disable();
    measuring = false;
    const after = status();
    const perStream = ids.map((id, i) => {
      const [b, a] = [before[i], after[i]];
      const latencies = latenciesMs.get(id)!;
      return {
        fps: a && b ? (a.processedFrames - b.processedFrames) / wallS : 0,
        skipped: a && b ? a.skippedFrames - b.skippedFrames : 0,
        failed: a && b ? a.failedFrames - b.failedFrames : 0,
        restarts: (a?.restarts ?? 0) + (a?.analysisRestarts ?? 0),
        state: a?.state ?? 'not started',
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
      };
    });
    const latencies = [...latenciesMs.values()].flat();
    const round = (value: number) => (Number.isFinite(value) ? Math.round(value) : null);
    return {
      streams,
      fpsPerStreamMin: +Math.min(...perStream.map((s) => s.fps)).toFixed(2),
      fpsPerStreamMean: +(perStream.reduce((a, s) => a + s.fps, 0) / streams).toFixed(2),
      skippedPerStreamPerS: +(perStream.reduce((a, s) => a + s.skipped, 0) / streams / wallS).toFixed(2),
      failedFrames: perStream.reduce((a, s) => a + s.failed, 0),
      latencyP50Ms: round(percentile(latencies, 50)),
      latencyP95Ms: round(percentile(latencies, 95)),
      worstStreamP95Ms: round(Math.max(...perStream.map((s) => s.p95))),
      eventLoopP99Ms: +(loopDelay.percentile(99) / 1e6).toFixed(1),
      eventLoopIdleP99Ms: +(idleDelay.percentile(99) / 1e6).toFixed(1),
      restarts: perStream.reduce((a, s) => a + s.restarts, 0),
      notLive: perStream.filter((s) => s.state !== 'live').length,
      nodeCpuPct: Math.round(((cpu.user + cpu.system) / 1e6 / wallS) * 100),
      decodersCpuPct: Math.round(((children1.ticks - children0.ticks) / TICKS_PER_S / wallS) * 100),
      nodePeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      decodersRssMb: Math.round(childRssPeakKb / 1024),
    };
  } finally {
    for (const publisher of publishers) publisher.kill();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === '--case') {
  const row = await runCase(Number(process.argv[3]), process.argv[4]!);
  process.stdout.write(JSON.stringify(row) + '\n');
} else {
  const counts = env('RAQIB_BENCH_STREAMS', '1,2,4,8').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'raqib-bench-live-clip-'));
  const clip = makeCrowdClip(dir, WIDTH, HEIGHT, CLIP_FPS);
  const rows: Record<string, unknown>[] = [];
  process.stdout.write(
    `bench:live: ${WIDTH}x${HEIGHT} streams at ${analysisFps} fps analysis, ${workers} worker(s) x ${threads} thread(s), ` +
      `${WARMUP_S} s warm-up + ${measureS} s measured per N, through raqib serve (RTMP push -> ingest -> pipeline -> store and bus)\n`,
  );
  for (const n of counts) {
    const child = spawnSync(process.execPath, [self, '--case', String(n), clip], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (child.status !== 0) throw new Error(`N=${n} failed (exit ${child.status})`);
    const row = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    rows.push(row);
    process.stdout.write(JSON.stringify(row) + '\n');
  }
  rmSync(dir, { recursive: true, force: true });
  console.table(rows);
}
