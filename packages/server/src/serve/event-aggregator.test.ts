import { describe, expect, it } from 'vitest';
import {
  CrowdSimulation,
  Detections,
  LocalTangentPlane,
  SimulatedDroneFleet,
  parseZones,
  standingCrowdScenario,
  type AlertEvent,
  type PointXY,
  type SimulatedDrone,
} from '@raqib/core';
import { InProcessBus } from '../bus/live-bus.js';
import { AlertStage } from '../pipeline/alert-stage.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { readOpenAlerts } from '../storage/store-recorder.js';
import { EventAggregator, eventReadingsTopic, type EventReadingsMessage } from './event-aggregator.js';

// Issue 13 through serve's bus: two simulated drones whose footprints overlap by 30% of the ground they
// cover, over one simulated crowd, publish `streams/<id>/analysis` as LiveBusSink does (head points in
// pixels, the telemetry pose); one EventAggregator fuses them.
const T0 = Date.UTC(2026, 5, 1, 18);
const plane = new LocalTangentPlane([46.6753, 24.7136]);
const crowd = standingCrowdScenario({ widthM: 100, heightM: 40, densityPerM2: 0.7 });
const truth = new CrowdSimulation(crowd, 3).snapshot(0);
const toEvent = (x: number, y: number): PointXY => [x - 55, 25 - y];
// 40 m, HFOV 73.74°, 1920x1080: 60 x 33.75 m footprints; 32.3 m apart they overlap by 30% of the union.
const SEPARATION_M = 60 * (1 - 0.6 / 1.3);
const drone = (id: string, east: number): SimulatedDrone => ({
  droneId: id,
  positionM: [east, 0],
  altitudeM: 40,
  hfovDeg: 73.74,
  widthPx: 1920,
  heightPx: 1080,
});

/** A geo zone of ~60 x 24 m across both drones' views, ~1,000 people for a capacity of 500. */
const plazaRing: PointXY[] = [
  [-30, -12],
  [30, -12],
  [30, 12],
  [-30, 12],
];
const zones = parseZones(
  JSON.stringify({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { id: 'plaza', kind: 'standing', space: 'geo', scope: 'event', capacity: 500 },
        geometry: { type: 'Polygon', coordinates: [[...plazaRing, plazaRing[0]!].map((p) => plane.toLngLat(p))] },
      },
    ],
  }),
  'zones',
);

