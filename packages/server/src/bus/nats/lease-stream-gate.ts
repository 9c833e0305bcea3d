import type { StreamLeases } from './stream-leases.js';

/** What the gate uses of StreamLeases. */
export type GateLeases = Pick<StreamLeases, 'heldStreams' | 'release' | 'liveWorkers' | 'tryAcquire'>;

/**
 * ServeLive's `streamGate` for a worker: of the streams that could run, the ones whose lease this
 * worker holds. At each reconcile it releases the leases of streams that no longer run anywhere,
 * then takes free streams up to its fair share, floor(streams / live workers), and one more (up to
 * the ceiling) only among streams it already saw unheld at its previous reconcile: workers started
 * together first take their floor shares, then split the remainder (4 streams on 3 workers: 2+1+1,
 * not 2+2+0). A worker above its share (another one joined later) keeps what it runs: moving a
 * stream costs a restart of its analysis. When a worker dies, its worker key expires with its
 * leases, the share of the others grows and they take its streams at their next reconciles.
 */
export function leaseStreamGate(leases: GateLeases): (streamIds: readonly string[]) => Promise<ReadonlySet<string>> {
  let unheldAtLastReconcile = new Set<string>();
  return async (streamIds) => {
    const wanted = new Set(streamIds);
    for (const streamId of leases.heldStreams()) if (!wanted.has(streamId)) await leases.release(streamId);
    const workers = Math.max(1, await leases.liveWorkers().catch(() => 1));
    const floorShare = Math.floor(streamIds.length / workers);
    const ceilShare = Math.ceil(streamIds.length / workers);
    for (const streamId of streamIds) {
      const held = leases.heldStreams();
      if (held.length >= ceilShare) break;
      if (held.includes(streamId)) continue;
      if (held.length >= floorShare && !unheldAtLastReconcile.has(streamId)) continue;
      // NATS away: retried at the next reconcile.
      await leases.tryAcquire(streamId).catch(() => false);
    }
    const held = new Set(leases.heldStreams());
    unheldAtLastReconcile = new Set(streamIds.filter((streamId) => !held.has(streamId)));
    return held;
  };
}
