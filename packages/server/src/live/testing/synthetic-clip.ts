import { spawn } from 'node:child_process';

export interface SyntheticClipOptions {
  outPath: string;
  widthPx: number;
  heightPx: number;
  fps: number;
  durationS: number;
}

/**
 * Writes an H.264 test-pattern clip (ffmpeg `testsrc`) with a keyframe every second, so a live
 * puller joining at any time starts within a second. For live-ingest tests and drills.
 */
export async function writeSyntheticClip(options: SyntheticClipOptions): Promise<void> {
  const { outPath, widthPx, heightPx, fps, durationS } = options;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${widthPx}x${heightPx}:rate=${fps}`,
    '-t',
    String(durationS),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-g',
    String(Math.max(1, Math.round(fps))),
    '-pix_fmt',
    'yuv420p',
    outPath,
  ];
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg could not write ${outPath}: ${stderr.trim()}`)),
    );
  });
}
