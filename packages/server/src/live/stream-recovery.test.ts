import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../testing/wait-until.js';
import { ffmpegLiveInput } from './ffmpeg-live-input.js';
import { LiveFrameSource } from './live-frame-source.js';
import { keySetAuthorizer } from './publish-key-authorizer.js';
import { RtmpIngest } from './rtmp-ingest.js';
import type { StreamTransition } from './stream-supervisor.js';
import { publishRtmp } from './testing/rtmp-publisher.js';

// Real processes end to end: ffmpeg publishes to the nginx ingest, the supervised ffmpeg pull feeds
// a LiveFrameSource. Timeouts are shortened (stall 1.5 s, backoff 0.5..2 s) so it runs in seconds.
const KEYS = { a: 'recovery-a-0123456789abcdef', b: 'recovery-b-0123456789abcdef' };
let dir: string;
let ingest: RtmpIngest;
const sources = new Map<string, LiveFrameSource>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'raqib-recovery-'));
  ingest = new RtmpIngest({
    dataDir: dir,
    port: 0,
    authorize: keySetAuthorizer(Object.values(KEYS)),
    onPublish: (key) => sources.get(key)?.supervisor.publisherAvailable(),
    publishNotifyDelayMs: 300,
  });
  await ingest.start();
});

afterAll(async () => {
  for (const source of sources.values()) source.stop();
  await ingest.stop();
  await rm(dir, { recursive: true, force: true });
});

function supervisedPull(key: string) {
  const source = new LiveFrameSource({
    streamId: key.slice(0, 10),
    description: 'rtmp test stream',
    input: ffmpegLiveInput({ url: ingest.pullUrl(key), fps: 5 }),
    stallTimeoutMs: 1_500,
    startGraceMs: 4_000,
    tickMs: 250,
    backoffInitialMs: 500,
    backoffMaxMs: 2_000,
  });
  sources.set(key, source);
  const transitions: StreamTransition[] = [];
  source.supervisor.onTransition((t) => transitions.push(t));
  let frames = 0;
  const consumed = (async () => {
    for await (const frame of source.frames()) if (frame.image) frames++;
  })();
  return { source, transitions, consumed, frames: () => frames };
}

const stateOf = (source: LiveFrameSource) => source.supervisor.state;

describe('stream recovery through the RTMP ingest', () => {
  it('goes stalled when the publisher is killed, backs off without a storm, and is live again on republish; another stream is untouched', async () => {
    const a = supervisedPull(KEYS.a);
    const b = supervisedPull(KEYS.b);
    let publisherA = publishRtmp(ingest.publishUrl(KEYS.a));
    const publisherB = publishRtmp(ingest.publishUrl(KEYS.b));
    try {
      await waitUntil('both streams live', () => stateOf(a.source) === 'live' && stateOf(b.source) === 'live', 20_000);
      publisherA.kill();
      const killedAtMs = performance.now();
      await waitUntil('stream a stalled', () => stateOf(a.source) !== 'live', 10_000);
      const toStalledMs = performance.now() - killedAtMs;
      expect(toStalledMs).toBeLessThan(1_500 + 250 + 1_000);
      const restartsAtOutage = a.source.stats().restarts;
      // 6 s of outage: waits of about 0.5, 1, 2, 2, 2 s at most, with each failed pull taking some time
      await new Promise((done) => setTimeout(done, 6_000));
      const outageRestarts = a.source.stats().restarts - restartsAtOutage;
      expect(outageRestarts).toBeGreaterThanOrEqual(2);
      expect(outageRestarts).toBeLessThanOrEqual(6);
      const waits = a.transitions.filter((t) => t.to === 'reconnecting').map((t) => t.retryInMs!);
      expect(Math.max(...waits)).toBeLessThanOrEqual(2_000);
      expect(stateOf(b.source)).toBe('live');
      // b's only changes: its start (refused until its publisher came), then live, and live since
      const bStates = b.transitions.map((t) => t.to);
      expect(bStates.at(-1)).toBe('live');
      expect(bStates.indexOf('live')).toBe(bStates.length - 1);

      const framesBefore = a.frames();
      publisherA = publishRtmp(ingest.publishUrl(KEYS.a));
      const republishedAtMs = performance.now();
      await waitUntil('stream a live again', () => a.frames() > framesBefore + 2, 15_000);
      const backMs = performance.now() - republishedAtMs;
      expect(stateOf(a.source)).toBe('live');
      expect(backMs).toBeLessThan(10_000);
      const states = a.transitions.map((t) => t.to);
      const firstLive = states.indexOf('live');
      expect(states.slice(firstLive, firstLive + 3)).toEqual(['live', 'stalled', 'reconnecting']);
      // no secret in any reason
      expect(a.transitions.some((t) => t.reason.includes(KEYS.a))).toBe(false);
    } finally {
      publisherA.kill();
      publisherB.kill();
    }
  });

  it('detects a publisher that stops sending with its socket open (no frame for the stall timeout)', async () => {
    const key = KEYS.a;
    sources.get(key)?.stop();
    const a = supervisedPull(key);
    const publisher = publishRtmp(ingest.publishUrl(key));
    try {
      await waitUntil('live', () => stateOf(a.source) === 'live', 20_000);
      const liveAt = a.transitions.length;
      publisher.child.kill('SIGSTOP');
      await waitUntil('stalled', () => a.transitions.slice(liveAt).some((t) => t.to === 'stalled'), 10_000);
      expect(a.transitions.slice(liveAt).find((t) => t.to === 'stalled')!.reason).toMatch(/no frame for 1\.\d s/);
      publisher.child.kill('SIGCONT');
      // nginx still holds the paused publisher (dropped only after 10 s idle): the restarted pull joins it
      await waitUntil('live again', () => a.transitions.slice(liveAt).some((t) => t.to === 'live'), 15_000);
    } finally {
      publisher.child.kill('SIGCONT');
      publisher.kill();
    }
  });
});
