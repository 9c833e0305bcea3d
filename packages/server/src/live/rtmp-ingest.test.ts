import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegLiveInput } from './ffmpeg-live-input.js';
import { LiveFrameSource } from './live-frame-source.js';
import { keySetAuthorizer } from './publish-key-authorizer.js';
import { RtmpIngest } from './rtmp-ingest.js';
import { publishRtmp } from './testing/rtmp-publisher.js';

const GOOD_KEY = 'drone1-k3y-0123456789abcdef';
let dir: string;
let ingest: RtmpIngest;
const published: string[] = [];
let source: LiveFrameSource | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'raqib-rtmp-'));
  ingest = new RtmpIngest({
    dataDir: dir,
    port: 0,
    authorize: keySetAuthorizer([GOOD_KEY]),
    onPublish: (key) => {
      published.push(key);
      source?.supervisor.publisherAvailable();
    },
  });
  await ingest.start();
});

afterAll(async () => {
  await ingest.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('RtmpIngest (nginx + libnginx-mod-rtmp)', () => {
  it('runs nginx on loopback with its own generated config', async () => {
    expect(ingest.port).toBeGreaterThan(0);
    const config = await readFile(join(dir, 'rtmp-ingest', 'nginx.conf'), 'utf8');
    expect(config).toContain(`listen 127.0.0.1:${ingest.port};`);
    expect(config).toMatch(/on_publish http:\/\/127\.0\.0\.1:\d+\/rtmp\/[\w-]{24}\/publish;/);
  });

  it('refuses a publisher with an unknown stream key', async () => {
    const wrong = publishRtmp(ingest.publishUrl('drone1-wrong-key-0000000000'), { durationS: 5 });
    const { code, stderr } = await wrong.exited;
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/Input\/output error|error/i);
    expect(ingest.counters).toMatchObject({ accepted: 0, refused: 1 });
    expect(published).toEqual([]);
  });

  it('accepts the right key, and frames arrive through the pull source', async () => {
    const live = new LiveFrameSource({
      streamId: 'drone-1',
      description: 'rtmp drone-1',
      input: ffmpegLiveInput({ url: ingest.pullUrl(GOOD_KEY), fps: 5 }),
      backoffInitialMs: 20_000, // only the publish notification can bring it up in time
    });
    source = live;
    const states: string[] = [];
    live.supervisor.onTransition((t) => states.push(t.to));
    const frames = (async () => {
      const sizes: string[] = [];
      for await (const frame of live.frames()) {
        sizes.push(`${frame.image!.width}x${frame.image!.height}`);
        if (sizes.length === 8) live.stop();
      }
      return sizes;
    })();
    // no publisher yet: the pull is refused ("No such stream") and a long backoff starts
    for (let i = 0; i < 100 && !states.includes('reconnecting'); i++)
      await new Promise((done) => setTimeout(done, 100));
    expect(live.supervisor.health().lastProblem).toMatch(/No such stream/);
    const publisher = publishRtmp(ingest.publishUrl(GOOD_KEY), { widthPx: 320, heightPx: 180 });
    try {
      const sizes = await frames;
      expect(sizes).toEqual(Array(8).fill('320x180'));
      expect(published).toEqual([GOOD_KEY]);
      expect(ingest.counters.accepted).toBe(1);
      expect(states.slice(-2)).toEqual(['live', 'ended']);
    } finally {
      publisher.kill();
      source = null;
    }
  });

  it('restarts nginx on the same port when it dies, workers included', async () => {
    const port = ingest.port;
    const pid = Number((await readFile(join(dir, 'rtmp-ingest', 'nginx.pid'), 'utf8')).trim());
    process.kill(pid, 'SIGKILL'); // the master only: its worker is orphaned, still holding the port
    for (let i = 0; i < 100 && ingest.counters.nginxRestarts === 0; i++) await new Promise((d) => setTimeout(d, 50));
    const accepted = ingest.counters.accepted;
    // publishing works again once the new nginx listens (the old worker was stopped with its group)
    let code: number | null = null;
    for (let attempt = 0; attempt < 20 && ingest.counters.accepted === accepted; attempt++) {
      const publisher = publishRtmp(ingest.publishUrl(GOOD_KEY), { durationS: 1 });
      code = (await publisher.exited).code;
      if (ingest.counters.accepted === accepted) await new Promise((d) => setTimeout(d, 250));
    }
    expect(ingest.counters).toMatchObject({ nginxRestarts: 1, accepted: accepted + 1 });
    expect(code).toBe(0);
    expect(ingest.port).toBe(port);
    const newPid = Number((await readFile(join(dir, 'rtmp-ingest', 'nginx.pid'), 'utf8')).trim());
    expect(newPid).not.toBe(pid);
  });
});
