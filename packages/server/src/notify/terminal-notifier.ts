import type { Writable } from 'node:stream';
import type { AlertSeverity } from '@raqib/core';
import { moduleLogger } from '../logging/logger.js';
import { alertSummary, formatValue, isStreamEnded, oneLine } from './alert-text.js';
import { settlesWithin } from './clock.js';
import type { Notifier, NotifierStats } from './notifier.js';
import { isAtLeast, type NotifyEvent } from './notify-event.js';

export interface TerminalNotifierOptions {
  /** Where lines go (default: stderr; stdout is kept for command results). */
  stream?: Writable & { isTTY?: boolean };
  minSeverity: AlertSeverity;
  /** ANSI colours; default: when the stream is a TTY and NO_COLOR is not set. */
  colour?: boolean;
}

const log = moduleLogger('notify');
const SEVERITY_COLOUR: Record<AlertSeverity, string> = {
  info: '\u001b[36m',
  warning: '\u001b[33m',
  danger: '\u001b[31m',
  critical: '\u001b[1;41;97m',
};
const GREEN = '\u001b[32m';
const RESET = '\u001b[0m';
const CLOSE_BOUND_MS = 250;

/** One readable line of an event, e.g. `[raqib] DANGER raised  zone gate-3: density 5.4/m² >= 5  t=123.4 s cam1`. */
export function terminalLine(event: NotifyEvent, colour: boolean): string {
  const label = event.severity.toUpperCase();
  // An alert closed because the stream ended was still active: not green, and not called "cleared".
  const streamEnded = isStreamEnded(event);
  const resolved = event.type === 'cleared' && !streamEnded;
  const painted = colour ? `${resolved ? GREEN : SEVERITY_COLOUR[event.severity]}${label}${RESET}` : label;
  const what = streamEnded ? 'closed: stream ended' : event.type.padEnd(9);
  const stream = event.streamId ? ` ${oneLine(event.streamId)}` : '';
  return `[raqib] ${painted} ${what} ${alertSummary(event)}  t=${formatValue(event.timeS)} s${stream}\n`;
}

/** Prints one line per event; writes go straight to the stream, so nothing is queued here. */
export class TerminalNotifier implements Notifier {
  readonly name = 'terminal';
  readonly stats: NotifierStats = { enqueued: 0, delivered: 0, deadLettered: 0, filtered: 0, attempts: 0 };
  private readonly stream: Writable & { isTTY?: boolean };
  private readonly minSeverity: AlertSeverity;
  private readonly colour: boolean;
  private readonly pending = new Set<Promise<void>>();

  constructor(options: TerminalNotifierOptions) {
    this.stream = options.stream ?? process.stderr;
    this.minSeverity = options.minSeverity;
    this.colour = options.colour ?? (this.stream.isTTY === true && !process.env.NO_COLOR);
  }

  notify(event: NotifyEvent): void {
    if (!isAtLeast(event.severity, this.minSeverity)) {
      this.stats.filtered += 1;
      return;
    }
    this.stats.enqueued += 1;
    this.stats.attempts += 1;
    try {
      const written = new Promise<void>((resolve) => {
        this.stream.write(terminalLine(event, this.colour), (error) => {
          if (error) log.warn({ err: error }, 'terminal notification could not be written');
          else this.stats.delivered += 1;
          resolve();
        });
      });
      this.pending.add(written);
      void written.then(() => this.pending.delete(written));
    } catch (error) {
      log.warn({ err: error }, 'terminal notification could not be written');
    }
  }

  async flush(timeoutMs: number): Promise<void> {
    if (this.pending.size === 0) return;
    await settlesWithin(Promise.all(this.pending), timeoutMs);
  }

  /** Waits briefly for lines still being written; the stream itself belongs to the caller. */
  async close(): Promise<void> {
    await this.flush(CLOSE_BOUND_MS);
  }
}
