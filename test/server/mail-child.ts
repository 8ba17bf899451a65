/**
 * A server instance's outbox worker sending email alone, in a process of its own, for
 * mail-kill.test.ts to kill -9: opens the SQLite store at MAIL_DB and sends its `email` messages
 * through the SMTP server at MAIL_SMTP with the server's own mail sender.
 */
import { signedLinks } from '../../src/server/integrations/mail/links.js';
import { EMAIL_KIND, mailSenders } from '../../src/server/integrations/mail/notifications.js';
import { mailTransport } from '../../src/server/integrations/mail/transport.js';
import { startOutboxWorker } from '../../src/server/outbox/worker.js';
import { openSqliteStore } from '../../src/server/store/index.js';

const SECRET = 'mail-kill-secret-at-least-32-characters!';
const settings = {
  smtpUrl: process.env.MAIL_SMTP!,
  from: 'Colloquy <comments@example.com>',
  dir: null,
  dailyCap: 20,
  ownerEmail: null,
  ownerMode: 'all' as const,
  siteUrl: null,
  linkOrigin: 'https://comments.example.com',
};
const store = await openSqliteStore(process.env.MAIL_DB!);
const senders = mailSenders(
  {
    settings,
    secret: SECRET,
    links: signedLinks(SECRET),
    publicUrl: settings.linkOrigin,
    adminLink: (id) => `${settings.linkOrigin}/admin#comment-${id}`,
    trustedOrigins: [],
    clock: Date.now,
  },
  mailTransport(settings),
);
startOutboxWorker({ store, senders: { [EMAIL_KIND]: senders[EMAIL_KIND]! }, leaseMs: Number(process.env.MAIL_LEASE_MS), pollMs: 20, log: (line) => console.error(line) });
// The worker's timers do not hold the process open; a server's listening socket would.
setInterval(() => {}, 1 << 30);
console.log('ready');
