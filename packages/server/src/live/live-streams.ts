import { RaqibError } from '@raqib/core';
import type { AnalysisSummary } from '../sinks/analysis-summary.js';
import type { Sink } from '../sinks/sink.js';
import { moduleLogger } from '../logging/logger.js';
import { analyzeStream } from '../pipeline/analyze-stream.js';
import type { Stage } from '../pipeline/stage.js';
import { ffmpegLiveInput, redactUrl } from './ffmpeg-live-input.js';
import { LiveFrameSource } from './live-frame-source.js';
import type { LiveInputFactory } from './live-input.js';
import type { StreamState, StreamSupervisorOptions, StreamTransition } from './stream-supervisor.js';

const log = moduleLogger('live');

/** Where a live stream's video comes from. */
export type LiveStreamInput =
  /** A drone pushing RTMP to Raqib's ingest with this stream key. */
  | { kind: 'rtmp-push'; streamKey: string }
  /** An RTSP, SRT, RTMP or HTTP(S)/HLS URL that Raqib pulls. */
  | { kind: 'pull'; url: string; rtspTransport?: 'tcp' | 'udp' }
  /** A file played as live (drills, demos). */
  | { kind: 'drill'; path: string; loop?: boolean }
  /** Any other input (tests, simulators). */
  | { kind: 'custom'; description: string; factory: LiveInputFactory };

export interface LiveStreamSpec {
  id: string;
  input: LiveStreamInput;
  /** Analysis rate (frames per second). */
  fps: number;
  /** Downscale wider frames to this width before analysis. */
  maxWidthPx?: number;
}

/** The pipeline of one stream run: fresh stages (trackers, zone state) and sinks per run. */
export type LivePipelineFactory = (spec: LiveStreamSpec) => { stages: Stage[]; sinks: Sink[] };

/** Supervisor timing shared by all streams (defaults: 20 s stall, 2..60 s backoff). */
export type LiveSupervisorTiming = Pick<
  StreamSupervisorOptions,
  | 'stallTimeoutMs'
  | 'startGraceMs'
  | 'tickMs'
  | 'backoffInitialMs'
  | 'backoffMaxMs'
  | 'backoffJitter'
  | 'backoffResetAfterMs'
  | 'clock'
>;

export interface LiveStreamsOptions {
  /** The RTMP ingest, for `rtmp-push` streams (where Raqib pulls them from). */
  ingest?: { pullUrl(streamKey: string): string };
  pipeline: LivePipelineFactory;
  timing?: LiveSupervisorTiming;
  /** Every state change of every stream (store it, publish it on the stream-health topic). */
  onTransition?: (transition: StreamTransition) => void;
  /** A stream's analysis failed (a stage threw): it is restarted after `analysisRestartMs`. */
  onAnalysisFailed?: (streamId: string, error: Error) => void;
  /** Wait before a failed analysis run is restarted. Default 2 s. */
  analysisRestartMs?: number;
  /**
   * A frame whose analysis fails (one inference error, a worker that crashed or hung on it) is
   * skipped and counted; only this many failed frames in a row fail the run (then restarted after
   * `analysisRestartMs`). Default 10 (5 s at 2 fps).
   */
  maxFailedFramesInARow?: number;
}

/** One stream in the API's list. */
export interface LiveStreamStatus {
  id: string;
  state: StreamState;
  /** Analysed frames per second over the last few seconds (0 when none arrive). */
  fps: number;
  /** Wall-clock time of the last decoded frame (Unix ms), or null. */
  lastFrameAt: number | null;
  capturedFrames: number;
  processedFrames: number;
  skippedFrames: number;
  /** Frames whose analysis failed and were skipped (the run went on), over all runs. */
  failedFrames: number;
  /** Input restarts, over all analysis runs. */
  restarts: number;
  /** Analysis runs restarted after a pipeline failure. */
  analysisRestarts: number;
  lastProblem: string | null;
}

