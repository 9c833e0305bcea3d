/**
 * `npm run bench:scale`: the scale-out topology of docs/scale.md on this machine. For each W in
 * `--workers` it starts nats-server (JetStream, temp store), one `raqib serve --role api` and W
 * `raqib serve --role worker` processes (node packages/server/bin/raqib.js, one config with a `nats:`
 * section and one shared SQLite store), then creates S pull streams. Their source is a local RTMP
 * relay (nginx, as a media server in front of the drones would be) that ffmpeg feeds with a 960x540
 * crowd clip in real time, so any worker can pull any stream: the workers share the streams through
 * their JetStream KV leases (at most ceil(S / W) each: 4 streams on 3 workers run 2+2+0). Streams are
 * created only once every worker is up, so that the first one does not take them all.
 *
 * Measured per W over `--seconds` after a warm-up: per-stream analysed fps (readings received over a
 * NATS subscription, one per analysed frame), p50/p95 frame-to-reading latency (receipt of the reading
 * against the frame's capture time, i.e. the decoded frame reaching the worker), streams held (>= 90 %
 * of the target fps with p95 <= 2 s), which worker holds which stream (the lease bucket), and CPU and
 * peak RSS of each process (Node, and its ffmpeg pulls). Each W starts from nothing.
 *
 * Options: --workers 1,2,3 --streams N (default 4) --seconds S (default 30) --fps F (default 2)
 * --threads T (onnxruntime threads per worker process, default 1). Env: RAQIB_MODEL.
 * Needs a build (`npm run build`): the processes run packages/server/dist.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { Kvm } from '@nats-io/kv';
import { connectNats } from '../bus/nats/connect-nats.js';
import { NatsBus } from '../bus/nats/nats-bus.js';
import { findNatsServer, startNatsServer, type NatsTestServer } from '../bus/testing/nats-server.js';
import { defaultModelPath, repoRoot } from '../inference/index.js';
import { RtmpIngest } from '../live/rtmp-ingest.js';
import { publishRtmp, type TestPublisher } from '../live/testing/rtmp-publisher.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { descendants, makeCrowdClip, percentile, TICKS_PER_S } from './live-bench-measure.js';

const WIDTH = 960;
const HEIGHT = 540;
const CLIP_FPS = 10;
const WARMUP_S = 10;
const SITE = 'bench';
/** p95 frame-to-reading bound of issue 13's acceptance. */
const P95_BOUND_MS = 2000;
/** A stream is "held" at >= 90 % of the target rate (the rate is counted over a window of whole frames). */
const HELD_FRACTION = 0.9;

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,3' },
    streams: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '30' },
    fps: { type: 'string', default: '2' },
    threads: { type: 'string', default: '1' },
  },
});
const positiveInt = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`bench:scale: --${name} must be an integer >= 1, got ${text}`);
  return value;
};
const workerCounts = args.workers.split(',').map((text) => positiveInt('workers', text.trim()));
const streamCount = positiveInt('streams', args.streams);
const measureS = positiveInt('seconds', args.seconds);
const threads = positiveInt('threads', args.threads);
const analysisFps = Number(args.fps);
if (!(analysisFps > 0)) throw new Error(`bench:scale: --fps must be > 0, got ${args.fps}`);

const out = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const RAQIB_BIN = join(repoRoot(), 'packages/server/bin/raqib.js');

interface Node {
  name: string;
  child: ChildProcess;
  log: () => string;
  peakRssKb: number;
}

/** `raqib serve --role ROLE` as a child process; resolves once it listens. */
async function startNode(name: string, role: 'api' | 'worker', configPath: string): Promise<Node> {
  const child = spawn(process.execPath, [RAQIB_BIN, 'serve', '--config', configPath, '--role', role], {
    env: { ...process.env, RAQIB_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('raqib serve: listening on')) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`bench:scale: ${name} did not start:\n${output.slice(-3000)}`);
    }
    await sleep(50);
  }
  return { name, child, log: () => output, peakRssKb: 0 };
}

async function stopNode(node: Node): Promise<void> {
  const { child } = node;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** CPU ticks of a node's own process and of its children (ffmpeg pulls), and their RSS now. */
function usage(pid: number) {
  const tree = descendants(pid, new Set(), true);
  const kids = descendants(pid);
  return { selfTicks: tree.ticks - kids.ticks, kidsTicks: kids.ticks, rssKb: tree.rssKb, kidsRssKb: kids.rssKb };
}

/** The nats-server started by this process (startNatsServer does not expose its pid). */
function natsServerPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'nats-server')
        return Number(entry);
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}

