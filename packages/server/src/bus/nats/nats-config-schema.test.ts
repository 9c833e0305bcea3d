import { isRaqibError } from '@raqib/core';
import { describe, expect, it } from 'vitest';
import { parseServerConfig } from '../../serve/read-server-config.js';

function problem(text: string): string {
  try {
    parseServerConfig(text, 'raqib.yaml');
  } catch (error) {
    if (isRaqibError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('raqib.yaml nats: section', () => {
  it('is absent by default (one process, no broker) and defaulted when given', () => {
    expect(parseServerConfig('', 'raqib.yaml').nats).toBeUndefined();
    expect(parseServerConfig('nats:\n  servers: [nats://10.0.0.5:4222]\n', 'raqib.yaml').nats).toEqual({
      servers: ['nats://10.0.0.5:4222'],
      site: 'main',
      userEnv: 'RAQIB_NATS_USER',
      passwordEnv: 'RAQIB_NATS_PASSWORD',
      connectTimeoutMs: 5000,
      leaseTtlMs: 15_000,
      maxStreamBytes: 1024 ** 3,
      replicas: 1,
      liveMaxAgeS: 3600,
      recordsMaxAgeS: 604_800,
    });
  });

  it('keeps secrets out of the file: no credentials in a URL, only names of environment variables', () => {
    expect(problem('nats:\n  servers: [nats://raqib:secret@10.0.0.5:4222]\n')).toMatch(
      /^raqib.yaml:2:13: nats.servers.0: credentials do not belong in the URL/,
    );
    expect(problem('nats:\n  password: secret\n')).toMatch(/nats.password: unknown key/);
    expect(problem('nats:\n  passwordEnv: secret\n')).toMatch(
      /nats.passwordEnv: expected the NAME of an environment variable/,
    );
  });

  it('refuses a wrong URL, a site that is not a subject token, and two credential files', () => {
    expect(problem('nats:\n  servers: [http://10.0.0.5:4222]\n')).toMatch(
      /nats.servers.0: expected a nats:\/\/ or tls:\/\/ URL/,
    );
    expect(problem('nats:\n  site: a.b\n')).toMatch(/nats.site: expected 1-32 characters/);
    expect(problem('nats:\n  credsFile: a.creds\n  nkeySeedFile: b.nk\n')).toMatch(
      /give credsFile or nkeySeedFile, not both/,
    );
  });
});
