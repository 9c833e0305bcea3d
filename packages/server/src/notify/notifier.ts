import type { NotifyEvent } from './notify-event.js';

/**
 * One notification destination (a webhook, an MQTT broker, an SMTP server, the terminal).
 *
 * `notify` never blocks the caller: it filters and enqueues, and delivery happens in the background
 * in order. Events that cannot be delivered end in the dead-letter file with the reason; none is
 * dropped silently.
 */
export interface Notifier {
  /** Short name for logs and the dead-letter file, e.g. `webhook hooks.example.org`. */
  readonly name: string;
  /** Counters so far: what was delivered, what went to the dead letters. */
  readonly stats: NotifierStats;
  /** Enqueues an event and returns at once. */
  notify(event: NotifyEvent): void;
  /**
   * Waits until every queued event is delivered or dead-lettered, at most `timeoutMs` of wall-clock
   * time; events still pending then are dead-lettered (reason: flush timeout). Never rejects.
   */
  flush(timeoutMs: number): Promise<void>;
  /** Stops delivery and releases connections; events still queued are dead-lettered. Never rejects. */
  close(): Promise<void>;
}

/** Counters of one notifier, for tests, logs and the end-of-run report. */
export interface NotifierStats {
  enqueued: number;
  delivered: number;
  deadLettered: number;
  /** Events below the notifier's minimum severity. */
  filtered: number;
  /** Delivery attempts, first tries and retries. */
  attempts: number;
}

/**
 * Fans events out to several notifiers as one; each keeps its own queue, so a slow destination never
 * delays another. `flush` runs them in parallel under the same bound.
 */
export function combineNotifiers(notifiers: readonly Notifier[]): Notifier {
  return {
    name: notifiers.map((n) => n.name).join(', ') || 'none',
    get stats(): NotifierStats {
      const total: NotifierStats = { enqueued: 0, delivered: 0, deadLettered: 0, filtered: 0, attempts: 0 };
      for (const { stats } of notifiers) {
        for (const key of Object.keys(total) as (keyof NotifierStats)[]) total[key] += stats[key];
      }
      return total;
    },
    notify(event) {
      for (const notifier of notifiers) notifier.notify(event);
    },
    async flush(timeoutMs) {
      await Promise.all(notifiers.map((n) => n.flush(timeoutMs)));
    },
    async close() {
      await Promise.all(notifiers.map((n) => n.close()));
    },
  };
}
