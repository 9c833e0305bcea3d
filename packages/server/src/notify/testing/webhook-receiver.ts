import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A request as the receiver saw it. */
export interface ReceivedWebhook {
  idempotencyKey: string | undefined;
  signature: string | undefined;
  attempt: string | undefined;
  body: string;
}

/**
 * What the receiver does with a request: store it and answer 200 (`accept`), store it and then drop
 * the connection before answering (`accept-then-reset`: the sender cannot know it arrived), drop it
 * (`reset`), never answer (`hang`), or answer an error status.
 */
export type ReceiverAction =
  'accept' | 'accept-then-reset' | 'reset' | 'hang' | { status: number; retryAfterS?: number };

/**
 * A real HTTP webhook receiver on loopback that deduplicates by `Idempotency-Key`, as a careful
 * receiver would. It can stop listening and listen again on the same port (connection refused).
 */
export class WebhookReceiver {
  /** Every request, in arrival order. */
  readonly requests: ReceivedWebhook[] = [];
  /** Stored events' keys, each once, in arrival order. */
  readonly stored: string[] = [];
  /** Requests whose key was already stored. */
  duplicates = 0;
  port = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly decide: (request: ReceivedWebhook, index: number) => ReceiverAction;

  constructor(decide: (request: ReceivedWebhook, index: number) => ReceiverAction = () => 'accept') {
    this.decide = decide;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/raqib`;
  }

  /** Listens (on `port`, or a free one the first time). */
  async listen(port = this.port): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
    this.server = server;
  }

  /** Stops listening and drops every connection: senders get "connection refused". */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const request: ReceivedWebhook = {
        idempotencyKey: header('idempotency-key'),
        signature: header('x-raqib-signature'),
        attempt: header('x-raqib-attempt'),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(request);
      const action = this.decide(request, this.requests.length - 1);
      if (action === 'hang') return;
      if (action === 'reset') {
        req.socket.destroy();
        return;
      }
      if (action === 'accept' || action === 'accept-then-reset') {
        const key = request.idempotencyKey ?? '';
        if (this.stored.includes(key)) this.duplicates += 1;
        else this.stored.push(key);
        if (action === 'accept-then-reset') req.socket.destroy();
        else res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
        return;
      }
      const headers: Record<string, string> = { 'Content-Type': 'text/plain' };
      if (action.retryAfterS !== undefined) headers['Retry-After'] = String(action.retryAfterS);
      res.writeHead(action.status, headers).end(`status ${action.status}`);
    });
  }
}
