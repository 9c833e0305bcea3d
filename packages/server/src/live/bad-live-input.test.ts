import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegLiveInput } from './ffmpeg-live-input.js';
import { LiveFrameSource } from './live-frame-source.js';
import type { StreamTransition } from './stream-supervisor.js';

// Bad live inputs end in a clear reason and a bounded retry, never a crash or a hang.
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'video/mp2t' });
    response.end(randomBytes(256 * 1024)); // a "stream" of garbage bytes
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

async function firstFailure(url: string): Promise<{ transitions: StreamTransition[]; frames: number }> {
  const source = new LiveFrameSource({
    streamId: 'bad',
    description: 'bad input',
    input: ffmpegLiveInput({ url, fps: 2 }),
    backoffInitialMs: 100,
    startGraceMs: 8_000,
    tickMs: 100,
  });
  const transitions: StreamTransition[] = [];
  source.supervisor.onTransition((t) => {
    transitions.push(t);
    if (t.to === 'reconnecting' && source.supervisor.health().restarts >= 1) source.stop('test done');
  });
  let frames = 0;
  for await (const frame of source.frames()) if (frame.image) frames++;
  return { transitions, frames };
}

describe('bad live inputs', () => {
  it('a stream of garbage bytes fails with ffmpeg reason and is retried', async () => {
    const { transitions, frames } = await firstFailure(`http://127.0.0.1:${port}/live.ts`);
    expect(frames).toBe(0);
    const stalled = transitions.filter((t) => t.to === 'stalled');
    expect(stalled.length).toBeGreaterThanOrEqual(2);
    // ffmpeg's own reason: which one depends on how much garbage it read before giving up.
    expect(stalled[0]!.reason).toMatch(
      /live\.ts: ffmpeg exited with code \d+: .*(Invalid data found|does not contain any stream)/,
    );
    expect(transitions.at(-1)!.to).toBe('ended');
  });

  it('an unreachable RTSP camera says the connection was refused', async () => {
    const { transitions } = await firstFailure('rtsp://127.0.0.1:1/cam');
    expect(transitions.find((t) => t.to === 'stalled')!.reason).toMatch(
      /rtsp:\/\/127\.0\.0\.1:1\/cam: .*(refused|Connection)/i,
    );
  });
});
