import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertEngine, isRaqibError, type AlertEvent, type ZoneReading } from '@raqib/core';
import { verifyAuditChain } from '../audit/audit-chain.js';
import { DAY_MS, DEFAULT_RETENTION } from './retention-policy.js';
import { ReadingDownsampler } from './reading-downsampler.js';
import type { Store } from './store.js';

/** Makes a fresh, empty store whose clock is `nowMs`. */
export type StoreFactory = (options: { nowMs: () => number }) => Promise<Store>;

const T0 = Date.UTC(2026, 5, 1, 18, 0, 0);

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isRaqibError(error) && error.code === code) return error.message;
    throw error;
  }
  throw new Error(`expected a RaqibError ${code}`);
}

/**
 * Alert events from the real alert engine: density in `plaza` ramps 1 -> 6 -> 1 persons/m², which
 * raises, escalates and clears several levels.
 */
export function rampAlertEvents(streamId = 'cam1'): AlertEvent[] {
  const engine = new AlertEngine({ streamId });
  const events: AlertEvent[] = [];
  for (let timeS = 0; timeS <= 420; timeS += 1) {
    const densityPerM2 = timeS <= 120 ? 1 + (5 * timeS) / 120 : timeS <= 180 ? 6 : Math.max(1, 6 - (timeS - 180) / 24);
    const reading: ZoneReading = {
      zoneId: 'plaza',
      kind: 'area',
      count: densityPerM2 * 100,
      areaM2: 100,
      densityPerM2,
    };
    events.push(...engine.evaluate({ timeS, readings: [reading], zones: [{ id: 'plaza', kind: 'standing' }] }));
  }
  return [...events, ...engine.finish()];
}

