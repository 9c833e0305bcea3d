import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { addUser } from '../auth/user-accounts.js';
import { InProcessBus } from '../bus/live-bus.js';
import { rampAlertEvents } from '../storage/store-contract.js';
import { apiFixture, type ApiFixture } from './testing/api-fixture.js';

interface Client {
  socket: WebSocket;
  next(): Promise<Record<string, unknown>>;
}

function connect(url: string, headers: Record<string, string>): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const queue: Record<string, unknown>[] = [];
    const waiting: ((message: Record<string, unknown>) => void)[] = [];
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as Record<string, unknown>;
      const waiter = waiting.shift();
      if (waiter) waiter(message);
      else queue.push(message);
    });
    socket.on('open', () =>
      resolve({
        socket,
        next: () => new Promise((done) => (queue.length ? done(queue.shift()!) : waiting.push(done))),
      }),
    );
    socket.on('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.on('error', reject);
  });
}

describe('WebSocket /api/v1/live', () => {
  let fx: ApiFixture;
  let url: string;
  const bus = new InProcessBus();

  beforeAll(async () => {
    fx = await apiFixture({ bus }, { live: { recheckMs: 50 } });
    const address = await fx.app.listen({ host: '127.0.0.1', port: 0 });
    url = `${address.replace('http', 'ws')}/api/v1/live`;
  });
  afterAll(() => fx.close());

  it('refuses a connection without credentials (401) and a cookie from another origin (403)', async () => {
    await expect(connect(url, {})).rejects.toThrow('HTTP 401');
    await addUser(fx.store, { username: 'omar', role: 'viewer', password: 'a long enough passphrase' }, 'system');
    const login = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'omar', password: 'a long enough passphrase' },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    await expect(connect(url, { cookie, origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    const host = new URL(url).host;
    const client = await connect(url, { cookie, origin: `http://${host}` });
    client.socket.close();
  });

  it('delivers the topics a viewer subscribed to, and refuses unknown topics', async () => {
    const client = await connect(url, fx.as.viewer);
    client.socket.send(
      JSON.stringify({
        type: 'subscribe',
        topics: ['alerts', 'streams/cam1/readings', 'events/hajj/readings', 'events/hajj/secrets', 'secrets'],
      }),
    );
    expect(await client.next()).toEqual({
      type: 'error',
      error: {
        code: 'NOT_FOUND',
        message:
          "unknown topic 'events/hajj/secrets'; topics: alerts, streams/health, streams/ID/readings, streams/ID/analysis, streams/ID/frames, events/ID/readings",
      },
    });
    expect(await client.next()).toMatchObject({ type: 'error', error: { message: /^unknown topic 'secrets'/ } });
    expect(await client.next()).toEqual({
      type: 'subscribed',
      topics: ['alerts', 'streams/cam1/readings', 'events/hajj/readings'],
    });
    const [event] = rampAlertEvents('cam1');
    bus.publish('alerts', event);
    bus.publish('streams/cam2/readings', { zones: [] });
    bus.publish('streams/cam1/readings', { zones: [{ zoneId: 'plaza', count: 12 }] });
    expect(await client.next()).toEqual({ type: 'event', topic: 'alerts', data: JSON.parse(JSON.stringify(event)) });
    expect(await client.next()).toMatchObject({ topic: 'streams/cam1/readings', data: { zones: [{ count: 12 }] } });
    bus.publish('events/hajj/readings', { count: 2200, naiveCount: 2860 });
    expect(await client.next()).toMatchObject({ topic: 'events/hajj/readings', data: { count: 2200 } });
    client.socket.send('not json');
    expect(await client.next()).toMatchObject({ type: 'error', error: { code: 'INPUT_INVALID' } });
    client.socket.close();
    await new Promise((done) => client.socket.on('close', done));
    await new Promise((done) => setTimeout(done, 50));
    expect(bus.subscriberCount('alerts')).toBe(0);
  });

  it('closes a socket whose token is revoked while it is open', async () => {
    const [token] = (await fx.store.listApiTokens()).filter((t) => t.role === 'operator');
    const client = await connect(url, fx.as.operator);
    const closed = new Promise<number>((done) => client.socket.on('close', (code) => done(code)));
    await fx.store.revokeApiToken(token!.id, 'test');
    expect(await closed).toBe(4401);
  });

  it('drops a client that does not read instead of buffering without end; others keep receiving', async () => {
    const slow = await connect(url, fx.as.viewer);
    const fast = await connect(url, fx.as.viewer);
    for (const client of [slow, fast]) {
      client.socket.send(JSON.stringify({ type: 'subscribe', topics: ['streams/cam1/analysis'] }));
      await client.next();
    }
    // The slow client's socket stops reading: the server's send buffer fills.
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const closed = new Promise<void>((done) => slow.socket.on('close', () => done()));
    let received = 0;
    fast.socket.on('message', () => (received += 1));
    const payload = { grid: 'x'.repeat(256 * 1024) };
    for (let i = 0; i < 400 && bus.subscriberCount('streams/cam1/analysis') === 2; i++) {
      bus.publish('streams/cam1/analysis', payload);
      await new Promise((done) => setImmediate(done));
    }
    expect(bus.subscriberCount('streams/cam1/analysis')).toBe(1);
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    await closed;
    bus.publish('streams/cam1/analysis', { grid: 'after' });
    await new Promise((done) => setTimeout(done, 200));
    expect(received).toBeGreaterThan(0);
    fast.socket.close();
  });
});
