import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export const MOSQUITTO_PATH = '/usr/sbin/mosquitto';

/** A real Mosquitto broker on a loopback port, with its own temporary config, for tests. */
export class MosquittoBroker {
  port = 0;
  private child: ChildProcess | null = null;
  private folder = '';
  private output = '';

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Starts the broker (on `port`, else the previous port, else a free one) and waits for it to listen. */
  async start(port?: number): Promise<void> {
    if (port !== undefined) this.port = port;
    if (this.port === 0) this.port = await freePort();
    if (!this.folder) this.folder = await mkdtemp(join(tmpdir(), 'raqib-mosquitto-'));
    const config = join(this.folder, 'mosquitto.conf');
    await writeFile(
      config,
      [
        `listener ${this.port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence false',
        'log_dest stderr',
        'log_type error',
        '',
      ].join('\n'),
    );
    const child = spawn(MOSQUITTO_PATH, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.child = child;
    const deadline = Date.now() + 5000;
    while (!(await canConnect(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await this.stop();
        throw new Error(`mosquitto did not start on port ${this.port}: ${this.output.trim()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops the broker process (its clients see the connection drop). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the broker and removes its temporary folder. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.folder) await rm(this.folder, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
