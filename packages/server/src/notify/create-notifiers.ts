import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { NotifyClock } from './clock.js';
import { DeadLetterFile, type DeadLetterSink } from './dead-letter-file.js';
import { createEmailNotifier } from './email-notifier.js';
import { createMqttNotifier } from './mqtt-notifier.js';
import type { Notifier } from './notifier.js';
import { notifyInvalid, type NotifierConfig, type NotifyConfig } from './notify-config-schema.js';
import type { DeliveryHealthListener, DeliveryPolicy } from './queued-notifier.js';
import { TerminalNotifier } from './terminal-notifier.js';
import { createWebhookNotifier } from './webhook-notifier.js';

/** What notifiers need from their surroundings (all injectable for tests). */
export interface NotifyDeps {
  /** Where secrets are read from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Dead-letter file when the config names none, e.g. `<out>/notify-dead-letter.jsonl`. */
  deadLetterPath?: string;
  /** Replaces the dead-letter file (tests). */
  deadLetter?: DeadLetterSink;
  clock?: NotifyClock;
  random?: () => number;
  /** Told when a queued destination starts failing or delivers again. */
  onHealth?: DeliveryHealthListener;
  /** Terminal notifier output (default: stderr). */
  terminalStream?: Writable & { isTTY?: boolean };
  /** File name for error messages. */
  source?: string;
}

/** Env var that, when set, restricts destinations further (comma-separated allowedHosts entries). */
export const ALLOWED_HOSTS_ENV = 'RAQIB_NOTIFY_ALLOWED_HOSTS';
export const DEFAULT_DEAD_LETTER_FILE = 'notify-dead-letter.jsonl';

/**
 * Builds one notifier per config entry, resolving secrets from `RAQIB_*` environment variables and
 * checking every destination against the allow-lists (the file's `allowedHosts` and
 * RAQIB_NOTIFY_ALLOWED_HOSTS). Throws RaqibError('NOTIFY_INVALID') listing every problem; connects to
 * nothing (connections open on the first event).
 */
export function createNotifiers(config: NotifyConfig, deps: NotifyDeps = {}): Notifier[] {
  const env = deps.env ?? process.env;
  const source = deps.source ?? 'notify';
  const problems: string[] = [];
  const allowLists = [config.allowedHosts, splitList(env[ALLOWED_HOSTS_ENV])].filter((l) => l !== undefined);
  const deadLetter =
    deps.deadLetter ??
    new DeadLetterFile(resolve(config.deadLetterFile ?? deps.deadLetterPath ?? DEFAULT_DEAD_LETTER_FILE));
  const common = {
    deadLetter,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.onHealth ? { onHealth: deps.onHealth } : {}),
  };

  const notifiers = config.notifiers.map((entry, index): Notifier | null => {
    const at = `notifiers[${index}]`;
    const secret = (key: string, name: string | undefined): string | undefined => {
      if (name === undefined) return undefined;
      const value = env[name];
      if (value === undefined || value === '') problems.push(`${at}.${key}: environment variable ${name} is not set`);
      return value;
    };
    const checkHost = (key: string, host: string, port: number) => {
      for (const list of allowLists) {
        if (!hostAllowed(host, port, list)) {
          const listName = list === config.allowedHosts ? 'allowedHosts' : ALLOWED_HOSTS_ENV;
          problems.push(`${at}.${key}: destination ${host}:${port} is not in ${listName} (${list.join(', ')})`);
        }
      }
    };
    switch (entry.type) {
      case 'webhook': {
        const url = new URL(entry.url);
        checkHost('url', url.hostname, Number(url.port) || (url.protocol === 'https:' ? 443 : 80));
        const key = secret('secretEnv', entry.secretEnv);
        if (key === undefined) return null;
        return createWebhookNotifier({
          url: entry.url,
          secret: key,
          minSeverity: entry.minSeverity,
          policy: policyOf(entry),
          ...common,
        });
      }
      case 'mqtt': {
        const url = new URL(entry.url);
        checkHost('url', url.hostname, Number(url.port) || (url.protocol === 'mqtts:' ? 8883 : 1883));
        const username = secret('usernameEnv', entry.usernameEnv);
        const password = secret('passwordEnv', entry.passwordEnv);
        return createMqttNotifier({
          url: entry.url,
          topicPrefix: entry.topicPrefix,
          connectTimeoutMs: entry.connectTimeoutMs,
          minSeverity: entry.minSeverity,
          policy: policyOf(entry),
          ...(entry.clientId === undefined ? {} : { clientId: entry.clientId }),
          ...(username === undefined ? {} : { username }),
          ...(password === undefined ? {} : { password }),
          ...common,
        });
      }
      case 'email': {
        checkHost('host', entry.host, entry.port);
        const username = secret('usernameEnv', entry.usernameEnv);
        const password = secret('passwordEnv', entry.passwordEnv);
        if (entry.security === 'none' && username !== undefined && !isLoopback(entry.host)) {
          problems.push(`${at}.security: none would send the SMTP password in clear text; use starttls or tls`);
        }
        return createEmailNotifier({
          host: entry.host,
          port: entry.port,
          security: entry.security,
          from: entry.from,
          to: entry.to,
          connectionTimeoutMs: entry.connectionTimeoutMs,
          greetingTimeoutMs: entry.greetingTimeoutMs,
          socketTimeoutMs: entry.socketTimeoutMs,
          minSeverity: entry.minSeverity,
          policy: policyOf(entry),
          ...(username === undefined ? {} : { username }),
          ...(password === undefined ? {} : { password }),
          ...common,
        });
      }
      case 'terminal':
        return new TerminalNotifier({
          minSeverity: entry.minSeverity,
          ...(entry.colour === undefined ? {} : { colour: entry.colour }),
          ...(deps.terminalStream ? { stream: deps.terminalStream } : {}),
        });
    }
  });
  if (problems.length > 0) {
    // Nothing has connected yet; release what was built.
    for (const notifier of notifiers) void notifier?.close();
    throw notifyInvalid(source, problems);
  }
  return notifiers.filter((n): n is Notifier => n !== null);
}

function policyOf(entry: Exclude<NotifierConfig, { type: 'terminal' }>): DeliveryPolicy {
  const { maxQueueLength, maxAttempts, maxAgeMs, initialDelayMs, maxDelayMs, attemptTimeoutMs } = entry;
  return { maxQueueLength, maxAttempts, maxAgeMs, initialDelayMs, maxDelayMs, attemptTimeoutMs };
}

function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * True when `host:port` matches an entry: `host`, `host:port`, or `*.domain` (any subdomain).
 * Host names compare case-insensitively; IPv6 addresses are written in brackets (`[::1]`).
 */
export function hostAllowed(host: string, port: number, entries: readonly string[]): boolean {
  const name = host.toLowerCase();
  return entries.some((raw) => {
    const entry = raw.trim().toLowerCase();
    const portMatch = /^(.*):(\d+)$/.exec(entry);
    const pattern = portMatch && !entry.endsWith(']') ? (portMatch[1] ?? '') : entry;
    if (portMatch && !entry.endsWith(']') && Number(portMatch[2]) !== port) return false;
    if (pattern.startsWith('*.')) return name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1;
    return name === pattern;
  });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
