import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { RaqibError } from '@raqib/core';

/** Encodes raw RGB frames to an H.264 MP4 with a spawned ffmpeg (frames go in over stdin). */
export class FfmpegEncoder {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<number | null>;
  private stderrTail = '';
  private spawnError: Error | null = null;

  constructor(
    readonly path: string,
    readonly width: number,
    readonly height: number,
    fps: number,
  ) {
    this.child = spawn('ffmpeg', [
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
    this.child.stdin.on('error', () => {}); // reported through the exit code below
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.spawnError = error;
        resolve(null);
      });
      this.child.on('close', resolve);
    });
  }

  /** Writes one frame (exactly width x height x 3 bytes), waiting when ffmpeg is behind. */
  async write(rgb: Uint8Array): Promise<void> {
    if (this.spawnError) throw new RaqibError('SOURCE_FAILED', `ffmpeg could not start: ${this.spawnError.message}`);
    if (!this.child.stdin.write(rgb)) await new Promise<void>((resolve) => this.child.stdin.once('drain', resolve));
  }

  /** Finishes the file; throws with ffmpeg's message when encoding failed. */
  async close(): Promise<void> {
    this.child.stdin.end();
    const code = await this.exited;
    if (code !== 0) {
      throw new RaqibError(
        'SOURCE_FAILED',
        `${this.path}: encoding failed (${this.spawnError?.message ?? this.stderrTail.trim()})`,
      );
    }
  }
}
