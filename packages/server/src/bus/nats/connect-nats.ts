import { readFileSync } from 'node:fs';
import { RaqibError } from '@raqib/core';
import {
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  type ConnectionOptions,
  type NatsConnection,
} from '@nats-io/transport-node';
import { probeTlsRefusal } from './nats-tls-probe.js';

/** What `connectNats` needs: the `nats:` section's connection fields. */
export interface NatsConnectConfig {
  servers: string[];
  userEnv?: string;
  passwordEnv?: string;
  credsFile?: string;
  nkeySeedFile?: string;
  /** TLS files (PEM): the servers' CA, and a client certificate with its key. */
  tls?: { caFile?: string | undefined; certFile?: string | undefined; keyFile?: string | undefined } | undefined;
  connectTimeoutMs?: number;
  /** Connection name shown by the server's monitoring (e.g. raqib-worker-<host>). */
  name?: string;
}

/** How the client authenticates, in words safe to print (never the secret). */
function credentialOf(
  config: NatsConnectConfig,
  env: Readonly<Record<string, string | undefined>>,
): { options: Partial<ConnectionOptions>; said: string } {
  const userEnv = config.userEnv ?? 'RAQIB_NATS_USER';
  const passwordEnv = config.passwordEnv ?? 'RAQIB_NATS_PASSWORD';
  const readSecret = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new RaqibError(
        'CONFIG_INVALID',
        `nats.${what}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        { cause: error },
      );
    }
  };
  if (config.credsFile) {
    return {
      options: { authenticator: credsAuthenticator(readSecret(config.credsFile, 'credsFile')) },
      said: `the creds file ${config.credsFile} (nats.credsFile)`,
    };
  }
  if (config.nkeySeedFile) {
    const seed = readSecret(config.nkeySeedFile, 'nkeySeedFile').toString('utf8').trim();
    return {
      options: { authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) },
      said: `the nkey seed in ${config.nkeySeedFile} (nats.nkeySeedFile)`,
    };
  }
  const user = env[userEnv];
  const pass = env[passwordEnv];
  if (user) {
    return {
      options: { user, pass: pass ?? '' },
      said: `user "${user}" from ${userEnv} with the password in ${passwordEnv}${pass ? '' : ' (unset)'}`,
    };
  }
  return { options: {}, said: `no credential (${userEnv}, nats.credsFile and nats.nkeySeedFile are unset)` };
}

/** The connection's TLS options, after checking that each file can be read (a clear error, not a handshake failure). */
function tlsOf(config: NatsConnectConfig): Partial<ConnectionOptions> {
  const { tls } = config;
  if (!tls) return {};
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
    const path = tls[key];
    if (path === undefined) continue;
    try {
      readFileSync(path);
    } catch (error) {
      throw new RaqibError(
        'CONFIG_INVALID',
        `nats.tls.${key}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give the path of a PEM file`,
        { cause: error },
      );
    }
  }
  return {
    tls: {
      ...(tls.caFile ? { caFile: tls.caFile } : {}),
      ...(tls.certFile ? { certFile: tls.certFile } : {}),
      ...(tls.keyFile ? { keyFile: tls.keyFile } : {}),
    },
  };
}

/** A TLS handshake the server or the client refused: a client certificate missing, unknown or expired, or an untrusted server. */
const isTlsError = (error: unknown): boolean => {
  const text = `${(error as Error)?.message ?? ''} ${String((error as { cause?: unknown })?.cause ?? '')} ${(error as { code?: unknown })?.code ?? ''}`;
  return /certificate|tls|ssl|handshake|self.signed|UNABLE_TO_VERIFY/i.test(text);
};

/** BUS_AUTH_FAILED for a TLS handshake refused by either side, naming the client certificate. */
function tlsRefused(servers: string, config: NatsConnectConfig, why: string, cause: unknown): RaqibError {
  const certificate = config.tls?.certFile
    ? `the client certificate ${config.tls.certFile} (nats.tls.certFile)`
    : 'no client certificate (nats.tls.certFile is unset)';
  return new RaqibError(
    'BUS_AUTH_FAILED',
    `NATS ${servers}: the TLS handshake failed with ${certificate} (${why}); check that the servers' CA ` +
      "(nats.tls.caFile) signed the client certificate and the servers' certificates, and that they are valid",
    { cause },
  );
}

const isAuthError = (error: unknown): boolean => {
  const text = `${(error as Error)?.name ?? ''} ${(error as Error)?.message ?? ''} ${String((error as { cause?: unknown })?.cause ?? '')}`;
  return /authori[sz]ation|authentication|user.*expired/i.test(text);
};

/**
 * Connects to NATS, or throws a RaqibError that names the servers and what to check:
 * BUS_AUTH_FAILED when the server refuses the credential (the secret itself is never printed),
 * BUS_UNAVAILABLE when no server answers in `connectTimeoutMs`. Once connected, the client
 * reconnects for ever (a restarted nats-server is a pause, not a failure).
 */
export async function connectNats(
  config: NatsConnectConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<NatsConnection> {
  const { options, said } = credentialOf(config, env);
  const tls = tlsOf(config);
  const servers = config.servers.join(', ');
  try {
    return await connect({
      servers: config.servers,
      name: config.name ?? 'raqib',
      timeout: config.connectTimeoutMs ?? 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      ...options,
      ...tls,
    });
  } catch (error) {
    if (isAuthError(error)) {
      throw new RaqibError(
        'BUS_AUTH_FAILED',
        `NATS ${servers}: the server refused ${said} (${(error as Error).message}); check the user and password ` +
          '(RAQIB_NATS_USER / RAQIB_NATS_PASSWORD) or the creds/nkey file against the accounts/users of the nats-server config',
        { cause: error },
      );
    }
    if (isTlsError(error)) throw tlsRefused(servers, config, (error as Error).message, error);
    // TLS 1.3: a server refuses a client certificate after the handshake, which the client only sees
    // as a closed connection until its timeout: ask the server why.
    const overTls = config.tls !== undefined || config.servers.some((url) => url.startsWith('tls://'));
    const alert = overTls
      ? await probeTlsRefusal(config.servers[0]!, config.tls ?? {}).catch(() => undefined)
      : undefined;
    if (alert) throw tlsRefused(servers, config, alert, error);
    throw new RaqibError(
      'BUS_UNAVAILABLE',
      `NATS ${servers}: cannot connect (${(error as Error).message}); check that nats-server runs with JetStream (-js) ` +
        'and is reachable at that address from this machine (nats.servers)',
      { cause: error },
    );
  }
}
