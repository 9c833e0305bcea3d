import { isRaqibError } from '@raqib/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseNotifyText } from './load-notify-file.js';

// Property: any text gives a notify configuration or NOTIFY_INVALID whose lines name the file:
// never another exception, never a hang.

const FILE = 'fuzz/notify.yaml';

const number = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: -10, max: 100_000 }) },
  fc.constantFrom(0, 1e308, -1, 0.5, 'fast', null),
);
const notifier = fc.oneof(
  fc.record(
    {
      type: fc.constant('webhook'),
      url: fc.constantFrom('https://hooks.example.org/x', 'http://127.0.0.1:9/', 'ftp://x', 'http://user:pw@h/', ''),
      secretEnv: fc.constantFrom('RAQIB_SECRET', 'SECRET', ''),
      minSeverity: fc.constantFrom('info', 'warning', 'danger', 'critical', 'loud'),
      maxAttempts: number,
      initialDelayMs: number,
      maxDelayMs: number,
      attemptTimeoutMs: number,
      maxQueueLength: number,
    },
    { requiredKeys: ['type'] },
  ),
  fc.record(
    {
      type: fc.constant('mqtt'),
      url: fc.constantFrom('mqtt://127.0.0.1:1883', 'mqtts://b', 'http://x'),
      topicPrefix: fc.string({ maxLength: 6 }),
      connectTimeoutMs: number,
    },
    { requiredKeys: ['type'] },
  ),
  fc.record(
    {
      type: fc.constant('email'),
      host: fc.constantFrom('smtp.example.org', ''),
      port: number,
      security: fc.constantFrom('starttls', 'tls', 'none', 'ssl'),
      from: fc.constantFrom('Raqib <r@example.org>', 'nobody'),
      to: fc.array(fc.constantFrom('ops@example.org', 'x'), { maxLength: 2 }),
      password: fc.constant('hunter2'),
    },
    { requiredKeys: ['type'] },
  ),
  fc.record(
    { type: fc.constantFrom('terminal', 'pager'), minSeverity: fc.constantFrom('info', 'x'), colour: fc.boolean() },
    { requiredKeys: ['type'] },
  ),
);
const notifyDocument = fc.record(
  {
    allowedHosts: fc.array(fc.constantFrom('hooks.example.org', '127.0.0.1', '*.example.org', '**', ''), {
      maxLength: 3,
    }),
    deadLetterFile: fc.constantFrom('out/dead.jsonl', ''),
    flushTimeoutMs: number,
    notifiers: fc.array(notifier, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

/** Mostly well-formed files, so that the valid side is exercised too. */
const plausibleDocument = fc.record({
  flushTimeoutMs: fc.integer({ min: 0, max: 60_000 }),
  notifiers: fc.array(
    fc.oneof(
      fc.record({
        type: fc.constant('terminal'),
        minSeverity: fc.constantFrom('info', 'warning', 'danger', 'critical'),
      }),
      fc.record({
        type: fc.constant('webhook'),
        url: fc.constantFrom('https://hooks.example.org/x', 'http://127.0.0.1:9/raqib'),
        secretEnv: fc.constant('RAQIB_WEBHOOK_SECRET'),
        maxAttempts: fc.integer({ min: -1, max: 30 }),
      }),
    ),
    { maxLength: 3 },
  ),
});

function aliasBomb(levels: number): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let k = 1; k <= levels; k++)
    lines.push(
      `a${k}: &a${k} [${Array(9)
        .fill(`*a${k - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n') + '\n';
}

describe('parseNotifyText properties', () => {
  it('any text: a notify configuration or NOTIFY_INVALID naming the file', () => {
    let parsed = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 4, arbitrary: notifyDocument.map((doc) => stringify(doc)) },
          { weight: 3, arbitrary: plausibleDocument.map((doc) => stringify(doc)) },
          fc.jsonValue().map((doc) => stringify(doc)),
          fc.string({ unit: 'binary', maxLength: 80 }),
        ),
        (text) => {
          try {
            const config = parseNotifyText(text, FILE);
            expect(Array.isArray(config.notifiers)).toBe(true);
            parsed++;
          } catch (error) {
            if (!isRaqibError(error, 'NOTIFY_INVALID')) throw error;
            expect(error.message.startsWith(`${FILE}: `)).toBe(true);
          }
        },
      ),
      { numRuns: 200, seed: 60 },
    );
    expect(parsed).toBeGreaterThan(10);
  });

  it('a YAML alias bomb is refused quickly as NOTIFY_INVALID', () => {
    for (const levels of [4, 9]) {
      const started = performance.now();
      expect(() => parseNotifyText(aliasBomb(levels), FILE)).toThrow(
        expect.objectContaining({ code: 'NOTIFY_INVALID' }),
      );
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});