interface Row {
  workers: number;
  streams: number;
  held: number;
  fpsMean: number;
  fpsMin: number;
  p50Ms: number | null;
  p95Ms: number | null;
  worstStreamP95Ms: number | null;
  streamsPerWorker: string;
  apiCpuPct: number;
  workerCpuPct: number[];
  pullsCpuPct: number;
  /** api + workers + their pulls (not nats-server, not the relay and its feeds: the drones' side). */
  totalCpuPct: number;
  natsCpuPct: number;
  apiRssMb: number;
  workerRssMb: number[];
  analysedFramesPerS: number;
  /** The machine's 1-minute load average at the end of the window (other jobs share the cores). */
  loadAvg1m: number;
}

async function runCase(workers: number, clip: string, natsBin: string): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'raqib-bench-scale-'));
  const publishers: TestPublisher[] = [];
  const nodes: Node[] = [];
  let nats: NatsTestServer | undefined;
  let relay: RtmpIngest | undefined;
  let connection: Awaited<ReturnType<typeof connectNats>> | undefined;
  let bus: NatsBus | undefined;
  try {
    nats = await startNatsServer(natsBin);
    // The drones' media server: any worker pulls any stream from it.
    relay = new RtmpIngest({ dataDir: join(dir, 'relay'), port: 0, authorize: () => true });
    await relay.start();
    const ids = Array.from({ length: streamCount }, (_, i) => `drone-${i}`);
    const sourceOf = (id: string) => relay!.pullUrl(`bench-relay-${id}-0000`);
    for (const id of ids) publishers.push(publishRtmp(sourceOf(id), { filePath: clip, copy: true }));

    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const configPath = join(dir, 'raqib.yaml');
    writeFileSync(
      configPath,
      [
        'server:\n  port: 0',
        'ingest:\n  enabled: false',
        `live:\n  fps: ${analysisFps}\n  maxWidthPx: ${WIDTH}\n  modelPath: ${modelPath}\n  workers: 1\n  threads: ${threads}`,
        `storage:\n  dataDir: ${dataDir}`,
        `nats:\n  servers: [${nats.url}]\n  site: ${SITE}`,
      ].join('\n') + '\n',
    );
    // The shared store (SQLite here: every process on this machine opens the same file).
    const store = SqliteStore.open({ path: join(dataDir, 'raqib.db') });
    await store.createEvent({ id: 'bench', name: 'bench:scale' }, 'system:bench');

    nodes.push(await startNode('api', 'api', configPath));
    const workerNodes = await Promise.all(
      Array.from({ length: workers }, (_, i) => startNode(`worker-${i + 1}`, 'worker', configPath)),
    );
    nodes.push(...workerNodes);
    await sleep(1_000);

    connection = await connectNats({ servers: [nats.url], name: 'bench-scale' });
    bus = await NatsBus.open(connection, { site: SITE });
    const received = new Map(ids.map((id) => [id, [] as { atMs: number; latencyMs: number | null }[]]));
    for (const id of ids) {
      bus.subscribe(`streams/${id}/readings`, (message) => {
        const atMs = Date.now();
        const capturedAtMs = (message.data as { capturedAtMs: number | null }).capturedAtMs;
        received.get(id)!.push({ atMs, latencyMs: capturedAtMs === null ? null : atMs - capturedAtMs });
      });
    }
    await connection.flush();
    for (const id of ids) {
      await store.createStream({ id, eventId: 'bench', name: id, sourceUrl: sourceOf(id) }, 'system:bench');
    }
    await store.close();

    const startDeadline = Date.now() + 60_000;
    while (ids.some((id) => received.get(id)!.length === 0) && Date.now() < startDeadline) await sleep(200);
    await sleep(WARMUP_S * 1000);

    const pids = nodes.map((node) => node.child.pid!);
    const natsPid = natsServerPid();
    const natsTicks = () => (natsPid === undefined ? NaN : descendants(natsPid, new Set(), true).ticks);
    const natsBefore = natsTicks();
    const before = pids.map(usage);
    const t0Ms = Date.now();
    const sampler = setInterval(() => {
      for (const node of nodes) node.peakRssKb = Math.max(node.peakRssKb, usage(node.child.pid!).rssKb);
    }, 2_000);
    await sleep(measureS * 1000);
    clearInterval(sampler);
    const t1Ms = Date.now();
    const after = pids.map(usage);
    const natsAfter = natsTicks();
    const wallS = (t1Ms - t0Ms) / 1000;

    // Which worker holds which stream: the lease bucket's values name the worker (host:pid).
    const kv = await new Kvm(connection).open(`raqib_${SITE}_leases`);
    const perWorker = new Array<number>(workers).fill(0);
    for await (const key of await kv.keys()) {
      if (key.startsWith('worker.')) continue;
      const entry = await kv.get(key);
      const holder = entry?.string() ? (JSON.parse(entry.string()) as { workerId?: string }).workerId : undefined;
      const index = workerNodes.findIndex((node) => holder?.endsWith(`:${node.child.pid}`));
      if (index >= 0) perWorker[index]!++;
    }

    const perStream = ids.map((id) => {
      const window = received.get(id)!.filter((entry) => entry.atMs >= t0Ms && entry.atMs < t1Ms);
      const latencies = window.flatMap((entry) => (entry.latencyMs === null ? [] : [entry.latencyMs]));
      return { fps: window.length / wallS, latencies, p95: percentile(latencies, 95) };
    });
    const cpuPct = (i: number, part: 'selfTicks' | 'kidsTicks') =>
      Math.round(((after[i]![part] - before[i]![part]) / TICKS_PER_S / wallS) * 100);
    const allLatencies = perStream.flatMap((stream) => stream.latencies);
    const round = (value: number) => (Number.isFinite(value) ? Math.round(value) : null);
    const workerIndexes = workerNodes.map((_, i) => i + 1);
    const pullsCpuPct = workerIndexes.reduce((sum, i) => sum + cpuPct(i, 'kidsTicks'), 0);
    const workerCpuPct = workerIndexes.map((i) => cpuPct(i, 'selfTicks'));
    const apiCpuPct = cpuPct(0, 'selfTicks');
    return {
      workers,
      streams: streamCount,
      held: perStream.filter((s) => s.fps >= HELD_FRACTION * analysisFps && s.p95 <= P95_BOUND_MS).length,
      fpsMean: +(perStream.reduce((sum, s) => sum + s.fps, 0) / streamCount).toFixed(2),
      fpsMin: +Math.min(...perStream.map((s) => s.fps)).toFixed(2),
      p50Ms: round(percentile(allLatencies, 50)),
      p95Ms: round(percentile(allLatencies, 95)),
      worstStreamP95Ms: round(Math.max(...perStream.map((s) => s.p95))),
      streamsPerWorker: perWorker.join('+'),
      apiCpuPct,
      workerCpuPct,
      pullsCpuPct,
      totalCpuPct: apiCpuPct + workerCpuPct.reduce((a, b) => a + b, 0) + pullsCpuPct,
      natsCpuPct: Math.round(((natsAfter - natsBefore) / TICKS_PER_S / wallS) * 100),
      apiRssMb: Math.round(nodes[0]!.peakRssKb / 1024),
      workerRssMb: workerNodes.map((node) => Math.round(node.peakRssKb / 1024)),
      analysedFramesPerS: +perStream.reduce((sum, s) => sum + s.fps, 0).toFixed(2),
      loadAvg1m: +loadavg()[0]!.toFixed(1),
    };
  } catch (error) {
    for (const node of nodes) process.stderr.write(`--- ${node.name} ---\n${node.log().slice(-2000)}\n`);
    throw error;
  } finally {
    await bus?.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await Promise.all(nodes.map(stopNode));
    for (const publisher of publishers) publisher.kill();
    await relay?.stop().catch(() => undefined);
    await nats?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the rows mean per core and for a 10-node deployment. */
function interpretation(rows: Row[]): string[] {
  const cores = cpus().length;
  // Core-seconds per analysed frame from the Raqib processes' CPU (api + workers + their pulls); the
  // highest of the rows, so that the projection errs on the safe side.
  const costs = rows
    .filter((row) => row.analysedFramesPerS > 0)
    .map((row) => row.totalCpuPct / 100 / row.analysedFramesPerS);
  if (costs.length === 0) return ['no analysed frame: nothing to interpret'];
  const costS = Math.max(...costs);
  const streamsPerCore = 1 / costS / analysisFps;
  const best = rows.reduce((a, b) => (b.held > a.held ? b : a));
  // The shared side (API node's writer and WebSocket fan-out, nats-server) per reading per second.
  const readings = rows.reduce((sum, row) => sum + row.analysedFramesPerS, 0);
  const sharedCoresPerReading = rows.reduce((sum, row) => sum + (row.apiCpuPct + row.natsCpuPct) / 100, 0) / readings;
  const lines = [
    `cost: ${costS.toFixed(3)} core-seconds per analysed ${WIDTH}x${HEIGHT} frame (highest row; rows: ` +
      `${costs.map((value) => value.toFixed(3)).join(', ')}), i.e. one core analyses ${(1 / costS).toFixed(1)} frames/s = ` +
      `${streamsPerCore.toFixed(1)} streams at ${analysisFps} fps if the process gets it`,
    `this machine (${cores} cores, shared; load average ${loadavg()[0]!.toFixed(1)} now): ${best.held} of ${best.streams} ` +
      `streams held at ${analysisFps} fps with p95 <= ${P95_BOUND_MS / 1000} s at best (W = ${best.workers}); ` +
      `one worker process runs one inference thread (--threads ${threads}), so it tops out at about one core`,
    `shared side: API node + nats-server use ${(sharedCoresPerReading * 1000).toFixed(1)} milli-core per reading/s ` +
      `(API ${rows.map((r) => r.apiCpuPct).join('/')} %, NATS ${rows.map((r) => r.natsCpuPct).join('/')} % ` +
      `at ${rows.map((r) => r.analysedFramesPerS).join('/')} readings/s)`,
  ];
  for (const nodeCores of [cores, 16]) {
    const perNode = Math.floor(streamsPerCore * nodeCores * 0.8);
    const sharedCores = perNode * 10 * analysisFps * sharedCoresPerReading;
    lines.push(
      `10 worker nodes of ${nodeCores} cores at 80 % CPU (live.workers ~ cores): ~${perNode} streams per node, ` +
        `~${perNode * 10} drones for the event; their ${perNode * 10 * analysisFps} readings/s cost the API node + NATS ` +
        `~${sharedCores.toFixed(1)} cores (extrapolated linearly)`,
    );
  }
  return lines;
}

const natsBin = findNatsServer();
if (!natsBin)
  throw new Error('bench:scale: nats-server not found (apt-get install nats-server, or set RAQIB_NATS_SERVER)');
const modelPath = process.env.RAQIB_MODEL?.trim() || defaultModelPath();
const clipDir = mkdtempSync(join(tmpdir(), 'raqib-bench-scale-clip-'));
try {
  const clip = makeCrowdClip(clipDir, WIDTH, HEIGHT, CLIP_FPS);
  out(
    `bench:scale: ${streamCount} pull streams of ${WIDTH}x${HEIGHT} at ${analysisFps} fps analysis, 1 api + W worker ` +
      `processes (1 inference worker x ${threads} thread(s) each), NATS JetStream, shared SQLite store; ` +
      `model ${relative(process.cwd(), modelPath)}; ${WARMUP_S} s warm-up + ${measureS} s measured per W; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const rows: Row[] = [];
  for (const workers of workerCounts) {
    const row = await runCase(workers, clip, natsBin);
    rows.push(row);
    out(JSON.stringify(row));
  }
  out('');
  out(
    '| workers | streams held / S | analysed fps per stream (mean / min) | latency p50 / p95 (worst stream p95) | streams per worker | CPU api / workers / ffmpeg pulls (total) | CPU nats-server | RSS api / workers |',
  );
  out('| --- | --- | --- | --- | --- | --- | --- | --- |');
  const sec = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(2)} s`);
  for (const row of rows) {
    out(
      `| ${row.workers} | ${row.held} / ${row.streams} | ${row.fpsMean} / ${row.fpsMin} | ${sec(row.p50Ms)} / ${sec(row.p95Ms)} (${sec(row.worstStreamP95Ms)}) | ` +
        `${row.streamsPerWorker} | ${row.apiCpuPct} % / ${row.workerCpuPct.join(' + ')} % / ${row.pullsCpuPct} % (${row.totalCpuPct} %) | ${row.natsCpuPct} % | ` +
        `${row.apiRssMb} MB / ${row.workerRssMb.join(' + ')} MB |`,
    );
  }
  out('');
  for (const line of interpretation(rows)) out(line);
} finally {
  rmSync(clipDir, { recursive: true, force: true });
}
