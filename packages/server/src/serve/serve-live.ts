import { parseRulesConfig, parseZones, RaqibError, type AlertEvent, type RulesConfig, type Zone } from '@raqib/core';
import type { StreamLiveStatus } from '../api/api-route.js';
import { streamForPublishKey, storePublishAuthorizer } from '../auth/publish-keys.js';
import type { LiveBus } from '../bus/live-bus.js';
import { LiveStreams, type LiveStreamInput, type LiveStreamSpec, type LiveStreamStatus } from '../live/live-streams.js';
import { LiveTelemetry } from '../live/live-telemetry.js';
import { MqttTelemetryIntake } from '../live/live-telemetry-intake.js';
import { RtmpIngest } from '../live/rtmp-ingest.js';
import type { StreamTransition } from '../live/stream-supervisor.js';
import { createWorkerDensityEstimator, type WorkerDensityEstimator } from '../live/worker-density-estimator.js';
import { moduleLogger } from '../logging/logger.js';
import { AlertStage } from '../pipeline/alert-stage.js';
import { DensityStage } from '../pipeline/density-stage.js';
import { GeoStage } from '../pipeline/geo-stage.js';
import type { Stage } from '../pipeline/stage.js';
import type { Sink } from '../sinks/sink.js';
import { TrackStage } from '../pipeline/track-stage.js';
import { ZoneStage } from '../pipeline/zone-stage.js';
import { StoreRecorder } from '../storage/store-recorder.js';
import type { Store } from '../storage/store.js';
import type { StreamRecord } from '../storage/store-records.js';
import type { StreamGate } from '../bus/nats/lease-stream-gate.js';
import type { DemoCrowd } from './demo-crowd.js';
import { eventScopedZones } from './event-aggregator.js';
import type { LiveAlertNotifier } from './live-alert-notifier.js';
import { LiveBusSink } from './live-bus-sink.js';
import { livePictureStage } from './live-picture-stage.js';
import type { ServerConfig } from './server-config.js';

const log = moduleLogger('serve-live');

export interface ServeLiveOptions {
  store: Store;
  bus: LiveBus;
  config: Pick<ServerConfig, 'ingest' | 'live' | 'storage'> & Partial<Pick<ServerConfig, 'telemetry' | 'notify'>>;
  /** The synthetic drone of `--demo`, fed to the stream with its id. */
  demo?: { streamId: string; crowd: DemoCrowd };
  /** How often the Store's streams, zones and rules are compared with what runs. Default 2 s. */
  reconcileMs?: number;
  /** A reconcile still running after this long is reported and no longer waited for. Default 60 s. */
  reconcileStuckMs?: number;
  /** One-line warnings for the operator (the CLI prints them on stderr). */
  onWarning?: (message: string) => void;
  /** `notify:` destinations of the streams' alerts (closed by the caller after stop, so the last alerts go out). */
  notifier?: LiveAlertNotifier;
  /** Where secrets (MQTT credentials) are read from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Which of the streams that could run this process runs (scale-out: the ones whose lease it holds,
   * see bus/nats/lease-stream-gate.ts); default all of them.
   */
  streamGate?: StreamGate;
}

interface Running {
  signature: string;
}

interface PipelineConfig {
  zones: Zone[];
  rules: RulesConfig | undefined;
  demo: DemoCrowd | undefined;
  /** The stream's event, for `notify.events`. */
  eventId: string | undefined;
}

/**
 * The live side of `raqib serve`: the RTMP ingest (keys checked against the Store), one supervised
 * `analyzeStream` per stored stream that has a source (a pull URL, an RTMP key once its drone has
 * published, or the demo drone), readings and alerts recorded in the Store and published on the bus
 * with stream health. What runs follows the Store: a loop compares it every `reconcileMs` (and at
 * every publish), so streams, zones and rules changed through the API start, restart or stop their
 * stream. RTMP keys are stored only as hashes, so a push stream starts when its drone first
 * publishes (the key is then known from the ingest); until then it is listed without live numbers.
 */
export class ServeLive {
  private ingest: RtmpIngest | null = null;
  private readonly streams: LiveStreams;
  private readonly running = new Map<string, Running>();
  private readonly publishKeys = new Map<string, string>();
  private readonly pipelines = new Map<string, PipelineConfig>();
  private readonly warned = new Set<string>();
  private estimator: WorkerDensityEstimator | null = null;
  private estimatorLoad: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Live telemetry of every stream (HTTP pushes and MQTT), read by each stream's geo stage. */
  readonly telemetry: LiveTelemetry;
  private mqttTelemetry: MqttTelemetryIntake | null = null;
  /** Ids of the stored streams at the last reconcile (MQTT telemetry for others is refused). */
  private knownStreams = new Set<string>();