describe('EventAggregator', () => {
  it('publishes the de-duplicated event total and raises a geo zone alert once for the event', async () => {
    const bus = new InProcessBus((error) => {
      throw error;
    });
    const store = SqliteStore.open({ path: ':memory:' });
    const aggregator = new EventAggregator({ eventId: 'hajj', bus, store, zones });
    aggregator.setStreams(['a', 'b']);
    const published: EventReadingsMessage[] = [];
    bus.subscribe(eventReadingsTopic('hajj'), (m) => published.push(m.data as EventReadingsMessage));
    const alerts: { streamId: string; event: AlertEvent }[] = [];
    bus.subscribe('alerts', (m) => alerts.push(m.data as { streamId: string; event: AlertEvent }));

    const fleet = new SimulatedDroneFleet([drone('a', -SEPARATION_M / 2), drone('b', SEPARATION_M / 2)], plane, {
      worldToEventM: toEvent,
    });
    const trueCounts: number[] = [];
    for (let seq = 0; seq < 30; seq++) {
      const seen = fleet.observe(truth);
      trueCounts.push(seen.trueCount);
      seen.frames.forEach((frame, d) => {
        bus.publish(`streams/${frame.droneId}/analysis`, {
          streamId: frame.droneId,
          seq,
          timeS: seq / 2,
          capturedAtMs: T0 + seq * 500,
          widthPx: frame.widthPx,
          heightPx: frame.heightPx,
          count: (frame.pointsPx?.length ?? 0) / 2,
          points: Array.from(frame.pointsPx ?? [], (v) => Number(v.toFixed(1))),
          pose: fleet.pose(fleet.drones[d]!, true),
          gsdMPerPx: null,
        });
      });
    }
    await aggregator.settled();

    expect(published).toHaveLength(30); // one step per 0.5 s, each with both drones
    published.forEach((step, k) => {
      expect(step.atMs).toBe(T0 + k * 500);
      expect(step.drones.map((d) => d.droneId).sort()).toEqual(['a', 'b']);
      expect(Math.abs(step.count / trueCounts[k]! - 1)).toBeLessThan(0.03);
      expect(step.naiveCount / trueCounts[k]!).toBeGreaterThan(1.25);
      expect(step.naiveCount / trueCounts[k]!).toBeLessThan(1.35);
    });
    const plaza = published.at(-1)!.zones[0]!;
    expect(plaza.zoneId).toBe('plaza');
    expect(plaza.coveredFraction).toBeGreaterThan(0.99);
    expect(plaza.areaM2).toBeCloseTo(60 * 24, -1);
    expect(plaza.densityPerM2).toBeCloseTo(plaza.count / plaza.areaM2!, 6);

    // One occupancy alert for the event (count ~2x capacity), not one per drone.
    const raised = alerts.filter((a) => a.event.type === 'raised');
    expect(raised.length).toBe(1);
    expect(raised[0]!.streamId).toBe('event:hajj');
    expect(raised[0]!.event.zoneId).toBe('plaza');
    expect(raised[0]!.event.rule).toBe('occupancy');
    // Its escalations (the occupancy ladder) are stored as alerts of the same single incident.
    const stored = await store.listAlerts({ state: 'all', limit: 10 });
    expect(new Set(stored.map((a) => `${a.streamId}/${a.zoneId}/${a.incidentId}`))).toEqual(
      new Set([`event:hajj/plaza/${raised[0]!.event.incidentId}`]),
    );

    await aggregator.close();
    const readings = await store.listReadings({
      streamId: 'event:hajj',
      resolution: '1s',
      fromMs: T0,
      toMs: T0 + 60_000,
      limit: 100,
    });
    expect(new Set(readings.map((r) => r.zoneId))).toEqual(new Set(['event', 'plaza']));
    expect(readings.filter((r) => r.zoneId === 'event')).toHaveLength(15);
    // Closing the aggregator clears what is open (stream-ended), stored and published.
    expect(alerts.filter((a) => a.event.type === 'cleared')).toHaveLength(stored.length);
    const after = await store.listAlerts({ state: 'all', limit: 10 });
    expect(after.every((a) => a.condition === 'cleared')).toBe(true);
    await store.close();
  });

  it('hands an event over: the next aggregator carries its open alert on under the same id', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    const fleet = new SimulatedDroneFleet([drone('a', -SEPARATION_M / 2), drone('b', SEPARATION_M / 2)], plane, {
      worldToEventM: toEvent,
    });
    const alerts: AlertEvent[] = [];
    /** One node's aggregator fed seqs [from, to) of both drones on its own bus. */
    const run = async (from: number, to: number, close: 'end' | 'hand-over') => {
      const bus = new InProcessBus((error) => {
        throw error;
      });
      bus.subscribe('alerts', (m) => alerts.push((m.data as { event: AlertEvent }).event));
      const leftOpen = await readOpenAlerts(store, 'event:hajj');
      const aggregator = new EventAggregator({ eventId: 'hajj', bus, store, zones, leftOpen });
      aggregator.setStreams(['a', 'b']);
      for (let seq = from; seq < to; seq++) {
        fleet.observe(truth).frames.forEach((frame, d) => {
          bus.publish(`streams/${frame.droneId}/analysis`, {
            streamId: frame.droneId,
            capturedAtMs: T0 + seq * 500,
            widthPx: frame.widthPx,
            heightPx: frame.heightPx,
            points: Array.from(frame.pointsPx ?? []),
            pose: fleet.pose(fleet.drones[d]!, true),
            gsdMPerPx: null,
          });
        });
      }
      await aggregator.close(close);
      return leftOpen;
    };
    // The first node raises the occupancy alert and its escalations, then hands the event over.
    expect(await run(0, 30, 'hand-over')).toEqual([]);
    const raisedFirst = alerts.filter((e) => e.type !== 'cleared').map((e) => e.id);
    expect(raisedFirst.length).toBeGreaterThan(0);
    expect(alerts.filter((e) => e.type === 'cleared')).toEqual([]);
    // The next node (after a gap, as after a lease TTL) reads them back and carries them on.
    const leftOpen = await run(40, 60, 'end');
    expect(leftOpen.map((a) => a.id).sort()).toEqual([...new Set(raisedFirst)].sort());
    const raisedSecond = alerts.filter((e) => e.type === 'raised' && !raisedFirst.includes(e.id));
    expect(raisedSecond).toEqual([]);
    // Its clean stop ends them, under the first node's ids; nothing stored twice.
    const stored = await store.listAlerts({ state: 'all', limit: 20 });
    expect(stored.map((a) => a.id).sort()).toEqual([...new Set(raisedFirst)].sort());
    expect(stored.every((a) => a.condition === 'cleared' && a.clearReason === 'stream-ended')).toBe(true);
    await store.close();
  });

  it('waits for a lagging drone, then leaves it out once it is too far behind', async () => {
    const bus = new InProcessBus();
    const aggregator = new EventAggregator({ eventId: 'e', bus, zones: [], waitS: 1 });
    aggregator.setStreams(['a', 'b']);
    const steps: EventReadingsMessage[] = [];
    bus.subscribe(eventReadingsTopic('e'), (m) => steps.push(m.data as EventReadingsMessage));
    const fleet = new SimulatedDroneFleet([drone('a', -SEPARATION_M / 2), drone('b', SEPARATION_M / 2)], plane, {
      worldToEventM: toEvent,
    });
    const send = (d: number, seq: number) => {
      const frame = fleet.observe(truth).frames[d]!;
      bus.publish(`streams/${frame.droneId}/analysis`, {
        streamId: frame.droneId,
        capturedAtMs: T0 + seq * 500,
        widthPx: frame.widthPx,
        heightPx: frame.heightPx,
        points: Array.from(frame.pointsPx ?? []),
        pose: fleet.pose(fleet.drones[d]!, true),
        gsdMPerPx: null,
      });
    };
    send(0, 0);
    expect(steps).toHaveLength(0); // b has not reported yet: waited for up to maxSkewS
    send(1, 0);
    expect(steps).toHaveLength(1);
    send(0, 1);
    send(0, 2);
    send(0, 3);
    expect(steps).toHaveLength(1); // b is behind by 1.5 s: still waited for (maxSkewS + waitS)
    send(0, 4);
    send(0, 5);
    // b is now more than 1.5 s behind: steps go on without it, its ground uncovered.
    expect(steps.length).toBeGreaterThanOrEqual(3);
    const last = steps.at(-1)!;
    expect(last.staleDroneIds).toEqual(['b']);
    expect(last.drones.map((d) => d.droneId)).toEqual(['a']);
    await aggregator.close();
  });
});

describe('AlertStage with excluded zones (event-scoped geo zones in serve)', () => {
  it('raises nothing for a zone the event aggregator alerts', async () => {
    const run = async (excludeZoneIds?: string[]) => {
      const events: AlertEvent[] = [];
      const stage = new AlertStage({
        zones,
        streamId: 'a',
        ...(excludeZoneIds ? { excludeZoneIds } : {}),
        listeners: [(event) => void events.push(event)],
      });
      for (let seq = 0; seq < 30; seq++) {
        const timeS = seq / 2;
        await stage.process({
          inferenceMs: 0,
          analysis: {
            frame: { streamId: 'a', seq, ptsMs: timeS * 1000, width: 1920, height: 1080 },
            timeS,
            count: 900,
            detections: Detections.empty(),
            zones: [{ zoneId: 'plaza', kind: 'area', count: 900, areaM2: 1440, densityPerM2: 0.625 }],
          },
        });
      }
      return events.filter((e) => e.type === 'raised').length;
    };
    expect(await run()).toBe(1);
    expect(await run(['plaza'])).toBe(0);
  });
});
