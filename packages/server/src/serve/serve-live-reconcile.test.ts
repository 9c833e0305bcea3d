import { describe, expect, it } from 'vitest';
import { InProcessBus } from '../bus/live-bus.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { parseServerConfig } from './read-server-config.js';
import { ServeLive } from './serve-live.js';

describe('ServeLive reconciles', () => {
  it('go on past one that never settles (a NATS call without an answer), and stop() still returns', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    await store.createEvent({ id: 'match', name: 'Match' }, 'system:test');
    await store.createStream(
      { id: 'cam', eventId: 'match', name: 'Cam', sourceUrl: 'rtsp://127.0.0.1:1/never' },
      'system:test',
    );
    const config = parseServerConfig('ingest:\n  enabled: false', 'raqib.yaml');
    const gateCalls: string[][] = [];
    const live = new ServeLive({
      store,
      bus: new InProcessBus(),
      config,
      reconcileMs: 50,
      reconcileStuckMs: 300,
      // The first gate call never answers; the next ones run nothing here.
      streamGate: (streamIds) => {
        gateCalls.push([...streamIds]);
        return gateCalls.length === 1 ? new Promise(() => undefined) : Promise.resolve(new Set<string>());
      },
    });
    await live.start();
    const deadline = Date.now() + 5_000;
    while (gateCalls.length < 3 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    expect(gateCalls.length).toBeGreaterThanOrEqual(3);
    expect(gateCalls[2]).toEqual(['cam']);
    await live.stop();
    expect(live.list()).toEqual([]);
    store.close();
  });
});
