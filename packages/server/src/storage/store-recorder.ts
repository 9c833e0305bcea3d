import type { AlertEvent, FrameAnalysis } from '@raqib/core';
import { moduleLogger } from '../logging/logger.js';
import { ReadingDownsampler } from './reading-downsampler.js';
import type { Store } from './store.js';
import type { AlertRecord } from './store-records.js';

const log = moduleLogger('store-recorder');

/** Alerts read back at a stream's start; far more than a stream ever has open at once. */
const OPEN_ALERTS_LIMIT = 1_000;

/**
 * Records one stream's analysis in the Store: zone readings as 1 s / 1 min buckets (`write`, as a
 * pipeline sink) and alert lifecycle events (`recordAlert`, as an alert listener). Wall times come
 * from the frame's capture time when the source knows it (live), else from `startedAtMs` plus the
 * stream time (a file played as live). Writes are idempotent, so a restarted stream that replays
 * frames or alerts stores nothing twice.
 */
export class StoreRecorder {
  private readonly downsampler: ReadingDownsampler;
  /** Wall time minus stream time of the latest frame, to place alert events (which carry stream time). */
  private offsetMs: number;

  constructor(
    private readonly store: Store,
    readonly streamId: string,
    startedAtMs: number,
  ) {
    this.downsampler = new ReadingDownsampler(streamId);
    this.offsetMs = startedAtMs;
  }

  /** Sink `write`: adds the frame's zone readings; stores the buckets it closed. */
  async write(analysis: FrameAnalysis): Promise<void> {
    const wallMs = analysis.frame.capturedAtMs ?? this.offsetMs + analysis.timeS * 1000;
    this.offsetMs = wallMs - analysis.timeS * 1000;
    const closed = this.downsampler.add(wallMs, analysis.zones);
    if (closed.length > 0) await this.store.putReadings(closed);
  }

  /** Sink `close`: stores the buckets still open (partial; completed if the stream replays them). */
  async close(): Promise<void> {
    const open = this.downsampler.flush();
    if (open.length > 0) await this.store.putReadings(open);
  }

  /** The stream's alerts left open by an earlier run ({@link readOpenAlerts}). */
  openAlerts(): Promise<AlertRecord[]> {
    return readOpenAlerts(this.store, this.streamId);
  }

  /** Alert listener: stores the event at its wall time. */
  async recordAlert(event: AlertEvent): Promise<void> {
    await this.store.recordAlertEvent(event, Math.round(this.offsetMs + event.timeS * 1000));
  }
}

/**
 * A stream's alerts whose condition the engine never cleared (the process was killed while they were
 * open, or another node held the stream), whatever their workflow status: a restarted stream carries
 * them on (see carryOnOpenAlerts) instead of raising the same incident again under a new id.
 */
export async function readOpenAlerts(store: Store, streamId: string): Promise<AlertRecord[]> {
  try {
    const alerts = await store.listAlerts({ state: 'all', streamId, limit: OPEN_ALERTS_LIMIT });
    return alerts.filter((alert) => alert.condition === 'active');
  } catch (error) {
    // A database that is down must not keep the stream from being analysed: it starts without
    // them (an incident still on may then be raised again under a new id).
    log.warn({ streamId, err: error }, 'open alerts not read back; the stream starts without them');
    return [];
  }
}
