import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { alertBody, alertSubject } from './alert-text.js';
import { errorText } from './error-text.js';
import type { NotifyEvent } from './notify-event.js';
import {
  queuedNotifier,
  type DeliveryAttempt,
  type DeliveryOutcome,
  type DeliveryTransport,
  type QueuedDeliveryOptions,
  type QueuedNotifier,
} from './queued-notifier.js';

/** `starttls`: plain connection upgraded with STARTTLS, required. `tls`: TLS from the start (port 465). */
export type SmtpSecurity = 'starttls' | 'tls' | 'none';

export interface EmailNotifierOptions extends QueuedDeliveryOptions {
  host: string;
  port: number;
  security: SmtpSecurity;
  from: string;
  to: readonly string[];
  username?: string;
  password?: string;
  /** Bounds of the SMTP dialogue: TCP connect, the server's greeting, then any silence. */
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
}

/**
 * Sends each event as a plain-text e-mail (subject like `[Raqib DANGER] zone gate-3: density 5.4/m² >= 5`,
 * body with the evidence). One SMTP connection per attempt, every step under a timeout; an SMTP 5xx
 * answer is final, anything else is retried. The Message-ID derives from the idempotency key, so a
 * resent e-mail is recognisable as the same message.
 */
export function createEmailNotifier(options: EmailNotifierOptions): QueuedNotifier {
  const transport = new EmailTransport(options);
  return queuedNotifier('email', transport, options);
}

class EmailTransport implements DeliveryTransport {
  readonly destination: string;
  private readonly options: EmailNotifierOptions;
  private readonly mailer: ReturnType<typeof createTransport>;

  constructor(options: EmailNotifierOptions) {
    this.options = options;
    this.destination = `smtp://${options.host}:${options.port}`;
    const { username, password } = options;
    this.mailer = createTransport({
      host: options.host,
      port: options.port,
      secure: options.security === 'tls',
      requireTLS: options.security === 'starttls',
      ignoreTLS: options.security === 'none',
      connectionTimeout: options.connectionTimeoutMs,
      greetingTimeout: options.greetingTimeoutMs,
      socketTimeout: options.socketTimeoutMs,
      dnsTimeout: options.connectionTimeoutMs,
      ...(username === undefined ? {} : { auth: { user: username, pass: password ?? '' } }),
    });
  }

  async deliver(event: NotifyEvent, attempt: DeliveryAttempt): Promise<DeliveryOutcome> {
    try {
      await this.mailer.sendMail({
        from: this.options.from,
        to: [...this.options.to],
        subject: alertSubject(event),
        text: alertBody(event),
        messageId: `<${createHash('sha256').update(attempt.idempotencyKey).digest('hex').slice(0, 32)}@raqib.invalid>`,
        headers: {
          'X-Raqib-Idempotency-Key': attempt.idempotencyKey,
          'X-Raqib-Severity': event.severity,
          'X-Raqib-Event': event.type,
        },
        signal: attempt.signal,
      });
      return { ok: true };
    } catch (error) {
      const responseCode = (error as { responseCode?: unknown }).responseCode;
      const rejected = typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
      return { ok: false, retryable: !rejected, error: errorText(error) };
    }
  }

  async close(): Promise<void> {
    this.mailer.close();
  }
}
