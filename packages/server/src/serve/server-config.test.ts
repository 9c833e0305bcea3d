import { isRaqibError } from '@raqib/core';
import { describe, expect, it } from 'vitest';
import { parseServerConfig } from './read-server-config.js';

function problem(text: string): string {
  try {
    parseServerConfig(text, 'raqib.yaml');
  } catch (error) {
    if (isRaqibError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('raqib.yaml telemetry: and notify: sections', () => {
  it('defaults: telemetry stale after 5 s, no MQTT, no notifications', () => {
    const config = parseServerConfig('', 'raqib.yaml');
    expect(config.telemetry).toEqual({ maxAgeMs: 5000 });
    expect(config.notify).toBeUndefined();
    const mqtt = parseServerConfig('telemetry:\n  mqtt:\n    url: mqtt://10.0.0.2:1883\n', 'raqib.yaml').telemetry.mqtt;
    expect(mqtt).toMatchObject({ topicPrefix: 'raqib/streams', reconnectMs: 5000, connectTimeoutMs: 5000 });
  });

  it('takes the notify file’s document (with its defaults) and an events filter', () => {
    const text = [
      'notify:',
      '  events: [match]',
      '  notifiers:',
      '    - type: webhook',
      '      url: https://hooks.example.org/raqib',
      '      secretEnv: RAQIB_HOOK_SECRET',
    ].join('\n');
    const notify = parseServerConfig(text, 'raqib.yaml').notify!;
    expect(notify.events).toEqual(['match']);
    expect(notify.flushTimeoutMs).toBe(10_000);
    expect(notify.notifiers[0]).toMatchObject({ type: 'webhook', maxAttempts: 20, minSeverity: 'info' });
  });

  it('is strict: unknown keys, a wrong URL, a secret in the file, retry settings that contradict', () => {
    expect(problem('telemetry:\n  mqtt:\n    url: mqtt://h:1883\n    topic: x\n')).toBe(
      'raqib.yaml:4:5: telemetry.mqtt.topic: unknown key (see docs/server.md for the keys of telemetry.mqtt)',
    );
    expect(problem('telemetry:\n  mqtt:\n    url: http://h:1883\n')).toBe(
      'raqib.yaml:3:10: telemetry.mqtt.url: expected an mqtt:// or mqtts:// URL',
    );
    expect(problem('telemetry:\n  maxAgeMs: 10\n')).toMatch(
      /^raqib.yaml:2:13: telemetry.maxAgeMs: Number must be greater/,
    );
    const webhook = ['notify:', '  notifiers:', '    - type: webhook', '      url: https://h/x'];
    expect(problem([...webhook, '      secret: abc'].join('\n'))).toMatch(
      /raqib.yaml:5:7: notify.notifiers.0.secret: unknown key/,
    );
    const contradiction = [
      ...webhook,
      '      secretEnv: RAQIB_S',
      '      initialDelayMs: 5000',
      '      maxDelayMs: 100',
    ];
    expect(problem(contradiction.join('\n'))).toBe(
      'raqib.yaml:2:3: notify: notifiers[0].maxDelayMs: must be >= initialDelayMs (5000)',
    );
  });
});
