import { RaqibError } from '@raqib/core';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { checkSite, encodeToken } from './nats-subjects.js';

export interface StreamLeasesOptions {
  /** This worker, as other nodes and operators see it (e.g. host name and pid). */
  workerId: string;
  /**
   * A lease not renewed for this long expires and another worker may take the stream. Renewed every
   * third of it, so two missed renewals are tolerated.
   */
  ttlMs: number;
  /** Deployment name; the bucket is `raqib_<site>_leases` (streams) or `raqib_<site>_event_leases` (events). */
  site?: string;
  /** Copies of the lease bucket in a JetStream cluster (nats.replicas). Default 1. */
  replicas?: number;
  /** What the leases are on: live streams (workers) or events (the event aggregators of API nodes). Default streams. */
  kind?: 'streams' | 'events';
  /** A lease this worker held is gone (taken over after a pause, or not renewed within the TTL): stop the stream. */
  onLost?: (streamId: string, reason: string) => void;
  /** A renewal or claim that failed for a reason other than losing the lease (NATS down): retried at the next tick. */
  onError?: (error: unknown, streamId: string) => void;
  nowMs?: () => number;
}

/** The value of a lease key. */
export interface LeaseRecord {
  workerId: string;
  acquiredAtMs: number;
  renewedAtMs: number;
}

interface HeldLease {
  revision: number;
  acquiredAtMs: number;
  /** Last renewal the server confirmed (local clock). */
  confirmedAtMs: number;
}

/** JetStream's answer to a create/update whose expected revision is not the key's (someone else holds it). */
const isRevisionConflict = (error: unknown) =>
  /wrong last sequence|key exists|10071/i.test(
    `${(error as Error)?.message ?? ''} ${(error as { code?: unknown })?.code ?? ''}`,
  );

/**
 * One worker's leases on live streams, held in a JetStream KV bucket (one key per stream): the
 * guarantee that at most one worker analyses a stream, and that a dead worker's streams move on.
 *
 * - acquire: `create` of the key, which succeeds only when it does not exist (or expired);
 * - renew: every TTL/3, `update` with the revision this worker last wrote (compare-and-set): it
 *   fails when another worker took the key, which is reported through `onLost`;
 * - expiry: the bucket's TTL (JetStream max age) removes a key TTL after its last renewal, so a
 *   killed worker's streams are free again after at most TTL, and a claiming worker polling every
 *   TTL/3 takes them within TTL + TTL/3 (`claim`);
 * - release: `delete` with the held revision on stop, so a clean shutdown hands streams over at once.
 *
 * A worker cut off from NATS cannot renew; it treats a lease whose last confirmed renewal is older
 * than the TTL as lost (it must stop the stream: another worker may have it by then).
 */
export class StreamLeases {
  private readonly held = new Map<string, HeldLease>();
  private readonly nowMs: () => number;
  private timer: NodeJS.Timeout | undefined;
  private claiming:
    { streamIds: () => readonly string[]; onAcquired: (streamId: string) => void; max: number } | undefined;
  private ticking: Promise<void> = Promise.resolve();

  private constructor(
    private readonly kv: KV,
    private readonly jsm: JetStreamManager,
    readonly bucket: string,
    private readonly options: StreamLeasesOptions,
  ) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Opens (creating it if needed) the lease bucket and starts renewing. */
  static async open(connection: NatsConnection, options: StreamLeasesOptions): Promise<StreamLeases> {
    const bucket = `raqib_${checkSite(options.site ?? 'main')}_${options.kind === 'events' ? 'event_' : ''}leases`;
    const kvm = new Kvm(connection);
    let kv: KV;
    try {
      kv = await kvm.create(bucket, { ttl: options.ttlMs, history: 1, replicas: options.replicas ?? 1 });
    } catch (createError) {
      // The bucket exists with another TTL: one TTL per deployment, so say which one to change.
      const existing = await kvm.open(bucket).catch(() => undefined);
      const ttlMs = existing
        ? await existing.status().then(
            (status) => status.ttl,
            () => undefined,
          )
        : undefined;
      throw new RaqibError(
        'BUS_FAILED',
        ttlMs !== undefined && ttlMs !== options.ttlMs
          ? `NATS KV bucket ${bucket} has a lease TTL of ${ttlMs} ms, this node is configured with ${options.ttlMs} ms ` +
              '(nats.leaseTtlMs): give every node the same value, or delete the bucket while no worker runs'
          : `NATS ${connection.getServer()}: cannot open the KV bucket ${bucket} (${(createError as Error).message})`,
        { cause: createError },
      );
    }
    const leases = new StreamLeases(kv, await jetstreamManager(connection), bucket, options);
    await leases.announce();
    leases.timer = setInterval(() => leases.tick(), Math.max(100, Math.floor(options.ttlMs / 3)));
    leases.timer.unref();
    return leases;
  }

  get workerId(): string {
    return this.options.workerId;
  }

  /** Streams this worker holds now. */
  heldStreams(): string[] {
    return [...this.held.keys()];
  }

