import type { StreamLeases } from './stream-leases.js';

/**
 * ServeLive's `streamGate` for a worker: of the streams that could run, the ones whose lease this
 * worker holds. At each reconcile it releases the leases of streams that no longer run anywhere,
 * then takes free streams up to its fair share, ceil(streams / live workers), so that workers
 * started together split the streams instead of the first one taking all. A worker above its share
 * (another one joined later) keeps what it runs: moving a stream costs a restart of its analysis.
 * When a worker dies, its worker key expires with its leases, the share of the others grows and
 * they take its streams at their next reconcile.
 */
export function leaseStreamGate(leases: StreamLeases): (streamIds: readonly string[]) => Promise<ReadonlySet<string>> {
  return async (streamIds) => {
    const wanted = new Set(streamIds);
    for (const streamId of leases.heldStreams()) if (!wanted.has(streamId)) await leases.release(streamId);
    const workers = Math.max(1, await leases.liveWorkers().catch(() => 1));
    const share = Math.ceil(streamIds.length / workers);
    for (const streamId of streamIds) {
      const held = leases.heldStreams();
      if (held.length >= share) break;
      if (held.includes(streamId)) continue;
      // NATS away: retried at the next reconcile.
      await leases.tryAcquire(streamId).catch(() => false);
    }
    return new Set(leases.heldStreams());
  };
}
