import { randomUUID } from 'node:crypto';
import type { LiveBus } from '../bus/live-bus.js';
import { moduleLogger } from '../logging/logger.js';
import type { LiveTelemetry, TelemetryChannel, TelemetryPushResult } from './live-telemetry.js';
import type { LiveTelemetrySample } from './live-telemetry-sample.js';

const log = moduleLogger('telemetry-relay');

/** Bus topic of telemetry pushed over HTTP to one node (plain NATS in a cluster: the latest sample wins). */
export const TELEMETRY_RELAY_TOPIC = 'telemetry/samples';

interface RelayedTelemetry {
  nodeId: string;
  streamId: string;
  samples: LiveTelemetrySample[];
}

/**
 * HTTP telemetry for a cluster: a ground station posts a stream's telemetry to whichever node its
 * request reaches (an API node behind the proxy), while the stream runs on the worker holding its
 * lease. Samples accepted here are relayed on the bus to every other node, which applies them to its
 * own LiveTelemetry with the same checks: the stream's holder places its frames, and a worker taking
 * the stream over already has its recent telemetry. (MQTT telemetry needs no relay: every node
 * subscribes to the broker.) In one process the relay only hears itself and ignores it.
 */
export class TelemetryRelay {
  private readonly nodeId = randomUUID();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly telemetry: LiveTelemetry,
    private readonly bus: LiveBus,
  ) {
    this.unsubscribe = bus.subscribe(TELEMETRY_RELAY_TOPIC, (message) =>
      this.onRelayed(message.data as RelayedTelemetry),
    );
  }

  /** LiveTelemetry.push here, then the samples to the other nodes when any was accepted. */
  push(streamId: string, samples: readonly LiveTelemetrySample[], channel: TelemetryChannel): TelemetryPushResult {
    const result = this.telemetry.push(streamId, samples, channel);
    if (result.accepted > 0) {
      const message: RelayedTelemetry = { nodeId: this.nodeId, streamId, samples: [...samples] };
      this.bus.publish(TELEMETRY_RELAY_TOPIC, message);
    }
    return result;
  }

  close(): void {
    this.unsubscribe();
  }

  private onRelayed(message: RelayedTelemetry): void {
    if (message.nodeId === this.nodeId) return;
    const result = this.telemetry.push(message.streamId, message.samples, 'http');
    if (result.refused.length > 0) {
      log.debug(
        { streamId: message.streamId, refused: result.refused.length },
        'relayed telemetry samples refused here',
      );
    }
  }
}
