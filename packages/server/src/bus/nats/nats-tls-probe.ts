import { readFileSync } from 'node:fs';
import { connect as connectTcp, isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';

/** The TLS files of `nats.tls`. */
export interface NatsTlsFiles {
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}

/**
 * Why a NATS server over TLS refused this client, when it did so at the TLS level (a missing, unknown
 * or expired client certificate): with TLS 1.3 the server rejects a client certificate only after
 * the client's handshake completed, which the NATS client sees as a closed connection until its
 * timeout. This probe speaks just enough of the protocol (INFO, TLS upgrade, CONNECT/PING) to read
 * the server's TLS alert. Undefined when there was none (unreachable, not TLS, or accepted).
 */
export function probeTlsRefusal(url: string, files: NatsTlsFiles, timeoutMs = 2000): Promise<string | undefined> {
  const { hostname, port } = new URL(url.replace(/^tls:/, 'nats:'));
  const read = (path: string | undefined) => (path ? readFileSync(path) : undefined);
  return new Promise((resolve) => {
    const socket = connectTcp(Number(port || 4222), hostname);
    const done = (why: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('error', () => done(undefined));
    let info = '';
    const onInfo = (chunk: Buffer) => {
      info += chunk.toString('latin1');
      if (!info.includes('\r\n')) return;
      socket.off('data', onInfo);
      if (!info.startsWith('INFO ')) return done(undefined);
      const ca = read(files.caFile);
      const cert = read(files.certFile);
      const key = read(files.keyFile);
      const secure = connectTls({
        socket,
        ...(isIP(hostname) ? {} : { servername: hostname }),
        ...(ca ? { ca } : {}),
        ...(cert ? { cert } : {}),
        ...(key ? { key } : {}),
      });
      secure.on('error', (error: NodeJS.ErrnoException & { reason?: string }) =>
        done(`${error.code ?? 'TLS error'}: ${error.reason ?? error.message}`),
      );
      secure.on('secureConnect', () => secure.write('CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n'));
      secure.on('data', (data: Buffer) => {
        if (/PONG|-ERR/.test(data.toString('latin1'))) done(undefined);
      });
    };
    socket.on('data', onInfo);
  });
}
