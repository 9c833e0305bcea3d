// Measuring helpers shared by `bench:live` (live-bench.ts) and `bench:scale` (scale-bench.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../inference/index.js';

const SAMPLE = join(
  repoRoot(),
  '..',
  'shared',
  'datasets',
  'ShanghaiTech',
  'part_B',
  'train_data',
  'images',
  'IMG_1.jpg',
);

/** USER_HZ on Linux: /proc CPU times are in these ticks. */
export const TICKS_PER_S = 100;

/**
 * A 60 s H.264 clip panning over a real crowd photo like a flight (a test pattern when the dataset is
 * absent), keyframe every second.
 */
export function makeCrowdClip(dir: string, widthPx: number, heightPx: number, fps: number): string {
  const path = join(dir, `crowd-${widthPx}x${heightPx}.mp4`);
  const tall = Math.round((heightPx * 1.4) / 2) * 2;
  const input = existsSync(SAMPLE)
    ? ['-loop', '1', '-i', SAMPLE]
    : ['-f', 'lavfi', '-i', `testsrc2=s=${widthPx}x${tall}`];
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', ...input, '-t', '60', '-r', String(fps),
    '-vf', `scale=${widthPx}:${tall},crop=${widthPx}:${heightPx}:0:'${(tall - heightPx) / 2}*(1+sin(t/4))'`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(fps), '-pix_fmt', 'yuv420p', '-y', path,
  ]); // prettier-ignore
  return path;
}

interface ProcStat {
  ppid: number;
  ticks: number;
  rssKb: number;
}

function readProcStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is state (field 3); ppid is field 4, utime 14, stime 15, rss 24 (pages of 4 KiB)
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
        rssKb: Number(fields[21]) * 4,
      });
    } catch {
      // exited meanwhile
    }
  }
  return stats;
}

/**
 * CPU ticks (user + system) and RSS of every process below `rootPid` (not `rootPid` itself), except
 * those in `exclude` and their descendants; with `includeRoot`, `rootPid` is counted too.
 */
export function descendants(
  rootPid: number,
  exclude: ReadonlySet<number> = new Set(),
  includeRoot = false,
): { ticks: number; rssKb: number; count: number } {
  const stats = readProcStats();
  let ticks = 0;
  let rssKb = 0;
  let count = 0;
  for (const [pid, stat] of stats) {
    if (exclude.has(pid)) continue;
    if (pid === rootPid) {
      if (!includeRoot) continue;
    } else {
      let up: number | undefined = stat.ppid;
      let excluded = false;
      while (up !== undefined && up > 1 && up !== rootPid) {
        if (exclude.has(up)) excluded = true;
        up = stats.get(up)?.ppid;
      }
      if (up !== rootPid || excluded) continue;
    }
    ticks += stat.ticks;
    rssKb += stat.rssKb;
    count++;
  }
  return { ticks, rssKb, count };
}

/** The p-th percentile (nearest rank, lower) of `values`; NaN when empty. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