  constructor(private readonly options: ServeLiveOptions) {
    this.telemetry = new LiveTelemetry({ maxAgeMs: options.config.telemetry?.maxAgeMs ?? 5000 });
    this.streams = new LiveStreams({
      ingest: { pullUrl: (key) => this.ingest!.pullUrl(key) },
      pipeline: (spec) => this.pipeline(spec),
      onTransition: (transition) => this.onTransition(transition),
      onAnalysisFailed: (streamId, error) =>
        this.warn(`stream ${streamId}: analysis failed (${error.message}); restarting it`),
    });
  }

  /** The RTMP ingest's port, or null when it is off or did not start. */
  get rtmpPort(): number | null {
    return this.ingest ? this.ingest.port : null;
  }

  /** Starts the ingest (a failure is a warning: the API and pull streams run without it) and the streams. */
  async start(): Promise<void> {
    const { ingest } = this.options.config;
    this.mqttTelemetry = this.mqttTelemetryIntake();
    if (ingest.enabled) {
      const rtmp = new RtmpIngest({
        dataDir: this.options.config.storage.dataDir,
        host: ingest.host,
        port: ingest.port,
        authorize: storePublishAuthorizer(this.options.store),
        onPublish: (key) => void this.onPublish(key),
        onPublishDone: (key) => this.onPublishDone(key),
      });
      try {
        await rtmp.start();
        this.ingest = rtmp;
      } catch (error) {
        this.warn(
          `RTMP ingest not started on ${ingest.host}:${ingest.port} (${(error as Error).message}); drones cannot push until it is fixed (install nginx and libnginx-mod-rtmp: scripts/install-system-deps.sh, or set ingest.enabled: false)`,
        );
      }
    }
    await this.reconcileNow();
    // After the first reconcile, which knows the stored streams the messages name.
    this.mqttTelemetry?.start();
    this.timer = setInterval(() => void this.reconcileNow(), this.options.reconcileMs ?? 2_000);
  }

  /** Live numbers of a running stream, for the API. */
  status(streamId: string): LiveStreamStatus | undefined {
    return this.streams.get(streamId);
  }

  list(): LiveStreamStatus[] {
    return this.streams.list();
  }

  /** What GET /api/v1/streams shows of a stream's live side: supervisor numbers, telemetry, notifications. */
  apiStatus(streamId: string): StreamLiveStatus | undefined {
    const status = this.streams.get(streamId);
    const telemetry = this.telemetry.health(streamId);
    const notifications = this.options.notifier?.streamCounts(streamId);
    if (!status && !telemetry && !notifications) return undefined;
    return {
      ...(status ? { state: status.state } : {}),
      fps: status ? status.fps : null,
      lastFrameAtMs: status ? status.lastFrameAt : null,
      skippedFrames: status ? status.skippedFrames : 0,
      failedFrames: status ? status.failedFrames : 0,
      ...(telemetry ? { telemetry } : {}),
      ...(notifications ? { notifications } : {}),
    };
  }

  /** Stops the streams (ffmpeg children, sinks flushed), the inference workers and nginx. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.queue;
    await this.streams.stopAll();
    await this.mqttTelemetry?.stop();
    if (this.estimatorLoad) await this.estimatorLoad;
    await this.estimator?.close();
    await this.ingest?.stop();
  }

  /**
   * Reconciles once, after any reconcile already running. One that has not settled after
   * `reconcileStuckMs` (a NATS or database call that never answers) is logged and no longer waited
   * for: the next ones, and stop(), go on.
   */
  reconcileNow(): Promise<void> {
    this.queue = this.queue.then(async () => {
      const stuckMs = this.options.reconcileStuckMs ?? 60_000;
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<void>((settle) => {
        timer = setTimeout(() => {
          log.error({ afterMs: stuckMs }, 'live streams: a reconcile did not settle; going on without it');
          settle();
        }, stuckMs);
      });
      const run = this.reconcile().catch((error: unknown) =>
        log.error({ err: error }, 'live streams: reconcile failed'),
      );
      await Promise.race([run, stuck]);
      clearTimeout(timer);
    });
    return this.queue;
  }

  private async onPublish(key: string): Promise<void> {
    try {
      const streamId = await streamForPublishKey(this.options.store, key);
      if (!streamId) return;
      this.publishKeys.set(streamId, key);
      await this.reconcileNow();
      this.streams.publisherAvailable(key);
    } catch (error) {
      log.error({ err: error }, 'RTMP publish: could not start the stream');
    }
  }

  /**
   * Scale-out (a stream gate): a push stream whose drone left this machine is given up, its lease
   * released, so that the drone's next publish, to whichever worker it reaches, takes the stream. One
   * process (no gate) keeps it, stalled, until its drone publishes again.
   */
  private onPublishDone(key: string): void {
    if (!this.options.streamGate) return;
    for (const [streamId, publishKey] of this.publishKeys) {
      if (publishKey === key) this.publishKeys.delete(streamId);
    }
    void this.reconcileNow();
  }

