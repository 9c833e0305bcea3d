/** Counters of a live source: `capturedFrames = processedFrames + skippedFrames + (1 if one waits)`. */
export interface MailboxCounters {
  /** Frames the decoder delivered. */
  capturedFrames: number;
  /** Frames the consumer took. */
  processedFrames: number;
  /** Frames replaced by a newer one before the consumer took them. */
  skippedFrames: number;
}

/**
 * A mailbox of depth 1 between a live decoder and a slow consumer: the newest frame wins. `put`
 * never waits and never queues; an untaken frame is replaced and counted as skipped, so inference
 * always works on the freshest picture and latency cannot build up behind it.
 */
export class LatestFrameMailbox<T> {
  private slot: { value: T } | null = null;
  private waiter: ((value: T | null) => void) | null = null;
  private closed = false;
  private readonly counts: MailboxCounters = { capturedFrames: 0, processedFrames: 0, skippedFrames: 0 };

  /** Offers a frame. Returns the frame it replaced (skipped), if any, so its buffer can be reused. */
  put(value: T): T | undefined {
    if (this.closed) return undefined;
    this.counts.capturedFrames++;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      this.counts.processedFrames++;
      waiter(value);
      return undefined;
    }
    const replaced = this.slot?.value;
    if (this.slot) this.counts.skippedFrames++;
    this.slot = { value };
    return replaced;
  }

  /** The waiting frame, or the next one to arrive; null once closed and empty. One taker at a time. */
  take(): Promise<T | null> {
    if (this.slot) {
      const { value } = this.slot;
      this.slot = null;
      this.counts.processedFrames++;
      return Promise.resolve(value);
    }
    if (this.closed) return Promise.resolve(null);
    if (this.waiter) return Promise.reject(new Error('LatestFrameMailbox: take() while another take() waits'));
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** No more frames: a waiting taker gets null; a frame already waiting can still be taken. */
  close(): void {
    this.closed = true;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter(null);
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  counters(): MailboxCounters {
    return { ...this.counts };
  }
}
