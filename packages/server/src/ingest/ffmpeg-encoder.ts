import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { RaqibError } from '@raqib/core';

export interface FfmpegEncoderOptions {
  /** Longest wait for ffmpeg to take a frame (stdin 'drain') before it is stopped (default 60 s). */
  writeTimeoutMs?: number;
  /** Longest wait for ffmpeg to finish the file after the last frame (default 120 s). */
  closeTimeoutMs?: number;
  /** The ffmpeg executable (default: `ffmpeg` on the PATH). */
  ffmpegPath?: string;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: Error;
}

const DEFAULT_WRITE_TIMEOUT_MS = 60_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 120_000;
const KILL_GRACE_MS = 2000;
const EXIT_STDIO_GRACE_MS = 200;

/**
 * Encodes raw RGB frames to an H.264 MP4 with a spawned ffmpeg (frames go in over stdin).
 *
 * Every wait on the child also watches its exit: a write that waits for 'drain' returns (with an
 * error) as soon as ffmpeg exits, and writes and the final close are bounded by timeouts, after which
 * ffmpeg is killed. H.264 in yuv420p needs even sizes, so odd widths or heights are padded by one
 * black pixel column or row (the picture itself is not scaled).
 */
export class FfmpegEncoder {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<Exit>;
  private exit: Exit | null = null;
  private stderrTail = '';
  private readonly writeTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private killedBecause: string | null = null;

  constructor(
    readonly path: string,
    readonly width: number,
    readonly height: number,
    fps: number,
    options: FfmpegEncoderOptions = {},
  ) {
    this.writeTimeoutMs = options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.child = spawn(options.ffmpegPath ?? 'ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${width}x${height}`,
      '-r',
      String(fps),
      '-i',
      'pipe:0',
      '-vf',
      'pad=ceil(iw/2)*2:ceil(ih/2)*2',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '23',
      '-pix_fmt',
      'yuv420p',
      '-movflags',
      '+faststart',
      path,
    ]);
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => (this.stderrTail = (this.stderrTail + text).slice(-2000)));
    this.child.stdin.on('error', () => {}); // EPIPE when ffmpeg has exited: reported through `exited`
    this.exited = new Promise((resolve) => {
      const settle = (exit: Exit) => {
        this.exit ??= exit;
        resolve(this.exit);
      };
      this.child.on('error', (spawnError) => settle({ code: null, signal: null, spawnError }));
      this.child.on('close', (code, signal) => settle({ code, signal }));
      // 'close' also waits for the pipes, which a leftover grandchild can hold open: after 'exit',
      // give stderr a moment to deliver the last message, then settle anyway.
      this.child.on('exit', (code, signal) => setTimeout(() => settle({ code, signal }), EXIT_STDIO_GRACE_MS));
    });
  }

  /** Writes one frame (exactly width x height x 3 bytes), waiting when ffmpeg is behind. */
  async write(rgb: Uint8Array): Promise<void> {
    const expected = this.width * this.height * 3;
    if (rgb.length !== expected) {
      throw new RaqibError(
        'OUTPUT_FAILED',
        `${this.path}: a frame of ${rgb.length} bytes does not match ${this.width}x${this.height} RGB (${expected} bytes)`,
      );
    }
    if (this.exit) throw this.failure('ffmpeg stopped before the end of the video');
    if (this.child.stdin.write(rgb)) return;
    const outcome = await this.waitFor(
      new Promise<'drained'>((resolve) => this.child.stdin.once('drain', () => resolve('drained'))),
      this.writeTimeoutMs,
    );
    if (outcome === 'timeout') {
      this.kill(`ffmpeg took no frame for ${this.writeTimeoutMs} ms`);
      await this.waitFor(this.exited, KILL_GRACE_MS);
    }
    if (this.exit) throw this.failure('ffmpeg stopped before the end of the video');
  }

  /** Finishes the file; throws with ffmpeg's message when encoding failed or did not end in time. */
  async close(): Promise<void> {
    this.child.stdin.end();
    const outcome = await this.waitFor(this.exited, this.closeTimeoutMs);
    if (outcome === 'timeout') {
      this.kill(`ffmpeg did not finish the file within ${this.closeTimeoutMs} ms`);
      await this.waitFor(this.exited, KILL_GRACE_MS);
    }
    const exit = this.exit;
    if (!exit || exit.code !== 0) throw this.failure('encoding failed');
  }

  /** Stops ffmpeg at once (a failed or abandoned output); never throws. */
  abort(reason = 'the output was abandoned'): void {
    this.kill(reason);
  }

  private kill(reason: string): void {
    if (this.exit) return;
    this.killedBecause ??= reason;
    this.child.kill('SIGKILL');
  }

  /** Resolves with what happened first: `work`, ffmpeg's exit, or the timeout. */
  private async waitFor<T>(work: Promise<T>, timeoutMs: number): Promise<T | 'exited' | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        work,
        this.exited.then(() => 'exited' as const),
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private failure(what: string): RaqibError {
    const exit = this.exit;
    const how = !exit
      ? 'still running'
      : exit.spawnError
        ? `could not start: ${exit.spawnError.message}`
        : exit.signal
          ? `killed by ${exit.signal}`
          : `exit code ${exit.code}`;
    const detail = this.killedBecause ?? (this.stderrTail.trim().split('\n').slice(-3).join(' | ') || 'no message');
    return new RaqibError('OUTPUT_FAILED', `${this.path}: ${what} (ffmpeg ${how}: ${detail})`);
  }
}