  private inputFor(record: StreamRecord): LiveStreamInput | undefined {
    const demo = this.options.demo;
    if (demo && record.id === demo.streamId) {
      return { kind: 'custom', description: 'demo drone (simulated crowd)', factory: demo.crowd.input() };
    }
    if (record.sourceUrl) return { kind: 'pull', url: record.sourceUrl };
    const key = this.publishKeys.get(record.id);
    if (record.hasPublishKey && key !== undefined && this.ingest) return { kind: 'rtmp-push', streamKey: key };
    return undefined;
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const { store } = this.options;
    const records = await store.listStreams();
    const known = new Set(records.map((record) => record.id));
    for (const id of this.knownStreams) if (!known.has(id)) this.telemetry.forget(id);
    this.knownStreams = known;
    // A push stream starts only at its drone's first publish: have the model ready by then.
    if (this.ingest && records.some((r) => r.hasPublishKey && r.id !== this.options.demo?.streamId)) {
      void this.ensureEstimator();
    }
    const wanted = new Map<string, { record: StreamRecord; input: LiveStreamInput; signature: string }>();
    for (const record of records) {
      const input = this.inputFor(record);
      if (!input) continue;
      const [zones, rules] = await Promise.all([store.getZones(record.id), store.getRules(record.id)]);
      const source = input.kind === 'pull' ? input.url : input.kind === 'rtmp-push' ? input.streamKey : input.kind;
      const signature = JSON.stringify([input.kind, source, zones?.updatedAtMs ?? null, rules?.updatedAtMs ?? null]);
      wanted.set(record.id, { record, input, signature });
    }
    if (this.options.streamGate) {
      const pushedHere = [...wanted].filter(([, want]) => want.input.kind === 'rtmp-push').map(([id]) => id);
      const allowed = await this.options.streamGate([...wanted.keys()], new Set(pushedHere));
      for (const id of [...wanted.keys()]) if (!allowed.has(id)) wanted.delete(id);
    }
    for (const [id, run] of [...this.running]) {
      if (wanted.get(id)?.signature === run.signature) continue;
      this.running.delete(id);
      await this.streams.remove(id);
      this.pipelines.delete(id);
      log.info({ streamId: id }, wanted.has(id) ? 'stream changed: restarting it' : 'stream stopped');
    }
    for (const [id, want] of wanted) {
      if (this.running.has(id) || this.stopped) continue;
      const config = await this.pipelineConfig(want.record, want.input);
      if (!config) continue;
      this.pipelines.set(id, config);
      const fps = config.demo ? config.demo.fps : this.options.config.live.fps;
      const spec: LiveStreamSpec = { id, input: want.input, fps, maxWidthPx: this.options.config.live.maxWidthPx };
      try {
        this.streams.add(spec);
        this.running.set(id, { signature: want.signature });
        log.info({ streamId: id, input: want.input.kind }, 'stream started');
      } catch (error) {
        this.warnOnce(`${id}:${want.signature}`, `stream ${id}: not started: ${(error as Error).message}`);
      }
    }
  }

  /** Zones, rules and (for video) the model of a stream; undefined (with a warning) when it cannot run. */
  private async pipelineConfig(record: StreamRecord, input: LiveStreamInput): Promise<PipelineConfig | undefined> {
    const { store } = this.options;
    const demo = input.kind === 'custom' ? this.options.demo?.crowd : undefined;
    let zones: Zone[] = [];
    let rules: RulesConfig | undefined;
    try {
      const zonesDoc = await store.getZones(record.id);
      if (zonesDoc) zones = parseZones(JSON.stringify(zonesDoc.document), `stream ${record.id} zones`);
      const rulesDoc = await store.getRules(record.id);
      if (rulesDoc) rules = parseRulesConfig(rulesDoc.document, `stream ${record.id} rules`);
    } catch (error) {
      this.warnOnce(
        `${record.id}:config`,
        `stream ${record.id}: zones or rules not usable: ${(error as Error).message}`,
      );
      return undefined;
    }
    if (!demo && !(await this.ensureEstimator())) return undefined;
    return { zones, rules, demo, eventId: record.eventId };
  }

