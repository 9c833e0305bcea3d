import { parseRulesConfig, parseZones, type AlertEvent, type RulesConfig, type Zone } from '@raqib/core';
import type { LiveBus } from '../bus/live-bus.js';
import { moduleLogger } from '../logging/logger.js';
import type { Store } from '../storage/store.js';
import { readOpenAlerts } from '../storage/store-recorder.js';
import { EventAggregator, eventScopedZones } from './event-aggregator.js';
import { eventStreamId } from '../storage/store-records.js';

const log = moduleLogger('event-aggregators');

/** Options of {@link EventAggregators}. */
export interface EventAggregatorsOptions {
  store: Store;
  bus: LiveBus;
  /** How often the Store's events, streams, zones and rules are compared with what runs. Default 2 s. */
  reconcileMs?: number;
  /**
   * Cluster mode (several API nodes): of the events that have streams, the ones this node runs, by a
   * lease per event (bus/nats/event-lease-gate.ts). An event it no longer holds is handed over: its
   * open alerts stay open for the node that takes it, which carries them on. Default: every event,
   * and a stop ends the events' alerts (`stream-ended`), as a stream's.
   */
  gate?: (eventIds: readonly string[]) => Promise<ReadonlySet<string>>;
  /** Every event alert, after it is stored and published (notifications). */
  onAlert?: (eventId: string, event: AlertEvent) => void;
  onWarning?: (message: string) => void;
}

interface RunningEvent {
  aggregator: EventAggregator;
  /** Zones and rules the aggregator was made with; a change makes a new one. */
  signature: string;
}

/**
 * One {@link EventAggregator} per event that has streams, following the Store like ServeLive does:
 * the event's streams are followed as they are added and removed; its zones (the `scope: event` geo
 * zones of all its streams' zones files, the first definition of an id wins) and its rules (those of
 * the event's first stream, by id, that has a rules document) make a new aggregator when they change.
 */
export class EventAggregators {
  private readonly running = new Map<string, RunningEvent>();
  private readonly warned = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: EventAggregatorsOptions) {}

  async start(): Promise<void> {
    await this.reconcileNow();
    this.timer = setInterval(() => void this.reconcileNow(), this.options.reconcileMs ?? 2_000);
  }

  /** The aggregator of an event (tests, status). */
  get(eventId: string): EventAggregator | undefined {
    return this.running.get(eventId)?.aggregator;
  }

  reconcileNow(): Promise<void> {
    this.queue = this.queue.then(() =>
      this.reconcile().catch((error: unknown) => log.error({ err: error }, 'event aggregators: reconcile failed')),
    );
    return this.queue;
  }

  /** Closes every aggregator (reading buckets stored; open alerts cleared, or handed over with a gate). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.queue;
    await Promise.all([...this.running.values()].map((run) => run.aggregator.close(this.closeMode)));
    this.running.clear();
  }

  private get closeMode(): 'end' | 'hand-over' {
    return this.options.gate ? 'hand-over' : 'end';
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const { store } = this.options;
    const byEvent = new Map<string, string[]>();
    for (const stream of await store.listStreams()) {
      byEvent.set(stream.eventId, [...(byEvent.get(stream.eventId) ?? []), stream.id]);
    }
    const held = this.options.gate ? await this.options.gate([...byEvent.keys()]) : undefined;
    for (const [eventId, run] of [...this.running]) {
      if (byEvent.has(eventId) && (!held || held.has(eventId))) continue;
      this.running.delete(eventId);
      // An event with no streams left ends; one another node holds now is handed over.
      await run.aggregator.close(byEvent.has(eventId) ? this.closeMode : 'end');
    }
    for (const [eventId, streamIds] of byEvent) {
      if (held && !held.has(eventId)) continue;
      streamIds.sort();
      const { zones, rules, signature } = await this.eventConfig(streamIds);
      let run = this.running.get(eventId);
      if (run && run.signature !== signature) {
        this.running.delete(eventId);
        await run.aggregator.close();
        run = undefined;
      }
      if (!run) {
        const { onAlert, onWarning } = this.options;
        const aggregator = new EventAggregator({
          eventId,
          bus: this.options.bus,
          store,
          zones,
          ...(rules ? { rules } : {}),
          // Written by the aggregator this one replaces (closed above) or by another node's.
          leftOpen: await readOpenAlerts(store, eventStreamId(eventId)),
          ...(onAlert ? { onAlert: (event: AlertEvent) => onAlert(eventId, event) } : {}),
          ...(onWarning ? { onWarning } : {}),
        });
        run = { aggregator, signature };
        this.running.set(eventId, run);
      }
      run.aggregator.setStreams(streamIds);
    }
  }

  private async eventConfig(streamIds: readonly string[]) {
    const { store } = this.options;
    const zones = new Map<string, Zone>();
    let rules: RulesConfig | undefined;
    for (const streamId of streamIds) {
      const [zonesDoc, rulesDoc] = await Promise.all([store.getZones(streamId), store.getRules(streamId)]);
      // A document that does not parse is warned about by the stream itself (ServeLive): skipped here.
      try {
        if (zonesDoc) {
          for (const zone of eventScopedZones(
            parseZones(JSON.stringify(zonesDoc.document), `stream ${streamId} zones`),
          )) {
            if (!zones.has(zone.id)) zones.set(zone.id, zone);
          }
        }
        if (rulesDoc && !rules) rules = parseRulesConfig(rulesDoc.document, `stream ${streamId} rules`);
      } catch (error) {
        this.warnOnce(`${streamId}:${zonesDoc?.updatedAtMs}:${rulesDoc?.updatedAtMs}`, (error as Error).message);
      }
    }
    // What the aggregator is made of: a stream joining with no event zones keeps it (and its alerts) running.
    const list = [...zones.values()];
    return { zones: list, rules, signature: JSON.stringify([list, rules ?? null]) };
  }

  private warnOnce(key: string, why: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    log.warn({ why }, 'event zones or rules skipped');
  }
}
