import { z, type ZodIssue } from 'zod';
import { RaqibError } from '@raqib/core';

const severity = z
  .enum(['info', 'warning', 'danger', 'critical'])
  .describe('the mildest severity this notifier sends (info < warning < danger < critical)');
const envName = (what: string) =>
  z
    .string()
    .regex(/^RAQIB_[A-Z0-9_]+$/, 'expected the NAME of an environment variable starting with RAQIB_')
    .describe(`name of the environment variable that holds ${what} (secrets never go in the file)`);
const ms = (min: number, fallback: number, what: string) =>
  z.number().int().min(min).max(86_400_000).default(fallback).describe(`${what}, milliseconds`);
const noControl = (text: string) => !/[\r\n]/.test(text) && !text.includes('\u0000');
const parsedUrl = (text: string): URL | null => {
  try {
    return new URL(text);
  } catch {
    return null;
  }
};
const protocolIs = (pattern: RegExp) => (text: string) => pattern.test(parsedUrl(text)?.protocol ?? '');
const noCredentials = (text: string) => {
  const url = parsedUrl(text);
  return !url || (!url.username && !url.password);
};

/** Retry and queue settings shared by every queued notifier. */
const policyShape = (attemptTimeoutMs: number) => ({
  maxAttempts: z.number().int().min(1).max(1000).default(20).describe('attempts per event, the first included'),
  maxAgeMs: ms(1000, 900_000, 'an event not delivered this long after it was raised is dead-lettered'),
  initialDelayMs: ms(1, 1000, 'back-off ceiling of the first retry (doubles per retry, full jitter)'),
  maxDelayMs: ms(1, 60_000, 'back-off ceiling cap'),
  attemptTimeoutMs: ms(100, attemptTimeoutMs, 'bound of one delivery attempt'),
  maxQueueLength: z.number().int().min(1).max(100_000).default(10_000).describe('events waiting at most'),
});

const httpUrl = z
  .string()
  .url('expected an absolute URL')
  .refine(protocolIs(/^https?:$/), 'expected an http:// or https:// URL')
  .refine(noCredentials, 'credentials do not belong in the URL')
  .describe('where events are POSTed as JSON');

export const webhookNotifierSchema = z
  .object({
    type: z.literal('webhook'),
    url: httpUrl,
    secretEnv: envName('the HMAC-SHA256 signing secret'),
    minSeverity: severity.default('info'),
    ...policyShape(10_000),
  })
  .strict();

