import type { AlertSeverity } from '@raqib/core';
import { moduleLogger } from '../logging/logger.js';
import { backoffDelayMs, settlesWithin, systemClock, type NotifyClock } from './clock.js';
import type { DeadLetterSink } from './dead-letter-file.js';
import type { Notifier, NotifierStats } from './notifier.js';
import { errorText } from './error-text.js';
import { idempotencyKey, isAtLeast, type NotifyEvent } from './notify-event.js';

/** How hard a notifier tries before it dead-letters an event. */
export interface DeliveryPolicy {
  /** Events waiting at most; beyond it new events are dead-lettered at once. */
  maxQueueLength: number;
  /** Attempts per event, the first included. */
  maxAttempts: number;
  /** An event older than this (since `notify`) is dead-lettered instead of tried again. */
  maxAgeMs: number;
  /** Back-off ceiling of the first retry; doubles per retry (full jitter). */
  initialDelayMs: number;
  /** Back-off ceiling cap. */
  maxDelayMs: number;
  /** Wall-clock bound of one attempt (connect, send, wait for the acknowledgement). */
  attemptTimeoutMs: number;
}

/** Result of one attempt. Expected failures are values; a throwing transport counts as retryable. */
export type DeliveryOutcome =
  | { ok: true }
  | {
      ok: false;
      retryable: boolean;
      error: string;
      /** Server-requested wait (HTTP Retry-After). */ retryAfterMs?: number;
    };

/** Sends one event to one destination; the protocol part of a notifier. */
export interface DeliveryTransport {
  /** Where events go, for logs and dead letters (never with credentials). */
  readonly destination: string;
  /** One attempt. Must stop promptly when `signal` aborts (timeout, flush timeout, close). */
  deliver(event: NotifyEvent, attempt: DeliveryAttempt): Promise<DeliveryOutcome>;
  /** Releases connections. */
  close(): Promise<void>;
}

export interface DeliveryAttempt {
  /** 1 for the first attempt. */
  number: number;
  idempotencyKey: string;
  signal: AbortSignal;
}

/**
 * What every queued notifier (webhook, MQTT, e-mail) takes besides its protocol settings: the one
 * retry set-up they share (queue, attempts, back-off, timeouts, dead letters).
 */
export interface QueuedDeliveryOptions {
  minSeverity: AlertSeverity;
  policy: DeliveryPolicy;
  deadLetter: DeadLetterSink;
  clock?: NotifyClock;
  /** Numbers in [0, 1) for back-off jitter. */
  random?: () => number;
  /** Told when the destination starts failing and when it delivers again (e.g. one line on a terminal). */
  onHealth?: DeliveryHealthListener;
}

/** A destination's state change: `failing` after a delivered (or first) event, `recovered` after failures. */
export type DeliveryHealthListener = (change: {
  notifier: string;
  state: 'failing' | 'recovered';
  /** The failure that started a failing episode. */
  error?: string;
}) => void;

export interface QueuedNotifierOptions extends QueuedDeliveryOptions {
  name: string;
  transport: DeliveryTransport;
}

/** A {@link QueuedNotifier} named `<kind> <destination>` that sends through `transport`. */
export function queuedNotifier(
  kind: string,
  transport: DeliveryTransport,
  options: QueuedDeliveryOptions,
): QueuedNotifier {
  const { minSeverity, policy, deadLetter, clock, random, onHealth } = options;
  return new QueuedNotifier({
    name: `${kind} ${transport.destination}`,
    transport,
    minSeverity,
    policy,
    deadLetter,
    ...(clock ? { clock } : {}),
    ...(random ? { random } : {}),
    ...(onHealth ? { onHealth } : {}),
  });
}

interface Pending {
  event: NotifyEvent;
  key: string;
  enqueuedAtMs: number;
  attempts: number;
  lastError?: string;
}

const log = moduleLogger('notify');
const SETTLE_BOUND_MS = 2000;

/**
 * A notifier with a bounded queue and one delivery loop: the head of the queue is tried until it is
 * delivered or dead-lettered, then the next, so a destination sees events in order. Retries use
 * exponential back-off with full jitter, bounded by attempts and age.
 */
