/**
 * The senders of the outbox worker, one per message kind, from the configuration: what
 * `createColloquy` (library.ts) starts the worker with. A kind whose setting is off has no
 * sender here, and this instance leaves its messages to an instance that has one.
 *
 * The set owns what its senders hold open (the SMTP transport, whose pooled connections keep
 * a socket to the SMTP server): `close()` it once the worker has stopped (the worker's
 * `closeSenders` does), or the process, and the SMTP server's side, stay waiting on it.
 */
import type { AppConfig } from '../app.js';
import { WEBHOOK_KIND, derivedWebhookSecret, webhookSender } from '../integrations/webhook.js';
import { mailContextFor } from '../integrations/mail/setup.js';
import { mailSenders } from '../integrations/mail/notifications.js';
import { mailTransport } from '../integrations/mail/transport.js';
import type { Sender } from './worker.js';

export interface OutboxSenders {
  senders: Record<string, Sender>;
  /** Closes what the senders hold open; call it once no send is in flight. Closing twice is harmless. */
  close(): void;
}

export function outboxSenders(config: AppConfig, clock: () => number = Date.now): OutboxSenders {
  const senders: Record<string, Sender> = {};
  const closers: (() => void)[] = [];
  const webhook = config.webhook;
  if (webhook) senders[WEBHOOK_KIND] = webhookSender({ ...webhook, secret: webhook.secret ?? derivedWebhookSecret(config.secret) });
  // Email (src/server/integrations/mail/): confirmations, reply notifications, the owner's and "my comments" emails.
  const mail = mailContextFor(config, clock);
  if (mail) {
    const transport = mailTransport(config.mail!);
    Object.assign(senders, mailSenders(mail, transport));
    closers.push(() => transport.close());
  }
  let closed = false;
  return {
    senders,
    close() {
      if (closed) return;
      closed = true;
      for (const close of closers) close();
    },
  };
}
