import type { StreamLeases } from './stream-leases.js';

/** What the gate uses of StreamLeases (opened with `kind: 'events'`). */
export type EventGateLeases = Pick<StreamLeases, 'heldStreams' | 'release' | 'tryAcquire'>;

/**
 * EventAggregators' `gate` on an API node: of the events that have streams, the ones whose lease this
 * node holds, so that exactly one node of the cluster fuses each event and raises its alerts. Every
 * free event is taken (an aggregator costs ~1 % of a core: no share to balance); leases of events
 * that are gone are released. A node that dies stops renewing, and another takes its events once
 * the lease TTL has passed.
 */
export function eventLeaseGate(leases: EventGateLeases): (eventIds: readonly string[]) => Promise<ReadonlySet<string>> {
  return async (eventIds) => {
    const wanted = new Set(eventIds);
    for (const eventId of leases.heldStreams()) if (!wanted.has(eventId)) await leases.release(eventId);
    // NATS away: retried at the next reconcile.
    for (const eventId of eventIds) await leases.tryAcquire(eventId).catch(() => false);
    return new Set(leases.heldStreams());
  };
}
