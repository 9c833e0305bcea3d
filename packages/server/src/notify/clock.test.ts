import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { settlesWithin, wallSleep } from './clock.js';

const CLOCK = join(dirname(fileURLToPath(import.meta.url)), 'clock.ts');

describe('wall clock', () => {
  it('a sleep that is awaited keeps Node alive (an unreferenced timer made `raqib analyze` exit 13)', () => {
    // In a process of its own: vitest itself keeps the event loop busy, which hid the bug.
    const script = join(mkdtempSync(join(tmpdir(), 'raqib-clock-')), 'sleep.mts');
    writeFileSync(
      script,
      `import { wallSleep } from ${JSON.stringify(CLOCK)};\nawait wallSleep(150);\nprocess.stdout.write('woke');\n`,
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('woke');
  }, 30_000);

  it('settlesWithin: true when the work settles in time (even by rejecting), false after the bound', async () => {
    expect(await settlesWithin(Promise.resolve(1), 1000)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error('x')), 1000)).toBe(true);
    const started = performance.now();
    expect(await settlesWithin(new Promise(() => undefined), 50)).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('wallSleep ends early when its signal aborts', async () => {
    const stop = new AbortController();
    const started = performance.now();
    const sleeping = wallSleep(10_000, stop.signal);
    stop.abort();
    await sleeping;
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