  /** Loads the model in its workers once (a failure is warned once; video streams then do not run). */
  private ensureEstimator(): Promise<boolean> {
    const { live } = this.options.config;
    this.estimatorLoad ??= createWorkerDensityEstimator({
      workers: live.workers,
      estimator: {
        threads: live.threads,
        precision: live.precision,
        ...(live.modelPath ? { modelPath: live.modelPath } : {}),
      },
    }).then(
      (estimator) => {
        if (this.stopped) {
          void estimator.close();
          return false;
        }
        this.estimator = estimator;
        return true;
      },
      (error: unknown) => {
        this.warn(`density model not loaded (${(error as Error).message}); video streams do not run until it is fixed`);
        return false;
      },
    );
    return this.estimatorLoad;
  }

  /** Fresh stages and sinks for one run of a stream (called by LiveStreams on every (re)start). */
  private pipeline(spec: LiveStreamSpec): { stages: Stage[]; sinks: Sink[] } {
    const config = this.pipelines.get(spec.id) ?? { zones: [], rules: undefined, demo: undefined, eventId: undefined };
    const { store, bus } = this.options;
    const recorder = new StoreRecorder(store, spec.id, Date.now());
    const onAlert = async (event: AlertEvent): Promise<void> => {
      await recorder.recordAlert(event);
      // Published after it is stored: a client that sees the alert finds it in GET /api/v1/alerts.
      bus.publish('alerts', { streamId: spec.id, event });
      // Enqueued only: a destination that is down never holds up the stream.
      if (config.eventId !== undefined) this.options.notifier?.notify(spec.id, config.eventId, event);
    };
    const notes = (note: string) => this.warnOnce(`${spec.id}:note:${note}`, `stream ${spec.id}: ${note}`);
    const stages: Stage[] = config.demo
      ? [
          // Pushed telemetry places the demo drone on the map (its scale stays the simulator's).
          new GeoStage({
            overrides: { gsdMPerPx: config.demo.gsdMPerPx },
            livePose: (frame) => this.telemetry.poseForFrame(spec.id, frame),
            onNote: notes,
          }),
          config.demo.stage(),
        ]
      : [
          // Pushed telemetry (HTTP/MQTT): the latest sample at or before each frame gives its GSD and geo zones.
          new GeoStage({ livePose: (frame) => this.telemetry.poseForFrame(spec.id, frame), onNote: notes }),
          new DensityStage(this.estimator!),
        ];
    stages.push(
      new TrackStage(config.zones, { onWarning: notes }),
      new ZoneStage(config.zones, notes),
      new AlertStage({
        ...(config.rules ? { rules: config.rules } : {}),
        zones: config.zones,
        streamId: spec.id,
        // Event zones are alerted once for the event by its aggregator (here or on an API node).
        excludeZoneIds: eventScopedZones(config.zones).map((z) => z.id),
        listeners: [onAlert],
        // Alerts a killed server left open are carried on, not raised again; ids from wall time.
        idsFromCaptureTime: true,
        openAlerts: () => recorder.openAlerts(),
      }),
    );
    // The picture for the dashboard (streams/<id>/frames), encoded only while someone watches it.
    stages.push(livePictureStage(bus, spec.id, config.demo));
    return { stages, sinks: [recorder, new LiveBusSink(bus, spec.id)] };
  }

  /** The subscriber to `telemetry.mqtt` (it connects in the background: a broker that is down is a warning). */
  private mqttTelemetryIntake(): MqttTelemetryIntake | null {
    const mqtt = this.options.config.telemetry?.mqtt;
    if (!mqtt) return null;
    const env = this.options.env ?? process.env;
    const secret = (key: string, name: string | undefined): string | undefined => {
      if (name === undefined) return undefined;
      const value = env[name];
      if (value === undefined || value === '') {
        throw new RaqibError(
          'CONFIG_INVALID',
          `telemetry.mqtt.${key}: environment variable ${name} is not set; set it or remove ${key}`,
        );
      }
      return value;
    };
    const username = secret('usernameEnv', mqtt.usernameEnv);
    const password = secret('passwordEnv', mqtt.passwordEnv);
    return new MqttTelemetryIntake({
      url: mqtt.url,
      topicPrefix: mqtt.topicPrefix,
      connectTimeoutMs: mqtt.connectTimeoutMs,
      reconnectMs: mqtt.reconnectMs,
      ...(mqtt.clientId ? { clientId: mqtt.clientId } : {}),
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      telemetry: this.telemetry,
      knownStream: (streamId) => this.knownStreams.has(streamId),
      onWarning: (message) => this.warn(message),
      onProblem: (message) => this.warn(message),
    });
  }

  private onTransition(transition: StreamTransition): void {
    const { streamId, to, at, reason } = transition;
    this.options.bus.publish('streams/health', transition);
    this.options.store
      .recordStreamState({ streamId, state: to, atMs: at, reason })
      .catch((error: unknown) => log.warn({ streamId, err: error }, 'stream state not stored'));
  }

  private warn(message: string): void {
    log.warn(message);
    this.options.onWarning?.(message);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(message);
  }
}
