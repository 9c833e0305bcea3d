import type { RgbImage } from '@raqib/core';
import type { FrameSource, SourceEnd, SourceFrame } from '../ingest/frame-source.js';
import { LatestFrameMailbox, type MailboxCounters } from './latest-frame-mailbox.js';
import {
  StreamSupervisor,
  type StreamHealth,
  type StreamSupervisorOptions,
  type StreamTransition,
} from './stream-supervisor.js';
import { systemClock } from './supervisor-clock.js';

export interface LiveFrameSourceOptions extends Omit<StreamSupervisorOptions, 'onFrame'> {
  /** Human-readable origin for messages (no secrets: redact the URL). */
  description: string;
}

/** Health and frame counters of a live source, for the API's stream list and the bench. */
export interface LiveSourceStats extends StreamHealth, MailboxCounters {}

interface MailboxFrame {
  image: RgbImage;
  /** Supervisor clock time the frame was decoded (ms). */
  receivedAtMs: number;
  /** Wall-clock time the frame was decoded (Unix ms). */
  capturedAtMs: number;
}

/**
 * A live stream as a {@link FrameSource} for `analyzeStream`: a supervised input (restarted on stalls
 * and losses, see {@link StreamSupervisor}) behind a latest-frame mailbox of depth 1, so the pipeline
 * always gets the newest decoded frame and never a backlog. One `frames()` run lasts for the stream's
 * life across restarts: `seq` keeps counting and `ptsMs` is time since the stream started. It ends
 * when {@link LiveFrameSource.stop} is called or a drill file completes.
 */
export class LiveFrameSource implements FrameSource {
  readonly description: string;
  readonly supervisor: StreamSupervisor;
  private readonly mailbox = new LatestFrameMailbox<MailboxFrame>();
  private readonly nowMs: () => number;
  private readonly wallClockMs: () => number;
  private lastTransition: StreamTransition | null = null;
  private framesRead = 0;
  private lastPtsMs: number | null = null;
  private startedAtMs: number | null = null;

  constructor(options: LiveFrameSourceOptions) {
    this.description = options.description;
    const clock = options.clock ?? systemClock;
    this.nowMs = () => clock.nowMs();
    this.wallClockMs = options.wallClockMs ?? Date.now;
    this.supervisor = new StreamSupervisor({
      ...options,
      onFrame: (image) => {
        this.mailbox.put({ image, receivedAtMs: this.nowMs(), capturedAtMs: this.wallClockMs() });
      },
    });
    this.supervisor.onTransition((transition) => {
      this.lastTransition = transition;
      if (transition.to === 'ended') this.mailbox.close();
    });
  }

  /** Stops the stream: the input is stopped and `frames()` finishes after the frame in hand. */
  stop(reason = 'stopped'): void {
    this.supervisor.stop(reason);
  }

  stats(): LiveSourceStats {
    return { ...this.supervisor.health(), ...this.mailbox.counters() };
  }

  async *frames(): AsyncGenerator<SourceFrame> {
    this.startedAtMs ??= this.nowMs();
    this.supervisor.start();
    try {
      for (;;) {
        const next = await this.mailbox.take();
        if (!next) break;
        const { image } = next;
        const ptsMs = Math.round((next.receivedAtMs - this.startedAtMs) * 1000) / 1000;
        const seq = this.framesRead++;
        this.lastPtsMs = ptsMs;
        yield {
          meta: {
            streamId: this.supervisor.streamId,
            seq,
            ptsMs,
            capturedAtMs: next.capturedAtMs,
            width: image.width,
            height: image.height,
          },
          image,
        };
      }
    } finally {
      // The consumer stopped early (abort, failure): the input must not outlive it.
      this.supervisor.stop('analysis stopped');
    }
  }

  end(): SourceEnd {
    const reason = this.lastTransition?.reason ?? 'not started';
    const completed = this.supervisor.completed;
    return {
      completed,
      framesRead: this.framesRead,
      lastPtsMs: this.lastPtsMs,
      ...(completed ? {} : { reason }),
    };
  }
}
