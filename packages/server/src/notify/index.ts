export type { Notifier, NotifierStats } from './notifier.js';
export { combineNotifiers } from './notifier.js';
export type { NotifyEvent, NotifyEvidence, NotifyPayload } from './notify-event.js';
export { idempotencyKey, payloadJson } from './notify-event.js';
export { systemClock, type NotifyClock } from './clock.js';
export { DeadLetterFile, type DeadLetterRecord, type DeadLetterSink } from './dead-letter-file.js';
export { QueuedNotifier, type DeliveryHealthListener, type DeliveryPolicy } from './queued-notifier.js';
export { createWebhookNotifier, IDEMPOTENCY_HEADER, type WebhookNotifierOptions } from './webhook-notifier.js';
export {
  SIGNATURE_HEADER,
  signWebhookBody,
  verifyWebhookSignature,
  type SignatureCheck,
  type VerifyWebhookSignatureInput,
} from './webhook-signature.js';
export { createMqttNotifier, mqttTopic, type MqttNotifierOptions } from './mqtt-notifier.js';
export { createEmailNotifier, type EmailNotifierOptions } from './email-notifier.js';
export { TerminalNotifier, type TerminalNotifierOptions } from './terminal-notifier.js';
export { alertSubject, alertBody } from './alert-text.js';
export {
  notifyConfigSchema,
  parseNotifyConfig,
  type NotifyConfig,
  type NotifierConfig,
} from './notify-config-schema.js';
export { loadNotifyFile, parseNotifyText } from './load-notify-file.js';
export { createNotifiers, ALLOWED_HOSTS_ENV, type NotifyDeps } from './create-notifiers.js';