/**
 * The behaviour every Store must show. Run it against each implementation:
 * `describeStoreContract('SqliteStore', async ({ nowMs }) => SqliteStore.open({ path, nowMs }))`.
 */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let nowMs = T0;

    beforeEach(async () => {
      nowMs = T0;
      store = await factory({ nowMs: () => nowMs });
    });
    afterEach(async () => {
      await store.close();
    });

    async function eventWithStream(): Promise<void> {
      await store.createEvent({ id: 'derby', name: 'Derby day' }, 'user:admin');
      await store.createStream({ id: 'cam1', eventId: 'derby', name: 'North stand' }, 'user:admin');
    }

    it('creates, updates and deletes events, refusing duplicates and events that still have streams', async () => {
      const created = await store.createEvent({ id: 'derby', name: 'Derby day', startsAtMs: T0 }, 'user:admin');
      expect(created).toMatchObject({ id: 'derby', name: 'Derby day', startsAtMs: T0, endsAtMs: null });
      expect(await rejectsWith(store.createEvent({ id: 'derby', name: 'Again' }, 'user:admin'), 'CONFLICT')).toMatch(
        /derby/,
      );
      nowMs += 1000;
      const updated = await store.updateEvent('derby', { name: 'Derby', endsAtMs: T0 + 7_200_000 }, 'user:admin');
      expect(updated).toMatchObject({
        name: 'Derby',
        startsAtMs: T0,
        endsAtMs: T0 + 7_200_000,
        updatedAtMs: T0 + 1000,
      });
      expect(await store.getEvent('derby')).toEqual(updated);
      await store.createStream({ id: 'cam1', eventId: 'derby', name: 'North' }, 'user:admin');
      await rejectsWith(store.deleteEvent('derby', 'user:admin'), 'CONFLICT');
      await store.deleteStream('cam1', 'user:admin');
      await store.deleteEvent('derby', 'user:admin');
      expect(await store.listEvents()).toEqual([]);
      await rejectsWith(store.updateEvent('derby', { name: 'x' }, 'user:admin'), 'NOT_FOUND');
      await rejectsWith(store.createStream({ id: 'cam2', eventId: 'nope', name: 'x' }, 'user:admin'), 'NOT_FOUND');
    });

    it('keeps zones and rules per stream and drops them with the stream', async () => {
      await eventWithStream();
      const zones = { type: 'FeatureCollection', features: [] };
      const stored = await store.setZones('cam1', zones, 'user:op');
      expect(stored).toMatchObject({ streamId: 'cam1', document: zones, updatedBy: 'user:op' });
      await store.setRules('cam1', { defaults: { density: { enabled: false } } }, 'user:op');
      expect((await store.getRules('cam1'))?.document).toEqual({ defaults: { density: { enabled: false } } });
      await store.deleteRules('cam1', 'user:op');
      expect(await store.getRules('cam1')).toBeUndefined();
      await rejectsWith(store.deleteRules('cam1', 'user:op'), 'NOT_FOUND');
      await rejectsWith(store.setZones('cam9', zones, 'user:op'), 'NOT_FOUND');
      await store.deleteStream('cam1', 'user:admin');
      await store.createStream({ id: 'cam1', eventId: 'derby', name: 'again' }, 'user:admin');
      expect(await store.getZones('cam1')).toBeUndefined();
    });

    it('finds a stream by the hash of its publish key; a new key replaces the old one', async () => {
      await eventWithStream();
      await store.createStream({ id: 'cam2', eventId: 'derby', name: 'South' }, 'user:admin');
      expect((await store.getStream('cam1'))?.hasPublishKey).toBe(false);
      await store.setStreamPublishKey('cam1', 'a'.repeat(64), 'user:admin');
      expect((await store.streamByPublishKey('a'.repeat(64)))?.id).toBe('cam1');
      expect((await store.getStream('cam1'))?.hasPublishKey).toBe(true);
      await rejectsWith(store.setStreamPublishKey('cam2', 'a'.repeat(64), 'user:admin'), 'CONFLICT');
      await store.setStreamPublishKey('cam1', 'b'.repeat(64), 'user:admin');
      expect(await store.streamByPublishKey('a'.repeat(64))).toBeUndefined();
      await store.setStreamPublishKey('cam1', null, 'user:admin');
      expect(await store.streamByPublishKey('b'.repeat(64))).toBeUndefined();
      await rejectsWith(store.setStreamPublishKey('nope', 'c'.repeat(64), 'user:admin'), 'NOT_FOUND');
      const actions = (await store.listAudit(0, 100)).map((row) => row.action);
      expect(actions.filter((action) => action.startsWith('stream.key'))).toEqual([
        'stream.key.rotate',
        'stream.key.rotate',
        'stream.key.remove',
      ]);
    });

    it('records stream state transitions once, and a late older one does not overwrite the state', async () => {
      await eventWithStream();
      expect((await store.getStream('cam1'))?.state).toBe('idle');
      const live = { streamId: 'cam1', state: 'live' as const, atMs: T0 + 5000, reason: null };
      expect(await store.recordStreamState({ ...live, state: 'starting', atMs: T0 + 1000 })).toBe(true);
      expect(await store.recordStreamState(live)).toBe(true);
      expect(await store.recordStreamState(live)).toBe(false);
      expect(
        await store.recordStreamState({ ...live, state: 'stalled', atMs: T0 + 3000, reason: 'no frame for 20 s' }),
      ).toBe(true);
      expect(await store.getStream('cam1')).toMatchObject({ state: 'live', stateSinceMs: T0 + 5000 });
      const history = await store.listStreamStates('cam1', T0, T0 + 10_000);
      expect(history.map((change) => change.state)).toEqual(['starting', 'stalled', 'live']);
      expect(history[1]?.reason).toBe('no frame for 20 s');
    });

    it('stores downsampled readings once: a replay changes nothing, a fuller bucket completes a partial one', async () => {
      const sampler = new ReadingDownsampler('cam1');
      const buckets = [];
      // 5 fps for 130 s: plaza count 10..
      for (let frame = 0; frame < 650; frame++) {
        const atMs = T0 + frame * 200;
        const count = 10 + (frame % 5);
        buckets.push(
          ...sampler.add(atMs, [
            { zoneId: 'plaza', kind: 'area', count, areaM2: 10, densityPerM2: count / 10 },
            { zoneId: 'gate', kind: 'line', count: 0, inCount: frame % 2, outCount: 0 },
          ]),
        );
      }
      const seconds = buckets.filter((b) => b.resolution === '1s');
      expect(seconds.filter((b) => b.zoneId === 'plaza')).toHaveLength(129);
      expect(await store.putReadings(buckets)).toBe(buckets.length);
      expect(await store.putReadings(buckets)).toBe(0);
      const minutes = await store.listReadings({
        streamId: 'cam1',
        zoneId: 'plaza',
        resolution: '1m',
        fromMs: T0,
        toMs: T0 + 3_600_000,
        limit: 100,
      });
      expect(minutes).toHaveLength(2);
      expect(minutes[0]).toMatchObject({
        samples: 300,
        countMean: 12,
        countMax: 14,
        densityPerM2Mean: expect.closeTo(1.2, 9),
      });
      const gate = await store.listReadings({
        streamId: 'cam1',
        zoneId: 'gate',
        resolution: '1s',
        fromMs: T0 + 10_000,
        toMs: T0 + 12_000,
        limit: 10,
      });
      expect(gate.map((b) => [b.bucketStartMs - T0, b.inCount])).toEqual([
        [10_000, 2],
        [11_000, 3],
      ]);
      // The open third minute, flushed half full, then complete after a restart replays it.
      const partial = sampler.flush().find((b) => b.resolution === '1m' && b.zoneId === 'plaza')!;
      expect(await store.putReadings([{ ...partial, samples: 10 }])).toBe(1);
      expect(await store.putReadings([partial])).toBe(1);
      expect(await store.putReadings([{ ...partial, samples: 10 }])).toBe(0);
      const all = await store.listReadings({
        streamId: 'cam1',
        resolution: '1m',
        fromMs: T0,
        toMs: T0 + 3_600_000,
        limit: 100,
      });
      expect(all.filter((b) => b.zoneId === 'plaza').map((b) => b.samples)).toEqual([300, 300, partial.samples]);
    });

    it('stores alert engine events once and follows the lifecycle with who did what', async () => {
      const events = rampAlertEvents();
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['raised', 'escalated', 'cleared']));
      for (const [i, event] of events.entries()) expect(await store.recordAlertEvent(event, T0 + i * 1000)).toBe(true);
      for (const [i, event] of events.entries()) expect(await store.recordAlertEvent(event, T0 + i * 1000)).toBe(false);
      const opened = events.filter((e) => e.type !== 'cleared');
      const all = await store.listAlerts({ state: 'all', limit: 100 });
      expect(all).toHaveLength(opened.length);
      expect(all.every((a) => a.condition === 'cleared' && a.status === 'new')).toBe(true);
      const escalated = opened.find((e) => e.type === 'escalated')!;
      const alert = await store.getAlert(escalated.id);
      expect(alert).toMatchObject({
        escalatedFromId: escalated.evidence.escalatedFromId,
        severity: escalated.severity,
      });

      nowMs += 60_000;
      await store.applyAlertAction(escalated.id, { kind: 'acknowledge', note: 'seen on camera' }, 'user:omar');
      await rejectsWith(store.applyAlertAction(escalated.id, { kind: 'acknowledge' }, 'user:omar'), 'CONFLICT');
      await store.applyAlertAction(escalated.id, { kind: 'assign', assignee: 'steward-7' }, 'user:omar');
      const resolved = await store.applyAlertAction(
        escalated.id,
        { kind: 'resolve', note: 'gate 3 opened' },
        'user:sara',
      );
      expect(resolved).toMatchObject({ status: 'resolved', assignee: 'steward-7', updatedAtMs: T0 + 60_000 });
      await rejectsWith(store.applyAlertAction(escalated.id, { kind: 'resolve' }, 'user:sara'), 'CONFLICT');
      await rejectsWith(store.applyAlertAction('nope', { kind: 'acknowledge' }, 'user:sara'), 'NOT_FOUND');
      const history = await store.alertHistory(escalated.id);
      expect(history.map((h) => [h.kind, h.actor])).toEqual([
        ['escalated', 'system'],
        ['cleared', 'system'],
        ['acknowledged', 'user:omar'],
        ['assigned', 'user:omar'],
        ['resolved', 'user:sara'],
      ]);
      expect(history[2]?.note).toBe('seen on camera');
      expect(history[3]?.assignee).toBe('steward-7');
      const open = await store.listAlerts({ state: 'open', limit: 100 });
      expect(open.map((a) => a.id)).not.toContain(escalated.id);
      expect(open).toHaveLength(opened.length - 1);
    });

    it('keeps an alert whose clearing arrives without its opening, and opens it on a late replay', async () => {
      const events = rampAlertEvents();
      const raised = events.find((e) => e.type === 'raised')!;
      const clearing = events.find((e) => e.type === 'cleared' && e.id === raised.id)!;
      expect(await store.recordAlertEvent(clearing, T0 + 300_000)).toBe(true);
      expect(await store.getAlert(raised.id)).toMatchObject({ condition: 'cleared', clearedAtMs: T0 + 300_000 });
      expect(await store.recordAlertEvent(raised, T0 + 10_000)).toBe(true);
      expect(await store.getAlert(raised.id)).toMatchObject({ condition: 'cleared', raisedAtMs: T0 + 10_000 });
    });

    it('keeps users, tokens and sessions; a role change ends the user’s sessions', async () => {
      const user = await store.createUser(
        { id: 'u1', username: 'Omar', role: 'operator', passwordHash: '$argon2id$x' },
        'system',
      );
      await rejectsWith(
        store.createUser({ id: 'u2', username: 'omar', role: 'viewer', passwordHash: '$argon2id$y' }, 'system'),
        'CONFLICT',
      );
      expect((await store.getUserByName('OMAR'))?.id).toBe(user.id);
      await store.createSession({
        idHash: 'h1',
        userId: 'u1',
        csrfToken: 'c1',
        createdAtMs: T0,
        lastSeenAtMs: T0,
        expiresAtMs: T0 + 3_600_000,
        revokedAtMs: null,
      });
      await store.touchSession('h1', T0 + 5000);
      expect(await store.getSession('h1')).toMatchObject({ lastSeenAtMs: T0 + 5000, revokedAtMs: null });
      await store.updateUser('u1', { role: 'viewer' }, 'user:admin');
      expect((await store.getSession('h1'))?.revokedAtMs).toBe(T0);
      const token = await store.createApiToken(
        { id: 't1', name: 'wall', role: 'viewer', secretHash: 'ab' },
        'user:admin',
      );
      expect(token).toMatchObject({ createdBy: 'user:admin', revokedAtMs: null });
      await store.revokeApiToken('t1', 'user:admin');
      expect((await store.getApiToken('t1'))?.revokedAtMs).toBe(T0);
      await rejectsWith(store.revokeApiToken('t1', 'user:admin'), 'NOT_FOUND');
    });

    it('audits every change in a hash chain that verifies, and no secret enters it', async () => {
      await eventWithStream();
      await store.setZones('cam1', { type: 'FeatureCollection', features: [] }, 'user:op');
      await store.createUser({ id: 'u1', username: 'sara', role: 'admin', passwordHash: '$argon2id$secret' }, 'system');
      await store.updateUser('u1', { passwordHash: '$argon2id$other' }, 'user:sara');
      await store.appendAudit({ actor: 'user:sara', action: 'login', target: 'user:sara' });
      await rejectsWith(store.createEvent({ id: 'derby', name: 'dup' }, 'user:admin'), 'CONFLICT');
      const rows = await store.listAudit(0, 100);
      expect(rows.map((r) => r.action)).toEqual([
        'event.create',
        'stream.create',
        'zones.set',
        'user.create',
        'user.update',
        'login',
      ]);
      expect(JSON.stringify(rows)).not.toContain('argon2id');
      const verified = await verifyAuditChain((after) => store.listAudit(after, 2));
      expect(verified).toMatchObject({ ok: true, rows: 6, lastHash: rows[5]!.hash });
    });

    it('prunes what retention allows and nothing else, and audits the pass', async () => {
      await eventWithStream();
      const bucket = {
        streamId: 'cam1',
        zoneId: 'plaza',
        samples: 5,
        countMean: 1,
        countMax: 1,
        densityPerM2Mean: null,
        peakLocalDensityPerM2Max: null,
        inCount: null,
        outCount: null,
        meanSpeedMPerS: null,
      };
      await store.putReadings([
        { ...bucket, resolution: '1s', bucketStartMs: T0 },
        { ...bucket, resolution: '1s', bucketStartMs: T0 + 8 * DAY_MS },
        { ...bucket, resolution: '1m', bucketStartMs: T0 },
      ]);
      const events = rampAlertEvents();
      for (const event of events) await store.recordAlertEvent(event, T0);
      const [first, second] = await store.listAlerts({ state: 'all', limit: 2 });
      await store.applyAlertAction(first!.id, { kind: 'resolve' }, 'user:op');
      // An alert whose condition still holds is kept however old it is.
      const active = rampAlertEvents('cam2').find((e) => e.type === 'raised')!;
      await store.recordAlertEvent(active, T0);
      await store.recordStreamState({ streamId: 'cam1', state: 'live', atMs: T0, reason: null });
      const result = await store.applyRetention(DEFAULT_RETENTION, T0 + 10 * DAY_MS);
      expect(result).toMatchObject({ readings1sDays: 1, readings1mDays: 0, streamStatesDays: 0, alertsDays: 0 });
      const later = await store.applyRetention(DEFAULT_RETENTION, T0 + 401 * DAY_MS);
      expect(later.readings1mDays).toBe(1);
      expect(later.streamStatesDays).toBe(1);
      expect(later.alertsDays).toBe(events.filter((e) => e.type !== 'cleared').length);
      expect(await store.getAlert(second!.id)).toBeUndefined();
      expect((await store.getAlert(active.id))?.condition).toBe('active');
      expect(await store.alertHistory(first!.id)).toEqual([]);
      const audit = await store.listAudit(0, 100);
      expect(audit.filter((r) => r.action === 'retention.prune')).toHaveLength(2);
      expect(await store.applyRetention(DEFAULT_RETENTION, T0 + 401 * DAY_MS)).toMatchObject({ readings1sDays: 0 });
      expect((await store.listAudit(0, 100)).filter((r) => r.action === 'retention.prune')).toHaveLength(2);
    });
  });
}
