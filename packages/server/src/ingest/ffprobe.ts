import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RaqibError } from '@raqib/core';

const execFileAsync = promisify(execFile);

/** What ffprobe says about the first video stream of a file. */
export interface VideoProbe {
  width: number;
  height: number;
  /** Average frame rate, frames per second. */
  fps: number;
  /** Duration in seconds, or null when the container does not say. */
  durationS: number | null;
  codec: string;
}

function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [num, den] = rate.split('/').map(Number);
  if (num === undefined || !Number.isFinite(num)) return 0;
  return den ? num / den : num;
}

/** Default limit of one ffprobe run: a probe reads only the container headers, so this is generous. */
export const PROBE_TIMEOUT_MS = 30_000;

/**
 * Probes a video with ffprobe; RaqibError('SOURCE_FAILED') when unreadable. The child process is
 * killed after `timeoutMs` (a damaged file or a stalled drive must not hang the run).
 *
 * @param ffprobePath the program to run (tests substitute one that hangs)
 */
export async function probeVideo(
  path: string,
  timeoutMs = PROBE_TIMEOUT_MS,
  ffprobePath = 'ffprobe',
): Promise<VideoProbe> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      ffprobePath,
      ['-v', 'error', '-select_streams', 'v:0', '-print_format', 'json', '-show_streams', '-show_format', path],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024 },
    ));
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: string; killed?: boolean; signal?: string | null };
    if (err.code === 'ENOENT') {
      throw new RaqibError('SOURCE_FAILED', 'ffprobe not found: install ffmpeg (bash scripts/install-system-deps.sh)');
    }
    if (err.killed || err.signal === 'SIGKILL') {
      throw new RaqibError(
        'SOURCE_FAILED',
        `${path}: ffprobe did not finish reading the file's headers within ${timeoutMs / 1000} s and was stopped; ` +
          'the file may be damaged or on a stalled drive: copy it to a local disk and try again',
        { cause: error },
      );
    }
    const detail = (err.stderr ?? err.message).trim().split('\n').slice(-2).join(' ');
    throw new RaqibError('SOURCE_FAILED', `${path}: not a readable video (${detail})`, { cause: error });
  }
  let info: {
    streams?: Array<Record<string, string | number | undefined>>;
    format?: Record<string, string | undefined>;
  };
  try {
    info = JSON.parse(stdout) as typeof info;
  } catch (error) {
    throw new RaqibError('SOURCE_FAILED', `${path}: ffprobe gave no readable description of the file`, {
      cause: error,
    });
  }
  const stream = info.streams?.[0];
  if (!stream) throw new RaqibError('SOURCE_FAILED', `${path}: no video stream found`);
  const width = Number(stream.width);
  const height = Number(stream.height);
  if (!(width > 0 && height > 0)) throw new RaqibError('SOURCE_FAILED', `${path}: video stream has no frame size`);
  const duration = Number(stream.duration ?? info.format?.duration);
  return {
    width,
    height,
    fps: parseRate(String(stream.avg_frame_rate ?? '')) || parseRate(String(stream.r_frame_rate ?? '')),
    durationS: Number.isFinite(duration) && duration > 0 ? duration : null,
    codec: String(stream.codec_name ?? 'unknown'),
  };
}