interface Entry {
  spec: LiveStreamSpec;
  source: LiveFrameSource | null;
  run: Promise<AnalysisSummary | undefined> | null;
  /** Frame counters and restarts of finished runs, so totals survive an analysis restart. */
  carried: { capturedFrames: number; processedFrames: number; skippedFrames: number; restarts: number };
  analysisRestarts: number;
  failedFrames: number;
  recentFrameTimesMs: number[];
  restartTimer: NodeJS.Timeout | null;
  removed: boolean;
  /** The last run finished normally (stopped, or a drill file completed): the stream has ended. */
  finished: boolean;
  lastProblem: string | null;
}

/** Frames kept for the fps estimate; a rate older than this window is reported as 0. */
const FPS_WINDOW_FRAMES = 20;
const FPS_STALE_MS = 5_000;

/**
 * The live streams of a server: each stream is a supervised live source feeding its own
 * `analyzeStream` run. A stream whose pipeline fails (e.g. a stage error) is logged, reported and
 * restarted on its own after a short wait; no stream's failure reaches another. The ingest's
 * publish notifications are routed to the stream with that key, which reconnects at once.
 */
export class LiveStreams {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: LiveStreamsOptions) {}

  /** Starts a stream. Throws CONFIG_INVALID for a duplicate id, a duplicate stream key or a push stream without an ingest. */
  add(spec: LiveStreamSpec): void {
    if (this.entries.has(spec.id)) throw new RaqibError('CONFIG_INVALID', `stream "${spec.id}" already exists`);
    if (spec.input.kind === 'rtmp-push') {
      if (!this.options.ingest) {
        throw new RaqibError('CONFIG_INVALID', `stream "${spec.id}": RTMP push needs the RTMP ingest, which is off`);
      }
      const key = spec.input.streamKey;
      if ([...this.entries.values()].some((e) => e.spec.input.kind === 'rtmp-push' && e.spec.input.streamKey === key)) {
        throw new RaqibError('CONFIG_INVALID', `stream "${spec.id}": its stream key is already used by another stream`);
      }
    }
    if (!(spec.fps > 0))
      throw new RaqibError('CONFIG_INVALID', `stream "${spec.id}": fps must be > 0, got ${spec.fps}`);
    const entry: Entry = {
      spec,
      source: null,
      run: null,
      carried: { capturedFrames: 0, processedFrames: 0, skippedFrames: 0, restarts: 0 },
      analysisRestarts: 0,
      failedFrames: 0,
      recentFrameTimesMs: [],
      restartTimer: null,
      removed: false,
      finished: false,
      lastProblem: null,
    };
    this.entries.set(spec.id, entry);
    this.startRun(entry);
  }

  /** Stops a stream and waits for its sinks to close. */
  async remove(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    entry.removed = true;
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    entry.source?.stop('stream removed');
    await entry.run;
  }

  /** Stops every stream. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.remove(id)));
  }

  /** The ingest accepted a publisher for this key: the stream using it reconnects now. */
  publisherAvailable(streamKey: string): void {
    for (const entry of this.entries.values()) {
      if (entry.spec.input.kind === 'rtmp-push' && entry.spec.input.streamKey === streamKey) {
        entry.source?.supervisor.publisherAvailable();
      }
    }
  }

  list(): LiveStreamStatus[] {
    return [...this.entries.values()].map((entry) => this.status(entry));
  }

  get(id: string): LiveStreamStatus | undefined {
    const entry = this.entries.get(id);
    return entry ? this.status(entry) : undefined;
  }

  private status(entry: Entry): LiveStreamStatus {
    const stats = entry.source?.stats();
    const times = entry.recentFrameTimesMs;
    const nowMs = performance.now();
    const fps =
      times.length >= 2 && nowMs - times[times.length - 1]! < FPS_STALE_MS
        ? (times.length - 1) / ((times[times.length - 1]! - times[0]!) / 1000)
        : 0;
    return {
      id: entry.spec.id,
      state: stats?.state ?? (entry.finished ? 'ended' : 'reconnecting'),
      fps: Math.round(fps * 100) / 100,
      lastFrameAt: stats?.lastFrameAt ?? null,
      capturedFrames: entry.carried.capturedFrames + (stats?.capturedFrames ?? 0),
      processedFrames: entry.carried.processedFrames + (stats?.processedFrames ?? 0),
      skippedFrames: entry.carried.skippedFrames + (stats?.skippedFrames ?? 0),
      restarts: entry.carried.restarts + (stats?.restarts ?? 0),
      analysisRestarts: entry.analysisRestarts,
      failedFrames: entry.failedFrames,
      // A live stream has no problem; one starting again still shows why it had to.
      lastProblem: stats?.state === 'live' ? null : (stats?.lastProblem ?? entry.lastProblem),
    };
  }

  private inputFor(spec: LiveStreamSpec): { factory: LiveInputFactory; description: string } {
    const { input, fps, maxWidthPx } = spec;
    const scaling = maxWidthPx ? { maxWidthPx } : {};
    switch (input.kind) {
      case 'rtmp-push': {
        const url = this.options.ingest!.pullUrl(input.streamKey);
        return { factory: ffmpegLiveInput({ url, fps, ...scaling }), description: `${spec.id} (${redactUrl(url)})` };
      }
      case 'pull':
        return {
          factory: ffmpegLiveInput({
            url: input.url,
            fps,
            ...scaling,
            ...(input.rtspTransport ? { rtspTransport: input.rtspTransport } : {}),
          }),
          description: `${spec.id} (${redactUrl(input.url)})`,
        };
      case 'drill':
        return {
          factory: ffmpegLiveInput({ url: input.path, fps, ...scaling, loop: input.loop ?? true }),
          description: `${spec.id} (drill ${input.path})`,
        };
      case 'custom':
        return { factory: input.factory, description: `${spec.id} (${input.description})` };
    }
  }

  private startRun(entry: Entry): void {
    const { spec } = entry;
    const { factory, description } = this.inputFor(spec);
    const source = new LiveFrameSource({
      ...this.options.timing,
      streamId: spec.id,
      description,
      input: factory,
    });
    entry.source = source;
    if (this.options.onTransition) source.supervisor.onTransition(this.options.onTransition);
    const { stages, sinks } = this.options.pipeline(spec);
    const onProgress = () => {
      entry.recentFrameTimesMs.push(performance.now());
      if (entry.recentFrameTimesMs.length > FPS_WINDOW_FRAMES) entry.recentFrameTimesMs.shift();
    };
    const skipFailedFrames = {
      maxConsecutive: this.options.maxFailedFramesInARow ?? 10,
      onSkip: (error: Error, frame: { seq: number }) => {
        entry.failedFrames++;
        log.warn({ streamId: spec.id, seq: frame.seq, err: error }, 'live analysis failed on a frame; frame skipped');
      },
    };
    entry.run = analyzeStream(source, stages, sinks, {
      frameIntervalS: 1 / spec.fps,
      onProgress,
      skipFailedFrames,
    }).then(
      (summary) => {
        this.carry(entry, source);
        entry.finished = true;
        return summary;
      },
      (error: unknown) => {
        this.carry(entry, source);
        source.stop('analysis failed');
        const failure = error instanceof Error ? error : new Error(String(error));
        entry.lastProblem = `analysis failed: ${failure.message}`;
        log.error({ streamId: spec.id, err: failure }, 'live analysis failed; restarting it');
        try {
          this.options.onAnalysisFailed?.(spec.id, failure);
        } catch (listenerError) {
          log.error({ streamId: spec.id, err: listenerError }, 'onAnalysisFailed listener threw');
        }
        if (!entry.removed) {
          entry.restartTimer = setTimeout(() => {
            entry.restartTimer = null;
            if (entry.removed) return;
            entry.analysisRestarts++;
            this.startRun(entry);
          }, this.options.analysisRestartMs ?? 2_000);
        }
        return undefined;
      },
    );
  }

  /** Folds a finished run's counters into the stream's totals. */
  private carry(entry: Entry, source: LiveFrameSource): void {
    if (entry.source !== source) return;
    const stats = source.stats();
    entry.carried.capturedFrames += stats.capturedFrames;
    entry.carried.processedFrames += stats.processedFrames;
    entry.carried.skippedFrames += stats.skippedFrames;
    entry.carried.restarts += stats.restarts;
    entry.lastProblem = stats.lastProblem;
    entry.source = null;
  }
}
