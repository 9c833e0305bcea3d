/** A message on the live bus: a topic and a JSON-serialisable payload. */
export interface LiveMessage {
  topic: string;
  data: unknown;
}

export type LiveHandler = (message: LiveMessage) => void;

/**
 * Publish/subscribe between the live pipeline (publishers: per-stream analysis and readings, alert
 * events, stream health) and its consumers (the WebSocket, later a broker bridge). In-process now;
 * the same interface can sit on NATS for scale-out.
 *
 * Topics: `alerts`, `streams/health`, `streams/<id>/readings`, `streams/<id>/analysis`,
 * `events/<id>/readings`.
 */
export interface LiveBus {
  publish(topic: string, data: unknown): void;
  /** Calls `handler` for every message on `topic`; returns the unsubscribe function. */
  subscribe(topic: string, handler: LiveHandler): () => void;
}

/** The embedded bus: synchronous fan-out in the process; a throwing handler never stops the others. */
export class InProcessBus implements LiveBus {
  private readonly handlers = new Map<string, Set<LiveHandler>>();

  constructor(private readonly onHandlerError: (error: unknown, topic: string) => void = () => undefined) {}

  publish(topic: string, data: unknown): void {
    const handlers = this.handlers.get(topic);
    if (!handlers) return;
    for (const handler of [...handlers]) {
      try {
        handler({ topic, data });
      } catch (error) {
        this.onHandlerError(error, topic);
      }
    }
  }

  subscribe(topic: string, handler: LiveHandler): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.handlers.delete(topic);
    };
  }

  /** Subscribers per topic (for tests and metrics). */
  subscriberCount(topic: string): number {
    return this.handlers.get(topic)?.size ?? 0;
  }
}
