import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `raqib` launcher of this checkout (packages/server/bin/raqib.js). */
export const RAQIB_BIN = fileURLToPath(new URL('../../bin/raqib.js', import.meta.url));
let raqibBin = RAQIB_BIN;

/** Runs later calls of {@link runCli} with another launcher (a snapshot of the build). */
export function useRaqibBin(path: string): void {
  raqibBin = path;
}
/** The repository root (for `{repo}` in case arguments). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** What one CLI run did. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Most bytes of stdout or stderr kept (the tail): a runaway writer must not exhaust the fuzzer. */
const MAX_KEPT_CHARS = 256_000;

/**
 * Runs `node raqib.js ...args` in `cwd` with a wall-clock limit. On timeout the whole process group
 * is killed (the CLI spawns ffmpeg). The heap is capped so that a runaway allocation ends as a crash
 * of the child instead of starving the machine.
 */
export function runCli(
  args: readonly string[],
  options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv; maxOldSpaceMb?: number },
): Promise<CliRun> {
  const started = performance.now();
  const nodeArgs = [`--max-old-space-size=${options.maxOldSpaceMb ?? 2048}`, raqibBin, ...args];
  const child = spawn(process.execPath, nodeArgs, {
    cwd: options.cwd,
    env: { ...process.env, RAQIB_LOG_LEVEL: 'warn', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    stdout = (stdout + text).slice(-MAX_KEPT_CHARS);
  });
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-MAX_KEPT_CHARS);
  });
  let timedOut = false;
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, timedOut, stdout, stderr: stderr + String(error), wallMs: 0 });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Anything the CLI left running (an ffmpeg child) goes with it.
      if (!timedOut) killGroupQuietly(child.pid);
      resolve({ code, signal, timedOut, stdout, stderr, wallMs: performance.now() - started });
    });
  });
}

function killGroupQuietly(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already: the normal case
  }
}
