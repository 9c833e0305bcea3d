import type { StreamLeases } from './stream-leases.js';

/** What the gate uses of StreamLeases. */
export type GateLeases = Pick<StreamLeases, 'heldStreams' | 'release' | 'liveWorkers' | 'tryAcquire'>;

/** ServeLive's `streamGate`: of the streams that could run here, the ones this process runs. */
export type StreamGate = (
  streamIds: readonly string[],
  localOnly?: ReadonlySet<string>,
) => Promise<ReadonlySet<string>>;

/**
 * ServeLive's `streamGate` for a worker: of the streams that could run, the ones whose lease this
 * worker holds. At each reconcile it releases the leases of streams that no longer run anywhere,
 * then:
 * - takes every free stream of `localOnly` (RTMP pushes whose drone publishes to this machine: no other
 *   worker has their input), whatever its share;
 * - takes free shared streams (pull URLs, the demo) up to its fair share of them, floor(shared streams
 *   / live workers), and one more (up to the ceiling) only among streams it already saw unheld at its
 *   previous reconcile: workers started together first take their floor shares, then split the
 *   remainder (4 streams on 3 workers: 2+1+1, not 2+2+0).
 * A worker above its share (another one joined later) keeps what it runs: moving a stream costs a
 * restart of its analysis. When a worker dies, its worker key expires with its leases, the share of
 * the others grows and they take its streams at their next reconciles.
 */
export function leaseStreamGate(leases: GateLeases): StreamGate {
  let unheldAtLastReconcile = new Set<string>();
  let lastLiveWorkers = 1;
  return async (streamIds, localOnly = new Set()) => {
    const wanted = new Set(streamIds);
    for (const streamId of leases.heldStreams()) if (!wanted.has(streamId)) await leases.release(streamId);
    // NATS away: retried at the next reconcile.
    for (const streamId of streamIds) if (localOnly.has(streamId)) await leases.tryAcquire(streamId).catch(() => false);
    const shared = streamIds.filter((streamId) => !localOnly.has(streamId));
    // NATS slow or away: the count of the previous reconcile (not 1, which would take every stream).
    lastLiveWorkers = Math.max(1, await leases.liveWorkers().catch(() => lastLiveWorkers));
    const workers = lastLiveWorkers;
    const floorShare = Math.floor(shared.length / workers);
    const ceilShare = Math.ceil(shared.length / workers);
    const heldShared = () => leases.heldStreams().filter((streamId) => !localOnly.has(streamId));
    for (const streamId of shared) {
      const held = heldShared();
      if (held.length >= ceilShare) break;
      if (held.includes(streamId)) continue;
      if (held.length >= floorShare && !unheldAtLastReconcile.has(streamId)) continue;
      await leases.tryAcquire(streamId).catch(() => false);
    }
    const held = new Set(leases.heldStreams());
    unheldAtLastReconcile = new Set(shared.filter((streamId) => !held.has(streamId)));
    return held;
  };
}
