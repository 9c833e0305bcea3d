import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertEvent } from '../notify/testing/alert-event-builder.js';
import { freePort } from '../notify/testing/free-port.js';
import { AlertOutputs } from './alert-outputs.js';

function notifyFile(dir: string, lines: string[]): string {
  const path = join(dir, 'notify.yaml');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('AlertOutputs', () => {
  it('refuses, before the run, a deadLetterFile that cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raqib-alert-outputs-'));
    mkdirSync(join(dir, 'a-folder'));
    writeFileSync(join(dir, 'a-file'), '');
    for (const deadLetterFile of [join(dir, 'a-folder'), join(dir, 'a-file/dead.jsonl')]) {
      const path = notifyFile(dir, [`deadLetterFile: ${deadLetterFile}`, 'notifiers:', '  - type: terminal']);
      await expect(AlertOutputs.open(join(dir, 'out'), path)).rejects.toMatchObject({
        code: 'NOTIFY_INVALID',
        message: expect.stringMatching(/notify\.yaml: deadLetterFile: .* cannot be written \(/),
      });
    }
  });

  it('reports undelivered events per destination with the dead-letter file as the user will find it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raqib-alert-outputs-'));
    const port = await freePort();
    const path = notifyFile(dir, [
      'flushTimeoutMs: 200',
      'notifiers:',
      `  - type: webhook\n    url: http://127.0.0.1:${port}/x\n    secretEnv: RAQIB_TEST_SECRET\n    initialDelayMs: 10\n    maxDelayMs: 20`,
    ]);
    process.env.RAQIB_TEST_SECRET = 's';
    mkdirSync(join(dir, 'staging'));
    const outputs = await AlertOutputs.open(join(dir, 'staging'), path, { shownOutDir: 'out/run' });
    for (const listener of outputs.listeners) await listener(alertEvent(1) as never);
    await outputs.close();
    await outputs.close(); // again: harmless
    expect(outputs.report()).toMatchObject({ deadLettered: 1, deadLetterFile: 'out/run/notify-dead-letter.jsonl' });
    expect(outputs.undeliveredText()).toBe(
      `1 alert notification could not be delivered to webhook http://127.0.0.1:${port}/x; they are in out/run/notify-dead-letter.jsonl`,
    );
  });
});
