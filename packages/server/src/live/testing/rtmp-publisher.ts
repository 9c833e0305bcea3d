import { spawn, type ChildProcess } from 'node:child_process';

export interface TestPublisher {
  child: ChildProcess;
  /** Resolves when ffmpeg exits, with its exit code and stderr. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
}

export interface TestPublisherOptions {
  widthPx?: number;
  heightPx?: number;
  fps?: number;
  /** Stop after this long; default: until killed. */
  durationS?: number;
  /** Publish this file (played with -re, looped) instead of a test pattern. */
  filePath?: string;
  /**
   * With `filePath`: send its H.264 as it is (no re-encoding), as a drone sends what it encoded on
   * board; keeps a benchmark's publishers from eating the CPU being measured. The file's keyframes
   * should be close together (a puller starts at one).
   */
  copy?: boolean;
}

/**
 * Publishes like a drone app: ffmpeg pushes H.264 in FLV over RTMP in real time (-re), with a
 * keyframe every second so a puller can join quickly. A test pattern by default, or a clip.
 */
export function publishRtmp(url: string, options: TestPublisherOptions = {}): TestPublisher {
  const fps = options.fps ?? 10;
  const input = options.filePath
    ? ['-re', '-stream_loop', '-1', '-i', options.filePath]
    : ['-re', '-f', 'lavfi', '-i', `testsrc=size=${options.widthPx ?? 320}x${options.heightPx ?? 180}:rate=${fps}`];
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', ...input];
  if (options.durationS !== undefined) args.push('-t', String(options.durationS));
  if (options.filePath && options.copy) args.push('-an', '-c:v', 'copy');
  else {
    args.push('-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(fps));
    args.push('-pix_fmt', 'yuv420p');
  }
  args.push('-f', 'flv', url);
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => (stderr += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) => {
    child.on('error', (error) => done({ code: null, signal: null, stderr: error.message }));
    child.on('close', (code, signal) => done({ code, signal, stderr }));
  });
  return {
    child,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
