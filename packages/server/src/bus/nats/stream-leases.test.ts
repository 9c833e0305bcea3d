import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../testing/wait-until.js';
import { natsServerForTests, startNatsServer, NATS_SKIP_REASON, type NatsTestServer } from '../testing/nats-server.js';
import { connectNats } from './connect-nats.js';
import { StreamLeases } from './stream-leases.js';

const bin = natsServerForTests();
const TTL_MS = 1500;
const CHILD = join(dirname(fileURLToPath(import.meta.url)), '../testing/lease-worker-child.ts');
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

describe.skipIf(!bin)(`StreamLeases in JetStream KV${bin ? '' : ` (${NATS_SKIP_REASON})`}`, () => {
  let server: NatsTestServer;
  const connections: NatsConnection[] = [];
  const children: ChildProcess[] = [];
  const connect = async (name: string) => {
    const connection = await connectNats({ servers: [server.url], name });
    connections.push(connection);
    return connection;
  };

  beforeAll(async () => {
    server = await startNatsServer(bin!);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
    await server?.destroy();
  });

  it('gives a stream to one holder at a time, keeps it renewed past the TTL, and hands it over on release', async () => {
    const a = await StreamLeases.open(await connect('a'), { workerId: 'worker-a', ttlMs: TTL_MS, site: 'lease' });
    const b = await StreamLeases.open(await connect('b'), { workerId: 'worker-b', ttlMs: TTL_MS, site: 'lease' });
    expect(await a.tryAcquire('gate.north')).toBe(true);
    expect(await b.tryAcquire('gate.north')).toBe(false);
    // Twice the TTL: only the renewals (every TTL/3) keep the key alive.
    await new Promise((done) => setTimeout(done, 2 * TTL_MS));
    expect(await b.tryAcquire('gate.north')).toBe(false);
    expect((await b.holder('gate.north'))?.workerId).toBe('worker-a');
    expect(a.heldStreams()).toEqual(['gate.north']);

    await a.close();
    expect(await b.holder('gate.north')).toBeUndefined();
    expect(await b.tryAcquire('gate.north')).toBe(true);
    await b.close();
  });

  it('counts the live workers: a closed one at once, one that stops renewing after the TTL, while leases expire', async () => {
    const open = async (connection: NatsConnection, id: string) =>
      StreamLeases.open(connection, { workerId: `host:${id}`, ttlMs: TTL_MS, site: 'count' });
    const connectionB = await connect('count-b');
    const [a, c] = [await open(await connect('count-a'), 'a'), await open(await connect('count-c'), 'c')];
    await open(connectionB, 'b');
    // Leases taken and released meanwhile: keys deleted and expiring around the counts.
    for (let i = 0; i < 20; i++) await a.tryAcquire(`s${i}`);
    for (let i = 0; i < 20; i += 2) await a.release(`s${i}`);
    expect(await a.liveWorkers()).toBe(3);
    await c.close();
    expect(await a.liveWorkers()).toBe(2);
    // b's connection lost without a clean stop: its worker key expires with the TTL.
    await connectionB.close();
    const deadline = Date.now() + 3 * TTL_MS;
    let count = await a.liveWorkers();
    while (count !== 1 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100));
      count = await a.liveWorkers();
    }
    expect(count).toBe(1);
    await a.close();
  });

  it('a release during a renewal hands the stream over at once, without reporting it lost', async () => {
    const lost: string[] = [];
    const a = await StreamLeases.open(await connect('renewing'), {
      workerId: 'renewing',
      ttlMs: 60_000,
      site: 'release',
      onLost: (streamId) => lost.push(streamId),
    });
    const b = await StreamLeases.open(await connect('next'), { workerId: 'next', ttlMs: 60_000, site: 'release' });
    expect(await a.tryAcquire('drone')).toBe(true);
    // The stream is released while a renewal (the timer's tick) is on its way to the server.
    const kv = (a as unknown as { kv: KV }).kv;
    const update = kv.update.bind(kv);
    let released: Promise<void> | undefined;
    kv.update = (...args: Parameters<KV['update']>) => {
      released ??= a.release('drone');
      return update(...args);
    };
    await (a as unknown as { tick(): Promise<void> }).tick();
    await released;
    expect(lost).toEqual([]);
    expect(await b.holder('drone')).toBeUndefined();
    expect(await b.tryAcquire('drone')).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('a worker cut off from NATS loses its lease after the TTL, and a claiming worker takes the stream', async () => {
    const lost: string[] = [];
    const cutOff = await connect('cut-off');
    const a = await StreamLeases.open(cutOff, {
      workerId: 'worker-a',
      ttlMs: TTL_MS,
      site: 'lease',
      onLost: (streamId) => lost.push(streamId),
    });
    const b = await StreamLeases.open(await connect('b2'), { workerId: 'worker-b', ttlMs: TTL_MS, site: 'lease' });
    expect(await a.tryAcquire('cam7')).toBe(true);
    const acquired: string[] = [];
    await b.claim(
      () => ['cam7'],
      (streamId) => acquired.push(streamId),
    );
    expect(acquired).toEqual([]);
    const cutAtMs = Date.now();
    await cutOff.close();
    await waitUntil('cam7 lost by a and taken by b', () => acquired.length === 1 && lost.length === 1, TTL_MS * 3, 20);
    // Key expiry <= TTL after the last renewal, plus one claim interval (TTL/3).
    expect(Date.now() - cutAtMs).toBeLessThanOrEqual(TTL_MS + TTL_MS / 3 + 1000);
    expect((await b.holder('cam7'))?.workerId).toBe('worker-b');
    await b.close();
    await a.close();
  });

  it('a holder whose key was taken meanwhile (a long pause) learns it at its next renewal and gives the stream up', async () => {
    const lost: Array<{ streamId: string; reason: string }> = [];
    const connection = await connect('paused');
    const a = await StreamLeases.open(connection, {
      workerId: 'worker-a',
      ttlMs: TTL_MS,
      site: 'lease',
      onLost: (streamId, reason) => lost.push({ streamId, reason }),
    });
    expect(await a.tryAcquire('cam9')).toBe(true);
    // What another worker's create after an expiry looks like to the paused holder: a newer revision.
    const kv = await new Kvm(connection).open('raqib_lease_leases');
    await kv.put('cam9', JSON.stringify({ workerId: 'worker-b', acquiredAtMs: Date.now(), renewedAtMs: Date.now() }));
    await waitUntil('the paused holder losing cam9', () => lost.length === 1, TTL_MS, 20);
    expect(lost[0]).toEqual({ streamId: 'cam9', reason: 'taken by another worker or expired before it was renewed' });
    expect(a.heldStreams()).toEqual([]);
    // Its stop does not delete the other worker's key.
    await a.close();
    expect((await a.holder('cam9'))?.workerId).toBe('worker-b');
  });

  it('a worker process killed with SIGKILL: the other worker takes all its streams within TTL + a few seconds', async () => {
    const streams = ['drone-1', 'drone-2', 'gate:3'];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, server.url, 'worker-child', String(TTL_MS), streams.join(',')],
      {
        cwd: REPO,
        env: { ...process.env, RAQIB_LOG_LEVEL: 'silent' },
      },
    );
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitUntil(
      'the child worker ready (or exited)',
      () => stdout.includes('ready') || child.exitCode !== null,
      20_000,
      20,
    ).catch(() => undefined);
    expect(stdout, stderr).toContain('ready');
    expect(stdout.match(/^acquired /gm)).toHaveLength(3);

    const survivor = await StreamLeases.open(await connect('survivor'), {
      workerId: 'worker-survivor',
      ttlMs: TTL_MS,
      site: 'lease',
    });
    const takenAtMs = new Map<string, number>();
    await survivor.claim(
      () => streams,
      (streamId) => takenAtMs.set(streamId, Date.now()),
    );
    expect(takenAtMs.size).toBe(0);
    expect((await survivor.holder('gate:3'))?.workerId).toBe('worker-child');

    const killedAtMs = Date.now();
    child.kill('SIGKILL');
    await waitUntil('the survivor taking every stream', () => takenAtMs.size === streams.length, TTL_MS + 10_000, 20);
    const takeoverMs = Math.max(...takenAtMs.values()) - killedAtMs;
    process.stderr.write(`lease takeover after SIGKILL: ${takeoverMs} ms (TTL ${TTL_MS} ms)\n`);
    expect(takeoverMs).toBeLessThanOrEqual(TTL_MS + 3000);
    for (const streamId of streams) expect((await survivor.holder(streamId))?.workerId).toBe('worker-survivor');
    await survivor.close();
  });
});
