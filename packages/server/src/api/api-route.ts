import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod/v4';
import type { Authenticator, Principal } from '../auth/authenticator.js';
import type { LiveBus } from '../bus/live-bus.js';
import type { LiveTelemetry, LiveTelemetryHealth } from '../live/live-telemetry.js';
import type { Store } from '../storage/store.js';
import type { Role } from '../storage/store-records.js';

/** Live numbers of a stream that only its supervisor knows (absent until live sources exist). */
export interface StreamLiveStatus {
  /** The supervisor's state now (the stored state can lag it by a write). */
  state?: 'starting' | 'live' | 'stalled' | 'reconnecting' | 'ended';
  fps: number | null;
  lastFrameAtMs: number | null;
  skippedFrames: number;
  /** Frames whose analysis failed and were skipped (the stream went on). */
  failedFrames: number;
  /** The stream's live telemetry (samples, frames with a pose, stale), once it has analysed a frame or received a sample. */
  telemetry?: LiveTelemetryHealth;
  /** Alert events handed to the notifiers for this stream, and those dead-lettered. */
  notifications?: { sent: number; deadLettered: number };
}

/** What route handlers may use. */
export interface ApiDeps {
  store: Store;
  auth: Authenticator;
  nowMs: () => number;
  /** Live status per stream id; undefined when no live source runs it. */
  liveStatus?: (streamId: string) => StreamLiveStatus | undefined;
  /** Where live analysis, readings, alerts and stream health are published (WebSocket /api/v1/live). */
  bus?: LiveBus;
  /** Where pushed live telemetry goes (POST /api/v1/streams/:id/telemetry): this node's, relayed to the others. */
  telemetry?: Pick<LiveTelemetry, 'push'>;
  /** Mark cookies Secure (and use the `__Host-` prefix): true when served over TLS. */
  secureCookies: boolean;
  /** Where the API keeps uploaded files (event base maps); absent: such uploads answer 404. */
  dataDir?: string;
}

/** Who may call a route: anyone, or at least this role. */
export type Access = 'public' | Role;

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Set on every route that is not public. */
  principal: Principal | undefined;
  deps: ApiDeps;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** One REST route, declared as data: Fastify registration, access checks and OpenAPI read it. */
export interface ApiRoute<P = unknown, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify path, e.g. `/api/v1/streams/:id`. */
  url: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Shape of the success response (documentation); omit for 204. */
  response?: z.ZodType;
  /**
   * Success bodies that are not JSON (e.g. `text/html`, `application/pdf`), by content type with a
   * description, for OpenAPI; the handler sets the type on the reply and returns the body.
   */
  produces?: Readonly<Record<string, string>>;
  /**
   * Binary request bodies (uploads), by content type with a description, for OpenAPI. Such a body is
   * not parsed: the handler streams `request.raw` after the access check and enforces its own size.
   */
  consumes?: Readonly<Record<string, string>>;
  /** Success status; default 200 (204 when there is no response). */
  status?: number;
  handler(context: RouteContext<P, Q, B>): Promise<unknown>;
}

/** Declares a route with its parameter, query and body types inferred from the zod schemas. */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(route: ApiRoute<P, Q, B>): ApiRoute {
  return route as unknown as ApiRoute;
}
