import { describe, expect, it } from 'vitest';
import { InProcessBus } from '../bus/live-bus.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { EventAggregators } from './event-aggregators.js';

const square = (lng: number, lat: number, d: number) => [
  [
    [lng, lat],
    [lng + d, lat],
    [lng + d, lat + d],
    [lng, lat + d],
    [lng, lat],
  ],
];
const zonesDoc = (...features: { id: string; scope?: string; space?: string; at: number }[]) => ({
  type: 'FeatureCollection',
  features: features.map(({ id, scope, space, at }) => ({
    type: 'Feature',
    properties: { id, ...(scope ? { scope } : {}), ...(space ? { space } : {}) },
    geometry: { type: 'Polygon', coordinates: square(at, at / 2, space === 'geo' ? 0.001 : 0.5) },
  })),
});

describe('EventAggregators', () => {
  it('follows the Store: one aggregator per event, its streams followed, a new one when its zones change', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const bus = new InProcessBus();
    await store.createEvent({ id: 'hajj', name: 'Hajj' }, 'test');
    await store.createStream({ id: 'a', eventId: 'hajj', name: 'A' }, 'test');
    await store.createStream({ id: 'b', eventId: 'hajj', name: 'B' }, 'test');
    await store.setZones(
      'a',
      zonesDoc({ id: 'plaza', space: 'geo', scope: 'event', at: 46.67 }, { id: 'gate', at: 0.1 }),
      'test',
    );
    const events = new EventAggregators({ store, bus, reconcileMs: 60_000 });
    await events.start();
    try {
      const first = events.get('hajj');
      expect(first).toBeDefined();
      expect(first!.streamId).toBe('event:hajj');
      expect(bus.subscriberCount('streams/a/analysis')).toBe(1);
      expect(bus.subscriberCount('streams/b/analysis')).toBe(1);

      // A stream joining without event zones: the same aggregator follows it too.
      await store.createStream({ id: 'c', eventId: 'hajj', name: 'C' }, 'test');
      await store.setZones('c', zonesDoc({ id: 'local', space: 'geo', at: 46.68 }), 'test');
      await events.reconcileNow();
      expect(events.get('hajj')).toBe(first);
      expect(bus.subscriberCount('streams/c/analysis')).toBe(1);

      // An event zone added: a new aggregator (the old one unsubscribed).
      await store.setZones('b', zonesDoc({ id: 'bridge', space: 'geo', scope: 'event', at: 46.69 }), 'test');
      await events.reconcileNow();
      expect(events.get('hajj')).not.toBe(first);
      expect(bus.subscriberCount('streams/a/analysis')).toBe(1);

      await store.deleteStream('c', 'test');
      await events.reconcileNow();
      expect(bus.subscriberCount('streams/c/analysis')).toBe(0);
    } finally {
      await events.stop();
      await store.close();
    }
    expect(bus.subscriberCount('streams/a/analysis')).toBe(0);
  });
});
