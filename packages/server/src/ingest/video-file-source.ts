import { spawn } from 'node:child_process';
import { RaqibError } from '@raqib/core';
import { percent, type DataQualityPart } from '../pipeline/data-quality.js';
import { isBlankFrame } from './blank-frame.js';
import { FfmpegDecodeLog } from './ffmpeg-decode-log.js';
import type { FrameSource, SourceEnd, SourceFrame } from './frame-source.js';
import { probeVideo, PROBE_TIMEOUT_MS, type VideoProbe } from './ffprobe.js';

export interface VideoFileSourceOptions {
  /** Analysis rate in frames per second; default: the video's own rate. ffmpeg does the sampling. */
  fps?: number;
  /** Start and end of the analysed part, seconds from the start of the video. */
  startS?: number;
  endS?: number;
  /** Downscale so the width is at most this many pixels (ffmpeg does the scaling). */
  maxWidthPx?: number;
  streamId?: string;
  /** ffmpeg giving no frame (and not exiting) for this long is a hang: it is killed. Default 30 s. */
  stallTimeoutMs?: number;
  /** Limit of the ffprobe run. Default {@link PROBE_TIMEOUT_MS}. */
  probeTimeoutMs?: number;
  /**
   * Decoder threads. Default: ffmpeg's choice (frame threading, fast). With frame threading ffmpeg
   * misses some of the frames it had to conceal when it flags corrupt frames (a race in its error
   * reporting), so `corruptFrames` is then a lower bound; 1 makes the count exact at the cost of speed.
   */
  decodeThreads?: number;
  /** Programs to run (tests substitute ones that hang). Default `ffmpeg` and `ffprobe`. */
  ffmpegPath?: string;
  ffprobePath?: string;
}

/**
 * Above this share of bad frames (blank frames, or frames ffmpeg reports as corrupt or could not
 * decode) a video's counts are not trustworthy: `raqib analyze` warns and exits 1. Below it the
 * damaged frames are reported (counts, share, one warning) and the run succeeds: a few concealed
 * macroblocks in a long flight do not change its numbers.
 */
export const MAX_BAD_FRAME_SHARE = 0.05;

/** Default {@link VideoFileSourceOptions.stallTimeoutMs}. */
export const FFMPEG_STALL_TIMEOUT_MS = 30_000;

/** After ffmpeg closed its output, how long it may take to exit before it is killed. */
const EXIT_GRACE_MS = 5_000;

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
 * corrupt files yield every decodable frame, then `end()` says where and why decoding stopped, and
 * `dataQuality()` how much of the video was damaged: frames ffmpeg reported as corrupt or could not
 * decode (from its stderr) and blank frames (the flat grey ffmpeg outputs where references are
 * missing). ffprobe and ffmpeg are time-limited: a hang ends in a `SOURCE_FAILED` error.
 */