export const mqttNotifierSchema = z
  .object({
    type: z.literal('mqtt'),
    url: z
      .string()
      .url('expected an absolute URL')
      .refine(protocolIs(/^mqtts?:$/), 'expected an mqtt:// or mqtts:// URL')
      .refine(noCredentials, 'credentials do not belong in the URL')
      .describe('the broker, e.g. mqtt://127.0.0.1:1883'),
    topicPrefix: z
      .string()
      .min(1)
      .regex(/^[^#+]+$/, 'expected a topic without wildcards (+, #)')
      .refine((topic) => !topic.includes('\u0000'), 'expected no NUL character')
      .default('raqib/alerts')
      .describe('events go to <topicPrefix>/<severity>'),
    clientId: z.string().min(1).max(64).optional().describe('MQTT client id (default: raqib-<random>)'),
    usernameEnv: envName('the broker user name').optional(),
    passwordEnv: envName('the broker password').optional(),
    connectTimeoutMs: ms(100, 5000, 'bound of the connection to the broker'),
    minSeverity: severity.default('info'),
    ...policyShape(10_000),
  })
  .strict();

export const emailNotifierSchema = z
  .object({
    type: z.literal('email'),
    host: z.string().min(1).describe('SMTP server host name'),
    port: z.number().int().min(1).max(65_535).default(587).describe('SMTP server port'),
    security: z
      .enum(['starttls', 'tls', 'none'])
      .default('starttls')
      .describe('starttls: upgrade required; tls: TLS from the start (port 465); none: plain (loopback only)'),
    from: z.string().min(3).refine(noControl, 'expected one line').describe('sender address'),
    to: z
      .array(z.string().min(3).refine(noControl, 'expected one line'))
      .min(1)
      .max(100)
      .describe('recipient addresses'),
    usernameEnv: envName('the SMTP user name').optional(),
    passwordEnv: envName('the SMTP password').optional(),
    connectionTimeoutMs: ms(100, 10_000, 'bound of the TCP connection'),
    greetingTimeoutMs: ms(100, 10_000, "bound of the wait for the server's greeting"),
    socketTimeoutMs: ms(100, 30_000, 'longest silence of the server'),
    minSeverity: severity.default('warning'),
    ...policyShape(60_000),
  })
  .strict();

export const terminalNotifierSchema = z
  .object({
    type: z.literal('terminal'),
    minSeverity: severity.default('info'),
    colour: z.boolean().optional().describe('ANSI colours (default: when stderr is a terminal)'),
  })
  .strict();

export const notifierSchema = z.discriminatedUnion('type', [
  webhookNotifierSchema,
  mqttNotifierSchema,
  emailNotifierSchema,
  terminalNotifierSchema,
]);

/** The `--notify FILE` document. */
export const notifyConfigSchema = z
  .object({
    notifiers: z.array(notifierSchema).min(1).describe('where alert events go'),
    allowedHosts: z
      .array(z.string().min(1))
      .optional()
      .describe('destination allow-list: host names, host:port or *.domain; every destination must match'),
    deadLetterFile: z
      .string()
      .min(1)
      .optional()
      .describe('JSONL file of undeliverable events (default: the run output folder)'),
    flushTimeoutMs: ms(0, 10_000, 'how long the end of a run waits for pending notifications'),
  })
  .strict();

export type NotifyConfig = z.output<typeof notifyConfigSchema>;
export type NotifierConfig = z.output<typeof notifierSchema>;
export type WebhookNotifierConfig = z.output<typeof webhookNotifierSchema>;
export type MqttNotifierConfig = z.output<typeof mqttNotifierSchema>;
export type EmailNotifierConfig = z.output<typeof emailNotifierSchema>;
export type TerminalNotifierConfig = z.output<typeof terminalNotifierSchema>;

const MAX_PROBLEMS = 20;
const SECRET_KEYS = new Set(['secret', 'password', 'username', 'token']);

/**
 * Validates a parsed notify file. Throws RaqibError('NOTIFY_INVALID') listing each problem as
 * `source: path: problem`, e.g. `notify.yaml: notifiers[0].secretEnv: Required`.
 */
export function parseNotifyConfig(input: unknown, source = 'notify'): NotifyConfig {
  const parsed = notifyConfigSchema.safeParse(input);
  const problems = parsed.success ? notifyPolicyProblems(parsed.data) : parsed.error.issues.flatMap(issueLines);
  if (parsed.success && problems.length === 0) return parsed.data;
  throw notifyInvalid(source, problems);
}

/** The error for a list of `path: problem` lines of `source`. */
export function notifyInvalid(source: string, problems: readonly string[]): RaqibError {
  const shown = problems.slice(0, MAX_PROBLEMS).map((problem) => `${source}: ${problem}`);
  if (problems.length > MAX_PROBLEMS) shown.push(`${source}: ... and ${problems.length - MAX_PROBLEMS} more`);
  return new RaqibError('NOTIFY_INVALID', `${shown.join('\n')}\nFix the notify file; see docs/notifications.md.`);
}

/** Problems across a notifier's settings (e.g. maxDelayMs < initialDelayMs) as `path: problem` lines. */
export function notifyPolicyProblems(config: Pick<NotifyConfig, 'notifiers'>): string[] {
  return config.notifiers.flatMap((notifier, index) =>
    'maxDelayMs' in notifier && notifier.maxDelayMs < notifier.initialDelayMs
      ? [`notifiers[${index}].maxDelayMs: must be >= initialDelayMs (${notifier.initialDelayMs})`]
      : [],
  );
}

/** `notifiers[0].url` */
export function pathText(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

function issueLines(issue: ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const hint = SECRET_KEYS.has(key)
        ? ': secrets are not read from the file; put it in a RAQIB_* environment variable and name it in ' +
          `${key === 'secret' ? 'secretEnv' : `${key}Env`}`
        : '';
      return `${pathText([...issue.path, key])}: unknown setting${hint}`;
    });
  }
  if (issue.code === 'invalid_union_discriminator') {
    return [`${pathText(issue.path)}: expected one of ${issue.options.map((o) => String(o)).join(', ')}`];
  }
  return [`${pathText(issue.path)}: ${issue.message}`];
}