  /** Takes the stream's lease if nobody holds it; true when this worker holds it now. */
  async tryAcquire(streamId: string): Promise<boolean> {
    if (this.held.has(streamId)) return true;
    const now = this.nowMs();
    const record: LeaseRecord = { workerId: this.options.workerId, acquiredAtMs: now, renewedAtMs: now };
    try {
      const revision = await this.kv.create(encodeToken(streamId), JSON.stringify(record));
      this.held.set(streamId, { revision, acquiredAtMs: now, confirmedAtMs: now });
      return true;
    } catch (error) {
      if (isRevisionConflict(error)) return false;
      throw new RaqibError(
        'BUS_UNAVAILABLE',
        `stream ${streamId}: lease not taken (${(error as Error).message}); retried at the next claim`,
        { cause: error },
      );
    }
  }

  /** Who holds the stream now (undefined: free). */
  async holder(streamId: string): Promise<LeaseRecord | undefined> {
    const entry = await this.kv.get(encodeToken(streamId));
    if (!entry || entry.operation !== 'PUT') return undefined;
    return entry.json<LeaseRecord>();
  }

  /**
   * Gives the stream up (only if this worker still holds it), in turn with the renewals: deleting
   * with the revision a renewal in flight is replacing would fail, and the key would stay held by
   * nobody until it expired (a push stream's next worker waiting a whole TTL).
   */
  release(streamId: string): Promise<void> {
    const released = this.ticking.catch(() => undefined).then(() => this.deleteLease(streamId));
    this.ticking = released;
    return released;
  }

  private async deleteLease(streamId: string): Promise<void> {
    const lease = this.held.get(streamId);
    if (!lease) return;
    this.held.delete(streamId);
    try {
      await this.kv.delete(encodeToken(streamId), { previousSeq: lease.revision });
    } catch (error) {
      // Already taken over or expired: nothing to hand over. NATS down: the key expires by itself.
      if (!isRevisionConflict(error)) this.options.onError?.(error, streamId);
    }
  }

  /**
   * Keeps claiming the free streams among `streamIds()` at every tick (TTL/3), up to `max` held at
   * once, and calls `onAcquired` for each one taken (start analysing it then).
   */
  claim(streamIds: () => readonly string[], onAcquired: (streamId: string) => void, max = Infinity): Promise<void> {
    this.claiming = { streamIds, onAcquired, max };
    return this.tick();
  }

  /**
   * Workers alive now: each keeps a `worker.<id>` key in the bucket, renewed with its leases and
   * expiring with the same TTL (for a fair share of the streams, see lease-stream-gate.ts). Counted
   * from one stream-info request (it settles within the JetStream API timeout): `kv.keys()` waits for
   * keys its consumer counted as pending, and on nats-server 2.9 a key that expires meanwhile never
   * comes, which left a worker's reconcile waiting for ever.
   */
  async liveWorkers(): Promise<number> {
    const info = await this.jsm.streams.info(this.streamName, { subjects_filter: this.workerSubject('*') });
    return Object.keys(info.state.subjects ?? {}).length;
  }

  private get streamName(): string {
    return `KV_${this.bucket}`;
  }

  private workerSubject(token: string): string {
    return `$KV.${this.bucket}.worker.${token}`;
  }

  private async announce(): Promise<void> {
    const now = this.nowMs();
    const record: LeaseRecord = { workerId: this.options.workerId, acquiredAtMs: now, renewedAtMs: now };
    await this.kv.put(`worker.${encodeToken(this.options.workerId)}`, JSON.stringify(record));
  }

  /** Renews the held leases, then claims free streams; ticks never overlap. */
  private tick(): Promise<void> {
    this.ticking = this.ticking.then(async () => {
      await this.announce().catch((error: unknown) => this.options.onError?.(error, 'worker'));
      await this.renewAll();
      await this.claimFree();
    });
    return this.ticking;
  }

  private async renewAll(): Promise<void> {
    for (const [streamId, lease] of [...this.held]) {
      const now = this.nowMs();
      const record: LeaseRecord = {
        workerId: this.options.workerId,
        acquiredAtMs: lease.acquiredAtMs,
        renewedAtMs: now,
      };
      try {
        lease.revision = await this.kv.update(encodeToken(streamId), JSON.stringify(record), lease.revision);
        lease.confirmedAtMs = now;
      } catch (error) {
        if (isRevisionConflict(error)) {
          this.lose(streamId, 'taken by another worker or expired before it was renewed');
        } else if (now - lease.confirmedAtMs >= this.options.ttlMs) {
          this.lose(streamId, `not renewed for ${now - lease.confirmedAtMs} ms (${(error as Error).message})`);
        } else {
          this.options.onError?.(error, streamId);
        }
      }
    }
  }

  private async claimFree(): Promise<void> {
    const claiming = this.claiming;
    if (!claiming) return;
    for (const streamId of claiming.streamIds()) {
      if (this.held.size >= claiming.max) return;
      if (this.held.has(streamId)) continue;
      try {
        if (await this.tryAcquire(streamId)) claiming.onAcquired(streamId);
      } catch (error) {
        this.options.onError?.(error, streamId);
      }
    }
  }

  private lose(streamId: string, reason: string): void {
    this.held.delete(streamId);
    this.options.onLost?.(streamId, reason);
  }

  /** Stops renewing and claiming, and releases every held lease. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.claiming = undefined;
    await this.ticking.catch(() => undefined);
    await Promise.all(this.heldStreams().map((streamId) => this.release(streamId)));
    // Purged without a delete marker, which liveWorkers() would count as a worker until it expired.
    await this.jsm.streams
      .purge(this.streamName, { filter: this.workerSubject(encodeToken(this.options.workerId)) })
      .catch(() => undefined);
  }
}
