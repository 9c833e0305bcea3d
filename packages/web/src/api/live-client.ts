export type SocketState = 'connecting' | 'open' | 'closed';
export type TopicHandler = (data: unknown) => void;

/**
 * The dashboard's one WebSocket to `/api/v1/live`: components subscribe to topics (reference
 * counted), the socket reconnects with backoff and subscribes again to what is wanted. A close with
 * 4401 (credentials ended) is not retried: the app goes back to the login page.
 */
export class LiveClient {
  private socket: WebSocket | null = null;
  private readonly handlers = new Map<string, Set<TopicHandler>>();
  private readonly stateListeners = new Set<(state: SocketState) => void>();
  private retryMs = 500;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  state: SocketState = 'closed';

  constructor(private readonly onCredentialsEnded: () => void) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close(1000, 'signed out');
    this.socket = null;
  }

  onState(listener: (state: SocketState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Calls `handler` with each event's data on `topic`; returns the unsubscribe function. */
  subscribe(topic: string, handler: TopicHandler): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      this.send({ type: 'subscribe', topics: [topic] });
    }
    set.add(handler);
    return () => {
      const current = this.handlers.get(topic);
      if (!current) return;
      current.delete(handler);
      if (current.size === 0) {
        this.handlers.delete(topic);
        this.send({ type: 'unsubscribe', topics: [topic] });
      }
    };
  }

  private setState(state: SocketState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private send(message: unknown): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private connect(): void {
    if (this.stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/live`);
    this.socket = socket;
    this.setState('connecting');
    socket.onopen = () => {
      this.retryMs = 500;
      this.setState('open');
      const topics = [...this.handlers.keys()];
      if (topics.length > 0) this.send({ type: 'subscribe', topics });
    };
    socket.onmessage = (message) => {
      let parsed: { type?: string; topic?: string; data?: unknown };
      try {
        parsed = JSON.parse(String(message.data)) as typeof parsed;
      } catch {
        return;
      }
      if (parsed.type !== 'event' || typeof parsed.topic !== 'string') return;
      for (const handler of this.handlers.get(parsed.topic) ?? []) handler(parsed.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.setState('closed');
      if (event.code === 4401) {
        this.onCredentialsEnded();
        return;
      }
      if (this.stopped) return;
      this.timer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
  }
}
