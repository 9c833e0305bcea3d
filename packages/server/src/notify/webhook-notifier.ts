import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { systemClock, type NotifyClock } from './clock.js';
import { errorText } from './error-text.js';
import { payloadJson, type NotifyEvent } from './notify-event.js';
import {
  queuedNotifier,
  type DeliveryAttempt,
  type DeliveryOutcome,
  type DeliveryTransport,
  type QueuedDeliveryOptions,
  type QueuedNotifier,
} from './queued-notifier.js';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature.js';

/** Header carrying the idempotency key (also in the body as `idempotencyKey`). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const MAX_ERROR_BODY_BYTES = 512;

export interface WebhookNotifierOptions extends QueuedDeliveryOptions {
  /** http: or https: URL the JSON is POSTed to. */
  url: string;
  /** HMAC-SHA256 key of the signature header. */
  secret: string;
}

/**
 * POSTs each event as JSON (`{source, idempotencyKey, event}`) with an `Idempotency-Key` header and a
 * timestamped HMAC signature ({@link SIGNATURE_HEADER}). 2xx is delivered; 408, 425, 429 and 5xx
 * (honouring Retry-After) and network errors are retried; other answers are final (dead-lettered).
 */
export function createWebhookNotifier(options: WebhookNotifierOptions): QueuedNotifier {
  const transport = new WebhookTransport(new URL(options.url), options.secret, options.clock ?? systemClock);
  return queuedNotifier('webhook', transport, options);
}

class WebhookTransport implements DeliveryTransport {
  readonly destination: string;
  private readonly url: URL;
  private readonly secret: string;
  private readonly clock: NotifyClock;
  private readonly agent: HttpAgent;

  constructor(url: URL, secret: string, clock: NotifyClock) {
    this.url = url;
    this.secret = secret;
    this.clock = clock;
    // Without query string or credentials: those may hold tokens.
    this.destination = `${url.protocol}//${url.host}${url.pathname}`;
    const agentOptions = { keepAlive: true, maxSockets: 1 };
    this.agent = url.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  }

  deliver(event: NotifyEvent, attempt: DeliveryAttempt): Promise<DeliveryOutcome> {
    const body = payloadJson(event);
    const timestampS = Math.floor(this.clock.nowMs() / 1000);
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const request = send(this.url, {
        method: 'POST',
        agent: this.agent,
        signal: attempt.signal,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'User-Agent': 'raqib-notify/1',
          [IDEMPOTENCY_HEADER]: attempt.idempotencyKey,
          [SIGNATURE_HEADER]: signWebhookBody(this.secret, body, timestampS),
          'X-Raqib-Event': event.type,
          'X-Raqib-Attempt': String(attempt.number),
        },
      });
      request.on('error', (error) => resolve({ ok: false, retryable: true, error: errorText(error) }));
      request.on('response', (response) => {
        readSnippet(response).then(
          (snippet) => resolve(httpOutcome(response, snippet, this.clock.nowMs())),
          (error: unknown) => resolve({ ok: false, retryable: true, error: errorText(error) }),
        );
      });
      request.end(body);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}

/** Reads the start of a response body (for error messages) and drains the rest. */
function readSnippet(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      if (size < MAX_ERROR_BODY_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    let ended = false;
    response.on('end', () => {
      ended = true;
      resolve(Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY_BYTES));
    });
    response.on('error', reject);
    // A connection dropped mid-body emits 'close' without 'end': settle instead of waiting for the timeout.
    response.on('close', () => {
      if (!ended) reject(new Error('connection closed before the response ended'));
    });
  });
}

/** What an HTTP answer means for delivery. */
export function httpOutcome(response: IncomingMessage, snippet: string, nowMs: number): DeliveryOutcome {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return { ok: true };
  const text = snippet.replace(/\s+/g, ' ').trim();
  const error = `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  if (status >= 300 && status < 400)
    return { ok: false, retryable: false, error: `${error} (redirects are not followed)` };
  const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
  const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], nowMs);
  return { ok: false, retryable, error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** `Retry-After` as milliseconds from now: delta seconds or an HTTP date. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const dateMs = Date.parse(trimmed);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}
