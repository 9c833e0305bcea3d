import type { StreamLiveStatus } from '../../api/api-route.js';
import type { StreamState } from '../../live/stream-supervisor.js';
import type { NatsBus } from './nats-bus.js';

interface Seen {
  state?: StreamState;
  lastFrameAtMs: number | null;
  /** Arrival times of the latest readings (one per analysed frame), for the analysed rate. */
  recentMs: number[];
}

/** Readings within this window make the analysed rate. */
const RATE_WINDOW_MS = 5000;

/**
 * The live side of GET /api/v1/streams on an API node, which analyses nothing itself: each stream's
 * supervisor state from `streams/health` and its analysed rate and last frame from its readings,
 * whichever worker runs it. Skipped and failed frame counters stay on the worker (reported as 0).
 */
export class BusLiveStatus {
  private readonly seen = new Map<string, Seen>();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    bus: NatsBus,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.unsubscribe = [
      bus.subscribe('streams/health', ({ data }) => {
        const transition = data as { streamId?: unknown; to?: unknown };
        if (typeof transition.streamId !== 'string' || typeof transition.to !== 'string') return;
        this.entry(transition.streamId).state = transition.to as StreamState;
      }),
      bus.subscribe('streams/*/readings', ({ data }) => {
        const reading = data as { streamId?: unknown };
        if (typeof reading.streamId !== 'string') return;
        const entry = this.entry(reading.streamId);
        const now = this.nowMs();
        entry.lastFrameAtMs = now;
        entry.recentMs.push(now);
        while (entry.recentMs.length > 0 && entry.recentMs[0]! < now - RATE_WINDOW_MS) entry.recentMs.shift();
      }),
    ];
  }

  private entry(streamId: string): Seen {
    let entry = this.seen.get(streamId);
    if (!entry) {
      entry = { lastFrameAtMs: null, recentMs: [] };
      this.seen.set(streamId, entry);
    }
    return entry;
  }

  apiStatus(streamId: string): StreamLiveStatus | undefined {
    const entry = this.seen.get(streamId);
    if (!entry) return undefined;
    const now = this.nowMs();
    const recent = entry.recentMs.filter((atMs) => atMs >= now - RATE_WINDOW_MS);
    const spanMs = recent.length >= 2 ? recent.at(-1)! - recent[0]! : 0;
    return {
      ...(entry.state ? { state: entry.state } : {}),
      fps: spanMs > 0 ? Number(((recent.length - 1) / (spanMs / 1000)).toFixed(2)) : null,
      lastFrameAtMs: entry.lastFrameAtMs,
      skippedFrames: 0,
      failedFrames: 0,
    };
  }

  close(): void {
    for (const off of this.unsubscribe) off();
  }
}
