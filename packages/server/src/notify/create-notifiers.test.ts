import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { isRaqibError } from '@raqib/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifiers, hostAllowed } from './create-notifiers.js';
import { loadNotifyFile, parseNotifyText } from './load-notify-file.js';
import { combineNotifiers } from './notifier.js';
import { idempotencyKey } from './notify-event.js';
import { alertEvent } from './testing/alert-event-builder.js';
import { WebhookReceiver } from './testing/webhook-receiver.js';
import { verifyWebhookSignature } from './webhook-signature.js';

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isRaqibError(error, 'NOTIFY_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

const VALID = `
allowedHosts: [127.0.0.1]
notifiers:
  - type: webhook
    url: http://127.0.0.1:9/hooks
    secretEnv: RAQIB_WEBHOOK_SECRET
    minSeverity: warning
  - type: mqtt
    url: mqtt://127.0.0.1:1883
    topicPrefix: site/alerts
  - type: email
    host: 127.0.0.1
    port: 2525
    security: none
    from: raqib@example.org
    to: [ops@example.org]
    minSeverity: danger
  - type: terminal
`;

describe('notify file', () => {
  it('parses a valid file with defaults filled in', () => {
    const config = parseNotifyText(VALID, 'notify.yaml');
    expect(config.flushTimeoutMs).toBe(10_000);
    expect(config.notifiers.map((n) => n.type)).toEqual(['webhook', 'mqtt', 'email', 'terminal']);
    expect(config.notifiers[0]).toMatchObject({ minSeverity: 'warning', maxAttempts: 20, maxDelayMs: 60_000 });
    expect(config.notifiers[2]).toMatchObject({ port: 2525, greetingTimeoutMs: 10_000, attemptTimeoutMs: 60_000 });
    expect(config.notifiers[3]).toEqual({ type: 'terminal', minSeverity: 'info' });
  });

  it('names the file, the path and the problem', () => {
    const message = errorOf(() =>
      parseNotifyText(
        `notifiers:
  - type: webhook
    url: ftp://example.org/x
    secret: abc
  - type: pager
  - type: email
    host: smtp.example.org
    from: a@b.c
    to: []
    minSeverity: loud
`,
        'notify.yaml',
      ),
    );
    expect(message.split('\n')).toEqual([
      'notify.yaml: notifiers[0].url: expected an http:// or https:// URL',
      'notify.yaml: notifiers[0].secretEnv: Required',
      'notify.yaml: notifiers[0].secret: unknown setting: secrets are not read from the file; put it in a RAQIB_* environment variable and name it in secretEnv',
      'notify.yaml: notifiers[1].type: expected one of webhook, mqtt, email, terminal',
      'notify.yaml: notifiers[2].to: Array must contain at least 1 element(s)',
      "notify.yaml: notifiers[2].minSeverity: Invalid enum value. Expected 'info' | 'warning' | 'danger' | 'critical', received 'loud'",
      'Fix the notify file; see docs/notifications.md.',
    ]);
  });

  it('rejects invalid YAML, secrets in env names and inconsistent back-off', () => {
    expect(errorOf(() => parseNotifyText('notifiers: [a, ', 'bad.yaml'))).toMatch(/^bad\.yaml: not valid YAML: /);
    expect(
      errorOf(() =>
        parseNotifyText(
          'notifiers: [{type: webhook, url: "http://h/x", secretEnv: HOME, initialDelayMs: 5000, maxDelayMs: 10}]',
          'n.yaml',
        ),
      ),
    ).toBe(
      'n.yaml: notifiers[0].secretEnv: expected the NAME of an environment variable starting with RAQIB_\n' +
        'Fix the notify file; see docs/notifications.md.',
    );
    expect(
      errorOf(() =>
        parseNotifyText(
          'notifiers: [{type: webhook, url: "http://h/x", secretEnv: RAQIB_S, initialDelayMs: 5000, maxDelayMs: 10}]',
          'n.yaml',
        ),
      ),
    ).toMatch(/^n\.yaml: notifiers\[0\]\.maxDelayMs: must be >= initialDelayMs \(5000\)/);
  });

  it('reports a missing file by name', async () => {
    await expect(loadNotifyFile('/nonexistent/notify.yaml')).rejects.toThrow(
      '/nonexistent/notify.yaml: cannot read the notify file (ENOENT)',
    );
  });
});

describe('createNotifiers', () => {
  it('requires the secrets from the environment and enforces the allow-lists', () => {
    const config = parseNotifyText(
      `allowedHosts: [127.0.0.1, "*.example.org"]
notifiers:
  - {type: webhook, url: "https://hooks.evil.test/x", secretEnv: RAQIB_WEBHOOK_SECRET}
  - {type: mqtt, url: "mqtt://broker.example.org", usernameEnv: RAQIB_MQTT_USER}
  - {type: email, host: smtp.example.org, security: none, usernameEnv: RAQIB_SMTP_USER, from: a@example.org, to: [b@example.org]}
`,
      'notify.yaml',
    );
    const message = errorOf(() =>
      createNotifiers(config, {
        env: { RAQIB_SMTP_USER: 'u', RAQIB_NOTIFY_ALLOWED_HOSTS: '*.example.org:1883' },
        source: 'notify.yaml',
      }),
    );
    expect(message.split('\n')).toEqual([
      'notify.yaml: notifiers[0].url: destination hooks.evil.test:443 is not in allowedHosts (127.0.0.1, *.example.org)',
      'notify.yaml: notifiers[0].url: destination hooks.evil.test:443 is not in RAQIB_NOTIFY_ALLOWED_HOSTS (*.example.org:1883)',
      'notify.yaml: notifiers[0].secretEnv: environment variable RAQIB_WEBHOOK_SECRET is not set',
      'notify.yaml: notifiers[1].usernameEnv: environment variable RAQIB_MQTT_USER is not set',
      'notify.yaml: notifiers[2].host: destination smtp.example.org:587 is not in RAQIB_NOTIFY_ALLOWED_HOSTS (*.example.org:1883)',
      'notify.yaml: notifiers[2].security: none would send the SMTP password in clear text; use starttls or tls',
      'Fix the notify file; see docs/notifications.md.',
    ]);
  });

  it.each([
    ['hooks.example.org', 443, ['hooks.example.org'], true],
    ['HOOKS.example.org', 443, ['hooks.example.org'], true],
    ['a.b.example.org', 443, ['*.example.org'], true],
    ['example.org', 443, ['*.example.org'], false],
    ['evilexample.org', 443, ['*.example.org'], false],
    ['127.0.0.1', 8080, ['127.0.0.1:8080'], true],
    ['127.0.0.1', 8081, ['127.0.0.1:8080'], false],
    ['[::1]', 80, ['[::1]'], true],
  ])('allow-list: %s:%i against %j is %s', (host, port, entries, allowed) => {
    expect(hostAllowed(host, port, entries)).toBe(allowed);
  });

  describe('end to end from a file', () => {
    const receiver = new WebhookReceiver();
    let folder = '';
    beforeAll(async () => {
      await receiver.listen();
      folder = await mkdtemp(join(tmpdir(), 'raqib-notify-file-'));
    });
    afterAll(async () => {
      await receiver.stop();
      await rm(folder, { recursive: true, force: true });
    });

    it('loads the file, builds the notifiers and delivers through all of them', async () => {
      const path = join(folder, 'notify.yaml');
      await writeFile(
        path,
        `allowedHosts: [127.0.0.1]
deadLetterFile: ${join(folder, 'dead.jsonl')}
notifiers:
  - {type: webhook, url: "${receiver.url}", secretEnv: RAQIB_WEBHOOK_SECRET}
  - {type: webhook, url: "http://127.0.0.1:1/down", secretEnv: RAQIB_WEBHOOK_SECRET, maxAttempts: 1}
  - {type: terminal, minSeverity: danger, colour: false}
`,
      );
      const terminal = new PassThrough();
      let printed = '';
      terminal.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
      const config = await loadNotifyFile(path);
      const notifier = combineNotifiers(
        createNotifiers(config, { env: { RAQIB_WEBHOOK_SECRET: 'shh' }, terminalStream: terminal, source: path }),
      );
      const event = alertEvent(3, { zoneId: 'gate-3' });
      notifier.notify(event);
      await notifier.flush(config.flushTimeoutMs);
      await notifier.close();

      expect(receiver.stored).toEqual([idempotencyKey(event)]);
      const request = receiver.requests[0]!;
      expect(verifyWebhookSignature({ secret: 'shh', body: request.body, header: request.signature }).ok).toBe(true);
      expect(printed).toBe('[raqib] DANGER raised    zone gate-3: density 5.4/m² >= 5  t=103 s cam1\n');
      const dead = (await readFile(join(folder, 'dead.jsonl'), 'utf8')).trim().split('\n');
      expect(dead).toHaveLength(1);
      expect(JSON.parse(dead[0]!)).toMatchObject({
        notifier: 'webhook http://127.0.0.1:1/down',
        idempotencyKey: idempotencyKey(event),
        reason: 'gave up after 1 attempts (maxAttempts)',
      });
    });
  });
});