export class QueuedNotifier implements Notifier {
  readonly name: string;
  readonly stats: NotifierStats = { enqueued: 0, delivered: 0, deadLettered: 0, filtered: 0, attempts: 0 };
  private readonly options: QueuedNotifierOptions;
  private readonly clock: NotifyClock;
  private readonly random: () => number;
  private readonly queue: Pending[] = [];
  /** Aborted to stop the current loop (flush timeout, close); replaced for the next one. */
  private stop = new AbortController();
  private loopSignal: AbortSignal | null = null;
  private closed = false;
  /** The last attempt failed (so the next failure is not logged as news). */
  private failing = false;
  private idleWaiters: (() => void)[] = [];
  private readonly writes = new Set<Promise<void>>();

  constructor(options: QueuedNotifierOptions) {
    this.options = options;
    this.name = options.name;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /** Events waiting, the one being tried included. */
  get queueLength(): number {
    return this.queue.length;
  }

  notify(event: NotifyEvent): void {
    try {
      if (!isAtLeast(event.severity, this.options.minSeverity)) {
        this.stats.filtered += 1;
        return;
      }
      this.stats.enqueued += 1;
      const item: Pending = { event, key: idempotencyKey(event), enqueuedAtMs: this.clock.nowMs(), attempts: 0 };
      if (this.closed) {
        this.deadLetter(item, 'the notifier was closed before the event was sent');
      } else if (this.queue.length >= this.options.policy.maxQueueLength) {
        this.deadLetter(item, `queue full: ${this.queue.length} events already waiting`);
      } else {
        this.queue.push(item);
        this.kick();
      }
    } catch (error) {
      // notify() must never throw into the analysis loop.
      log.error({ err: error, notifier: this.name }, 'notification could not be queued');
    }
  }

  async flush(timeoutMs: number): Promise<void> {
    if (this.queue.length > 0) {
      const drained = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      const inTime = await settlesWithin(drained, timeoutMs);
      if (!inTime && this.queue.length > 0) {
        this.abandon(`not delivered within the flush timeout of ${timeoutMs} ms`);
      }
    }
    await this.settleWrites();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abandon('the notifier was closed before the event was sent');
    const closing = Promise.resolve()
      .then(() => this.options.transport.close())
      .catch((error: unknown) =>
        log.warn({ err: error, notifier: this.name }, 'notifier transport did not close cleanly'),
      );
    await settlesWithin(closing, SETTLE_BOUND_MS);
    await this.settleWrites();
  }

  private kick(): void {
    const signal = this.stop.signal;
    if (this.loopSignal === signal) return;
    this.loopSignal = signal;
    this.run(signal).catch((error: unknown) => {
      // A bug in the loop must not strand the queue: what is left goes to the dead letters.
      log.error({ err: error, notifier: this.name }, 'notification delivery loop failed');
      this.abandon(`the delivery loop failed: ${errorText(error)}`);
    });
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { policy } = this.options;
    try {
      while (!signal.aborted) {
        const item = this.queue[0];
        if (!item) break;
        if (this.clock.nowMs() - item.enqueuedAtMs > policy.maxAgeMs) {
          this.giveUp(item, `expired: not delivered within maxAgeMs ${policy.maxAgeMs}`);
          continue;
        }
        item.attempts += 1;
        this.stats.attempts += 1;
        const outcome = await this.attempt(item, signal);
        if (signal.aborted) break; // flush timeout or close took over the queue
        if (outcome.ok) {
          if (this.failing) this.health('recovered');
          this.failing = false;
          if (item.attempts > 1) {
            log.info(
              { notifier: this.name, key: item.key, attempts: item.attempts },
              'notification delivered after retries',
            );
          }
          this.queue.shift();
          this.stats.delivered += 1;
          this.wakeIfIdle();
          continue;
        }
        item.lastError = outcome.error;
        if (!outcome.retryable) {
          this.giveUp(item, `rejected by the destination: ${outcome.error}`);
        } else if (item.attempts >= policy.maxAttempts) {
          this.giveUp(item, `gave up after ${item.attempts} attempts (maxAttempts)`);
        } else {
          const backoffMs = backoffDelayMs(item.attempts, policy.initialDelayMs, policy.maxDelayMs, this.random);
          const delayMs = Math.min(Math.max(backoffMs, outcome.retryAfterMs ?? 0), policy.maxDelayMs);
          // One message when the destination starts failing, not one per event or retry; the caller
          // decides how loud it is (onHealth), the log keeps it at info.
          const logAt = this.failing ? 'debug' : 'info';
          if (!this.failing) this.health('failing', outcome.error);
          this.failing = true;
          log[logAt](
            { notifier: this.name, key: item.key, attempt: item.attempts, error: outcome.error, delayMs },
            'notification failed, will retry',
          );
          await this.clock.sleep(delayMs, signal);
        }
      }
    } finally {
      if (this.loopSignal === signal) this.loopSignal = null;
      this.wakeIfIdle();
    }
  }

  /** One attempt under the attempt timeout; resolves even if the transport ignores the abort. */
  private async attempt(item: Pending, stop: AbortSignal): Promise<DeliveryOutcome> {
    const { attemptTimeoutMs } = this.options.policy;
    const controller = new AbortController();
    const onStop = () => controller.abort(new Error('delivery stopped'));
    stop.addEventListener('abort', onStop, { once: true });
    const timer = setTimeout(
      () => controller.abort(new Error(`no answer within attemptTimeoutMs ${attemptTimeoutMs}`)),
      attemptTimeoutMs,
    );
    const aborted = new Promise<DeliveryOutcome>((resolve) => {
      controller.signal.addEventListener(
        'abort',
        () => resolve({ ok: false, retryable: true, error: errorText(controller.signal.reason) }),
        { once: true },
      );
    });
    // A late rejection after the race is decided must not become an unhandled rejection.
    const sent = Promise.resolve()
      .then(() =>
        this.options.transport.deliver(item.event, {
          number: item.attempts,
          idempotencyKey: item.key,
          signal: controller.signal,
        }),
      )
      .catch((error: unknown): DeliveryOutcome => ({ ok: false, retryable: true, error: errorText(error) }));
    try {
      return await Promise.race([sent, aborted]);
    } finally {
      clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
      if (!controller.signal.aborted) controller.abort(new Error('attempt finished'));
    }
  }

  private giveUp(item: Pending, reason: string): void {
    if (this.queue[0] === item) this.queue.shift();
    this.deadLetter(item, reason);
    this.wakeIfIdle();
  }

  /** Stops the current loop and dead-letters every queued event. */
  private abandon(reason: string): void {
    this.stop.abort();
    this.stop = new AbortController();
    const abandoned = this.queue.splice(0);
    for (const item of abandoned) this.deadLetter(item, reason, 'debug');
    if (abandoned.length > 0) {
      log.info({ notifier: this.name, count: abandoned.length, reason }, 'notifications dead-lettered');
    }
    this.wakeIfIdle();
  }

  /** Every dead letter is in the dead-letter file and the stats; the log line is for tracing (info). */
  private deadLetter(item: Pending, reason: string, logAt: 'info' | 'debug' = 'info'): void {
    this.stats.deadLettered += 1;
    log[logAt](
      { notifier: this.name, key: item.key, reason, attempts: item.attempts, lastError: item.lastError },
      'notification dead-lettered',
    );
    const write = this.options.deadLetter.write({
      deadLetteredAt: new Date(this.clock.nowMs()).toISOString(),
      notifier: this.name,
      destination: this.options.transport.destination,
      reason,
      attempts: item.attempts,
      ...(item.lastError === undefined ? {} : { lastError: item.lastError }),
      idempotencyKey: item.key,
      event: item.event,
    });
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  private health(state: 'failing' | 'recovered', error?: string): void {
    try {
      this.options.onHealth?.({ notifier: this.name, state, ...(error === undefined ? {} : { error }) });
    } catch (listenerError) {
      log.warn({ err: listenerError, notifier: this.name }, 'delivery health listener failed');
    }
  }

  private wakeIfIdle(): void {
    if (this.queue.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private async settleWrites(): Promise<void> {
    if (this.writes.size === 0) return;
    await settlesWithin(Promise.all(this.writes), SETTLE_BOUND_MS);
  }
}
