export {
  ffmpegLiveInput,
  ffmpegLiveArgs,
  liveInputKind,
  redactUrl,
  type FfmpegLiveInputOptions,
  type LiveInputKind,
} from './ffmpeg-live-input.js';
export { LatestFrameMailbox, type MailboxCounters } from './latest-frame-mailbox.js';
export { LiveFrameSource, type LiveFrameSourceOptions, type LiveSourceStats } from './live-frame-source.js';
export type { LiveInput, LiveInputEnd, LiveInputFactory, LiveInputHandlers } from './live-input.js';
export { PpmFrameParser, MAX_FRAME_PIXELS } from './ppm-frame-parser.js';
export {
  StreamSupervisor,
  DEFAULT_BACKOFF_INITIAL_MS,
  DEFAULT_BACKOFF_MAX_MS,
  DEFAULT_STALL_TIMEOUT_MS,
  DEFAULT_START_GRACE_MS,
  DEFAULT_TICK_MS,
  type StreamHealth,
  type StreamState,
  type StreamSupervisorOptions,
  type StreamTransition,
} from './stream-supervisor.js';
export { systemClock, type SupervisorClock, type TimerHandle } from './supervisor-clock.js';
export { keySetAuthorizer, STREAM_KEY_PATTERN, type PublishAuthorizer } from './publish-key-authorizer.js';
export { RtmpIngest, type RtmpIngestOptions } from './rtmp-ingest.js';
export { rtmpIngestConfig, DEFAULT_RTMP_MODULE_PATH, type RtmpIngestConfigParams } from './rtmp-ingest-config.js';
export {
  WorkerDensityEstimator,
  createWorkerDensityEstimator,
  DEFAULT_INFERENCE_CALL_TIMEOUT_MS,
  type WorkerDensityEstimatorOptions,
  type WorkerPoolStats,
} from './worker-density-estimator.js';
export {
  LiveStreams,
  type LivePipelineFactory,
  type LiveStreamInput,
  type LiveStreamSpec,
  type LiveStreamStatus,
  type LiveStreamsOptions,
  type LiveSupervisorTiming,
} from './live-streams.js';
