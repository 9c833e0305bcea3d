import { describe, expect, it } from 'vitest';
import { leaseStreamGate, type GateLeases } from './lease-stream-gate.js';

/** Leases of one worker over a lease table shared by all workers (the KV bucket's create-if-absent). */
function workerLeases(table: Map<string, string>, workerId: string, liveWorkers: () => number): GateLeases {
  return {
    heldStreams: () => [...table].filter(([, holder]) => holder === workerId).map(([streamId]) => streamId),
    release: async (streamId) => {
      if (table.get(streamId) === workerId) table.delete(streamId);
    },
    liveWorkers: async () => liveWorkers(),
    tryAcquire: async (streamId) => {
      if (table.has(streamId)) return table.get(streamId) === workerId;
      table.set(streamId, workerId);
      return true;
    },
  };
}

function heldCounts(table: Map<string, string>, workerIds: string[]): number[] {
  return workerIds.map((id) => [...table.values()].filter((holder) => holder === id).length);
}

describe('leaseStreamGate', () => {
  it('splits 4 streams over 3 workers started together as 2+1+1, never leaving one idle', async () => {
    const table = new Map<string, string>();
    const ids = ['w1', 'w2', 'w3'];
    const gates = ids.map((id) => leaseStreamGate(workerLeases(table, id, () => 3)));
    const streams = ['s1', 's2', 's3', 's4'];
    for (let round = 0; round < 3; round++) for (const gate of gates) await gate(streams);
    expect(table.size).toBe(4);
    expect(heldCounts(table, ids).sort()).toEqual([1, 1, 2]);
  });

  it('one worker takes every stream at once, and takes over a dead worker’s streams', async () => {
    const table = new Map<string, string>();
    let live = 2;
    const a = leaseStreamGate(workerLeases(table, 'a', () => live));
    const b = leaseStreamGate(workerLeases(table, 'b', () => live));
    const streams = ['s1', 's2', 's3', 's4', 's5'];
    await a(streams);
    await b(streams);
    await a(streams);
    await b(streams);
    expect(heldCounts(table, ['a', 'b']).sort()).toEqual([2, 3]);
    // b dies: its leases expire (removed from the table) and a is the only live worker.
    for (const [streamId, holder] of [...table]) if (holder === 'b') table.delete(streamId);
    live = 1;
    expect([...(await a(streams))].sort()).toEqual(streams);
  });

  it('releases streams that no longer run anywhere', async () => {
    const table = new Map<string, string>();
    const gate = leaseStreamGate(workerLeases(table, 'a', () => 1));
    await gate(['s1', 's2']);
    expect([...(await gate(['s2']))]).toEqual(['s2']);
    expect(table.has('s1')).toBe(false);
  });

  it('always takes a push stream published to its own machine, beyond its share of the shared streams', async () => {
    const table = new Map<string, string>();
    const a = leaseStreamGate(workerLeases(table, 'a', () => 2));
    const b = leaseStreamGate(workerLeases(table, 'b', () => 2));
    const shared = ['s1', 's2', 's3', 's4'];
    // The drone of `push` publishes to b's ingest: only b has its input, so only b wants it.
    for (let round = 0; round < 2; round++) {
      await a(shared);
      await b([...shared, 'push'], new Set(['push']));
    }
    expect(table.get('push')).toBe('b');
    // The shared streams are still split evenly: the push stream does not count against b's share.
    expect(heldCounts(table, ['a', 'b'])).toEqual([2, 3]);
    // Its drone stops publishing there (b no longer wants it) and republishes to a: a takes it.
    await b(shared);
    await a([...shared, 'push'], new Set(['push']));
    expect(table.get('push')).toBe('a');
  });
});
