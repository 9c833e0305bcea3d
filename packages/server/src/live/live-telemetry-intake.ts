import { moduleLogger } from '../logging/logger.js';
import { MqttTelemetrySubscriber, type MqttTelemetryOptions } from './live-telemetry-mqtt.js';
import { liveTelemetryBodySchema, telemetryIssueText, telemetrySamplesOf } from './live-telemetry-sample.js';
import { refusedText, type LiveTelemetry } from './live-telemetry.js';

export interface MqttTelemetryIntakeOptions extends Omit<MqttTelemetryOptions, 'onMessage'> {
  telemetry: LiveTelemetry;
  /** Whether a stream with this id exists (messages for others are dropped, with a log line). */
  knownStream(streamId: string): boolean;
  /** At most one problem line per stream per this many ms (a sender at 10 Hz must not flood the log). Default 10 000. */
  problemIntervalMs?: number;
  nowMs?: () => number;
  /** Where problem lines go; default the log (as warnings). */
  onProblem?: (message: string) => void;
}

const log = moduleLogger('telemetry-mqtt');

/**
 * MQTT telemetry into the live pipeline: each message on `<topicPrefix>/<streamId>/telemetry` is
 * validated with the schema of `POST /api/v1/streams/:id/telemetry` and pushed like it. A refused
 * message or sample is a log line naming the stream and the field (rate-limited per stream, with the
 * number of lines held back), and counted in the stream's telemetry health.
 */
export class MqttTelemetryIntake {
  private readonly subscriber: MqttTelemetrySubscriber;
  private readonly problems = new Map<string, { lastMs: number; held: number }>();

  constructor(private readonly options: MqttTelemetryIntakeOptions) {
    this.subscriber = new MqttTelemetrySubscriber({
      ...options,
      onMessage: (streamId, payload, topic) => this.onMessage(streamId, payload, topic),
    });
  }

  get connected(): boolean {
    return this.subscriber.connected;
  }

  start(): void {
    this.subscriber.start();
  }

  stop(): Promise<void> {
    return this.subscriber.stop();
  }

  private onMessage(streamId: string, payload: { json: unknown } | { error: string }, topic: string): void {
    if (!this.options.knownStream(streamId)) {
      this.problem(
        streamId,
        `MQTT telemetry on ${topic}: no stream '${streamId}'; create it first (POST /api/v1/streams)`,
      );
      return;
    }
    const { telemetry } = this.options;
    if ('error' in payload) {
      telemetry.countRefused(streamId, 1);
      this.problem(streamId, `stream ${streamId}: MQTT telemetry on ${topic} refused: ${payload.error}`);
      return;
    }
    const parsed = liveTelemetryBodySchema.safeParse(payload.json);
    if (!parsed.success) {
      const body = payload.json as { samples?: unknown };
      const count = Array.isArray(body?.samples) ? body.samples.length : 1;
      telemetry.countRefused(streamId, count);
      this.problem(
        streamId,
        `stream ${streamId}: MQTT telemetry on ${topic} refused: ${telemetryIssueText(parsed.error.issues, 'message')}`,
      );
      return;
    }
    const nowMs = (this.options.nowMs ?? Date.now)();
    const result = telemetry.push(streamId, telemetrySamplesOf(parsed.data, nowMs), 'mqtt');
    if (result.refused.length > 0) {
      const batch = parsed.data.samples !== undefined;
      this.problem(
        streamId,
        `stream ${streamId}: MQTT telemetry on ${topic} refused: ${refusedText(result, batch, 'message')}`,
      );
    }
    if (result.reanchored) {
      log.warn({ streamId }, `stream ${streamId}: telemetry re-anchored on samples that agree with each other`);
    }
  }

  private problem(streamId: string, message: string): void {
    const nowMs = (this.options.nowMs ?? Date.now)();
    const state = this.problems.get(streamId);
    const intervalMs = this.options.problemIntervalMs ?? 10_000;
    if (state && nowMs - state.lastMs < intervalMs) {
      state.held++;
      return;
    }
    const held = state?.held ?? 0;
    this.problems.set(streamId, { lastMs: nowMs, held: 0 });
    const line = held > 0 ? `${message} (and ${held} more problems since the last line)` : message;
    if (this.options.onProblem) this.options.onProblem(line);
    else log.warn({ streamId }, line);
  }
}
