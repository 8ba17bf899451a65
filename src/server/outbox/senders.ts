/**
 * The senders of the outbox worker, one per message kind, from the configuration: what
 * `createColloquy` (library.ts) starts the worker with. A kind whose setting is off has no
 * sender here, and this instance leaves its messages to an instance that has one.
 */
import type { AppConfig } from '../app.js';
import { WEBHOOK_KIND, derivedWebhookSecret, webhookSender } from '../webhook.js';
import { mailSendersFor } from '../mail/setup.js';
import type { Sender } from './worker.js';

export function outboxSenders(config: AppConfig): Record<string, Sender> {
  const senders: Record<string, Sender> = {};
  const webhook = config.webhook;
  if (webhook) senders[WEBHOOK_KIND] = webhookSender({ ...webhook, secret: webhook.secret ?? derivedWebhookSecret(config.secret) });
  // Email (src/server/mail/): confirmations, reply notifications, the owner's and "my comments" emails.
  Object.assign(senders, mailSendersFor(config));
  return senders;
}
