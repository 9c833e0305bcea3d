import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RaqibError } from '@raqib/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsServerForTests, startNatsServer, NATS_SKIP_REASON, type NatsTestServer } from '../testing/nats-server.js';
import { refusal } from '../testing/test-records.js';
import { connectNats } from './connect-nats.js';
import { NatsBus } from './nats-bus.js';

// NATS with TLS and client certificates (`tls { verify: true }`): a worker with a certificate signed by
// the deployment's CA connects; one without a certificate, or with one from another CA, is refused
// with BUS_AUTH_FAILED naming the certificate. The certificates are made with openssl for the test.
const bin = natsServerForTests();
const openssl = spawnSync('openssl', ['version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'raqib-nats-tls-'));
const file = (name: string) => join(dir, name);

function run(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A self-signed CA. */
function makeCa(name: string): void {
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    file(`${name}.key`),
    '-out',
    file(`${name}.pem`),
  );
}
/** A certificate signed by `ca`: a server's for 127.0.0.1 (`ip`), else a client's. */
function makeCert(name: string, ca: string, ip: boolean): void {
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    file(`${name}.key`),
    '-out',
    file(`${name}.csr`),
  );
  writeFileSync(
    file(`${name}.ext`),
    ip ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' : 'extendedKeyUsage=clientAuth\n',
  );
  run(
    'x509',
    '-req',
    '-in',
    file(`${name}.csr`),
    '-CA',
    file(`${ca}.pem`),
    '-CAkey',
    file(`${ca}.key`),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file(`${name}.ext`),
    '-out',
    file(`${name}.pem`),
  );
}

describe.skipIf(!bin || !openssl)(
  `NATS over TLS with client certificates${bin ? (openssl ? '' : ' (SKIPPED: openssl not found)') : ` (${NATS_SKIP_REASON})`}`,
  () => {
    let server: NatsTestServer;
    beforeAll(async () => {
      makeCa('deployment-ca');
      makeCa('other-ca');
      makeCert('nats-server', 'deployment-ca', true);
      makeCert('worker', 'deployment-ca', false);
      makeCert('intruder', 'other-ca', false);
      server = await startNatsServer(bin!, {
        tls: {
          certFile: file('nats-server.pem'),
          keyFile: file('nats-server.key'),
          caFile: file('deployment-ca.pem'),
          verify: true,
        },
      });
    }, 60_000);
    afterAll(async () => {
      await server?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });
    const tlsUrl = () => server.url.replace('nats://', 'tls://');

    it('accepts a worker whose certificate the deployment CA signed, and JetStream works over it', async () => {
      const connection = await connectNats(
        {
          servers: [tlsUrl()],
          tls: { caFile: file('deployment-ca.pem'), certFile: file('worker.pem'), keyFile: file('worker.key') },
        },
        {},
      );
      const bus = await NatsBus.open(connection, { site: 'tls', maxStreamBytes: 1024 ** 2 });
      expect((await bus.publishDurable('alerts', { ok: true })).seq).toBe(1);
      await connection.close();
    });

    it('refuses a worker without a client certificate, or with one from another CA, naming it', async () => {
      const without = await refusal<RaqibError>(
        connectNats({ servers: [tlsUrl()], tls: { caFile: file('deployment-ca.pem') }, connectTimeoutMs: 3000 }, {}),
      );
      expect(without.code).toBe('BUS_AUTH_FAILED');
      expect(without.message).toContain('no client certificate (nats.tls.certFile is unset)');
      // The server's alert, read by the probe (TLS 1.3 refuses after the client's handshake).
      expect(without.message).toMatch(/\(ERR_SSL_\w*ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED): [^)]*\)/);
      const foreign = await refusal<RaqibError>(
        connectNats(
          {
            servers: [tlsUrl()],
            tls: { caFile: file('deployment-ca.pem'), certFile: file('intruder.pem'), keyFile: file('intruder.key') },
            connectTimeoutMs: 3000,
          },
          {},
        ),
      );
      expect(foreign.code).toBe('BUS_AUTH_FAILED');
      expect(foreign.message).toContain(`the client certificate ${file('intruder.pem')} (nats.tls.certFile)`);
      expect(foreign.message).toMatch(/\(ERR_SSL_\w*ALERT_(BAD_CERTIFICATE|UNKNOWN_CA): [^)]*\)/);
    });

    it('names an unreadable certificate file before connecting', async () => {
      const error = await refusal<RaqibError>(
        connectNats({ servers: [tlsUrl()], tls: { certFile: file('missing.pem'), keyFile: file('worker.key') } }, {}),
      );
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toBe(
        `nats.tls.certFile: cannot read ${file('missing.pem')} (ENOENT); give the path of a PEM file`,
      );
    });
  },
);
