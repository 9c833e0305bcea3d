import type { CommandIo } from './command-spec.js';

/**
 * Progress on stderr: a bar with ETA on a terminal, otherwise one JSON line per second
 * (`{"progress":{"frames":..,"timeS":..,"fraction":..,"etaS":..}}`) for machines.
 */
export class ProgressReporter {
  private lastWriteMs = -Infinity;
  private readonly startedMs: number;

  constructor(
    private readonly io: CommandIo,
    /** Seconds of input to analyse, when known. */
    private readonly totalS: number | null,
    private readonly startS = 0,
    private readonly nowMs: () => number = () => Date.now(),
  ) {
    this.startedMs = nowMs();
  }

  update(frames: number, timeS: number): void {
    const now = this.nowMs();
    const tty = this.io.stderr.isTTY === true;
    if (now - this.lastWriteMs < (tty ? 200 : 1000)) return;
    this.lastWriteMs = now;
    const fraction = this.totalS ? Math.min(1, Math.max(0, (timeS - this.startS) / this.totalS)) : null;
    const elapsedS = (now - this.startedMs) / 1000;
    const etaS = fraction && fraction > 0 ? (elapsedS * (1 - fraction)) / fraction : null;
    if (!tty) {
      const progress = {
        frames,
        timeS: round1(timeS),
        fraction: fraction === null ? null : round3(fraction),
        etaS: etaS === null ? null : round1(etaS),
      };
      this.io.stderr.write(JSON.stringify({ progress }) + '\n');
      return;
    }
    const width = 30;
    const filled = fraction === null ? 0 : Math.round(fraction * width);
    const bar =
      fraction === null
        ? ''
        : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
    const eta = etaS === null ? '' : ` ETA ${formatDuration(etaS)}`;
    this.io.stderr.write(`\r${bar}${frames} frames, t=${timeS.toFixed(1)} s${eta}   `);
  }

  done(): void {
    if (this.io.stderr.isTTY === true) this.io.stderr.write('\n');
  }
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
