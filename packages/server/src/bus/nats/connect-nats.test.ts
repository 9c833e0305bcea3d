import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RaqibError } from '@raqib/core';
import { nkeys } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  natsServerForTests,
  startNatsServer,
  NATS_SKIP_REASON,
  type NatsTestServer,
} from '../testing/nats-server.js';
import { refusal } from '../testing/test-records.js';
import { connectNats } from './connect-nats.js';
import { NatsBus } from './nats-bus.js';

const bin = natsServerForTests();
const PASSWORD = 'worker passphrase 7f3a';
const nkeyUser = nkeys.createUser();
const intruder = nkeys.createUser();
const dir = mkdtempSync(join(tmpdir(), 'raqib-nats-auth-'));
const seedFile = join(dir, 'worker.nk');
const intruderSeedFile = join(dir, 'intruder.nk');
writeFileSync(seedFile, new TextDecoder().decode(nkeyUser.getSeed()), { mode: 0o600 });
writeFileSync(intruderSeedFile, new TextDecoder().decode(intruder.getSeed()), { mode: 0o600 });

describe.skipIf(!bin)(`NATS credentials${bin ? '' : ` (${NATS_SKIP_REASON})`}`, () => {
  let server: NatsTestServer;
  beforeAll(async () => {
    server = await startNatsServer(bin!, {
      users: [{ user: 'worker', password: PASSWORD }, { nkey: nkeyUser.getPublicKey() }],
    });
  });
  afterAll(async () => {
    await server?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts the right user and password from the environment, and JetStream works in its account', async () => {
    const connection = await connectNats(
      { servers: [server.url] },
      { RAQIB_NATS_USER: 'worker', RAQIB_NATS_PASSWORD: PASSWORD },
    );
    const bus = await NatsBus.open(connection, { site: 'auth', maxStreamBytes: 1024 ** 2 });
    expect((await bus.publishDurable('alerts', { ok: true })).seq).toBe(1);
    await connection.close();
  });

  it('accepts the right nkey seed file', async () => {
    const connection = await connectNats({ servers: [server.url], nkeySeedFile: seedFile }, {});
    await connection.flush();
    await connection.close();
  });

  it('refuses a wrong password with BUS_AUTH_FAILED naming the server and what to check, never the password', async () => {
    const error = await refusal<RaqibError>(
      connectNats({ servers: [server.url] }, { RAQIB_NATS_USER: 'worker', RAQIB_NATS_PASSWORD: 'guessed' }),
    );
    expect(error).toBeInstanceOf(RaqibError);
    expect(error.code).toBe('BUS_AUTH_FAILED');
    expect(error.message).toContain(server.url);
    expect(error.message).toContain('user "worker" from RAQIB_NATS_USER');
    expect(error.message).toMatch(/RAQIB_NATS_PASSWORD/);
    expect(error.message).not.toContain('guessed');
  });

  it('refuses a client with no credential, and says that none was given', async () => {
    const error = await refusal<RaqibError>(connectNats({ servers: [server.url] }, {}));
    expect(error.code).toBe('BUS_AUTH_FAILED');
    expect(error.message).toContain('no credential');
  });

  it('refuses an nkey the server does not know', async () => {
    const error = await refusal<RaqibError>(connectNats({ servers: [server.url], nkeySeedFile: intruderSeedFile }, {}));
    expect(error.code).toBe('BUS_AUTH_FAILED');
    expect(error.message).toContain(intruderSeedFile);
  });

  it('says BUS_UNAVAILABLE when nothing listens, naming the address', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const error = await refusal<RaqibError>(connectNats({ servers: [url], connectTimeoutMs: 1000 }, {}));
    expect(error.code).toBe('BUS_UNAVAILABLE');
    expect(error.message).toContain(url);
    expect(error.message).toMatch(/nats.servers/);
  });
});
