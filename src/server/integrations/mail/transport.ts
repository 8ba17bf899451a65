/**
 * Where email goes: an SMTP server (`COLLOQUY_SMTP_URL`, through nodemailer), or, in the demo
 * with no SMTP server, one `.eml` file per message in a folder beside the database
 * (`./data/mail/`), which the demo's mail viewer lists.
 *
 * Every message carries a plain-text and an HTML part, `Auto-Submitted: auto-generated` (so
 * no auto-responder answers it), and, when it is a notification, the RFC 8058 one-click
 * unsubscribe headers. Messages are built by the templates (templates.ts) and sent by the
 * outbox worker, which retries what fails; {@link isPermanentMailError} says what to stop retrying.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions, type TransportOptions } from 'nodemailer';

export interface MailMessage {
  /** One address, as stored (trimmed, lower-cased). */
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The one-click unsubscribe URL (HTTPS in production): sent as `List-Unsubscribe` with `List-Unsubscribe-Post`. */
  unsubscribeUrl?: string;
  /** Its `Message-ID` (`<…@…>`): the same for every try of one message, so a mailbox can drop a repeat. */
  messageId?: string;
}

export interface MailConfig {
  /** `COLLOQUY_SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…:465`), or `null`. */
  smtpUrl: string | null;
  /** `COLLOQUY_MAIL_FROM`: `Name <address>` or an address. */
  from: string;
  /** Without `smtpUrl`, the folder `.eml` files are written to (the demo's); `null` for no mail at all. */
  dir: string | null;
}

export interface MailTransport {
  /** Resolves once the SMTP server accepted the message (or its file is written); throws otherwise. */
  send(message: MailMessage): Promise<void>;
  /** `smtp://host:port` (no credentials) or the folder: for logs. */
  readonly description: string;
  close(): void;
}

/** How long an SMTP server may take: to connect, to greet, and between any two of its answers. */
export const SMTP_TIMEOUTS_MS = { connection: 10_000, greeting: 10_000, socket: 30_000 } as const;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export function mailTransport(config: MailConfig): MailTransport {
  if (config.smtpUrl !== null) return smtpTransport(config.smtpUrl, config.from);
  if (config.dir !== null) return folderTransport(config.dir, config.from);
  throw new Error('mailTransport: neither an SMTP URL nor a mail folder is configured.');
}

/** What nodemailer is given for `message`: both parts, the headers every message carries. */
function mailOptions(message: MailMessage, from: string): SendMailOptions {
  const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated' };
  if (message.unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${message.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return {
    from,
    to: message.to,
    // A header is one line, whatever a name in it held.
    subject: message.subject.replace(/[\r\n\t]+/g, ' '),
    text: message.text,
    html: message.html,
    headers,
    ...(message.messageId ? { messageId: message.messageId } : {}),
    // The HTML part is complete as written: nothing is fetched or inlined from elsewhere.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: SMTP_TIMEOUTS_MS.connection,
    greetingTimeout: SMTP_TIMEOUTS_MS.greeting,
    socketTimeout: SMTP_TIMEOUTS_MS.socket,
  } as TransportOptions);
  const parsed = new URL(url);
  return {
    description: `${parsed.protocol}//${parsed.host}`,
    async send(message) {
      await transporter.sendMail(mailOptions(message, from));
    },
    close() {
      transporter.close();
    },
  };
}

function folderTransport(dir: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let made = false;
  return {
    description: dir,
    async send(message) {
      const info = (await transporter.sendMail(mailOptions(message, from))) as { message: Buffer };
      if (!made) {
        mkdirSync(dir, { recursive: true, mode: DIR_MODE });
        made = true;
      }
      // Sortable by time; written under another name first, so a reader never sees half a file.
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      const temporary = join(dir, `.${name}.part`);
      writeFileSync(temporary, info.message, { mode: FILE_MODE });
      renameSync(temporary, join(dir, name));
    },
    close() {
      transporter.close();
    },
  };
}

/**
 * Whether retrying cannot help: the SMTP server answered with a permanent (5xx) code, such
 * as 550 "no such mailbox", or the address is one nodemailer cannot send to.
 */
export function isPermanentMailError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
  // A 4xx (mailbox busy, greylisting, over quota for now) is worth another try.
  if (typeof responseCode === 'number') return responseCode >= 500 && responseCode < 600;
  return code === 'EENVELOPE';
}
