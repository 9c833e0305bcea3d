import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRaqibError } from '@raqib/core';
import { parseServerConfig } from './read-server-config.js';
import { startServer } from './start-server.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate for 127.0.0.1 made by openssl (scripts/install-system-deps.sh installs it). */
function selfSigned(): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile };
}

function post(url: string, body: unknown, ca: Buffer): Promise<{ status: number; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('startServer', () => {
  it('serves HTTPS with server.tls, and its session cookie is Secure with the __Host- prefix', async () => {
    const { certFile, keyFile } = selfSigned();
    const config = parseServerConfig(
      `ingest:\n  enabled: false\nserver:\n  port: 0\n  tls:\n    certFile: ${certFile}\n    keyFile: ${keyFile}\nstorage:\n  dataDir: ${join(dir, 'data')}\n`,
      'raqib.yaml',
    );
    const password = 'the tls admin passphrase';
    const server = await startServer(config, { adminPassword: password });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const login = await post(
        `${server.url}/api/v1/auth/login`,
        { username: 'admin', password },
        readFileSync(certFile),
      );
      expect(login.status).toBe(200);
      expect(login.setCookie[0]).toMatch(
        /^__Host-raqib_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800; Secure$/,
      );
    } finally {
      await server.close();
    }
  });

  it('names the key and the file when a TLS file cannot be read, and a port in use', async () => {
    const config = parseServerConfig(
      `ingest:\n  enabled: false\nserver:\n  port: 0\n  tls:\n    certFile: ${join(dir, 'missing.pem')}\n    keyFile: x\nstorage:\n  dataDir: ${join(dir, 'data2')}\n`,
      'raqib.yaml',
    );
    await expect(startServer(config)).rejects.toThrow(
      `server.tls.certFile: cannot read ${join(dir, 'missing.pem')} (ENOENT); give the path of a PEM file`,
    );
    const first = await startServer(
      parseServerConfig(
        `ingest:\n  enabled: false\nserver:\n  port: 0\nstorage:\n  dataDir: ${join(dir, 'd3')}\n`,
        'x',
      ),
    );
    const port = Number(new URL(first.url).port);
    try {
      const error = await startServer(
        parseServerConfig(`server:\n  port: ${port}\nstorage:\n  dataDir: ${join(dir, 'd4')}\n`, 'x'),
      ).catch((caught: unknown) => caught);
      expect(isRaqibError(error, 'CONFIG_INVALID') && error.message).toBe(
        `cannot listen on 127.0.0.1:${port} (EADDRINUSE); choose another server.port / --port or server.host`,
      );
    } finally {
      await first.close();
    }
  });
});
