import { spawn } from 'node:child_process';
import { RaqibError } from '@raqib/core';
import type { FrameSource, SourceEnd, SourceFrame } from './frame-source.js';
import { probeVideo, type VideoProbe } from './ffprobe.js';

export interface VideoFileSourceOptions {
  /** Analysis rate in frames per second; default: the video's own rate. ffmpeg does the sampling. */
  fps?: number;
  /** Start and end of the analysed part, seconds from the start of the video. */
  startS?: number;
  endS?: number;
  /** Downscale so the width is at most this many pixels (ffmpeg does the scaling). */
  maxWidthPx?: number;
  streamId?: string;
}

/** Frame size after ffmpeg scaling: width capped, aspect kept, both even. */
export function scaledSize(
  probe: Pick<VideoProbe, 'width' | 'height'>,
  maxWidthPx?: number,
): { width: number; height: number } {
  if (!maxWidthPx || probe.width <= maxWidthPx) return { width: probe.width, height: probe.height };
  const width = Math.max(2, Math.floor(maxWidthPx / 2) * 2);
  const height = Math.max(2, Math.round((probe.height * width) / probe.width / 2) * 2);
  return { width, height };
}

/**
 * Decodes a video file with a spawned Debian ffmpeg into raw RGB frames over a pipe. Truncated or
 * corrupt files yield every decodable frame, then `end()` says where and why decoding stopped.
 */
export class VideoFileSource implements FrameSource {
  readonly description: string;
  private probeInfo: VideoProbe | null = null;
  private endInfo: SourceEnd = { completed: false, framesRead: 0, lastPtsMs: null, reason: 'not started' };

  constructor(
    private readonly path: string,
    private readonly options: VideoFileSourceOptions = {},
  ) {
    this.description = path;
    const { fps, startS, endS } = options;
    if (fps !== undefined && !(fps > 0)) throw new RaqibError('USAGE', `--fps must be > 0, got ${fps}`);
    if (startS !== undefined && !(startS >= 0)) throw new RaqibError('USAGE', `--start must be >= 0, got ${startS}`);
    if (endS !== undefined && !(endS > (startS ?? 0))) {
      throw new RaqibError('USAGE', `--end (${endS}) must be after --start (${startS ?? 0})`);
    }
  }

  /** Probes the file (cached). */
  async probe(): Promise<VideoProbe> {
    this.probeInfo ??= await probeVideo(this.path);
    return this.probeInfo;
  }

  /** The analysis rate in frames per second. */
  async analysisFps(): Promise<number> {
    const probe = await this.probe();
    return this.options.fps ?? (probe.fps > 0 ? probe.fps : 25);
  }

  end(): SourceEnd {
    return this.endInfo;
  }

  async *frames(): AsyncGenerator<SourceFrame> {
    const probe = await this.probe();
    const fps = await this.analysisFps();
    const { width, height } = scaledSize(probe, this.options.maxWidthPx);
    const startS = this.options.startS ?? 0;
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
    if (startS > 0) args.push('-ss', String(startS));
    args.push('-i', this.path);
    if (this.options.endS !== undefined) args.push('-t', String(this.options.endS - startS));
    // round=up: output frame k is the input frame at exactly k/fps when there is one (not the last one before it).
    args.push('-an', '-sn', '-dn', '-vf', `fps=${fps}:round=up,scale=${width}:${height}:flags=area`);
    args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');

    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderrTail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderrTail = (stderrTail + text).slice(-4000);
    });
    const exited = new Promise<{ code: number | null; spawnError?: Error }>((resolve) => {
      child.on('error', (spawnError) => resolve({ code: null, spawnError }));
      child.on('close', (code) => resolve({ code }));
    });

    const frameBytes = width * height * 3;
    const buffers = [new Uint8Array(frameBytes), new Uint8Array(frameBytes)];
    let filled = 0;
    let seq = 0;
    const streamId = this.options.streamId ?? 'file';
    this.endInfo = { completed: false, framesRead: 0, lastPtsMs: null, reason: 'interrupted' };
    try {
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        let offset = 0;
        while (offset < chunk.length) {
          const target = buffers[seq % 2]!;
          const take = Math.min(frameBytes - filled, chunk.length - offset);
          target.set(chunk.subarray(offset, offset + take), filled);
          filled += take;
          offset += take;
          if (filled < frameBytes) continue;
          filled = 0;
          const ptsMs = Math.round((startS + seq / fps) * 1000 * 1000) / 1000;
          this.endInfo = { completed: false, framesRead: seq + 1, lastPtsMs: ptsMs, reason: 'interrupted' };
          yield { meta: { streamId, seq, ptsMs, width, height }, image: { width, height, rgb: target } };
          seq++;
        }
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const { code, spawnError } = await exited;
    const lastPtsMs = this.endInfo.lastPtsMs;
    if (spawnError) {
      throw new RaqibError('SOURCE_FAILED', 'ffmpeg not found: install ffmpeg (bash scripts/install-system-deps.sh)', {
        cause: spawnError,
      });
    }
    const problems = stderrTail.trim();
    if (code === 0 && problems === '') {
      this.endInfo = { completed: true, framesRead: seq, lastPtsMs };
    } else {
      const where = lastPtsMs === null ? 'before the first frame' : `after ${(lastPtsMs / 1000).toFixed(3)} s`;
      const why = problems.split('\n').slice(-3).join(' | ') || `ffmpeg exited with code ${code}`;
      this.endInfo = { completed: code === 0, framesRead: seq, lastPtsMs, reason: `decoding stopped ${where}: ${why}` };
    }
  }
}
