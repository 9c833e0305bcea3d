import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertEvent } from '@raqib/core';
import { isRaqibError } from '@raqib/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeadLetterRecord, NotifyPayload } from '../notify/index.js';
import { alertEvent } from '../notify/testing/alert-event-builder.js';
import { WebhookReceiver } from '../notify/testing/webhook-receiver.js';
import { LiveAlertNotifier } from './live-alert-notifier.js';
import { parseServerConfig } from './read-server-config.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const env = { RAQIB_HOOK: 'live-alert-notifier-test' };

function notifyConfig(lines: string[]) {
  return parseServerConfig(['notify:', ...lines.map((line) => `  ${line}`)].join('\n'), 'raqib.yaml').notify!;
}

const webhook = (url: string) => [
  '- type: webhook',
  `  url: ${url}`,
  '  secretEnv: RAQIB_HOOK',
  '  maxAttempts: 2',
  '  initialDelayMs: 10',
  '  maxDelayMs: 10',
  '  attemptTimeoutMs: 500',
];

describe('LiveAlertNotifier', () => {
  it('notifies the streams of the configured events only, and counts per stream', async () => {
    const receiver = new WebhookReceiver();
    await receiver.listen();
    cleanups.push(() => receiver.stop());
    const dataDir = mkdtempSync(join(tmpdir(), 'raqib-live-notify-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const notifier = new LiveAlertNotifier(
      notifyConfig(['events: [match]', 'notifiers:', ...webhook(receiver.url).map((l) => `  ${l}`)]),
      {
        dataDir,
        env,
      },
    );
    cleanups.push(() => notifier.close());
    notifier.notify('cam1', 'match', alertEvent(1) as AlertEvent);
    notifier.notify('cam2', 'concert', alertEvent(2, { streamId: 'cam2' }) as AlertEvent);
    await notifier.close();
    expect(receiver.requests.map((r) => (JSON.parse(r.body) as NotifyPayload).event.streamId)).toEqual(['cam1']);
    expect(notifier.streamCounts('cam1')).toEqual({ sent: 1, deadLettered: 0 });
    expect(notifier.streamCounts('cam2')).toEqual({ sent: 0, deadLettered: 0 });
  });

  it('dead-letters to <dataDir>/notify-dead-letter.jsonl when the destination is down, without waiting', async () => {
    const down = new WebhookReceiver();
    await down.listen();
    await down.stop();
    const dataDir = mkdtempSync(join(tmpdir(), 'raqib-live-notify-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const warnings: string[] = [];
    const notifier = new LiveAlertNotifier(notifyConfig(['notifiers:', ...webhook(down.url).map((l) => `  ${l}`)]), {
      dataDir,
      env,
      onWarning: (message) => warnings.push(message),
    });
    const startedMs = performance.now();
    notifier.notify('cam1', 'match', alertEvent(1) as AlertEvent);
    expect(performance.now() - startedMs).toBeLessThan(50); // enqueued, not sent
    await notifier.close();
    const [record] = readFileSync(join(dataDir, 'notify-dead-letter.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as DeadLetterRecord);
    expect(record).toMatchObject({ notifier: `webhook ${down.url}`, attempts: 2, event: { streamId: 'cam1' } });
    expect(notifier.streamCounts('cam1')).toEqual({ sent: 1, deadLettered: 1 });
    expect(warnings[0]).toMatch(/^notifications: webhook http:\/\/127\.0\.0\.1:\d+\/hooks\/raqib is failing \(/);
  });

  it('refuses a missing secret at construction, naming raqib.yaml and the key', () => {
    const config = notifyConfig(['notifiers:', ...webhook('http://127.0.0.1:9/x').map((l) => `  ${l}`)]);
    try {
      new LiveAlertNotifier(config, { dataDir: tmpdir(), env: {} });
      throw new Error('expected NOTIFY_INVALID');
    } catch (error) {
      expect(isRaqibError(error, 'NOTIFY_INVALID')).toBe(true);
      expect((error as Error).message).toMatch(
        /^raqib.yaml notify: notifiers\[0\]\.secretEnv: environment variable RAQIB_HOOK is not set/,
      );
    }
  });
});