export class VideoFileSource implements FrameSource {
  readonly description: string;
  private probeInfo: VideoProbe | null = null;
  private endInfo: SourceEnd = { completed: false, framesRead: 0, lastPtsMs: null, reason: 'not started' };
  private decodeLog: FfmpegDecodeLog | null = null;
  private blankFrames = 0;

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
    this.probeInfo ??= await probeVideo(
      this.path,
      this.options.probeTimeoutMs ?? PROBE_TIMEOUT_MS,
      this.options.ffprobePath ?? 'ffprobe',
    );
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
    // repeat+level: every message on its own line with its level, so damaged frames can be counted.
    const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'repeat+level+warning'];
    if (this.options.decodeThreads !== undefined) args.push('-threads', String(this.options.decodeThreads));
    if (startS > 0) args.push('-ss', String(startS));
    args.push('-i', this.path);
    if (this.options.endS !== undefined) args.push('-t', String(this.options.endS - startS));
    // round=up: output frame k is the input frame at exactly k/fps when there is one (not the last one before it).
    args.push('-an', '-sn', '-dn', '-vf', `fps=${fps}:round=up,scale=${width}:${height}:flags=area`);
    args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');

    const program = this.options.ffmpegPath ?? 'ffmpeg';
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = new FfmpegDecodeLog();
    this.decodeLog = log;
    this.blankFrames = 0;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => log.push(text));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>(
      (resolve) => {
        child.on('error', (spawnError) => resolve({ code: null, signal: null, spawnError }));
        child.on('close', (code, signal) => resolve({ code, signal }));
      },
    );

    const frameBytes = width * height * 3;
    const buffers = [new Uint8Array(frameBytes), new Uint8Array(frameBytes)];
    let filled = 0;
    let seq = 0;
    const streamId = this.options.streamId ?? 'file';
    const stallMs = this.options.stallTimeoutMs ?? FFMPEG_STALL_TIMEOUT_MS;
    this.endInfo = { completed: false, framesRead: 0, lastPtsMs: null, reason: 'interrupted' };
    // Damaged timestamps can stretch a 3 s clip to hours of repeated frames: stop well past the
    // duration the file's header gives (twice it, and at least a minute more).
    const headerS = Math.min(this.options.endS ?? Infinity, probe.durationS ?? Infinity) - startS;
    const stopAfterS = Number.isFinite(headerS) ? Math.max(2 * headerS, headerS + 60) : Infinity;
    let stretched = false;
    const chunks = (child.stdout as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    try {
      reading: for (;;) {
        // Only the wait for ffmpeg is timed: while the consumer works, ffmpeg simply blocks on the pipe.
        const next = await withStallTimeout(chunks.next(), stallMs, () => child.kill('SIGKILL'));
        if (next === 'stalled') {
          const at =
            this.endInfo.lastPtsMs === null
              ? 'before the first frame'
              : `after ${(this.endInfo.lastPtsMs / 1000).toFixed(3)} s`;
          throw new RaqibError(
            'SOURCE_FAILED',
            `${this.path}: ffmpeg gave no frame for ${stallMs / 1000} s (${at}) and was stopped; ` +
              'the file may be damaged or on a stalled drive: copy it to a local disk, or analyse a part with --start/--end',
          );
        }
        if (next.done) break;
        const chunk = next.value;
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
          if (ptsMs / 1000 - startS > stopAfterS) {
            stretched = true;
            break reading;
          }
          this.endInfo = { completed: false, framesRead: seq + 1, lastPtsMs: ptsMs, reason: 'interrupted' };
          const image = { width, height, rgb: target };
          if (isBlankFrame(image)) this.blankFrames++;
          yield { meta: { streamId, seq, ptsMs, width, height }, image };
          seq++;
        }
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      // Stopped early (stretched clip, consumer gone): unread output keeps the pipe open, so the child's
      // 'close' would never come and the wait below would hang.
      child.stdout.destroy();
    }
    // ffmpeg has closed its output; one that then does not exit is killed after a grace period.
    const { code, signal, spawnError } = await withStallTimeout(exited, EXIT_GRACE_MS, () =>
      child.kill('SIGKILL'),
    ).then((result) => (result === 'stalled' ? exited : result));
    log.end();
    const lastPtsMs = this.endInfo.lastPtsMs;
    if (spawnError) {
      throw new RaqibError(
        'SOURCE_FAILED',
        `${program} not found: install ffmpeg (bash scripts/install-system-deps.sh)`,
        {
          cause: spawnError,
        },
      );
    }
    if (stretched) {
      const at = ((lastPtsMs ?? 0) / 1000).toFixed(3);
      this.endInfo = {
        completed: false,
        framesRead: seq,
        lastPtsMs,
        reason: `decoding stopped after ${at} s: the frames run far past the ${headerS.toFixed(1)} s the file says it lasts (damaged timestamps)`,
      };
      return;
    }
    const problems = log.errors();
    // Exit 0 with decoding errors: the damage is counted in dataQuality(); it is only "stopped early"
    // when the frames end well before the part that was asked for (a truncated file).
    const expectedEndS = Math.min(this.options.endS ?? Infinity, probe.durationS ?? Infinity);
    const endedEarly = Number.isFinite(expectedEndS) && (lastPtsMs ?? -Infinity) / 1000 + 2 / fps + 1 < expectedEndS;
    if (code === 0 && (problems.length === 0 || !endedEarly)) {
      this.endInfo = { completed: true, framesRead: seq, lastPtsMs };
    } else {
      const where = lastPtsMs === null ? 'before the first frame' : `after ${(lastPtsMs / 1000).toFixed(3)} s`;
      const why =
        problems.join(' | ') || (signal ? `ffmpeg was stopped by ${signal}` : `ffmpeg exited with code ${code}`);
      this.endInfo = { completed: false, framesRead: seq, lastPtsMs, reason: `decoding stopped ${where}: ${why}` };
    }
  }

  /**
   * What was wrong in the decoded video (valid once `frames()` has finished): blank frames, frames
   * ffmpeg reported corrupt or could not decode, and their share against {@link MAX_BAD_FRAME_SHARE}.
   * The share of reported frames is taken against the frames decoded at the video's own rate.
   */
  dataQuality(): DataQualityPart | undefined {
    const log = this.decodeLog;
    if (!log) return undefined;
    const frames = this.endInfo.framesRead;
    const { corruptFrames, undecodablePackets, errorMessages } = log.counts;
    const analysisFps = this.options.fps ?? (this.probeInfo && this.probeInfo.fps > 0 ? this.probeInfo.fps : 25);
    const nativeFps = this.probeInfo && this.probeInfo.fps > 0 ? this.probeInfo.fps : analysisFps;
    const decodedFrames = Math.max(
      Math.round((frames * nativeFps) / analysisFps),
      corruptFrames + undecodablePackets,
      1,
    );
    const reported = corruptFrames + undecodablePackets;
    const badFrameShare =
      frames === 0
        ? reported > 0
          ? 1
          : 0
        : Math.min(1, Math.max(this.blankFrames / frames, reported / decodedFrames));
    const counts = {
      framesDecoded: frames,
      blankFrames: this.blankFrames,
      corruptFrames,
      undecodablePackets,
      decoderErrorMessages: errorMessages,
      badFrameShare: Number(badFrameShare.toFixed(4)),
      maxBadFrameShare: MAX_BAD_FRAME_SHARE,
    };
    const warnings: string[] = [];
    const found = [
      this.blankFrames > 0 ? `${this.blankFrames} of ${frames} frames are blank (one flat colour)` : undefined,
      corruptFrames > 0 ? `ffmpeg reported ${corruptFrames} corrupt frame(s)` : undefined,
      undecodablePackets > 0 ? `${undecodablePackets} frame(s) could not be decoded` : undefined,
    ].filter((text) => text !== undefined);
    const damaged = badFrameShare > MAX_BAD_FRAME_SHARE;
    if (found.length > 0) {
      const verdict = damaged
        ? `${percent(badFrameShare)} of the video is damaged, over the ${percent(MAX_BAD_FRAME_SHARE)} limit: counts from it are not reliable; copy the file again from the drone's card`
        : `${percent(badFrameShare)} of the video is damaged (limit ${percent(MAX_BAD_FRAME_SHARE)}): counts at those times are not reliable`;
      warnings.push(`${this.path}: ${found.join(', ')}: ${verdict}`);
    } else if (errorMessages > 0) {
      warnings.push(`${this.path}: ffmpeg reported ${errorMessages} decoding error(s) (${log.errors(1)[0] ?? ''})`);
    }
    // Damaged timestamps stretch the clip (ffmpeg repeats frames to fill the time): the header's
    // duration is the reference; a decoded span far beyond it makes every duration and rate wrong.
    const startS = this.options.startS ?? 0;
    const expectedS = Math.min(this.options.endS ?? Infinity, this.probeInfo?.durationS ?? Infinity) - startS;
    const lastPtsMs = this.endInfo.lastPtsMs;
    const spanS = lastPtsMs === null ? 0 : lastPtsMs / 1000 - startS + 1 / analysisFps;
    const stretched = Number.isFinite(expectedS) && spanS > expectedS * (1 + MAX_BAD_FRAME_SHARE) + 1;
    if (stretched) {
      warnings.push(
        `${this.path}: the decoded frames span ${spanS.toFixed(1)} s but the file says it lasts ${expectedS.toFixed(1)} s: ` +
          'its timestamps are damaged (frames repeated to fill the time); durations, rates and flows are not reliable',
      );
    }
    const timing = {
      decodedSpanS: Number(spanS.toFixed(3)),
      headerDurationS: Number.isFinite(expectedS) ? expectedS : null,
    };
    return { section: 'video', counts: { ...counts, ...timing }, warnings, overLimit: damaged || stretched };
  }
}

/** Resolves like `promise`, or with 'stalled' (after calling `onStall`) when it takes longer than `ms`. */
async function withStallTimeout<T>(promise: Promise<T>, ms: number, onStall: () => void): Promise<T | 'stalled'> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => {
      onStall();
      resolve('stalled');
    }, ms);
  });
  try {
    return await Promise.race([promise, stalled]);
  } finally {
    clearTimeout(timer);
  }
}
