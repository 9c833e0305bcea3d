import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod/v4';
import type { Principal } from '../auth/authenticator.js';
import { roleAtLeast } from '../auth/roles.js';
import { liveTopic } from '../bus/live-topics.js';
import { moduleLogger } from '../logging/logger.js';
import type { ApiDeps } from './api-route.js';
import { HttpError } from './http-error.js';
import { authorize } from './request-auth.js';

export const LIVE_PATH = '/api/v1/live';

/** A client whose unsent data passes this is not reading: it is dropped, never buffered without end. */
const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
const MAX_TOPICS_PER_CLIENT = 100;
/** A lossy topic's message (a picture) is skipped for a client with this much unsent. */
const LOSSY_SKIP_BYTES = 256 * 1024;

const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), topics: z.array(z.string().max(200)).min(1).max(MAX_TOPICS_PER_CLIENT) }),
  z.object({ type: z.literal('unsubscribe'), topics: z.array(z.string().max(200)).min(1).max(MAX_TOPICS_PER_CLIENT) }),
]);

export interface LiveSocketOptions {
  maxBufferedBytes?: number;
  /** How often an open socket's credentials are checked again (revoked token, ended session); default 60 s. */
  recheckMs?: number;
}

/**
 * `GET /api/v1/live` (WebSocket). Authenticated like every route (viewer at least; browsers send
 * the session cookie, whose Origin must be this host), then the client subscribes to topics:
 * `{"type":"subscribe","topics":["alerts","streams/cam1/readings"]}`. Each topic has a role (see
 * bus/live-topics.ts); an unknown topic or one above the client's role is refused in an
 * `{"type":"error","error":{code,message}}` message. Events arrive as `{"type":"event","topic","data"}`.
 */
export function registerLiveSocket(app: FastifyInstance, deps: ApiDeps, options: LiveSocketOptions = {}): void {
  const log = moduleLogger('api-live');
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  void app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  void app.register(async (instance) => {
    instance.get(
      LIVE_PATH,
      {
        websocket: true,
        preValidation: async (request) => {
          const principal = await authorize(request, 'viewer', deps);
          const origin = request.headers.origin;
          // Cross-site WebSocket hijacking: a browser sends the cookie with any page's socket.
          if (principal?.via === 'session' && origin !== undefined) {
            let sameHost: boolean;
            try {
              sameHost = new URL(origin).host === request.headers.host;
            } catch {
              sameHost = false;
            }
            if (!sameHost) throw new HttpError(403, 'FORBIDDEN', `WebSocket from another origin (${origin}) refused`);
          }
          (request as { principal?: Principal }).principal = principal;
        },
      },
      (socket, request) => {
        const principal = (request as { principal?: Principal }).principal!;
        serveClient(socket, principal, deps, maxBufferedBytes, log);
        const recheck = setInterval(() => {
          void deps.auth.stillValid(principal).then(
            (valid) => {
              if (valid) return;
              log.info({ actor: principal.actor }, 'closing a WebSocket whose credentials ended');
              socket.close(4401, 'credentials revoked or expired');
            },
            (error: unknown) => log.error({ err: error }, 'WebSocket credential check failed'),
          );
        }, options.recheckMs ?? 60_000);
        recheck.unref();
        socket.on('close', () => clearInterval(recheck));
      },
    );
  });
}

function serveClient(
  socket: WebSocket,
  principal: Principal,
  deps: ApiDeps,
  maxBufferedBytes: number,
  log: ReturnType<typeof moduleLogger>,
): void {
  const subscriptions = new Map<string, () => void>();
  const send = (message: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const fail = (code: string, message: string) => send({ type: 'error', error: { code, message } });
  const drop = () => {
    for (const unsubscribe of subscriptions.values()) unsubscribe();
    subscriptions.clear();
  };

  socket.on('message', (raw) => {
    let parsed: z.infer<typeof clientMessage>;
    try {
      const result = clientMessage.safeParse(JSON.parse(String(raw)));
      if (!result.success) {
        return fail('INPUT_INVALID', 'expected {"type":"subscribe"|"unsubscribe","topics":[...]}');
      }
      parsed = result.data;
    } catch {
      return fail('INPUT_INVALID', 'messages must be JSON');
    }
    if (parsed.type === 'unsubscribe') {
      for (const topic of parsed.topics) {
        subscriptions.get(topic)?.();
        subscriptions.delete(topic);
      }
      return send({ type: 'unsubscribed', topics: parsed.topics });
    }
    const accepted: string[] = [];
    for (const topic of parsed.topics) {
      const family = liveTopic(topic);
      if (!family) {
        fail(
          'NOT_FOUND',
          `unknown topic '${topic}'; topics: alerts, streams/health, streams/ID/readings, streams/ID/analysis, streams/ID/frames, events/ID/readings`,
        );
        continue;
      }
      if (!roleAtLeast(principal.role, family.role)) {
        fail('FORBIDDEN', `topic '${topic}' needs the ${family.role} role; you are ${principal.role}`);
        continue;
      }
      if (subscriptions.size >= MAX_TOPICS_PER_CLIENT) {
        fail('CONFLICT', `at most ${MAX_TOPICS_PER_CLIENT} topics per connection`);
        break;
      }
      if (!subscriptions.has(topic)) {
        subscriptions.set(
          topic,
          deps.bus!.subscribe(topic, (message) => {
            if (family.lossy && socket.bufferedAmount > Math.min(LOSSY_SKIP_BYTES, maxBufferedBytes / 2)) return;
            if (socket.bufferedAmount > maxBufferedBytes) {
              log.warn(
                { actor: principal.actor, bufferedBytes: socket.bufferedAmount, topic },
                'dropping a WebSocket client that does not read',
              );
              drop();
              socket.terminate();
              return;
            }
            send({ type: 'event', topic: message.topic, data: message.data });
          }),
        );
      }
      accepted.push(topic);
    }
    if (accepted.length > 0) send({ type: 'subscribed', topics: accepted });
  });
  socket.on('close', drop);
  socket.on('error', drop);
}
